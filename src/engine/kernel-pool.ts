/**
 * The pool of kernel workers. A started sandbox borrows a worker while it is active and hands it
 * back when it parks; a few workers are kept spawned and idle so that nothing waits for a spawn.
 * When every worker is taken, the least recently used idle sandbox is parked to free one, and if
 * all are busy the request waits its turn (first come, first served).
 */
import type { Platform, WorkerHandle, WorkerSource } from '../platform/types.js'
import { SandboxError, SandboxErrorCode } from './errors.js'
import type { EngineLimits } from './limits.js'
import { RpcClient, type CallArgs, type CallResult, type Methods } from './rpc.js'
import type { Kernel } from './kernel/kernel.js'

/** Whoever holds a worker: a sandbox host. */
export interface KernelOwner {
  /** True when the owner has nothing running and may be parked to free its worker. */
  canPark(): boolean
  /** Detaches from the worker and releases it to the pool. */
  park(): Promise<void>
  /** Last time the owner used its worker (for LRU eviction). */
  readonly lastUsed: number
  /** A worker event (streamed output). */
  onKernelEvent(name: string, payload: unknown): void
  /** The worker died under the owner. */
  onKernelExit(reason: string): void
}

/** One kernel worker and its RPC client. */
export class KernelWorker {
  readonly rpc: RpcClient<Kernel>
  /** Base layer ids this worker already holds. */
  readonly bases = new Set<string>()
  /** Resolves when the worker has loaded and said it is ready. */
  readonly ready: Promise<void>
  owner: KernelOwner | undefined
  dead = false
  #handle: WorkerHandle
  /**
   * Shared with the kernel (where SharedArrayBuffer exists): {@link abortRunning} bumps it, and
   * the kernel's shell reads it between statements, so a command stuck in a busy shell loop ends
   * even though the kernel's thread never gets to read the `abortAll` message.
   */
  readonly #abortGeneration: Int32Array | undefined

  constructor(handle: WorkerHandle, onExit: (w: KernelWorker, reason: string) => void) {
    this.#handle = handle
    let resolveReady: () => void = () => {}
    let rejectReady: (e: SandboxError) => void = () => {}
    this.ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve
      rejectReady = reject
    })
    this.ready.catch(() => {})
    this.#abortGeneration = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined
    this.rpc = new RpcClient<Kernel>(handle, (name, payload) => {
      if (name === 'ready') resolveReady()
      else this.owner?.onKernelEvent(name, payload)
    })
    const flag = this.#abortGeneration
    if (flag) void this.ready.then(() => this.rpc.call('useAbortFlag', [flag.buffer as SharedArrayBuffer])).catch(() => {})
    handle.onExit((reason) => {
      this.dead = true
      const error = new SandboxError(SandboxErrorCode.WORKER_CRASHED, reason)
      this.rpc.close(error)
      rejectReady(error)
      onExit(this, reason)
    })
  }

  #holds = 0

  /**
   * Calls a kernel method. While any call is pending the worker keeps the host process alive;
   * an idle worker does not (a program that forgets `dispose()` still exits).
   */
  async call<K extends keyof Methods<Kernel>>(method: K, args: CallArgs<Kernel, K>, buffers?: ArrayBuffer[]): Promise<CallResult<Kernel, K>> {
    this.hold(true)
    try {
      return await this.rpc.call(method, args, buffers)
    } finally {
      this.hold(false)
    }
  }

  /** Counts a reason to keep the host process alive (a pending call, a pending spawn). */
  hold(on: boolean): void {
    this.#holds += on ? 1 : -1
    if (this.dead) return
    if (this.#holds > 0) this.#handle.ref()
    else this.#handle.unref()
  }

  /** Aborts every command the kernel runs now (stop, delete), busy shell loops included. */
  abortRunning(): void {
    if (this.#abortGeneration) Atomics.add(this.#abortGeneration, 0, 1)
    void this.call('abortAll', []).catch(() => {})
  }

  /** Terminates the worker. */
  async terminate(): Promise<void> {
    this.dead = true
    this.rpc.close(new SandboxError(SandboxErrorCode.DISPOSED, 'kernel worker terminated'))
    await this.#handle.terminate()
  }
}

/** Counts of the pool's workers. */
export interface PoolStats {
  alive: number
  idle: number
  leased: number
  waiting: number
}

/** The bounded, warm pool of kernel workers shared by all sandboxes of one engine. */
export class KernelPool {
  #platform: Platform
  #source: WorkerSource | undefined
  #limits: EngineLimits
  #idle: KernelWorker[] = []
  #leased = new Set<KernelWorker>()
  #spawning = 0
  #waiters: { resolve: (w: KernelWorker) => void; reject: (e: SandboxError) => void }[] = []
  #disposed = false
  #spawns = new Set<Promise<KernelWorker>>()
  /** Spawns started by `warm()` whose worker will go to the idle list (or to a waiter). */
  #warming = 0
  #lastSpawnError: SandboxError | undefined

  constructor(platform: Platform, limits: EngineLimits, source?: WorkerSource) {
    this.#platform = platform
    this.#limits = limits
    this.#source = source
  }

  /** Current counts. */
  stats(): PoolStats {
    return { alive: this.#idle.length + this.#leased.size + this.#spawning, idle: this.#idle.length, leased: this.#leased.size, waiting: this.#waiters.length }
  }

  #alive(): number {
    return this.#idle.length + this.#leased.size + this.#spawning
  }

  /** Spawns workers until `warmKernelWorkers` are idle (bounded by `maxKernelWorkers`). */
  warm(): void {
    let wanted = this.#limits.warmKernelWorkers - this.#idle.length - this.#warming
    while (!this.#disposed && wanted > 0 && this.#alive() < this.#limits.maxKernelWorkers) {
      wanted--
      this.#warming++
      this.#spawn().then(
        (w) => {
          this.#warming--
          this.#placed()
          this.#giveBack(w)
        },
        (error: unknown) => {
          // Do not retry at once: a worker that cannot start would spin. The next acquire retries.
          this.#warming--
          this.#lastSpawnError = error instanceof SandboxError ? error : new SandboxError(SandboxErrorCode.WORKER_CRASHED, String(error))
          if (this.#warming === 0) for (const w of this.#waiters.splice(0)) w.reject(this.#lastSpawnError)
        },
      )
    }
  }

  #spawn(): Promise<KernelWorker> {
    const p = this.#doSpawn()
    this.#spawns.add(p)
    void p.then(
      () => this.#spawns.delete(p),
      () => this.#spawns.delete(p),
    )
    return p
  }

  /**
   * Starts a worker. `#spawning` counts it until whoever receives it places it (in the idle list or
   * the leased set, via {@link KernelPool.#placed}), so the pool never counts fewer workers than exist.
   */
  async #doSpawn(): Promise<KernelWorker> {
    this.#spawning++
    let ok = false
    try {
      const handle = this.#platform.startKernelWorker(this.#source)
      const worker = new KernelWorker(handle, (w, reason) => this.#onExit(w, reason))
      worker.hold(true)
      try {
        await worker.ready
      } finally {
        worker.hold(false)
      }
      if (this.#disposed) {
        await worker.terminate()
        throw new SandboxError(SandboxErrorCode.DISPOSED, 'the engine was disposed')
      }
      ok = true
      return worker
    } finally {
      if (!ok) this.#spawning--
    }
  }

  /** A freshly spawned worker is now counted where it was put. */
  #placed(): void {
    this.#spawning--
  }

  #onExit(worker: KernelWorker, reason: string): void {
    this.#idle = this.#idle.filter((w) => w !== worker)
    if (this.#leased.delete(worker)) worker.owner?.onKernelExit(reason)
    worker.owner = undefined
    if (!this.#disposed) {
      this.warm()
      this.#serveWaiters()
    }
  }

  /** Leases a worker to `owner`, parking another sandbox or waiting if none is free. */
  async acquire(owner: KernelOwner): Promise<KernelWorker> {
    if (this.#disposed) throw new SandboxError(SandboxErrorCode.DISPOSED, 'the engine was disposed')
    const worker = await this.#take()
    if (this.#disposed) {
      this.#leased.delete(worker)
      void worker.terminate()
      throw new SandboxError(SandboxErrorCode.DISPOSED, 'the engine was disposed')
    }
    worker.owner = owner
    this.#leased.add(worker)
    this.warm()
    return worker
  }

  async #take(): Promise<KernelWorker> {
    const idle = this.#idle.pop()
    if (idle) {
      this.#leased.add(idle)
      return idle
    }
    // A warm-up spawn is on its way: wait for it rather than starting a second one that competes for the CPU.
    if (this.#warming > this.#waiters.length) return new Promise<KernelWorker>((resolve, reject) => this.#waiters.push({ resolve, reject }))
    if (this.#alive() < this.#limits.maxKernelWorkers) {
      const w = await this.#spawn()
      this.#leased.add(w)
      this.#placed()
      return w
    }
    const victim = this.#lruParkable()
    const waiting = new Promise<KernelWorker>((resolve, reject) => this.#waiters.push({ resolve, reject }))
    if (victim) void victim.park().catch(() => {})
    return waiting
  }

  #lruParkable(): KernelOwner | undefined {
    let best: KernelOwner | undefined
    for (const w of this.#leased) {
      const o = w.owner
      if (o && o.canPark() && (!best || o.lastUsed < best.lastUsed)) best = o
    }
    return best
  }

  /** True when a sandbox is waiting for a worker (an idle holder should park at once). */
  get contended(): boolean {
    return this.#waiters.length > 0
  }

  /** Takes a worker back from its owner (after detach). */
  release(worker: KernelWorker): void {
    this.#leased.delete(worker)
    worker.owner = undefined
    if (worker.dead) return
    this.#giveBack(worker)
  }

  #giveBack(worker: KernelWorker): void {
    if (this.#disposed) {
      void worker.terminate()
      return
    }
    const waiter = this.#waiters.shift()
    if (waiter) {
      // Counted as leased from now on, not only when the waiter resumes.
      this.#leased.add(worker)
      waiter.resolve(worker)
      return
    }
    if (this.#idle.length >= Math.max(this.#limits.warmKernelWorkers, 1) * 2) {
      void worker.terminate()
      return
    }
    this.#idle.push(worker)
  }

  #serveWaiters(): void {
    if (this.#waiters.length === 0) return
    if (this.#alive() < this.#limits.maxKernelWorkers) {
      void this.#spawn().then(
        (w) => {
          this.#placed()
          this.#giveBack(w)
        },
        (e: unknown) => this.#waiters.shift()?.reject(e instanceof SandboxError ? e : new SandboxError(SandboxErrorCode.WORKER_CRASHED, String(e))),
      )
    } else {
      const victim = this.#lruParkable()
      if (victim) void victim.park().catch(() => {})
    }
  }

  /** Kills a worker (watchdog, delete during a command). */
  async kill(worker: KernelWorker): Promise<void> {
    this.#leased.delete(worker)
    this.#idle = this.#idle.filter((w) => w !== worker)
    worker.owner = undefined
    await worker.terminate()
    if (!this.#disposed) {
      this.warm()
      this.#serveWaiters()
    }
  }

  /** Terminates every worker; later `acquire` calls fail with DISPOSED. */
  async dispose(): Promise<void> {
    this.#disposed = true
    const error = new SandboxError(SandboxErrorCode.DISPOSED, 'the engine was disposed')
    for (const w of this.#waiters.splice(0)) w.reject(error)
    const all = [...this.#idle, ...this.#leased]
    this.#idle = []
    this.#leased.clear()
    await Promise.all([...all.map((w) => w.terminate()), ...[...this.#spawns].map((p) => p.then((w) => w.terminate(), () => {}))])
  }
}
