/**
 * The owner side of the process model: starts WASI programs in pooled process workers, serves
 * their file-system channel against the owner's VFS without blocking its event loop, streams
 * their stdout/stderr, and kills them. Runs in the kernel worker (in tests: on the test thread).
 */
import { platform } from '#platform'
import type { SyncVfs } from '../vfs/index.js'
import { ChannelServer } from './channel-server.js'
import type { OutputPipe, StdinProvider, TranspileService } from './channel-server.js'
import { DATA_OFFSET, DEFAULT_DATA_BYTES, H, HEADER_BYTES, STATE, WAKE, waitAsync } from './protocol.js'
import type { InitMessage, MemoryImage, PrepareMessage, RunMessage, Wake, WorkerMessage } from './protocol.js'

/** The part of a platform worker handle the host uses (`Platform.startProcessWorker()` returns one). */
export interface ProcessWorkerHandle {
  post(message: unknown, transfer?: ArrayBuffer[]): void
  onMessage(listener: (message: unknown) => void): void
  onExit(listener: (reason: string) => void): void
  terminate(): Promise<void>
  unref(): void
  ref(): void
}

/** Options of {@link ProcessHost}. */
export interface ProcessHostOptions {
  /** Starts a process worker (default: the platform's `startProcessWorker()`). */
  startWorker?: () => ProcessWorkerHandle
  /** Idle workers kept for reuse (default 2). */
  poolSize?: number
  /** Bytes of the channel's data area, the largest single transfer (default 1 MiB). */
  channelBytes?: number
}

/** What to run. */
export interface SpawnOptions {
  /** The compiled program (compiled once by the caller; posted, not recompiled). */
  module: WebAssembly.Module
  /** argv including argv[0]. */
  args: string[]
  env?: Record<string, string>
  /** Working directory (default `/`). */
  cwd?: string
  /** The VFS the program's files live in; it stays on this thread. */
  vfs: SyncVfs
  /** stdin: fixed bytes, a string, or a provider asked for bytes as the program reads (blocking it meanwhile). */
  stdin?: Uint8Array | string | StdinProvider
  onStdout?: (bytes: Uint8Array) => void
  onStderr?: (bytes: Uint8Array) => void
  /**
   * stdout is a pipe whose writes wait for the reader: each write blocks the program until this
   * returns or resolves; `false` means the reader has gone and the program's write fails with
   * EPIPE (as on Linux, Python then raises BrokenPipeError). Replaces `onStdout`.
   */
  stdoutPipe?: (bytes: Uint8Array) => boolean | Promise<boolean>
  /** As {@link stdoutPipe}, for stderr (`|&`: the same pipe, in order with stdout). */
  stderrPipe?: (bytes: Uint8Array) => boolean | Promise<boolean>
  /** stdio are terminals (line-buffered in the guest). Default false. */
  tty?: boolean
  /**
   * The program is refused (exit 137) if its initial memory is larger. A lower cap on growth is
   * put into the module itself: `capMemory()` from `src/wasi` before compiling (see
   * docs/decisions/0004).
   */
  maxMemoryBytes?: number
  /**
   * Start from a memory snapshot (a module following daylite's snapshot protocol, see
   * docs/decisions/0005): the first such spawn of `module` in this host initialises it once with
   * `init` (its own argv, env and a VFS holding only the runtime's files, so no sandbox's state
   * leaks into the image) and keeps the memory; every run then restores that image into a fresh
   * instance and calls `daylite_run`. If initialisation fails, runs go cold.
   */
  snapshot?: SnapshotInit
  /** Serves the guest's `daylite.transpile` calls (TypeScript → JavaScript). */
  transpile?: TranspileService
}

/** How a snapshot module is initialised (see {@link SpawnOptions.snapshot}). */
export interface SnapshotInit {
  /**
   * Modules with the same key share one image (default: per module). Give modules that differ
   * only in their declared memory maximum (`capMemory`) the same key.
   */
  key?: string
  args: string[]
  env: Record<string, string>
  /** The VFS the initialisation sees (its runtime files only). */
  vfs: SyncVfs
  /**
   * What a run does while the image is not made yet: `'main'` runs the stock command line
   * (`daylite_main`) at once; `'init-run'` (default) waits for the image.
   */
  cold?: 'main' | 'init-run'
}

/** How a process ended. */
export interface ProcessResult {
  exitCode: number
  /** The trap message when the guest crashed. */
  trap?: string
  /** True when {@link WasiProcess.kill} ended it (exit code 137). */
  killed: boolean
  /** The guest's memory size at exit (bytes), when it exited by itself. */
  memoryBytes?: number
}

/** Thrown on use after dispose. */
export class ProcessHostDisposedError extends Error {
  constructor() {
    super('the process host is disposed')
    this.name = 'ProcessHostDisposedError'
  }
}

interface PooledWorker {
  handle: ProcessWorkerHandle
  ready: Promise<void>
  channel: SharedArrayBuffer
  /** The current run's message listener. */
  listener: ((m: WorkerMessage) => void) | undefined
  /** Called if the worker dies. */
  died: ((reason: string) => void) | undefined
  /** Keys of the modules this worker holds. */
  modules: Set<string>
}

const KILLED = 137
/** A snapshot initialisation taking longer than this is abandoned (and retried by a later spawn). */
const INIT_TIMEOUT_MS = 60_000

/** A running program. */
export class WasiProcess {
  /** Settles when the program ends: exit, kill, or a trap. Rejects on a host failure. */
  readonly exited: Promise<ProcessResult>
  readonly #kill: () => Promise<void>
  #running = true

  /** @internal */
  constructor(exited: Promise<ProcessResult>, kill: () => Promise<void>) {
    this.exited = exited.finally(() => {
      this.#running = false
    })
    this.#kill = kill
  }

  /** True until the program has ended. */
  get running(): boolean {
    return this.#running
  }

  /** Terminates the program's worker at once; the VFS and other processes are untouched. Safe to call twice. */
  kill(): Promise<void> {
    return this.#kill()
  }
}

/**
 * Runs WASI programs in process workers.
 *
 * @example
 * ```ts
 * await using host = new ProcessHost()
 * const p = host.spawn({ module, args: ['qjs', '-e', 'print(1)'], vfs, onStdout: (b) => ... })
 * const { exitCode } = await p.exited
 * ```
 */
export class ProcessHost {
  readonly #start: () => ProcessWorkerHandle
  readonly #poolSize: number
  readonly #channelBytes: number
  readonly #idle: PooledWorker[] = []
  readonly #busy = new Set<PooledWorker>()
  readonly #wake: Wake = waitAsync !== undefined ? WAKE.ATOMICS : WAKE.MESSAGE
  readonly #moduleKeys = new WeakMap<WebAssembly.Module, string>()
  /** Memory images by module key: pending while one worker initialises, null when init failed. */
  readonly #images = new Map<string, Promise<MemoryImage | null>>()
  /** The images already made (null: initialisation failed; runs go cold). */
  readonly #settled = new Map<string, MemoryImage | null>()
  #modulesSeen = 0
  #disposed = false

  constructor(options: ProcessHostOptions = {}) {
    this.#start = options.startWorker ?? (() => platform.startProcessWorker())
    this.#poolSize = options.poolSize ?? 2
    this.#channelBytes = options.channelBytes ?? DEFAULT_DATA_BYTES
  }

  /** Idle workers ready for the next program. */
  get idleCount(): number {
    return this.#idle.length
  }

  /** Workers running a program. */
  get busyCount(): number {
    return this.#busy.size
  }

  /** Starts idle workers up to `count` (default: the pool size) and waits until they are ready. */
  async prewarm(count = this.#poolSize): Promise<void> {
    this.#check()
    while (this.#idle.length < count) this.#idle.push(this.#newWorker())
    await Promise.all(this.#idle.map((w) => w.ready))
  }

  #check(): void {
    if (this.#disposed) throw new ProcessHostDisposedError()
  }

  #newWorker(): PooledWorker {
    const handle = this.#start()
    let ready!: () => void
    const w: PooledWorker = {
      handle,
      ready: new Promise<void>((r) => (ready = r)),
      channel: new SharedArrayBuffer(DATA_OFFSET + this.#channelBytes),
      listener: undefined,
      died: undefined,
      modules: new Set(),
    }
    handle.onMessage((message) => {
      const m = message as WorkerMessage
      if (m.type === 'ready') ready()
      else w.listener?.(m)
    })
    handle.onExit((reason) => {
      const i = this.#idle.indexOf(w)
      if (i >= 0) this.#idle.splice(i, 1)
      this.#busy.delete(w)
      w.died?.(reason)
    })
    handle.unref()
    return w
  }

  #keyOf(module: WebAssembly.Module): string {
    let key = this.#moduleKeys.get(module)
    if (key === undefined) {
      key = `module-${++this.#modulesSeen}`
      this.#moduleKeys.set(module, key)
    }
    return key
  }

  /** Time the last snapshot initialisation took, by module (for measurements). */
  readonly initMs = new Map<WebAssembly.Module, number>()

  /** Starts a program. */
  spawn(options: SpawnOptions): WasiProcess {
    this.#check()
    // The longest-idle worker first: one that just finished is still readying its standby instance.
    const w = this.#idle.shift() ?? this.#newWorker()
    this.#busy.add(w)
    w.handle.ref()
    const header = new Int32Array(w.channel, 0, HEADER_BYTES / 4)
    Atomics.store(header, H.STATE, STATE.IDLE)
    const stdin = options.stdin
    const moduleKey = this.#keyOf(options.module)
    let server: ChannelServer | undefined
    const { stdoutPipe, stderrPipe } = options
    const output: OutputPipe | undefined =
      stdoutPipe || stderrPipe ? (fd, bytes) => (fd === 1 ? stdoutPipe : stderrPipe)?.(bytes) ?? true : undefined
    const serveWith = (vfs: SyncVfs, provider?: StdinProvider): void => {
      server?.close()
      Atomics.store(header, H.STATE, STATE.IDLE)
      server = new ChannelServer(w.channel, vfs, provider, options.transpile, output)
      if (this.#wake === WAKE.ATOMICS) void server.serve()
    }
    let settle!: (r: ProcessResult) => void
    let fail!: (e: Error) => void
    const exited = new Promise<ProcessResult>((resolve, reject) => {
      settle = resolve
      fail = reject
    })
    let done = false
    const finish = (): boolean => {
      if (done) return false
      done = true
      server?.close()
      w.listener = undefined
      w.died = undefined
      this.#busy.delete(w)
      return true
    }
    w.listener = (m) => {
      switch (m.type) {
        case 'wake':
          void server?.poll()
          return
        case 'stdout':
          options.onStdout?.(m.bytes)
          return
        case 'stderr':
          options.onStderr?.(m.bytes)
          return
        case 'image':
          return
        case 'exit':
          if (!finish()) return
          this.#release(w)
          settle({ exitCode: m.exitCode, killed: false, memoryBytes: m.memoryBytes, ...(m.trap !== undefined ? { trap: m.trap } : {}) })
          return
        case 'fault':
          if (!finish()) return
          void w.handle.terminate()
          fail(new Error(`process worker fault: ${m.message}`))
          return
      }
    }
    w.died = (reason) => {
      if (finish()) fail(new Error(reason))
    }
    const kill = async (): Promise<void> => {
      if (!finish()) return
      settle({ exitCode: KILLED, killed: true })
      await w.handle.terminate()
    }
    /** The module, the first time this worker is sent it. */
    const moduleFor = (): { module?: WebAssembly.Module } => {
      if (w.modules.has(moduleKey)) return {}
      w.modules.add(moduleKey)
      return { module: options.module }
    }
    void (async () => {
      let image: MemoryImage | null = null
      let entry: RunMessage['entry'] = 'start'
      const snapshot = options.snapshot
      if (snapshot) {
        const key = snapshot.key ?? moduleKey
        const settled = this.#settled.get(key)
        if (settled !== undefined) image = settled
        else {
          const pending = this.#image(options.module, moduleKey, key, snapshot)
          // A program with a stock command line runs it now while the image is made beside it;
          // one without waits for the image (its cold run would initialise the same way).
          if (snapshot.cold !== 'main') image = await pending.catch(() => null)
        }
        entry = image || snapshot.cold !== 'main' ? 'snapshot' : 'start'
      }
      await w.ready
      if (done) return
      serveWith(options.vfs, typeof stdin === 'function' ? stdin : undefined)
      const message: RunMessage = {
        type: 'run',
        moduleKey,
        ...moduleFor(),
        args: options.args,
        env: options.env ?? {},
        cwd: options.cwd ?? '/',
        tty: options.tty ?? false,
        channel: w.channel,
        wake: this.#wake,
        stdin: typeof stdin === 'function' ? 'channel' : typeof stdin === 'string' ? new TextEncoder().encode(stdin) : (stdin ?? new Uint8Array(0)),
        ...(output ? { piped: { stdout: stdoutPipe !== undefined, stderr: stderrPipe !== undefined } } : {}),
        entry,
        ...(image ? { image } : {}),
        ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
      }
      w.handle.post(message)
    })()
    return new WasiProcess(exited, kill)
  }

  /**
   * The memory image of a snapshot module: made once per key on a worker of its own (against the
   * init VFS, never a sandbox's), then shared by every run. Rejects (and is retried by a later
   * spawn) when the worker dies or the initialisation takes longer than {@link INIT_TIMEOUT_MS}.
   */
  #image(module: WebAssembly.Module, moduleKey: string, key: string, init: SnapshotInit): Promise<MemoryImage | null> {
    const known = this.#images.get(key)
    if (known) return known
    const pending = (async (): Promise<MemoryImage | null> => {
      const w = this.#idle.pop() ?? this.#newWorker()
      this.#busy.add(w)
      w.handle.ref()
      const started = performance.now()
      let server: ChannelServer | undefined
      let timer: ReturnType<typeof setTimeout> | undefined
      try {
        await w.ready
        const header = new Int32Array(w.channel, 0, HEADER_BYTES / 4)
        Atomics.store(header, H.STATE, STATE.IDLE)
        server = new ChannelServer(w.channel, init.vfs)
        if (this.#wake === WAKE.ATOMICS) void server.serve()
        const image = await new Promise<MemoryImage | null>((resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`runtime initialisation took longer than ${INIT_TIMEOUT_MS} ms`)), INIT_TIMEOUT_MS)
          w.listener = (m) => {
            if (m.type === 'wake') void server?.poll()
            else if (m.type === 'image') resolve(m.image)
            else if (m.type === 'fault') reject(new Error(`process worker fault: ${m.message}`))
          }
          w.died = (reason) => reject(new Error(reason))
          const first = !w.modules.has(moduleKey)
          w.modules.add(moduleKey)
          const message: InitMessage = { type: 'init', moduleKey, ...(first ? { module } : {}), args: init.args, env: init.env, cwd: '/', channel: w.channel, wake: this.#wake }
          w.handle.post(message)
        })
        this.initMs.set(module, performance.now() - started)
        this.#busy.delete(w)
        this.#release(w)
        return image
      } catch (error) {
        this.#busy.delete(w)
        void w.handle.terminate()
        throw error
      } finally {
        clearTimeout(timer)
        server?.close()
        w.listener = undefined
        w.died = undefined
      }
    })()
    this.#images.set(key, pending)
    pending.then(
      (image) => {
        this.#settled.set(key, image)
        if (image) this.#prepareIdle(module, moduleKey, image)
      },
      () => this.#images.delete(key),
    )
    return pending
  }

  /**
   * Has every idle worker make a standby instance of a new image while it waits (the worker that
   * made the image has one already): otherwise a worker's first run of it pays for writing the
   * image into fresh memory (~50 ms of page faults for CPython's).
   */
  #prepareIdle(module: WebAssembly.Module, moduleKey: string, image: MemoryImage): void {
    for (const w of this.#idle) {
      const first = !w.modules.has(moduleKey)
      w.modules.add(moduleKey)
      const message: PrepareMessage = { type: 'prepare', moduleKey, ...(first ? { module } : {}), image }
      w.handle.post(message)
    }
  }

  /** Back to the pool after a clean exit, or terminated when the pool is full. */
  #release(w: PooledWorker): void {
    if (this.#disposed || this.#idle.length >= this.#poolSize) {
      void w.handle.terminate()
      return
    }
    w.handle.unref()
    this.#idle.push(w)
  }

  /** Terminates every worker, running or idle. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    const all = [...this.#idle, ...this.#busy]
    this.#idle.length = 0
    for (const w of this.#busy) w.died?.('the process host was disposed')
    this.#busy.clear()
    await Promise.all(all.map((w) => w.handle.terminate()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose()
  }
}
