/**
 * Daytona's `Sandbox`: one sandbox's data and lifecycle, with `process` and `fs`.
 */
import type { SandboxBackend } from '../engine/backend.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { SandboxHost, type SandboxInfo } from '../engine/sandbox-host.js'
import type { Platform } from '../platform/types.js'
import { DaytonaError, DaytonaTimeoutError, DaytonaValidationError, daytonaCall } from './errors.js'
import { FileSystem } from './FileSystem.js'
import { Process } from './Process.js'
import { CodeInterpreter } from './CodeInterpreter.js'
import { Git } from './Git.js'
import type { ForkSandboxParams, PortPreviewUrl, Resources, SandboxState, VolumeMount } from './types.js'

const hosts = new WeakMap<Sandbox, SandboxBackend>()

/** @internal The backend of a `Sandbox` (for tests; not exported from the package). */
export function backendOf(sandbox: Sandbox): SandboxBackend {
  const backend = hosts.get(sandbox)
  if (!backend) throw new TypeError('not a daylite Sandbox')
  return backend
}

/** @internal The engine-side host of a `Sandbox` that runs in WebAssembly (for tests; not exported from the package). */
export function hostOf(sandbox: Sandbox): SandboxHost {
  let backend: SandboxBackend | undefined = backendOf(sandbox)
  while (backend && !(backend instanceof SandboxHost)) backend = backend.inner?.()
  if (!backend) throw new TypeError('this Sandbox does not run in the in-process engine')
  return backend
}

/** What a `Sandbox` needs from the `Daytona` that made it: fork and resize happen where it runs. */
export interface SandboxPlacement {
  fork(sandbox: SandboxBackend, name?: string): Promise<SandboxBackend>
  resize(sandbox: SandboxBackend, resources: { cpu?: number; memory?: number; disk?: number }): Promise<void>
}

/** The handles a `Sandbox` needs. */
export interface SandboxContext {
  sandboxes: SandboxPlacement
  platform: Platform
}

/**
 * A sandbox. Fields mirror Daytona's Sandbox DTO and are refreshed after each lifecycle call
 * (and by `refreshData()`).
 * @example
 * ```ts
 * const sandbox = await daytona.create({ labels: { team: 'a' } })
 * const r = await sandbox.process.executeCommand('echo hi')
 * await sandbox.stop(); await sandbox.start(); await sandbox.delete()
 * ```
 */
export class Sandbox {
  /** File operations. */
  readonly fs: FileSystem
  /** Commands and sessions. */
  readonly process: Process
  /** Stateful Python: contexts whose variables persist between `runCode` calls. */
  readonly codeInterpreter: CodeInterpreter
  /** Git repositories in the sandbox: clone, commit, push, pull, branches, config. */
  readonly git: Git

  id!: string
  name!: string
  /** Always `local` in-process. */
  organizationId = 'local'
  snapshot?: string
  user!: string
  env?: Record<string, string>
  labels!: Record<string, string>
  public!: boolean
  /** `local` in-process; Daytona's region for a sandbox on the remote fallback. */
  target = 'local'
  /**
   * Where the sandbox runs: `wasm` (this process) or `remote` (the remote fallback). A sandbox
   * created with `target: 'auto'` changes from `wasm` to `remote` when it moves (see `onPromote`).
   * @remarks Extension.
   */
  placement: 'wasm' | 'remote' = 'wasm'
  cpu!: number
  gpu!: number
  memory!: number
  disk!: number
  state?: SandboxState
  errorReason?: string
  recoverable?: boolean
  autoStopInterval?: number
  autoArchiveInterval?: number
  autoDeleteInterval?: number
  volumes?: VolumeMount[]
  buildInfo?: { dockerfileContent?: string; contextHashes?: string[] }
  createdAt?: string
  updatedAt?: string
  lastActivityAt?: string
  networkBlockAll?: boolean
  networkAllowList?: string
  domainAllowList?: string
  /** Empty in-process: there is no toolbox proxy. */
  toolboxProxyUrl = ''

  #host: SandboxBackend
  #ctx: SandboxContext

  /** @internal */
  constructor(host: SandboxBackend, ctx: SandboxContext) {
    this.#host = host
    this.#ctx = ctx
    hosts.set(this, host)
    this.fs = new FileSystem(host, ctx.platform)
    this.process = new Process(host)
    this.codeInterpreter = new CodeInterpreter(host)
    this.git = new Git(host)
    this.#apply(host.info())
    host.watch?.(this, (sandbox) => sandbox.#refresh())
  }

  #apply(info: SandboxInfo): void {
    this.id = info.id
    this.name = info.name
    this.snapshot = info.snapshot
    this.user = info.user
    this.env = info.env
    this.labels = info.labels
    this.public = info.public
    this.cpu = info.cpu
    this.gpu = info.gpu
    this.memory = info.memory
    this.disk = info.disk
    this.state = info.state
    this.errorReason = info.errorReason
    this.recoverable = info.recoverable
    this.autoStopInterval = info.autoStopInterval
    this.autoArchiveInterval = info.autoArchiveInterval
    this.autoDeleteInterval = info.autoDeleteInterval
    this.volumes = []
    this.buildInfo = info.buildInfo
    this.createdAt = info.createdAt
    this.updatedAt = info.updatedAt
    this.lastActivityAt = info.lastActivityAt
    this.networkBlockAll = info.networkBlockAll
    this.networkAllowList = info.networkAllowList
    this.domainAllowList = info.domainAllowList
    this.placement = this.#host.placement === 'remote' ? 'remote' : 'wasm'
    this.target = this.#host.region ?? 'local'
  }

  #refresh(): void {
    this.#apply(this.#host.info())
  }

  async #do<T>(fn: () => Promise<T> | T): Promise<T> {
    try {
      return await daytonaCall(fn)
    } finally {
      this.#refresh()
    }
  }

  /** The home directory of the sandbox user (`/home/daytona`). */
  getUserHomeDir(): Promise<string | undefined> {
    return this.#do(() => {
      this.#assertRunning()
      return this.#host.homeDir
    })
  }

  /** @deprecated Daytona's old name of {@link Sandbox.getUserHomeDir}. */
  getUserRootDir(): Promise<string | undefined> {
    return this.getUserHomeDir()
  }

  /** The work dir: where relative paths and commands start (the image's WORKDIR or the home dir). */
  getWorkDir(): Promise<string | undefined> {
    return this.#do(() => {
      this.#assertRunning()
      return this.#host.workDir
    })
  }

  #assertRunning(): void {
    const state = this.#host.state
    if (state === 'destroyed') throw new SandboxError(SandboxErrorCode.NOT_FOUND, `sandbox ${this.id} was deleted`)
    if (state !== 'started') throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.id} is not running (state: ${state})`)
  }

  /** Replaces the labels (the `code-toolbox-language` label is kept unless given). */
  setLabels(labels: Record<string, string>): Promise<Record<string, string>> {
    return this.#do(() => {
      if (typeof labels !== 'object' || labels === null) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'labels must be an object of strings')
      for (const [k, v] of Object.entries(labels)) {
        if (typeof v !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `label ${k} must be a string`)
      }
      const language = this.#host.info().labels['code-toolbox-language']
      const next = language !== undefined && labels['code-toolbox-language'] === undefined ? { ...labels, 'code-toolbox-language': language } : { ...labels }
      return this.#host.setLabels(next)
    })
  }

  /** Starts a stopped or archived sandbox; its files are as it left them. */
  start(_timeout?: number): Promise<void> {
    return this.#do(() => this.#host.start())
  }

  /** Brings a sandbox in the error state back with its files. */
  recover(_timeout?: number): Promise<void> {
    return this.#do(() => this.#host.recover())
  }

  /** Stops the sandbox: running commands end, sessions close, files stay. */
  stop(_timeout?: number, _force?: boolean): Promise<void> {
    return this.#do(async () => {
      await this.#host.stop()
      if (this.#host.info().autoDeleteInterval === 0) await this.#host.delete()
    })
  }

  /** Creates a new sandbox with a copy of this one's files. */
  fork(params?: ForkSandboxParams, _timeout?: number): Promise<Sandbox> {
    return this.#do(async () => new Sandbox(await this.#ctx.sandboxes.fork(this.#host, params?.name), this.#ctx))
  }

  /** @deprecated Daytona's old name of {@link Sandbox.fork}. */
  _experimental_fork(params?: ForkSandboxParams, timeout?: number): Promise<Sandbox> {
    return this.fork(params, timeout)
  }

  /** Deletes the sandbox and its files. */
  delete(_timeout?: number, _wait?: boolean): Promise<void> {
    return this.#do(() => this.#host.delete())
  }

  /** Resolves when the sandbox is started; throws if it is in an error state. */
  waitUntilStarted(timeout = 60): Promise<void> {
    return this.#waitFor(['started'], timeout)
  }

  /** Resolves when the sandbox is stopped (or deleted). */
  waitUntilStopped(timeout = 60): Promise<void> {
    return this.#waitFor(['stopped', 'destroyed'], timeout)
  }

  async #waitFor(states: string[], timeout: number): Promise<void> {
    if (typeof timeout !== 'number' || Number.isNaN(timeout)) throw new DaytonaValidationError('timeout must be a number of seconds', 400, undefined, 'BAD_REQUEST')
    const deadline = Date.now() + (timeout > 0 ? timeout * 1000 : Infinity)
    for (;;) {
      this.#refresh()
      const state = this.#host.state
      if (states.includes(state)) return
      if (state === 'error') throw new DaytonaError(`Sandbox ${this.id} failed: ${this.errorReason ?? 'error state'}`)
      if (Date.now() > deadline) throw new DaytonaTimeoutError(`Sandbox ${this.id} did not reach ${states.join('/')} within ${timeout} seconds`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** Re-reads the sandbox's fields. */
  refreshData(): Promise<void> {
    return this.#do(() => this.#host.refresh?.())
  }

  /** Records activity, postponing auto-stop. */
  refreshActivity(): Promise<void> {
    return this.#do(() => this.#host.refreshActivity())
  }

  /** Minutes of inactivity before auto-stop (0 = never). */
  setAutostopInterval(interval: number): Promise<void> {
    return this.#do(() => this.#host.setInterval('autoStopInterval', checkMinutes(interval, 'autoStopInterval')))
  }

  /** Minutes stopped before auto-archive (0 = the 30-day maximum). */
  setAutoArchiveInterval(interval: number): Promise<void> {
    return this.#do(() => this.#host.setInterval('autoArchiveInterval', checkMinutes(interval, 'autoArchiveInterval')))
  }

  /** Minutes stopped before auto-delete (negative = never, 0 = at once). */
  setAutoDeleteInterval(interval: number): Promise<void> {
    return this.#do(() => {
      if (typeof interval !== 'number' || !Number.isInteger(interval)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'autoDeleteInterval must be an integer')
      return this.#host.setInterval('autoDeleteInterval', interval < 0 ? -1 : interval)
    })
  }

  /** Sets and unsets environment variables for future commands and sessions. */
  updateEnv(env: Record<string, string>, options?: { unset?: string[] }): Promise<void> {
    return this.#do(() => {
      if (typeof env !== 'object' || env === null) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'env must be an object of strings')
      for (const [k, v] of Object.entries(env)) {
        if (typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `invalid environment variable ${k}`)
      }
      const unset = options?.unset ?? []
      if (!Array.isArray(unset) || unset.some((k) => typeof k !== 'string')) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'unset must be an array of variable names')
      return this.#host.updateEnv(env, unset)
    })
  }

  /**
   * The preview link of a port: the URL of a server listening on it in the sandbox. Only a
   * sandbox on the remote fallback (`placement: 'remote'`) has ports; in WebAssembly this raises
   * a clear error that names the fallback (a server there cannot start, and an `auto` sandbox
   * moves when one tries).
   * @example
   * ```ts
   * const sandbox = await daytona.create({ target: 'remote' })
   * await sandbox.process.executeCommand('nohup python3 -m http.server 8000 > /dev/null 2>&1 &')
   * const { url } = await sandbox.getPreviewLink(8000)
   * ```
   */
  getPreviewLink(port: number): Promise<PortPreviewUrl> {
    return this.#do(async () => {
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'port must be an integer between 1 and 65535', { port })
      }
      this.#assertRunning()
      if (!this.#host.previewLink) {
        throw new SandboxError(SandboxErrorCode.UNSUPPORTED, `a preview link needs a server listening on port ${port}, which the WebAssembly sandbox cannot run; use the remote fallback`, { port })
      }
      return this.#host.previewLink(port)
    })
  }

  /** Archives a stopped sandbox. */
  archive(): Promise<void> {
    return this.#do(() => this.#host.archive())
  }

  /** Changes cpu, memory (GiB) and disk (GiB); the disk can only grow while started. */
  resize(resources: Pick<Resources, 'cpu' | 'memory' | 'disk'>, _timeout?: number): Promise<void> {
    return this.#do(() => {
      if (typeof resources !== 'object' || resources === null) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'resources must be an object')
      if ('gpu' in resources) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'gpu cannot be resized')
      return this.#ctx.sandboxes.resize(this.#host, resources)
    })
  }

  /** Resolves at once: resizing is synchronous in-process. */
  waitForResizeComplete(_timeout?: number): Promise<void> {
    return this.#do(() => undefined)
  }
}

function checkMinutes(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `${what} must be a non-negative integer`, { [what]: value })
  }
  return value
}
