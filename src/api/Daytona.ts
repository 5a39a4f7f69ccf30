/**
 * Daytona's entry point, in-process: `new Daytona()` needs no API key, no server and no network.
 */
import { platform } from '#platform'
import { Engine, type CreateOptions } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { PoolStats } from '../engine/kernel-pool.js'
import { Placement } from '../remote/placement.js'
import { daytonaCall, toDaytonaError } from './errors.js'
import { Image } from './Image.js'
import { Sandbox, type SandboxContext } from './Sandbox.js'
import type { CreateSandboxFromImageParams, CreateSandboxFromSnapshotParams, DaytonaConfig, ForkSandboxParams, ListSandboxesQuery } from './types.js'

type CreateParams = CreateSandboxFromSnapshotParams | CreateSandboxFromImageParams

/**
 * Creates and finds sandboxes. Each instance owns a pool of kernel workers; `dispose()` (or
 * `await using`) terminates them.
 * @example
 * ```ts
 * import { Daytona } from 'daylite'
 * const daytona = new Daytona()
 * const sandbox = await daytona.create({ labels: { team: 'a' } })
 * console.log((await sandbox.process.executeCommand('echo hi')).result)
 * await daytona.dispose()
 * ```
 */
export class Daytona implements AsyncDisposable {
  #engine: Engine
  #placement: Placement
  #ctx: SandboxContext

  /**
   * @param config - Daytona's configuration (accepted, not needed in-process) and daylite's
   *   extensions; `remote` (or `DAYTONA_API_KEY` in the environment) configures the remote fallback
   */
  constructor(config: DaytonaConfig = {}) {
    this.#engine = new Engine({ platform, workerUrl: config.workerUrl, limits: config.limits, sandboxLimits: config.sandboxLimits })
    try {
      this.#placement = new Placement({ engine: this.#engine, remote: config.remote, target: config.target })
    } catch (error) {
      throw toDaytonaError(error)
    }
    this.#ctx = { sandboxes: this.#placement, platform }
    this.#engine.warm()
  }

  /**
   * Creates and starts a sandbox (from Daytona's default snapshot, a named default snapshot, or
   * an `Image` whose ENV/WORKDIR/RUN steps run in it). `target` (extension) says where it runs:
   * `wasm`, `remote` (the remote fallback) or `auto`; an image that needs Linux goes remote in
   * `auto` and is refused with a hint otherwise.
   * @param params - Daytona's create parameters
   * @param options - `timeout` in seconds; `onSnapshotCreateLogs` receives the image build log
   */
  create(params?: CreateSandboxFromSnapshotParams, options?: { timeout?: number } | number): Promise<Sandbox>
  create(params?: CreateSandboxFromImageParams, options?: { onSnapshotCreateLogs?: (chunk: string) => void; timeout?: number } | number): Promise<Sandbox>
  create(params: CreateParams = {}, options?: { onSnapshotCreateLogs?: (chunk: string) => void; timeout?: number } | number): Promise<Sandbox> {
    return daytonaCall(async () => {
      if (typeof params !== 'object' || params === null) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'create params must be an object')
      const p = params as Partial<CreateSandboxFromImageParams> & CreateSandboxFromSnapshotParams
      if (p.autoPauseInterval) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'autoPauseInterval is only for pausable sandbox classes')
      const opts: CreateOptions = {
        name: p.name,
        user: p.user,
        language: p.language,
        env: p.envVars,
        labels: p.labels,
        public: p.public,
        snapshot: p.snapshot,
        resources: p.resources,
        autoStopInterval: p.autoStopInterval,
        autoArchiveInterval: p.autoArchiveInterval,
        autoDeleteInterval: p.ephemeral ? 0 : p.autoDeleteInterval,
        networkBlockAll: p.networkBlockAll,
        networkAllowList: p.networkAllowList,
        domainAllowList: p.domainAllowList,
        limits: p.limits,
      }
      if (p.image !== undefined) opts.dockerfile = p.image instanceof Image ? p.image.dockerfile : `FROM ${String(p.image)}\n`
      if (typeof options === 'object' && options !== null && 'onSnapshotCreateLogs' in options && options.onSnapshotCreateLogs) {
        opts.onBuildLog = options.onSnapshotCreateLogs
      }
      const timeout = typeof options === 'number' ? options : options?.timeout
      const extra = { secrets: p.secrets, ttlMinutes: p.ttlMinutes, kvm: p.kvm, spot: p.spot, linkedSandbox: p.linkedSandbox, outboundProxyUrl: p.outboundProxyUrl, otelEndpointOverride: p.otelEndpointOverride }
      const backend = await this.#placement.create({ options: opts, target: p.target, volumes: p.volumes, extra, onPromote: p.onPromote, timeout })
      return new Sandbox(backend, this.#ctx)
    })
  }

  /**
   * A sandbox by id or name.
   * @throws DaytonaNotFoundError when there is none
   */
  get(sandboxIdOrName: string): Promise<Sandbox> {
    return daytonaCall(async () => new Sandbox(await this.#placement.get(sandboxIdOrName), this.#ctx))
  }

  /**
   * Iterates over sandboxes matching the query (labels, states, resources, dates), sorted.
   * @example
   * ```ts
   * for await (const s of daytona.list({ labels: { team: 'a' }, states: ['started'] })) console.log(s.id)
   * ```
   */
  list(query?: ListSandboxesQuery): AsyncIterableIterator<Sandbox> {
    const placement = this.#placement
    const ctx = this.#ctx
    async function* generator(): AsyncGenerator<Sandbox> {
      const hosts = await daytonaCall(() => {
        if (query !== undefined && (typeof query !== 'object' || query === null)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'query must be an object')
        if (query?.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1)) {
          throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'limit must be a positive integer')
        }
        const sort = query?.sort === '11184809' ? undefined : query?.sort
        const order = query?.order === '11184809' ? undefined : query?.order
        return placement.list({ ...query, sort, order, states: query?.states as string[] | undefined })
      })
      for (const host of hosts) if (host.state !== 'destroyed') yield new Sandbox(host, ctx)
    }
    return generator()
  }

  /** Same as `sandbox.start()`. */
  start(sandbox: Sandbox, timeout?: number): Promise<void> {
    return daytonaCall(() => sandboxArg(sandbox).start(timeout))
  }

  /** Same as `sandbox.stop()`. */
  stop(sandbox: Sandbox): Promise<void> {
    return daytonaCall(() => sandboxArg(sandbox).stop())
  }

  /** Same as `sandbox.fork()`. */
  fork(sandbox: Sandbox, params?: ForkSandboxParams, timeout?: number): Promise<Sandbox> {
    return daytonaCall(() => sandboxArg(sandbox).fork(params, timeout))
  }

  /** @deprecated Daytona's old name of {@link Daytona.fork}. */
  _experimental_fork(sandbox: Sandbox, params?: ForkSandboxParams, timeout?: number): Promise<Sandbox> {
    return this.fork(sandbox, params, timeout)
  }

  /** Same as `sandbox.delete()`. */
  delete(sandbox: Sandbox, timeout?: number, wait?: boolean): Promise<void> {
    return daytonaCall(() => sandboxArg(sandbox).delete(timeout, wait))
  }

  /**
   * Worker pool counts and the number of sandboxes.
   * @remarks Extension.
   */
  stats(): PoolStats & { sandboxes: number } {
    return this.#placement.stats()
  }

  /**
   * Terminates every kernel worker and forgets every sandbox. Safe to call twice; any later call
   * throws `DaytonaGoneError`.
   * @remarks Extension (Daytona has only `[Symbol.asyncDispose]`).
   */
  dispose(): Promise<void> {
    return this.#placement.dispose()
  }

  /** `await using daytona = new Daytona()` disposes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }
}

/** The sandbox argument of `start`/`stop`/`fork`/`delete`: a `Sandbox`, or a validation error (not a TypeError). */
function sandboxArg(sandbox: unknown): Sandbox {
  if (!(sandbox instanceof Sandbox)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'sandbox must be a Sandbox returned by create(), get() or list()')
  return sandbox
}
