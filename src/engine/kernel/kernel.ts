/**
 * The kernel: everything a started sandbox runs, inside its worker. It owns the sandbox's VFS
 * (the single source of truth for its files while attached), the shell and the sessions' shell
 * state. The host (`SandboxHost`) drives it through these methods over `rpc.ts`.
 */
import { Layer, Vfs, createBaseLayer } from '../../vfs/index.js'
import { ORPHAN_DIR } from '../../wasi/index.js'
import { Pipe, Shell, builtinCommandNames, createSessionState, type ShellSessionState } from '../../shell/index.js'
import { SandboxError, SandboxErrorCode } from '../errors.js'
import { BUILTIN_BASE_ID, type AttachInit, type DetachResult, type ExecReply, type ExecRequest, type FsReplies, type FsRequest, type InterpreterReply, type InterpreterRequest, type OutputEvent, type UsageDto } from '../protocol.js'
import { transfer } from '../rpc.js'
import type { SandboxLimits } from '../limits.js'
import { FileService } from './files.js'
import { programCommands, runtimeFiles } from './programs.js'
import { InterpreterContext } from './interpreter.js'
import { Slots } from './slots.js'
import { resolveUserPath } from './paths.js'
import { gitApi } from './git.js'
import type { GitProgress } from '../../git/index.js'
import type { GitProgressEvent, GitReplies, GitRequest } from '../protocol.js'

interface Attached {
  init: AttachInit
  vfs: Vfs
  files: FileService
  shell: Shell | undefined
  sessions: Map<string, ShellSessionState>
  /** Interpreter contexts with their python3 processes, by context id. */
  interpreters: Map<string, InterpreterContext>
  /** The sandbox's process slots (limits.maxProcesses at once). */
  slots: Slots
}

/**
 * One process's memory cap: the sandbox's memory shared by the processes that may run at once
 * (`maxProcesses`), so together they stay within it.
 */
function processMemory(limits: SandboxLimits): number {
  return Math.floor(limits.memoryBytes / Math.max(1, limits.maxProcesses))
}

/** Kills the interpreter processes of a sandbox that leaves this kernel. */
function stopInterpreters(a: Attached): void {
  for (const c of a.interpreters.values()) void c.kill()
  a.interpreters.clear()
}

/** Copies bytes into a buffer of their own, so the buffer can be transferred. */
function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()
}

/** Input bytes a running command may leave unread (`Kernel.input`). */
const MAX_UNREAD_INPUT = 16 * 1024 * 1024

/** The kernel service. One instance per worker; it serves one sandbox at a time. */
export class Kernel {
  #bases = new Map<string, Layer>()
  #attached: Attached | undefined
  #emit: (name: string, payload: unknown) => void
  #running = new Set<AbortController>()
  /** The live stdin of each running exec that takes input (`ExecRequest.input`), by exec id. */
  #inputs = new Map<string, Pipe>()
  /** The host's abort generation (see `KernelWorker.abortRunning`), when memory can be shared. */
  #abortGeneration: Int32Array | undefined

  /** @param emit - sends an event to the host */
  constructor(emit: (name: string, payload: unknown) => void) {
    this.#emit = emit
  }

  #current(): Attached {
    if (!this.#attached) throw new SandboxError(SandboxErrorCode.INVALID_STATE, 'kernel has no sandbox attached')
    return this.#attached
  }

  /** True when this worker already holds base layer `id`. */
  hasBase(id: string): boolean {
    return this.#bases.has(id)
  }

  /** Takes on a sandbox: builds its VFS from the base layer and its writable image. */
  async attach(init: AttachInit): Promise<void> {
    if (this.#attached) throw new SandboxError(SandboxErrorCode.INVALID_STATE, `kernel already serves sandbox ${this.#attached.init.sandboxId}`)
    let base = this.#bases.get(init.baseId)
    if (!base && init.baseId === BUILTIN_BASE_ID) {
      // Without the runtime files (a deployment that does not serve them) the shell still works;
      // python3 then says its runtime is missing.
      const files = await runtimeFiles().catch(() => [])
      base = createBaseLayer({ commands: builtinCommandNames(), files })
      this.#bases.set(init.baseId, base)
    }
    if (this.#attached) throw new SandboxError(SandboxErrorCode.INVALID_STATE, 'kernel attached twice')
    if (!base) {
      if (!init.baseBytes) throw new SandboxError(SandboxErrorCode.INTERNAL, `base layer ${init.baseId} unknown to this kernel`)
      base = Layer.deserialize(init.baseBytes)
      this.#bases.set(init.baseId, base)
    }
    const options = { maxBytes: init.limits.diskBytes, maxInodes: init.limits.maxInodes, user: { uid: init.user.uid, gid: init.user.gid } }
    const vfs = init.image ? Vfs.deserialize(init.image, base, options) : new Vfs(base, options)
    // Files a process held open after unlinking them: no process of this sandbox is alive now.
    if (vfs.exists(ORPHAN_DIR)) vfs.rm(ORPHAN_DIR, { recursive: true, force: true })
    const sessions = new Map<string, ShellSessionState>()
    for (const [id, state] of Object.entries(init.sessions)) sessions.set(id, state as ShellSessionState)
    this.#attached = { init, vfs, files: new FileService(vfs, init.workDir, init.limits.maxFileBytes), shell: undefined, sessions, interpreters: new Map(), slots: new Slots(init.limits.maxProcesses) }
  }

  /** Lets the sandbox go: returns its writable image (transferred) and session states. */
  detach(): DetachResult {
    const a = this.#current()
    this.#attached = undefined
    stopInterpreters(a)
    const image = owned(a.vfs.serialize())
    const sessions: Record<string, ShellSessionState> = {}
    for (const [id, state] of a.sessions) sessions[id] = state
    return transfer({ image, sessions }, [image.buffer as ArrayBuffer])
  }

  /** Drops the sandbox without serialising it (delete). */
  discard(): void {
    if (this.#attached) stopInterpreters(this.#attached)
    this.#attached = undefined
  }

  /**
   * Runs code in an interpreter context, starting its process on first use (or after it died).
   * Never rejects for what the code does: exceptions, a timeout and a dead process are in the reply.
   */
  async interpreterRun(req: InterpreterRequest): Promise<InterpreterReply> {
    const a = this.#current()
    let context = a.interpreters.get(req.contextId)
    if (!context) {
      context = new InterpreterContext(a.vfs, req.cwd, { ...a.init.env }, processMemory(a.init.limits))
      a.interpreters.set(req.contextId, context)
    }
    const emit = (stream: 'stdout' | 'stderr') => (chunk: string) => {
      if (req.stream) this.#emit('output', { execId: req.execId, stream, chunk } satisfies OutputEvent)
    }
    let timedOut = false
    const timer = req.timeoutMs !== undefined && req.timeoutMs > 0 ? setTimeout(() => {
      timedOut = true
      void context.kill()
    }, req.timeoutMs) : undefined
    try {
      const r = await context.run(req.code, req.envs ?? {}, emit('stdout'), emit('stderr'))
      return { ...r, timedOut: false }
    } catch (error) {
      return { stdout: '', stderr: '', started: false, timedOut, ...(timedOut ? {} : { died: error instanceof Error ? error.message : String(error) }) }
    } finally {
      if (timer) clearTimeout(timer)
    }
  }

  /** Ends an interpreter context's process and forgets it. */
  async interpreterDelete(contextId: string): Promise<void> {
    const a = this.#current()
    const context = a.interpreters.get(contextId)
    a.interpreters.delete(contextId)
    await context?.kill()
  }

  /** Ids of the contexts whose process is alive in this kernel. */
  interpreterLive(): string[] {
    const a = this.#current()
    return [...a.interpreters].filter(([, c]) => c.alive).map(([id]) => id)
  }

  /** The writable image now, without detaching (for fork and checkpoints). */
  checkpoint(): Uint8Array {
    const image = owned(this.#current().vfs.serialize())
    return transfer(image, [image.buffer as ArrayBuffer])
  }

  /** Disk usage against the quota. */
  usage(): UsageDto {
    return this.#current().vfs.usage()
  }

  /** Applies new limits to the attached sandbox (resize): quota, process slots, memory cap of new processes. */
  setLimits(limits: SandboxLimits): void {
    const a = this.#current()
    a.vfs.setQuota({ maxBytes: limits.diskBytes, maxInodes: limits.maxInodes })
    a.slots.setLimit(limits.maxProcesses)
    a.init.limits = { ...limits }
    // The shell bakes its limits in; the next command gets a shell with the new ones.
    a.shell = undefined
  }

  /** Replaces the sandbox environment (`updateEnv`). */
  setEnv(env: Record<string, string>): void {
    const a = this.#current()
    a.init.env = { ...env }
    // The shell bakes its base environment in; the next command gets a shell with the new one.
    a.shell = undefined
  }

  /**
   * Runs a Git API call (Daytona's `Git` class) against the sandbox's files. With `opId`, network
   * progress is sent as `gitProgress` events carrying it.
   */
  async git(req: GitRequest, opId?: string): Promise<GitReplies[keyof GitReplies]> {
    const a = this.#current()
    const onProgress = opId ? (p: GitProgress) => this.#emit('gitProgress', { opId, ...p } satisfies GitProgressEvent) : undefined
    return gitApi(a.vfs, a.init, req, onProgress ? { onProgress } : {})
  }

  /** Runs a file API request. Downloaded bytes are transferred. */
  fs(req: FsRequest): FsReplies[keyof FsReplies] {
    const a = this.#current()
    const reply = a.files.handle(req)
    if (req.op === 'download') {
      const items = reply as FsReplies['download']
      const buffers = items.flatMap((item) => ('data' in item ? [item.data.buffer as ArrayBuffer] : []))
      return transfer(items, buffers)
    }
    return reply
  }

  #shell(a: Attached): Shell {
    if (!a.shell) {
      const vfs = a.vfs
      // The shell calls the command cap maxCommandCount; the other limits share their names.
      const limits = { ...a.init.limits, maxCommandCount: a.init.limits.maxShellCommands }
      const generation = this.#abortGeneration
      a.shell = new Shell({ vfs, user: a.init.user, env: a.init.env, limits, ...(generation ? { abortGeneration: () => Atomics.load(generation, 0) } : {}), commands: programCommands({ vfs: () => vfs, network: () => a.init, memoryBytes: () => processMemory(a.init.limits), slots: a.slots }) })
    }
    return a.shell
  }

  /**
   * Sends input to a running exec that takes it (Daytona's `sendSessionCommandInput`): the bytes
   * wait in its stdin for the programs that read it; the call returns at once (a command that
   * never reads must not hang its caller), up to {@link MAX_UNREAD_INPUT} bytes unread.
   * @returns false when no such exec is running
   * @throws SandboxError LIMIT_EXCEEDED when the command has that much input unread already
   */
  input(execId: string, data: string): boolean {
    const pipe = this.#inputs.get(execId)
    if (!pipe) return false
    const bytes = new TextEncoder().encode(data)
    if (pipe.buffered + bytes.byteLength > MAX_UNREAD_INPUT) {
      throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `the command has not read the ${pipe.buffered} bytes of input sent before; at most ${MAX_UNREAD_INPUT} bytes wait unread`, { execId })
    }
    void pipe.write(bytes)
    return !pipe.broken
  }

  /** Takes the shared abort generation the host bumps to abort running commands. */
  useAbortFlag(buffer: SharedArrayBuffer): void {
    this.#abortGeneration = new Int32Array(buffer)
  }

  /** Aborts every running command (stop, delete); their promises resolve soon after. */
  abortAll(): void {
    for (const c of this.#running) c.abort()
  }

  /** Forgets a session's shell state. */
  deleteSession(sessionId: string): void {
    this.#current().sessions.delete(sessionId)
  }

  /** Runs a bash command (Daytona `executeCommand` / session commands). Never rejects for what the script does. */
  async exec(req: ExecRequest): Promise<ExecReply> {
    const a = this.#current()
    const started = performance.now()
    let session: ShellSessionState | undefined
    if (req.sessionId !== undefined) {
      session = a.sessions.get(req.sessionId)
      if (!session) {
        session = createSessionState(a.init.workDir, { ...a.init.env })
        a.sessions.set(req.sessionId, session)
      }
    }
    let cwd: string | undefined
    if (req.cwd !== undefined && req.cwd !== '') {
      cwd = resolveUserPath(a.init.workDir, req.cwd, 'cwd')
      let isDir = false
      try {
        isDir = a.vfs.stat(cwd).kind === 'dir'
      } catch {
        isDir = false
      }
      if (!isDir) {
        const message = `chdir ${cwd}: no such file or directory\n`
        return { exitCode: -1, stdout: '', stderr: message, output: message, timedOut: false, truncated: false, durationMs: performance.now() - started }
      }
    } else if (!session) {
      cwd = a.init.workDir
    }
    const emit = req.stream
      ? (stream: 'stdout' | 'stderr') => (chunk: string) => this.#emit('output', { execId: req.execId, stream, chunk } satisfies OutputEvent)
      : undefined
    const controller = new AbortController()
    this.#running.add(controller)
    // Registered before anything awaits: input sent right after the request finds it.
    const input = req.input ? new Pipe() : undefined
    if (input) this.#inputs.set(req.execId, input)
    let result
    try {
      result = await this.#shell(a).exec(req.command, {
        ...(input ? { stdinPipe: input } : {}),
        cwd,
        env: session ? req.env : { ...a.init.env, ...(req.env ?? {}) },
        timeoutMs: req.timeoutMs !== undefined && req.timeoutMs > 0 ? req.timeoutMs : undefined,
        stdin: req.stdin,
        session,
        signal: controller.signal,
        onStdout: emit?.('stdout'),
        onStderr: emit?.('stderr'),
      })
    } finally {
      this.#running.delete(controller)
      if (input) {
        this.#inputs.delete(req.execId)
        input.closeRead()
      }
    }
    return {
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      output: result.output,
      timedOut: result.timedOut,
      truncated: result.truncated,
      durationMs: performance.now() - started,
    }
  }

  /** Makes the worker die with an uncaught error (tests of crash recovery). */
  crash(): void {
    setTimeout(() => {
      throw new Error('simulated kernel crash')
    }, 0)
  }

  /** A liveness probe. */
  ping(): number {
    return Date.now()
  }
}
