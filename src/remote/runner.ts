/**
 * The remote runner: one `@daytonaio/sdk` client per region of the configured remote Daytona,
 * made on first use, and the translation of daylite's create options into the SDK's.
 */
import { LANGUAGE_LABEL, parseDockerfile } from '../engine/engine.js'
import type { ResolvedRemote } from './config.js'
import { RemoteSandbox } from './remote-sandbox.js'
import { loadSdk, remoteCall, type SdkDaytona, type SdkModule } from './sdk.js'

/** What a remote sandbox is created with (Daytona's create parameters, daylite's names). */
export interface RemoteCreateParams {
  name?: string
  user?: string
  language?: string
  envVars?: Record<string, string>
  labels?: Record<string, string>
  public?: boolean
  autoStopInterval?: number
  autoArchiveInterval?: number
  autoDeleteInterval?: number
  networkBlockAll?: boolean
  networkAllowList?: string
  domainAllowList?: string
  snapshot?: string
  /** Dockerfile text (from `Image` or an image name); sent as an SDK `Image`. */
  dockerfile?: string
  resources?: { cpu?: number; memory?: number; disk?: number; gpu?: number }
  /** Daytona's parameters daylite does not interpret (volumes, secrets, ttlMinutes, …), passed as they are. */
  extra?: Record<string, unknown>
  /** Daytona's region for this sandbox (default: the remote's). */
  region?: string
  /** Receives the image build log (Daytona `onSnapshotCreateLogs`). */
  onBuildLog?: (chunk: string) => void
  /** Seconds to wait for the sandbox to start (Daytona's default: 60). */
  timeout?: number
}

/** Daytona parameters passed through to the remote as they are, when given. */
const PASS_THROUGH = ['volumes', 'secrets', 'ttlMinutes', 'kvm', 'spot', 'linkedSandbox', 'outboundProxyUrl', 'otelEndpointOverride', 'autoPauseInterval'] as const

/** Makes and finds sandboxes on the configured remote Daytona. */
export class RemoteRunner {
  #config: ResolvedRemote
  #clients = new Map<string, Promise<SdkDaytona>>()
  #sdk: SdkModule | undefined

  constructor(config: ResolvedRemote) {
    this.#config = config
  }

  /** The remote's API URL (for messages). */
  get apiUrl(): string {
    return this.#config.apiUrl
  }

  #client(region = this.#config.target ?? ''): Promise<SdkDaytona> {
    let client = this.#clients.get(region)
    if (!client) {
      client = loadSdk().then((sdk) => {
        this.#sdk = sdk
        const config: ConstructorParameters<SdkModule['Daytona']>[0] = { apiKey: this.#config.apiKey, apiUrl: this.#config.apiUrl }
        if (region !== '') config.target = region
        return new sdk.Daytona(config)
      })
      client.catch(() => this.#clients.delete(region))
      this.#clients.set(region, client)
    }
    return client
  }

  /** Creates and starts a sandbox on the remote. */
  async create(params: RemoteCreateParams): Promise<RemoteSandbox> {
    const client = await this.#client(params.region)
    const sdk = this.#sdk as SdkModule
    const labels = { ...(params.labels ?? {}) }
    const language = params.language ?? labels[LANGUAGE_LABEL]
    delete labels[LANGUAGE_LABEL]
    const base: Record<string, unknown> = {}
    const set = (key: string, value: unknown): void => {
      if (value !== undefined) base[key] = value
    }
    set('name', params.name)
    set('user', params.user)
    set('language', language)
    set('envVars', params.envVars)
    set('labels', labels)
    set('public', params.public)
    set('autoStopInterval', params.autoStopInterval)
    set('autoArchiveInterval', params.autoArchiveInterval)
    set('autoDeleteInterval', params.autoDeleteInterval)
    set('networkBlockAll', params.networkBlockAll || undefined)
    set('networkAllowList', params.networkAllowList)
    set('domainAllowList', params.domainAllowList)
    for (const key of PASS_THROUGH) set(key, params.extra?.[key])
    if (params.dockerfile !== undefined) {
      base.image = toSdkImage(sdk, params.dockerfile)
      const r = params.resources
      if (r && (r.cpu !== undefined || r.memory !== undefined || r.disk !== undefined || r.gpu !== undefined)) base.resources = { ...r }
    } else {
      set('snapshot', params.snapshot)
    }
    const options: { timeout?: number; onSnapshotCreateLogs?: (chunk: string) => void } = {}
    if (params.timeout !== undefined) options.timeout = params.timeout
    if (params.onBuildLog) options.onSnapshotCreateLogs = params.onBuildLog
    const created = await remoteCall('create', () => client.create(base as Parameters<SdkDaytona['create']>[0], options))
    return RemoteSandbox.open(created)
  }

  /** A remote sandbox by id or name. */
  async get(idOrName: string): Promise<RemoteSandbox> {
    const client = await this.#client()
    return RemoteSandbox.open(await remoteCall('get', () => client.get(idOrName)))
  }

  /** Closes the SDK clients (their event streams). Remote sandboxes are not deleted, as with Daytona's SDK. */
  async dispose(): Promise<void> {
    const clients = [...this.#clients.values()]
    this.#clients.clear()
    for (const c of clients) {
      const client = await c.catch(() => undefined)
      await client?.[Symbol.asyncDispose]?.().catch(() => {})
    }
  }
}

/** Dockerfile text → the SDK's `Image` (its `FROM`, then the other lines as they are). */
export function toSdkImage(sdk: SdkModule, dockerfile: string): ReturnType<SdkModule['Image']['base']> {
  const from = parseDockerfile(dockerfile).from ?? 'debian:12'
  const rest = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^FROM\s/i.test(l))
  const image = sdk.Image.base(from)
  return rest.length > 0 ? image.dockerfileCommands(rest) : image
}
