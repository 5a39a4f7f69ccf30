/**
 * The host side of one sandbox: its state machine, its data while no worker holds it (the
 * writable image and session shell states), its sessions' command logs, its timers, and the
 * lease of a kernel worker while it is active.
 */
import { resolvePath } from '../vfs/index.js'
import type { SandboxBackend } from './backend.js'
import { SandboxError, SandboxErrorCode } from './errors.js'
import type { KernelOwner, KernelPool, KernelWorker } from './kernel-pool.js'
import type { SandboxLimits } from './limits.js'
import type {
  AttachInit,
  ExecReply,
  ExecRequest,
  FsReplies,
  FsRequest,
  GitProgressEvent,
  GitReplies,
  GitRequest,
  InterpreterRequest,
  OutputEvent,
  SandboxUser,
  SessionShellState,
  UsageDto,
} from './protocol.js'

/** Daytona's sandbox states that this engine uses. */
export const SandboxState = {
  STARTED: 'started',
  STOPPED: 'stopped',
  ARCHIVED: 'archived',
  ERROR: 'error',
  DESTROYED: 'destroyed',
} as const
/** One of {@link SandboxState}. */
export type SandboxState = (typeof SandboxState)[keyof typeof SandboxState]

/** Everything Daytona's Sandbox DTO says about a sandbox, as the engine keeps it. */
export interface SandboxInfo {
  id: string
  name: string
  user: string
  snapshot?: string
  env: Record<string, string>
  labels: Record<string, string>
  public: boolean
  cpu: number
  gpu: number
  memory: number
  disk: number
  state: SandboxState
  errorReason?: string
  recoverable?: boolean
  autoStopInterval: number
  autoArchiveInterval: number
  autoDeleteInterval: number
  networkBlockAll: boolean
  networkAllowList?: string
  domainAllowList?: string
  createdAt: string
  updatedAt: string
  lastActivityAt: string
  buildInfo?: { dockerfileContent: string }
}

/** What the engine needs to set up a host. */
export interface SandboxHostInit {
  info: SandboxInfo
  baseId: string
  /** The base layer's bytes, for bases the kernel cannot build itself. */
  baseBytes?: Uint8Array
  userInfo: SandboxUser
  workDir: string
  limits: SandboxLimits
  image: Uint8Array | null
  pool: KernelPool
  parkAfterMs: number
  watchdogGraceMs: number
  intervalUnitMs: number
  /** Called when the sandbox is deleted (also by auto-delete). */
  onDestroyed: (host: SandboxHost) => void
}

/** One command of a session and its logs. */
export interface CommandRecord {
  id: string
  command: string
  exitCode?: number
  chunks: { stream: 'stdout' | 'stderr'; text: string }[]
  bytes: number
  listeners: Set<(chunk: { stream: 'stdout' | 'stderr'; text: string } | null) => void>
  done: Promise<void>
  /** Sends input to the command's stdin (runAsync commands); queued until it starts. */
  input?: (data: string) => Promise<void>
}

interface SessionRecord {
  id: string
  commands: CommandRecord[]
  /** Tail of the session's command queue: commands run one after another. */
  tail: Promise<unknown>
}

/** The reply of a session command. */
export interface SessionExecReply {
  cmdId: string
  exitCode?: number
  output?: string
  stdout?: string
  stderr?: string
}

type TimerHandle = ReturnType<typeof setTimeout>

function unrefTimer(t: TimerHandle): TimerHandle {
  const maybe = t as unknown as { unref?: () => void }
  if (typeof maybe.unref === 'function') maybe.unref()
  return t
}

let execCounter = 0

/** The label Daytona keeps a sandbox's language in. */
const LANGUAGE_LABEL = 'code-toolbox-language'

/** The command line `codeRun` pipes the code into, by language (argv is appended). */
const CODE_RUNNERS: Record<string, string> = {
  python: 'python3 -u -',
  javascript: 'node -',
  typescript: 'ts-node -',
}

/** The id of the context `runCode` uses when none is given. */
const DEFAULT_CONTEXT = 'default'

/** An interpreter context as the host keeps it. */
interface ContextRecord {
  id: string
  cwd: string
  createdAt: string
  /** The kernel attachment its process lives in, -1 when it has none. */
  epoch: number
  /** Code has run in it before (a new process then means lost variables). */
  ran: boolean
}

/** An interpreter context in Daytona's shape. */
export interface InterpreterContextInfo {
  id: string
  cwd: string
  language: 'python'
  active: boolean
  createdAt: string
}

function contextInfo(c: ContextRecord): InterpreterContextInfo {
  return { id: c.id, cwd: c.cwd, language: 'python', active: true, createdAt: c.createdAt }
}

/** A Daytona-compatible id: a random UUID. */
export function newId(): string {
  return crypto.randomUUID()
}

/** The error for input sent to a session command that has ended. */
function completed(commandId: string): SandboxError {
  return new SandboxError(SandboxErrorCode.INVALID_STATE, `command ${commandId} already completed`, { commandId })
}

/** The host side of one sandbox. */
export class SandboxHost implements KernelOwner, SandboxBackend {
  #info: SandboxInfo
  #init: SandboxHostInit
  #image: Uint8Array | null
  #shellStates: Record<string, SessionShellState> = {}
  #sessions = new Map<string, SessionRecord>()
  #worker: KernelWorker | undefined
  #attaching: Promise<KernelWorker> | undefined
  #inflight = 0
  #lastUsed = 0
  #exitWaiters: (() => void)[] = []
  /** Set while a park sends the image back; attaching waits for it. */
  #detaching: Promise<void> | undefined
  #activityMs = Date.now()
  #stateSinceMs = Date.now()
  #parkTimer: TimerHandle | undefined
  #lifecycleTimer: TimerHandle | undefined
  #outputSinks = new Map<string, (e: OutputEvent) => void>()
  #gitProgress = new Map<string, (e: GitProgressEvent) => void>()
  #lifecycle: Promise<unknown> = Promise.resolve()
  /** Set when the watchdog or a crash threw away changes made since the last checkpoint. */
  #lostChanges = false
  /** Interpreter contexts (the default one included, under {@link DEFAULT_CONTEXT}). */
  #contexts = new Map<string, ContextRecord>()
  /** Counts kernel attachments: a context's process lives only in the attachment it started in. */
  #epoch = 0

  constructor(init: SandboxHostInit) {
    this.#init = init
    this.#info = init.info
    this.#image = init.image
    this.#scheduleLifecycle()
  }

  /** The sandbox id. */
  get id(): string {
    return this.#info.id
  }

  /** The sandbox name. */
  get name(): string {
    return this.#info.name
  }

  /** The current state. */
  get state(): SandboxState {
    return this.#info.state
  }

  /** The work dir (relative paths resolve against it). */
  get workDir(): string {
    return this.#init.workDir
  }

  /** The user's home directory. */
  get homeDir(): string {
    return this.#init.userInfo.home
  }

  /** When the sandbox last used its worker. */
  get lastUsed(): number {
    return this.#lastUsed
  }

  /** True while a kernel worker holds the sandbox. */
  get attached(): boolean {
    return this.#worker !== undefined
  }

  /** A copy of the sandbox's data, in Daytona's DTO shape. */
  info(): SandboxInfo {
    this.#info.lastActivityAt = new Date(this.#activityMs).toISOString()
    return structuredClone(this.#info)
  }

  /** The current limits. */
  limits(): SandboxLimits {
    return { ...this.#init.limits }
  }

  /** Records activity. Cheap on the hot path: the armed timer re-checks the deadline when it fires. */
  #touch(): void {
    this.#activityMs = Date.now()
    if (!this.#lifecycleTimer) this.#scheduleLifecycle()
  }

  #updated(): void {
    this.#info.updatedAt = new Date().toISOString()
  }

  /** Sets the state and the time it was entered (auto-archive/auto-delete count from it). */
  #setState(state: SandboxState): void {
    this.#info.state = state
    this.#stateSinceMs = Date.now()
    if (state === SandboxState.STARTED) this.#activityMs = this.#stateSinceMs
    this.#updated()
    this.#scheduleLifecycle()
  }

  #assertAlive(): void {
    if (this.#info.state === SandboxState.DESTROYED) {
      throw new SandboxError(SandboxErrorCode.NOT_FOUND, `sandbox ${this.#info.id} was deleted`, { sandboxId: this.#info.id })
    }
  }

  #assertStarted(): void {
    this.#assertAlive()
    if (this.#info.state !== SandboxState.STARTED) {
      throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.#info.id} is not running (state: ${this.#info.state}); start it first`, {
        sandboxId: this.#info.id,
        state: this.#info.state,
      })
    }
  }

  // ── worker lease ────────────────────────────────────────────────────────────────────────

  async #kernel(): Promise<KernelWorker> {
    if (this.#worker && !this.#worker.dead) return this.#worker
    if (!this.#attaching) {
      this.#attaching = this.#attach().finally(() => {
        this.#attaching = undefined
      })
    }
    return this.#attaching
  }

  async #attach(): Promise<KernelWorker> {
    if (this.#detaching) await this.#detaching
    const worker = await this.#init.pool.acquire(this)
    const init: AttachInit = {
      sandboxId: this.#info.id,
      baseId: this.#init.baseId,
      image: this.#image,
      user: this.#init.userInfo,
      env: { ...this.#info.env },
      workDir: this.#init.workDir,
      limits: this.#init.limits,
      sessions: this.#shellStates,
      networkBlockAll: this.#info.networkBlockAll,
      networkAllowList: this.#info.networkAllowList,
      domainAllowList: this.#info.domainAllowList,
    }
    if (!worker.bases.has(this.#init.baseId) && this.#init.baseBytes) init.baseBytes = this.#init.baseBytes
    try {
      // The image is copied, not transferred: it stays the sandbox's checkpoint until the next detach.
      await worker.call('attach', [init])
    } catch (error) {
      this.#init.pool.release(worker)
      throw error
    }
    worker.bases.add(this.#init.baseId)
    if (this.#info.state !== SandboxState.STARTED) {
      // Stopped or deleted while we were attaching.
      await worker.call('discard', []).catch(() => {})
      this.#init.pool.release(worker)
      this.#assertStarted()
    }
    this.#worker = worker
    this.#epoch++
    return worker
  }

  /** Runs `fn` with the kernel, counting it as activity. */
  async #use<T>(fn: (w: KernelWorker) => Promise<T>): Promise<T> {
    this.#assertStarted()
    this.#inflight++
    this.#lastUsed = performance.now()
    try {
      const worker = await this.#kernel()
      return await fn(worker)
    } finally {
      this.#inflight--
      this.#lastUsed = performance.now()
      this.#touch()
      if (this.#inflight === 0) {
        if (this.#init.pool.contended) void this.park().catch(() => {})
        else this.#scheduleParking()
      }
    }
  }

  /** Arms the park timer once; when it fires it parks only if the sandbox has really been idle long enough. */
  #scheduleParking(delay = this.#init.parkAfterMs): void {
    if (!this.#worker || this.#parkTimer) return
    this.#parkTimer = unrefTimer(
      setTimeout(() => {
        this.#parkTimer = undefined
        const idle = performance.now() - this.#lastUsed
        if (this.#inflight > 0) return
        if (idle + 1 < this.#init.parkAfterMs) this.#scheduleParking(this.#init.parkAfterMs - idle)
        else void this.park().catch(() => {})
      }, delay),
    )
  }

  /** {@inheritDoc KernelOwner.canPark} */
  canPark(): boolean {
    // A live interpreter context keeps its variables in the kernel's python3 process: idle time
    // does not park it away; only another sandbox waiting for a kernel does.
    const pinned = !this.#init.pool.contended && [...this.#contexts.values()].some((c) => c.epoch === this.#epoch)
    return this.#worker !== undefined && this.#inflight === 0 && this.#attaching === undefined && !pinned
  }

  /**
   * Hands the worker back to the pool, keeping the sandbox's files and session shell states on
   * the host as data. The next call re-attaches to any worker.
   */
  async park(): Promise<void> {
    if (this.#parkTimer) {
      clearTimeout(this.#parkTimer)
      this.#parkTimer = undefined
    }
    const worker = this.#worker
    if (!worker || !this.canPark()) return
    this.#worker = undefined
    // A call that arrives while the image travels back must attach with the new image, not the old one.
    const detaching = (async () => {
      try {
        const result = await worker.call('detach', [])
        this.#image = result.image
        this.#shellStates = result.sessions
        this.#init.pool.release(worker)
      } catch (error) {
        // The kernel died before it could hand the image back: same as a crash while attached.
        void this.#init.pool.kill(worker)
        this.onKernelExit(`the kernel failed while parking: ${error instanceof Error ? error.message : String(error)}`)
      }
    })()
    this.#detaching = detaching
    try {
      await detaching
    } finally {
      if (this.#detaching === detaching) this.#detaching = undefined
    }
  }

  /** Detaches for stop/delete, aborting what runs; kills the worker if it does not answer. */
  async #release(keepData: boolean): Promise<void> {
    if (this.#parkTimer) {
      clearTimeout(this.#parkTimer)
      this.#parkTimer = undefined
    }
    if (this.#attaching) await this.#attaching.catch(() => {})
    if (this.#detaching) await this.#detaching
    const worker = this.#worker
    if (!worker) return
    this.#worker = undefined
    if (!keepData && this.#inflight > 0) {
      await this.#init.pool.kill(worker)
      return
    }
    if (this.#inflight > 0) worker.abortRunning()
    const detach = keepData ? worker.call('detach', []) : worker.call('discard', []).then(() => null)
    let timer: TimerHandle | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#init.watchdogGraceMs)
    })
    const outcome = await Promise.race([detach.catch(() => 'failed' as const), deadline])
    clearTimeout(timer)
    if (outcome === 'timeout' || outcome === 'failed') {
      if (keepData) this.#lostChanges = true
      await this.#init.pool.kill(worker)
      return
    }
    if (outcome !== null) {
      this.#image = outcome.image
      this.#shellStates = outcome.sessions
    }
    if (this.#inflight > 0) await this.#init.pool.kill(worker)
    else this.#init.pool.release(worker)
  }

  /** {@inheritDoc KernelOwner.onKernelEvent} */
  onKernelEvent(name: string, payload: unknown): void {
    if (name === 'gitProgress') {
      const event = payload as GitProgressEvent
      this.#gitProgress.get(event.opId)?.(event)
      return
    }
    if (name !== 'output') return
    const event = payload as OutputEvent
    this.#outputSinks.get(event.execId)?.(event)
  }

  /** {@inheritDoc KernelOwner.onKernelExit} */
  onKernelExit(reason: string): void {
    this.#worker = undefined
    this.#lostChanges = true
    if (this.#info.state === SandboxState.STARTED) {
      this.#setState(SandboxState.ERROR)
      this.#info.errorReason = `the sandbox kernel stopped unexpectedly (${reason}); recover() restores its files from the last checkpoint`
      this.#info.recoverable = true
      this.#updated()
    }
    for (const w of this.#exitWaiters.splice(0)) w()
  }

  /** True when a crash or a watchdog kill discarded changes made since the last checkpoint. */
  get lostChanges(): boolean {
    return this.#lostChanges
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────

  #checkCommand(command: unknown): string {
    if (typeof command !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'command must be a string')
    if (command.length > this.#init.limits.maxCommandBytes) {
      throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `command is longer than ${this.#init.limits.maxCommandBytes} bytes`, {
        limit: this.#init.limits.maxCommandBytes,
      })
    }
    return command
  }

  /** Validates an environment: names to strings, at most `maxEnvBytes` in all (like Linux's E2BIG). */
  #checkEnv(env: unknown): void {
    if (env === undefined || env === null) return
    if (typeof env !== 'object' || Array.isArray(env)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'env must be an object mapping names to strings')
    const limit = this.#init.limits.maxEnvBytes
    let size = 0
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `env ${k} must be a string`, { name: k })
      size += k.length + v.length + 2
      if (size > limit) throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `the environment is larger than ${limit} bytes`, { limit })
    }
  }

  /**
   * Runs a bash command in a fresh shell (Daytona `executeCommand`).
   * @throws SandboxError TIMEOUT when `timeoutMs` passes (files written before stay)
   */
  async exec(
    req: Omit<ExecRequest, 'execId' | 'stream' | 'sessionId'> & { onOutput?: (e: OutputEvent) => void },
  ): Promise<ExecReply> {
    this.#checkCommand(req.command)
    this.#checkEnv(req.env)
    const timeoutMs = req.timeoutMs !== undefined && req.timeoutMs > 0 ? req.timeoutMs : this.#init.limits.defaultCommandTimeoutMs
    const execId = `x${++execCounter}`
    const { onOutput, ...rest } = req
    const reply = await this.#run({ ...rest, execId, timeoutMs, stream: onOutput !== undefined }, onOutput)
    if (reply.timedOut && this.#info.state !== SandboxState.STARTED) {
      // Aborted by stop() or delete(), not by its deadline.
      throw new SandboxError(SandboxErrorCode.DISPOSED, `the command was aborted: the sandbox is ${this.#info.state}`, { state: this.#info.state, output: reply.output })
    }
    if (reply.timedOut) {
      throw new SandboxError(SandboxErrorCode.TIMEOUT, `command timed out after ${timeoutMs / 1000} s`, { timeoutMs, output: reply.output })
    }
    return reply
  }

  /**
   * Runs code in a fresh process, as Daytona's `codeRun` does: the language comes from the
   * sandbox's `code-toolbox-language` label (or the request). The code is the program's stdin:
   * python runs `python3 -u - ARGV` (`sys.argv == ['-', ...argv]`), javascript `node - ARGV` and
   * typescript `ts-node - ARGV` (transpiled without type-checking, like Daytona's `ts-node -T`), so
   * `process.argv.slice(2)` is the argv.
   * @throws SandboxError INVALID_ARGUMENT for a language other than python, javascript, typescript
   */
  async codeRun(req: { code: string; argv?: string[]; env?: Record<string, string>; timeoutMs?: number; language?: string }): Promise<ExecReply> {
    if (typeof req.code !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'code must be a string')
    const argv = req.argv ?? []
    if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'argv must be an array of strings')
    const language = req.language ?? this.#info.labels[LANGUAGE_LABEL] ?? 'python'
    const runner = CODE_RUNNERS[language]
    if (runner === undefined) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `codeRun supports python, javascript and typescript, not ${JSON.stringify(language)}`, { language })
    }
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
    return this.exec({ command: `${runner}${quoted ? ` ${quoted}` : ''}`, stdin: req.code, env: req.env, timeoutMs: req.timeoutMs })
  }

  // ── interpreter contexts ────────────────────────────────────────────────────────────────

  /** Creates an isolated interpreter context (Daytona `codeInterpreter.createContext`). */
  createContext(cwd?: string): InterpreterContextInfo {
    this.#assertStarted()
    if (cwd !== undefined && typeof cwd !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'cwd must be a string')
    const record: ContextRecord = {
      id: newId(),
      cwd: cwd === undefined || cwd === '' ? this.#init.workDir : resolvePath(this.#init.workDir, cwd),
      createdAt: new Date().toISOString(),
      epoch: -1,
      ran: false,
    }
    this.#contexts.set(record.id, record)
    this.#touch()
    return contextInfo(record)
  }

  /** The contexts created with {@link createContext} (the default context is not listed). */
  listContexts(): InterpreterContextInfo[] {
    this.#assertAlive()
    return [...this.#contexts.values()].filter((c) => c.id !== DEFAULT_CONTEXT).map(contextInfo)
  }

  /** Deletes a context and ends its process. */
  async deleteContext(id: string): Promise<void> {
    this.#assertAlive()
    const record = this.#contexts.get(id)
    if (!record || id === DEFAULT_CONTEXT) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `interpreter context ${shown(id)} not found`, { contextId: shown(id) })
    this.#contexts.delete(id)
    if (record.epoch === this.#epoch && this.#worker && this.#info.state === SandboxState.STARTED) {
      await this.#use((w) => w.call('interpreterDelete', [id])).catch(() => {})
    }
  }

  /**
   * Runs Python code in a context (the default one when `contextId` is absent): variables persist
   * between runs of the same context. A Python exception is returned as `error`, not thrown.
   * @throws SandboxError TIMEOUT when the code runs past `timeoutMs` (the context's process is
   *   killed: its variables are gone, and the error says so); NOT_FOUND for an unknown context
   */
  async runCode(req: {
    code: string
    contextId?: string
    envs?: Record<string, string>
    timeoutMs?: number
    onStdout?: (text: string) => void
    onStderr?: (text: string) => void
  }): Promise<{ stdout: string; stderr: string; error?: { name: string; value: string; traceback: string } }> {
    this.#assertStarted()
    if (typeof req.code !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'code must be a string')
    const envs = req.envs ?? {}
    if (typeof envs !== 'object' || Object.values(envs).some((v) => typeof v !== 'string')) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'envs must map names to strings')
    }
    const id = req.contextId ?? DEFAULT_CONTEXT
    let record = this.#contexts.get(id)
    if (!record) {
      if (id !== DEFAULT_CONTEXT) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `interpreter context ${shown(id)} not found`, { contextId: shown(id) })
      record = { id, cwd: this.#init.workDir, createdAt: new Date().toISOString(), epoch: -1, ran: false }
      this.#contexts.set(id, record)
    }
    const timeoutMs = req.timeoutMs !== undefined && req.timeoutMs > 0 ? req.timeoutMs : undefined
    const execId = `i${++execCounter}`
    const stream = req.onStdout !== undefined || req.onStderr !== undefined
    const context = record
    const reply = await this.#use(async (worker) => {
      if (stream) this.#outputSinks.set(execId, (e) => (e.stream === 'stdout' ? req.onStdout : req.onStderr)?.(e.chunk))
      try {
        const request: InterpreterRequest = { execId, contextId: id, cwd: context.cwd, code: req.code, envs, stream, ...(timeoutMs ? { timeoutMs } : {}) }
        const r = await worker.call('interpreterRun', [request])
        context.epoch = r.timedOut || r.died !== undefined ? -1 : this.#epoch
        return r
      } finally {
        this.#outputSinks.delete(execId)
      }
    })
    const lost = reply.started && context.ran
    context.ran = true
    if (reply.timedOut) {
      throw new SandboxError(SandboxErrorCode.TIMEOUT, `code execution timed out after ${(timeoutMs ?? 0) / 1000} s; the interpreter context was restarted and its variables are gone`, {
        timeoutMs,
        contextId: id,
      })
    }
    // The kernel that held the context's process went away (the sandbox was stopped, or parked
    // because another sandbox needed the kernel): say so rather than silently losing variables.
    const notice = lost ? 'daylite: this interpreter context was restarted (its process ended); variables from earlier runs are gone\n' : ''
    if (reply.died !== undefined) {
      return { stdout: reply.stdout, stderr: notice + reply.stderr, error: { name: 'InterpreterExited', value: reply.died, traceback: '' } }
    }
    return { stdout: reply.stdout, stderr: notice + reply.stderr, ...(reply.error ? { error: reply.error } : {}) }
  }

  async #run(req: ExecRequest, onOutput?: (e: OutputEvent) => void, onStart?: (worker: KernelWorker) => void): Promise<ExecReply> {
    return this.#use(async (worker) => {
      if (onOutput) this.#outputSinks.set(req.execId, onOutput)
      let watchdog: TimerHandle | undefined
      try {
        const call = worker.call('exec', [req])
        onStart?.(worker)
        if (!req.timeoutMs) return await call
        const killed = new Promise<never>((_, reject) => {
          watchdog = setTimeout(() => {
            // The shell did not stop at its deadline (a busy JS loop): kill the worker. The sandbox
            // keeps the files of its last checkpoint and re-attaches on the next call.
            this.#lostChanges = true
            if (this.#worker === worker) this.#worker = undefined
            void this.#init.pool.kill(worker)
            reject(new SandboxError(SandboxErrorCode.TIMEOUT, `command timed out after ${(req.timeoutMs ?? 0) / 1000} s and was killed`, { timeoutMs: req.timeoutMs }))
          }, (req.timeoutMs ?? 0) + this.#init.watchdogGraceMs)
        })
        return await Promise.race([call, killed])
      } finally {
        if (watchdog) clearTimeout(watchdog)
        this.#outputSinks.delete(req.execId)
      }
    })
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────

  #session(sessionId: string): SessionRecord {
    this.#assertAlive()
    if (typeof sessionId !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'sessionId must be a string')
    const s = this.#sessions.get(sessionId)
    if (!s) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `session ${sessionId} not found`, { sessionId })
    return s
  }

  /** Creates a session: a long-lived shell whose cwd, variables and functions persist. */
  createSession(sessionId: string): void {
    this.#assertStarted()
    if (typeof sessionId !== 'string' || sessionId === '' || sessionId.length > 256 || /[\0/]/.test(sessionId)) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'sessionId must be a non-empty string of at most 256 characters without "/" or NUL', { sessionId: typeof sessionId === 'string' ? sessionId : typeof sessionId })
    }
    if (this.#sessions.has(sessionId)) throw new SandboxError(SandboxErrorCode.CONFLICT, `session ${sessionId} already exists`, { sessionId })
    this.#sessions.set(sessionId, { id: sessionId, commands: [], tail: Promise.resolve() })
    this.#touch()
  }

  /** A session with its commands. */
  getSession(sessionId: string): { sessionId: string; commands: { id: string; command: string; exitCode?: number }[] } {
    const s = this.#session(sessionId)
    return { sessionId: s.id, commands: s.commands.map((c) => commandDto(c)) }
  }

  /** All sessions. */
  listSessions(): { sessionId: string; commands: { id: string; command: string; exitCode?: number }[] }[] {
    this.#assertAlive()
    return [...this.#sessions.keys()].map((id) => this.getSession(id))
  }

  /** Deletes a session; its running command is aborted with the rest of the queue. */
  async deleteSession(sessionId: string): Promise<void> {
    this.#session(sessionId)
    this.#sessions.delete(sessionId)
    delete this.#shellStates[sessionId]
    if (this.#worker) await this.#worker.call('deleteSession', [sessionId]).catch(() => {})
  }

  /** One command of a session. */
  getSessionCommand(sessionId: string, commandId: string): { id: string; command: string; exitCode?: number } {
    return commandDto(this.#command(sessionId, commandId))
  }

  #command(sessionId: string, commandId: string): CommandRecord {
    const session = this.#session(sessionId)
    if (typeof commandId !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'commandId must be a string')
    const c = session.commands.find((x) => x.id === commandId)
    if (!c) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `command ${commandId} not found in session ${sessionId}`, { sessionId, commandId })
    return c
  }

  /**
   * Runs a command in a session. Without `runAsync` it resolves with the output when the command
   * ends; with it, it resolves at once with the command id while the command runs.
   */
  async sessionExec(sessionId: string, command: string, options: { runAsync?: boolean; timeoutMs?: number } = {}): Promise<SessionExecReply> {
    const session = this.#session(sessionId)
    this.#assertStarted()
    this.#checkCommand(command)
    const record: CommandRecord = { id: newId(), command, chunks: [], bytes: 0, listeners: new Set(), done: Promise.resolve() }
    session.commands.push(record)
    const execId = `s${++execCounter}`
    const cap = this.#init.limits.maxOutputBytes
    const push = (stream: 'stdout' | 'stderr', text: string): void => {
      if (text === '' || record.bytes > cap) return
      record.bytes += text.length
      const chunk = { stream, text: record.bytes > cap ? `${text}\n[daylite: output truncated at ${cap} bytes]\n` : text }
      record.chunks.push(chunk)
      for (const l of record.listeners) l(chunk)
    }
    // A command run asynchronously keeps its stdin open for sendSessionCommandInput.
    let send: ((data: string) => Promise<void>) | undefined
    const queued: { data: string; sent: () => void; failed: (e: unknown) => void }[] = []
    if (options.runAsync) {
      record.input = (data) => (send ? send(data) : new Promise<void>((sent, failed) => queued.push({ data, sent, failed })))
    }
    const started = (worker: KernelWorker): void => {
      send = async (data) => {
        if (!(await worker.call('input', [execId, data]))) {
          throw completed(record.id)
        }
      }
      for (const q of queued.splice(0)) send(q.data).then(q.sent, q.failed)
    }
    const run = session.tail.then(async () => {
      if (!this.#sessions.has(sessionId)) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `session ${sessionId} was deleted`, { sessionId })
      const reply = await this.#run(
        { execId, command, sessionId, stream: true, timeoutMs: options.timeoutMs ?? this.#init.limits.defaultCommandTimeoutMs, ...(options.runAsync ? { input: true } : {}) },
        (e) => push(e.stream, e.chunk),
        options.runAsync ? started : undefined,
      )
      // Output that was not streamed (the shell reports the remainder at the end).
      const streamed = record.chunks.map((c) => c.text).join('')
      if (streamed.length === 0 && reply.output.length > 0) {
        if (reply.stdout) push('stdout', reply.stdout)
        if (reply.stderr) push('stderr', reply.stderr)
      }
      return reply
    })
    session.tail = run.catch(() => {})
    record.done = run.then(
      (reply) => {
        record.exitCode = reply.exitCode
      },
      (error: unknown) => {
        const e = error instanceof SandboxError ? error : new SandboxError(SandboxErrorCode.INTERNAL, String(error))
        push('stderr', `${e.message}\n`)
        record.exitCode = e.code === SandboxErrorCode.TIMEOUT ? 124 : 1
      },
    ).finally(() => {
      for (const l of record.listeners) l(null)
      record.listeners.clear()
      for (const q of queued.splice(0)) q.failed(completed(record.id))
    })
    if (options.runAsync) {
      record.done.catch(() => {})
      return { cmdId: record.id }
    }
    await record.done
    const logs = commandLogs(record)
    return { cmdId: record.id, exitCode: record.exitCode, ...logs }
  }

  /**
   * Sends input to a running session command started with `runAsync`: the programs it runs and
   * `read` take it from their stdin as it comes (the shell's other commands, such as `cat`, do not).
   */
  async sendSessionCommandInput(sessionId: string, commandId: string, data: string): Promise<void> {
    const record = this.#command(sessionId, commandId)
    if (typeof data !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'data must be a string')
    if (record.exitCode !== undefined) throw completed(commandId)
    if (!record.input) {
      throw new SandboxError(SandboxErrorCode.INVALID_STATE, `command ${commandId} was not started with runAsync: it takes no input while it runs`, { commandId })
    }
    await record.input(data)
  }

  /** The logs of a session command so far. */
  getCommandLogs(sessionId: string, commandId: string): { output: string; stdout: string; stderr: string } {
    return commandLogs(this.#command(sessionId, commandId))
  }

  /** Streams a session command's logs (what was written so far, then live) until it ends. */
  async followCommandLogs(sessionId: string, commandId: string, onStdout: (chunk: string) => void, onStderr: (chunk: string) => void): Promise<void> {
    const record = this.#command(sessionId, commandId)
    const deliver = (c: { stream: 'stdout' | 'stderr'; text: string }): void => (c.stream === 'stdout' ? onStdout(c.text) : onStderr(c.text))
    for (const c of record.chunks) deliver(c)
    if (record.exitCode !== undefined) return
    await new Promise<void>((resolve) => {
      record.listeners.add((c) => (c === null ? resolve() : deliver(c)))
    })
  }

  /** Waits for a session command to end. */
  async waitForCommand(sessionId: string, commandId: string): Promise<number | undefined> {
    const record = this.#command(sessionId, commandId)
    await record.done
    return record.exitCode
  }

  // ── files ───────────────────────────────────────────────────────────────────────────────

  /** Runs a file API request in the kernel. */
  async fs<R extends FsRequest>(req: R): Promise<FsReplies[R['op']]> {
    if (req.op === 'upload') {
      const buffers = req.files.map((f) => f.data.buffer as ArrayBuffer)
      const unique = [...new Set(buffers)].filter((b) => b instanceof ArrayBuffer)
      return this.#use((w) => w.call('fs', [req], unique)) as Promise<FsReplies[R['op']]>
    }
    return this.#use((w) => w.call('fs', [req])) as Promise<FsReplies[R['op']]>
  }

  /** Runs a Git API call in the kernel; `onProgress` gets clone/pull/push progress. */
  async git<R extends GitRequest>(req: R, onProgress?: (p: GitProgressEvent) => void): Promise<GitReplies[R['op']]> {
    if (!onProgress) return this.#use((w) => w.call('git', [req])) as Promise<GitReplies[R['op']]>
    const opId = `g${++execCounter}`
    this.#gitProgress.set(opId, onProgress)
    try {
      return (await this.#use((w) => w.call('git', [req, opId]))) as GitReplies[R['op']]
    } finally {
      this.#gitProgress.delete(opId)
    }
  }

  /** Disk usage against the quota. */
  async usage(): Promise<UsageDto> {
    return this.#use((w) => w.call('usage', []))
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  /** Serialises lifecycle transitions so that concurrent start/stop/delete calls apply in order. */
  #transition<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#lifecycle.then(fn, fn)
    this.#lifecycle = next.catch(() => {})
    return next
  }

  /** Starts a stopped or archived sandbox (a no-op when started). */
  start(): Promise<void> {
    return this.#transition(async () => {
      this.#assertAlive()
      const state = this.#info.state
      if (state === SandboxState.STARTED) return
      if (state === SandboxState.ERROR) {
        throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.#info.id} is in an error state; use recover()`, { state })
      }
      this.#setState(SandboxState.STARTED)
      this.#updated()
      this.#touch()
    })
  }

  /** Stops the sandbox: running commands end, sessions are closed, files are kept. */
  stop(): Promise<void> {
    return this.#transition(async () => {
      this.#assertAlive()
      if (this.#info.state === SandboxState.STOPPED) return
      if (this.#info.state !== SandboxState.STARTED && this.#info.state !== SandboxState.ERROR) {
        throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.#info.id} is not in a stoppable state (${this.#info.state})`, { state: this.#info.state })
      }
      this.#setState(SandboxState.STOPPED)
      await this.#release(true)
      this.#sessions.clear()
      this.#shellStates = {}
      this.#updated()
      this.#scheduleLifecycle()
    })
  }

  /** Archives a stopped sandbox (its files are kept; start() brings it back). */
  archive(): Promise<void> {
    return this.#transition(async () => {
      this.#assertAlive()
      if (this.#info.state === SandboxState.ARCHIVED) return
      if (this.#info.state !== SandboxState.STOPPED) {
        throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.#info.id} must be stopped to be archived (state: ${this.#info.state})`, { state: this.#info.state })
      }
      if (this.#info.autoDeleteInterval === 0) {
        throw new SandboxError(SandboxErrorCode.INVALID_STATE, 'ephemeral sandboxes cannot be archived', { state: this.#info.state })
      }
      this.#setState(SandboxState.ARCHIVED)
      this.#updated()
      this.#scheduleLifecycle()
    })
  }

  /** Brings a sandbox in the error state back, with the files of its last checkpoint. */
  recover(): Promise<void> {
    return this.#transition(async () => {
      this.#assertAlive()
      if (this.#info.state !== SandboxState.ERROR) {
        throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.#info.id} is not in an error state (${this.#info.state})`, { state: this.#info.state })
      }
      await this.#release(true)
      this.#sessions.clear()
      this.#shellStates = {}
      this.#setState(SandboxState.STARTED)
      delete this.#info.errorReason
      delete this.#info.recoverable
      this.#updated()
      this.#touch()
    })
  }

  /** Deletes the sandbox and everything in it. */
  delete(): Promise<void> {
    return this.#transition(async () => {
      if (this.#info.state === SandboxState.DESTROYED) return
      this.#setState(SandboxState.DESTROYED)
      this.#clearTimers()
      await this.#release(false)
      this.#image = null
      this.#shellStates = {}
      for (const s of this.#sessions.values()) for (const c of s.commands) for (const l of c.listeners) l(null)
      this.#sessions.clear()
      this.#updated()
      this.#init.onDestroyed(this)
    })
  }

  /** The writable image as of now (checkpointing the kernel when attached), for fork. */
  async snapshotImage(): Promise<Uint8Array | null> {
    this.#assertAlive()
    if (this.#detaching) await this.#detaching
    if (this.#worker && this.#info.state === SandboxState.STARTED) return this.#use((w) => w.call('checkpoint', []))
    return this.#image ? this.#image.slice() : null
  }

  /** Replaces the labels. */
  setLabels(labels: Record<string, string>): Record<string, string> {
    this.#assertAlive()
    this.#info.labels = { ...labels }
    this.#updated()
    return { ...this.#info.labels }
  }

  /** Sets the auto-stop, auto-archive or auto-delete interval (minutes). */
  setInterval(kind: 'autoStopInterval' | 'autoArchiveInterval' | 'autoDeleteInterval', minutes: number): void {
    this.#assertAlive()
    this.#info[kind] = minutes
    this.#updated()
    this.#scheduleLifecycle()
  }

  /** Updates the environment of future commands and sessions. */
  async updateEnv(set: Record<string, string>, unset: string[]): Promise<void> {
    this.#assertAlive()
    const env = { ...this.#info.env, ...set }
    for (const k of unset) delete env[k]
    this.#checkEnv(env)
    this.#info.env = env
    this.#updated()
    if (this.#worker) await this.#worker.call('setEnv', [env])
  }

  /** Changes the resources of the sandbox (cpu, memory, disk in Daytona units). */
  async resize(resources: { cpu: number; memory: number; disk: number }, limits: SandboxLimits): Promise<void> {
    this.#assertAlive()
    if (resources.disk < this.#info.disk && this.#info.state === SandboxState.STARTED) {
      // Daytona only grows disks; so do we, to keep the quota above what is stored.
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'disk size can only be increased', { disk: resources.disk, current: this.#info.disk })
    }
    this.#info.cpu = resources.cpu
    this.#info.memory = resources.memory
    this.#info.disk = resources.disk
    this.#init.limits = limits
    this.#updated()
    if (this.#worker) await this.#worker.call('setLimits', [limits])
  }

  /** Records activity (Daytona `refreshActivity`). */
  refreshActivity(): void {
    this.#assertAlive()
    this.#touch()
  }

  // ── timers ──────────────────────────────────────────────────────────────────────────────

  #clearTimers(): void {
    if (this.#lifecycleTimer) clearTimeout(this.#lifecycleTimer)
    if (this.#parkTimer) clearTimeout(this.#parkTimer)
    this.#lifecycleTimer = undefined
    this.#parkTimer = undefined
  }

  /**
   * Arms the one timer that drives auto-stop (when started, counted from the last activity) or
   * auto-archive/auto-delete (when stopped or archived, counted from the state change). When it
   * fires it re-checks the deadline, so activity in between only moves the deadline.
   */
  #scheduleLifecycle(): void {
    if (this.#lifecycleTimer) clearTimeout(this.#lifecycleTimer)
    this.#lifecycleTimer = undefined
    const due = this.#lifecycleDue()
    if (!due) return
    // setTimeout's maximum is 2^31-1 ms; a longer wait re-arms when it fires.
    const wait = Math.min(Math.max(0, due.at - Date.now()), 2 ** 31 - 1)
    this.#lifecycleTimer = unrefTimer(
      setTimeout(() => {
        this.#lifecycleTimer = undefined
        const now = this.#lifecycleDue()
        if (!now) return
        if (now.at > Date.now()) this.#scheduleLifecycle()
        else void now.run().catch(() => {})
      }, wait),
    )
  }

  #lifecycleDue(): { at: number; run: () => Promise<void> } | undefined {
    const unit = this.#init.intervalUnitMs
    const { state, autoStopInterval, autoArchiveInterval, autoDeleteInterval } = this.#info
    if (state === SandboxState.STARTED && autoStopInterval > 0) {
      return {
        at: this.#activityMs + autoStopInterval * unit,
        run: async () => {
          if (this.#inflight > 0) {
            this.#touch()
            return
          }
          await this.stop()
        },
      }
    }
    if ((state === SandboxState.STOPPED || state === SandboxState.ARCHIVED) && autoDeleteInterval >= 0) {
      return { at: this.#stateSinceMs + autoDeleteInterval * unit, run: () => this.delete() }
    }
    if (state === SandboxState.STOPPED) {
      return { at: this.#stateSinceMs + (autoArchiveInterval === 0 ? 30 * 24 * 60 : autoArchiveInterval) * unit, run: () => this.archive() }
    }
    return undefined
  }

  /** Crashes the attached kernel worker and waits until the sandbox notices (tests of recovery). */
  async simulateCrash(): Promise<void> {
    // Counted as a call in flight, so the sandbox cannot park (and hand this worker to the pool)
    // between the crash and the exit event.
    await this.#use(async (worker) => {
      const exited = new Promise<void>((resolve) => this.#exitWaiters.push(resolve))
      await worker.call('crash', [])
      let timer: TimerHandle | undefined
      await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 30_000)))])
      clearTimeout(timer)
    }).catch(() => {})
  }

  /** Stops timers and lets the worker go without saving (engine disposal). */
  dispose(): void {
    this.#clearTimers()
    this.#worker = undefined
  }
}

/** An id given by the caller, for a message: itself when a string, else its type (never throws). */
function shown(id: unknown): string {
  return typeof id === 'string' ? id : typeof id
}

function commandDto(c: CommandRecord): { id: string; command: string; exitCode?: number } {
  return c.exitCode === undefined ? { id: c.id, command: c.command } : { id: c.id, command: c.command, exitCode: c.exitCode }
}

function commandLogs(c: CommandRecord): { output: string; stdout: string; stderr: string } {
  let output = ''
  let stdout = ''
  let stderr = ''
  for (const chunk of c.chunks) {
    output += chunk.text
    if (chunk.stream === 'stdout') stdout += chunk.text
    else stderr += chunk.text
  }
  return { output, stdout, stderr }
}
