/**
 * Where `Daytona.create()` puts a sandbox, and how `get`/`list`/`fork`/`resize` find it again:
 * the in-process engine, the remote runner, or the engine first and the remote later (`auto`).
 * The rules themselves are in `rules.ts`.
 */
import { sortSandboxes, matchesList, type SandboxBackend } from '../engine/backend.js'
import type { CreateOptions, Engine, ListOptions } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { PoolStats } from '../engine/kernel-pool.js'
import { SandboxHost } from '../engine/sandbox-host.js'
import { parseTarget, resolveRemote, type PromoteEvent, type RemoteConfig, type ResolvedRemote, type SandboxTarget } from './config.js'
import { PlacedSandbox } from './placed.js'
import { RemoteSandbox } from './remote-sandbox.js'
import { createNeeds, fallbackHint, needMessage, runtimeNeed } from './rules.js'
import { RemoteRunner, type RemoteCreateParams } from './runner.js'

/** One `create` call, as `Daytona` hands it over. */
export interface PlaceRequest {
  /** The engine's create options (the Dockerfile of an `Image` included). */
  options: CreateOptions
  /** `create({ target })`: `wasm`, `remote`, `auto`, or a Daytona region. */
  target?: unknown
  /** Daytona volumes to mount (remote only). */
  volumes?: unknown[]
  /** Daytona parameters the engine does not take (secrets, ttlMinutes…), for a remote sandbox. */
  extra?: Record<string, unknown>
  /** Called if this sandbox moves to the remote runner. */
  onPromote?: (event: PromoteEvent) => void
  /** Seconds `create` may wait (Daytona's `timeout`), for a remote sandbox. */
  timeout?: number
}

/** Options of {@link Placement}. */
export interface PlacementOptions {
  engine: Engine
  /** `DaytonaConfig.remote` (`false`: none, even if `DAYTONA_API_KEY` is set). */
  remote?: RemoteConfig | false
  /** `DaytonaConfig.target`: a placement target, or Daytona's region of the remote. */
  target?: string
}

/** The sandboxes of one `Daytona`, wherever they run. */
export class Placement {
  #engine: Engine
  #remote: ResolvedRemote | undefined
  #runner: RemoteRunner | undefined
  #default: SandboxTarget
  /** Placed wrappers of the engine's sandboxes. */
  #placed = new WeakMap<SandboxHost, PlacedSandbox>()
  /** Sandboxes that run remotely (created there or moved there), by id, name and former id. */
  #remoteIndex = new Map<string, SandboxBackend>()
  #remoteSandboxes = new Set<SandboxBackend>()

  constructor(options: PlacementOptions) {
    this.#engine = options.engine
    this.#remote = resolveRemote(options.remote, options.target)
    if (this.#remote) this.#runner = new RemoteRunner(this.#remote)
    const configured = options.target !== undefined && ['wasm', 'remote', 'auto'].includes(options.target) ? (options.target as SandboxTarget) : undefined
    this.#default = configured ?? this.#remote?.defaultTarget ?? 'wasm'
  }

  /** True when a remote Daytona is configured. */
  get remoteConfigured(): boolean {
    return this.#runner !== undefined
  }

  /** The target of `create()` calls that give none. */
  get defaultTarget(): SandboxTarget {
    return this.#default
  }

  #track(sandbox: SandboxBackend, ...keys: string[]): void {
    this.#remoteSandboxes.add(sandbox)
    for (const k of [sandbox.id, sandbox.name, ...keys]) if (k) this.#remoteIndex.set(k, sandbox)
  }

  #untrackDeleted(): void {
    for (const s of this.#remoteSandboxes) {
      if (s.state !== 'destroyed') continue
      this.#remoteSandboxes.delete(s)
      for (const [k, v] of this.#remoteIndex) if (v === s) this.#remoteIndex.delete(k)
    }
  }

  #wrap(host: SandboxHost, mode: 'auto' | 'wasm', remoteParams: RemoteCreateParams, named: boolean, onPromote?: (e: PromoteEvent) => void): PlacedSandbox {
    const callbacks = [onPromote, this.#remote?.onPromote].filter((c): c is (e: PromoteEvent) => void => c !== undefined)
    const placed = new PlacedSandbox(host, {
      runner: this.#runner,
      mode,
      remoteParams,
      named,
      onPromote: callbacks,
      moved: (sandbox, previousId) => this.#track(sandbox, previousId),
    })
    this.#placed.set(host, placed)
    return placed
  }

  /** The placed wrapper of an engine sandbox (made on first sight, in the default mode). */
  #placedOf(host: SandboxHost): PlacedSandbox {
    return this.#placed.get(host) ?? this.#wrap(host, this.#default === 'auto' ? 'auto' : 'wasm', {}, host.name !== host.id)
  }

  #noRemote(what: string): SandboxError {
    return new SandboxError(SandboxErrorCode.UNSUPPORTED, `${what} needs the remote fallback, and none is configured: ${fallbackHint(false)}`)
  }

  #assertOpen(): void {
    if (this.#engine.disposed) throw new SandboxError(SandboxErrorCode.DISPOSED, 'this Daytona instance was disposed')
  }

  /** Creates a sandbox where the rules say. */
  async create(req: PlaceRequest): Promise<SandboxBackend> {
    this.#assertOpen()
    const { target, region } = parseTarget(req.target, this.#default)
    const o = req.options
    const remoteParams: RemoteCreateParams = {
      name: o.name,
      user: o.user,
      language: o.language,
      envVars: o.env,
      labels: o.labels,
      public: o.public,
      autoStopInterval: o.autoStopInterval,
      autoArchiveInterval: o.autoArchiveInterval,
      autoDeleteInterval: o.autoDeleteInterval,
      networkBlockAll: o.networkBlockAll,
      networkAllowList: o.networkAllowList,
      domainAllowList: o.domainAllowList,
      snapshot: o.snapshot,
      dockerfile: o.dockerfile,
      resources: o.resources,
      extra: { ...req.extra, volumes: req.volumes },
      region,
      onBuildLog: o.onBuildLog,
      timeout: req.timeout,
    }
    const toRemote = async (): Promise<SandboxBackend> => {
      const runner = this.#runner
      if (!runner) throw this.#noRemote(region !== undefined ? `target '${region}' (a Daytona region)` : "target: 'remote'")
      const sandbox = await runner.create(remoteParams)
      this.#track(sandbox)
      return sandbox
    }
    if (target === 'remote') return toRemote()
    const needs = createNeeds({ gpu: o.resources?.gpu, volumes: req.volumes, dockerfile: o.dockerfile })
    if (needs.length > 0 && target === 'auto' && this.#runner) return toRemote()
    // Without a remote (or with target: 'wasm'), a FROM we do not emulate is recorded, not refused.
    const blocking = needs.filter((n) => n.rule !== 'image-base')
    const first = blocking[0]
    if (first) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, needMessage(first, this.#runner !== undefined), { rule: first.rule })
    let host: SandboxHost
    try {
      host = await this.#engine.create(o)
    } catch (error) {
      // An image step that failed for a reason only Linux fixes: build it remotely instead.
      if (target === 'auto' && this.#runner && error instanceof SandboxError && o.dockerfile !== undefined) {
        const exitCode = typeof error.data.exitCode === 'number' ? error.data.exitCode : 1
        if (runtimeNeed(exitCode, error.message)) return toRemote()
      }
      throw error
    }
    const named = o.name !== undefined
    return this.#wrap(host, target === 'auto' ? 'auto' : 'wasm', remoteParams, named, req.onPromote)
  }

  /** A sandbox by id or name: the engine's, one that runs remotely, or one the remote Daytona has. */
  async get(idOrName: string): Promise<SandboxBackend> {
    this.#assertOpen()
    this.#untrackDeleted()
    const known = this.#remoteIndex.get(idOrName)
    if (known) return known
    try {
      return this.#placedOf(this.#engine.get(idOrName))
    } catch (error) {
      if (!this.#runner || !(error instanceof SandboxError) || error.code !== SandboxErrorCode.NOT_FOUND) throw error
      const sandbox = await this.#runner.get(idOrName)
      this.#track(sandbox)
      return sandbox
    }
  }

  /** The sandboxes of this `Daytona` matching `options` (the engine's and the remote ones it made or met), sorted. */
  list(options: ListOptions = {}): SandboxBackend[] {
    this.#untrackDeleted()
    const local: SandboxBackend[] = this.#engine.list(options).map((h) => this.#placedOf(h))
    const remote = [...new Set(this.#remoteIndex.values())].filter((s) => !(s instanceof PlacedSandbox) || s.placement === 'remote')
    const remoteMatches = remote.filter((s) => matchesList(s.info(), options))
    if (remoteMatches.length === 0) return local
    return sortSandboxes([...local, ...remoteMatches], options)
  }

  /** A new sandbox with a copy of `source`'s files, where `source` runs. */
  async fork(source: SandboxBackend, name?: string): Promise<SandboxBackend> {
    const inner = source instanceof PlacedSandbox ? source.inner() : source
    if (inner instanceof RemoteSandbox) {
      const forked = await inner.fork(name)
      this.#track(forked)
      return forked
    }
    if (!(inner instanceof SandboxHost)) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, 'this sandbox cannot be forked')
    const host = await this.#engine.fork(inner, name)
    const mode = source instanceof PlacedSandbox ? source.mode : 'wasm'
    return this.#wrap(host, mode, {}, name !== undefined)
  }

  /** Resizes `sandbox` where it runs. */
  async resize(sandbox: SandboxBackend, resources: { cpu?: number; memory?: number; disk?: number }): Promise<void> {
    const inner = sandbox instanceof PlacedSandbox ? sandbox.inner() : sandbox
    if (inner instanceof RemoteSandbox) return inner.resize(resources)
    if (!(inner instanceof SandboxHost)) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, 'this sandbox cannot be resized')
    return this.#engine.resize(inner, resources)
  }

  /** The engine's counts, and the number of sandboxes (remote ones included). */
  stats(): PoolStats & { sandboxes: number } {
    this.#untrackDeleted()
    const s = this.#engine.stats()
    return { ...s, sandboxes: s.sandboxes + this.#remoteSandboxes.size }
  }

  /** Disposes the engine and closes the remote clients (remote sandboxes are not deleted, as with Daytona's SDK). */
  async dispose(): Promise<void> {
    await this.#runner?.dispose()
    await this.#engine.dispose()
  }
}
