/**
 * The bash layer of the kernel: just-bash 3.4.2 over the sandbox's {@link SyncVfs}, with daylite's
 * streaming, sessions, executable dispatch and the commands just-bash lacks.
 *
 * Each `exec` borrows a just-bash `Bash` from a small pool (see `interpreter.ts`): a `Bash` serves
 * one exec at a time, with a fresh interpreter state, so concurrent execs never share interpreter
 * state, output, sinks or transform state; building one per exec cost more than running `echo hi`.
 */
import { Bash, getCommandNames, latin1FromBytes, parse } from 'just-bash'
import type { Command, CustomCommand, ExecResult, ResolvedCommandContext, ScriptNode, StatementNode } from 'just-bash'
import type { SyncVfs } from '../vfs/types.js'
import { BUILTIN_COMMANDS } from './commands/index.js'
import type { BuiltinCommand, BuiltinContext, ExecRunHandle } from './commands/context.js'
import { dispatchExecutable, needsDispatch } from './dispatch.js'
import { normalizePath } from '../vfs/path.js'
import { bytesToLatin1, latin1ToBytes, SinkRegistry, VfsFileSystem } from './fs-adapter.js'
import { cloneStatements, freshState, limitsOf, snapshotState, type StateTemplate } from './interpreter.js'
import { capturedOutputBytes, resolveShellLimits, toJustBashLimits, type ShellLimits } from './limits.js'
import { OutputCollector } from './output.js'
import {
  createSessionState,
  epilogueText,
  restoreSession,
  StateCapture,
} from './session.js'
import { fromBase64, GREP_COMMAND, HEAD_COMMAND, READ_COMMAND, isSingleCommand, markLiveStdin, markStreamingStatement, RUN_COMMAND, STREAM_FILTERS, transformNested, transformScript, type PipeRoles } from './transform.js'
import { PipeTable, readAllFrom, runStage, takeMarks, tooMuchInput, withStdin, type StageMarks, type StageResult } from './stage.js'
import { streamHead } from './commands/head-stream.js'
import { streamGrep } from './commands/grep-stream.js'
import { readLive } from './commands/read-live.js'
import { shellQuote } from './quote.js'
import type {
  ShellCommand,
  ShellCommandResult,
  ShellExecOptions,
  ShellResult,
  ShellSessionState,
  ShellUser,
} from './types.js'

/** Options of {@link Shell}. */
export interface ShellOptions {
  /** The sandbox filesystem. */
  vfs: SyncVfs
  /** The user scripts run as. */
  user: ShellUser
  /** Environment added to (and overriding) the defaults (HOME, USER, PATH…). */
  env?: Record<string, string>
  /** Execution limits; see {@link ShellLimits}. */
  limits?: ShellLimits
  /** Commands registered from the start (python3, node…). */
  commands?: Record<string, ShellCommand>
  /** Host name the sandbox reports (default `daytona`). */
  hostname?: string
  /**
   * A counter another thread bumps to abort every exec running now: read between statements, so
   * it ends a busy loop (`while :; do :; done`) that never yields to the event loop, where an
   * AbortSignal cannot be delivered.
   */
  abortGeneration?: () => number
}

const STATE_CMD = '__daylite_state'
const STATUS_CMD = '__daylite_status'
const FNDEF_CMD = '__daylite_fndef'
/** The streaming versions of shell commands for a live pipe (transform.ts's STREAM_FILTERS). */
const FILTER_COMMANDS: Readonly<Record<string, BuiltinCommand>> = { [HEAD_COMMAND]: streamHead, [GREP_COMMAND]: streamGrep }
/** A streaming filter's original command name. */
const FILTER_OF: ReadonlyMap<string, string> = new Map(Object.entries(STREAM_FILTERS).map(([name, filter]) => [filter, name]))
const INTERNAL = new Set([RUN_COMMAND, STATE_CMD, STATUS_CMD, FNDEF_CMD, READ_COMMAND, ...Object.keys(FILTER_COMMANDS)])

const JUST_BASH_COMMANDS: ReadonlySet<string> = new Set(getCommandNames())

/** Idle interpreters a shell keeps for reuse (more are built while more execs run at once). */
const MAX_IDLE_INTERPRETERS = 4

/** A signal that never aborts (for sleeps outside any exec). */
const NEVER = new AbortController().signal

const dec = new TextDecoder()

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code
    if (typeof c === 'string') return c
  }
  return undefined
}

const CODE_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
}

/**
 * Names of the commands every shell provides (just-bash's and daylite's built-ins), sorted: the
 * base image writes a `/usr/bin/<name>` stub for each. Registered commands (python3, node, git…)
 * need no stub: the shell shows one for them while they are registered.
 */
export function builtinCommandNames(): string[] {
  return [...new Set([...JUST_BASH_COMMANDS, ...Object.keys(BUILTIN_COMMANDS)])].sort()
}

/** Everything one exec needs while it runs. */
interface Run {
  handle: ExecRunHandle
  out: OutputCollector
  capture: StateCapture | undefined
  status: number
  /** The first transform call is the top-level script; later ones are nested execs. */
  topLevelSeen: boolean
  /** Live pipes between concurrent pipeline stages (see stage.ts). */
  pipes: PipeTable
}

/** What the interpreter in a {@link Slot} is running now. */
interface Current {
  run: Run
  /** The top-level script text. */
  script: string
  stdin: string
  signal: AbortSignal
  /** {@link ShellOptions.abortGeneration} when the exec started. */
  generation: number
}

/**
 * One reusable just-bash interpreter with its fs adapter, commands, sink paths and transform
 * plugin, all reading the exec it serves from `current` (set for exactly one exec at a time).
 */
interface Slot {
  readonly bash: Bash
  /** Pristine interpreter state each exec starts from. */
  readonly template: StateTemplate
  /** just-bash's live limits object (the deadline is set per exec). */
  readonly limits: { maxExecutionTimeMs: number }
  /** The shell's command generation it was built with (`registerCommand` bumps it). */
  readonly generation: number
  readonly sinks: { out: string; err: string; fns: string; vars: string; opts: string; close: () => void }
  /** The session capture epilogue, parsed once (cloned for each use). */
  epilogue: StatementNode[] | undefined
  current: Current | undefined
}

/**
 * A bash shell over a sandbox's files.
 *
 * @example
 * ```ts
 * const shell = new Shell({ vfs, user: { name: 'daytona', uid: 1000, gid: 1000, home: '/home/daytona' } })
 * const r = await shell.exec('mkdir -p src && echo hi > src/a.txt && ls -l src | wc -l')
 * r.exitCode // 0
 * r.output   // '2\n'
 * ```
 */
export class Shell {
  readonly #vfs: SyncVfs
  readonly #user: ShellUser
  readonly #env: Record<string, string>
  readonly #limits: Required<ShellLimits>
  readonly #commands = new Map<string, ShellCommand>()
  readonly #sinks = new SinkRegistry()
  readonly #hostname: string
  /** Idle interpreters, most recently used last. */
  readonly #idle: Slot[] = []
  /** Bumped by `registerCommand`: interpreters built before it are not reused. */
  #generation = 0
  readonly #isDirectPathFn = (path: string): boolean => this.#isDirectPath(path)
  readonly #abortGeneration: () => number

  /** @param options - filesystem, user, environment, limits and initial commands */
  constructor(options: ShellOptions) {
    this.#vfs = options.vfs
    this.#user = options.user
    this.#hostname = options.hostname ?? 'daytona'
    this.#abortGeneration = options.abortGeneration ?? (() => 0)
    this.#limits = resolveShellLimits(options.limits)
    this.#env = {
      HOME: options.user.home,
      USER: options.user.name,
      LOGNAME: options.user.name,
      SHELL: '/bin/bash',
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOSTNAME: this.#hostname,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      ...options.env,
    }
    for (const [name, cmd] of Object.entries(options.commands ?? {})) this.registerCommand(name, cmd)
  }

  /**
   * Registers (or replaces) a command, e.g. `python3`, `node`, `git`, `wasi-run`. It is found by
   * name, through `/usr/bin/<name>` stubs, and by shebang dispatch.
   *
   * @example
   * ```ts
   * shell.registerCommand('python3', { run: async (args, ctx) => runPython(args, ctx) })
   * ```
   */
  registerCommand(name: string, cmd: ShellCommand): void {
    if (!/^[A-Za-z0-9_.+-][A-Za-z0-9_.+:-]*$/.test(name) || INTERNAL.has(name)) throw new TypeError(`invalid command name: ${name}`)
    this.#commands.set(name, cmd)
    this.#generation++
    for (const slot of this.#idle.splice(0)) slot.sinks.close()
  }

  /** Creates the state of a new session shell starting in `cwd` (default: the user's home). */
  createSession(cwd?: string, env?: Record<string, string>): ShellSessionState {
    return createSessionState(cwd ?? this.#user.home, env)
  }

  /**
   * Runs a bash script. Never rejects for anything the script does (errors, limits, disk full,
   * timeouts come back in the result); only for host faults.
   *
   * @example
   * ```ts
   * const session = shell.createSession()
   * await shell.exec('cd /tmp && export A=1 && f() { echo hi; }', { session })
   * const r = await shell.exec('pwd; echo $A; f', { session, onStdout: (s) => log(s) })
   * r.stdout // '/tmp\n1\nhi\n'
   * ```
   */
  async exec(script: string, opts: ShellExecOptions = {}): Promise<ShellResult> {
    const session = opts.session
    const usesTrap = /\btrap\b/.test(script)
    const ephemeral = !session && usesTrap ? createSessionState(opts.cwd ?? this.#user.home) : undefined
    const state = session ?? ephemeral
    const out = new OutputCollector({ maxBytes: this.#limits.maxOutputBytes, onStdout: opts.onStdout, onStderr: opts.onStderr })
    const run: Run = {
      handle: { traps: state?.traps ?? {}, umask: state?.umask ?? 0o022, hostname: this.#hostname, maxOutputBytes: this.#limits.maxOutputBytes },
      out,
      capture: state ? new StateCapture() : undefined,
      status: 0,
      topLevelSeen: false,
      pipes: new PipeTable(opts.stdinPipe),
    }
    const result = await this.#run(script, opts, run, state)
    if (state) state.umask = run.handle.umask
    const exitTrap = run.handle.traps.EXIT
    if (ephemeral && exitTrap !== undefined) {
      delete run.handle.traps.EXIT
      const t = await this.#run(exitTrap, { ...opts, session: ephemeral }, { ...run, capture: new StateCapture(), topLevelSeen: false, pipes: new PipeTable() }, ephemeral)
      if (t.timedOut) result.timedOut = true
    }
    out.flush()
    return { ...result, ...out.result(), truncated: out.truncated }
  }

  /**
   * Ends a session: runs its `trap … EXIT` action, if any, and returns that run's result.
   */
  async endSession(session: ShellSessionState, opts: Omit<ShellExecOptions, 'session'> = {}): Promise<ShellResult> {
    const action = session.traps.EXIT
    delete session.traps.EXIT
    if (action === undefined) return { exitCode: 0, stdout: '', stderr: '', output: '', timedOut: false, truncated: false }
    return this.exec(action, { ...opts, session })
  }

  /** One just-bash exec with sinks, transforms and session handling. Output goes to `run.out`. */
  async #run(
    script: string,
    opts: ShellExecOptions,
    run: Run,
    session: ShellSessionState | undefined,
  ): Promise<Omit<ShellResult, 'stdout' | 'stderr' | 'output' | 'truncated'>> {
    const started = Date.now()
    const timeoutMs = Math.max(1, Math.min(opts.timeoutMs ?? Infinity, this.#limits.maxExecutionTimeMs))
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    const onAbort = (): void => controller.abort()
    if (opts.signal?.aborted) controller.abort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    const signal = controller.signal

    const cwd = normalizePath(opts.cwd ?? session?.cwd ?? this.#user.home)
    const slot = this.#acquire()
    const generation = this.#abortGeneration()
    slot.current = { run, script, stdin: opts.stdin ?? '', signal, generation }
    slot.limits.maxExecutionTimeMs = timeoutMs
    const extra = opts.env ? [session?.vars ?? {}, opts.env] : session ? [session.vars] : []
    const jbState = freshState(slot.bash, slot.template, cwd, 'OLDPWD' in this.#env, extra, session !== undefined)
    if (session) {
      const fresh = Object.keys(this.#env).filter((k) => !(k in session.vars))
      restoreSession(jbState, session, [...fresh, ...Object.keys(opts.env ?? {})])
    }

    let exitCode: number
    let resultEnv: Record<string, string> | undefined
    let reusable = false
    try {
      const res = await slot.bash.exec(script, { cwd, signal, rawScript: true, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) })
      run.out.write('stdout', res.stdout)
      run.out.write('stderr', res.stderr)
      exitCode = res.exitCode
      resultEnv = res.env
      reusable = !signal.aborted
    } catch (e) {
      exitCode = this.#hostFaultToResult(e, run.out)
    } finally {
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
    }
    if (run.pipes.size > 0) {
      // Detached pipeline stages whose reader never ran (an error before it): they end with the exec.
      controller.abort()
      await run.pipes.closeAll()
    }
    this.#release(slot, reusable)
    const elapsed = Date.now() - started
    if (exitCode === 124 && (elapsed >= timeoutMs - 5 || signal.aborted)) timedOut = true
    if (opts.signal?.aborted || this.#abortGeneration() !== generation) timedOut = true
    if (session && run.capture) run.capture.apply(session, jbState, { env: resultEnv, exitCode })
    return { exitCode, timedOut }
  }

  /** An idle interpreter of the current command generation, or a new one. */
  #acquire(): Slot {
    for (let slot = this.#idle.pop(); slot; slot = this.#idle.pop()) {
      if (slot.generation === this.#generation) return slot
      slot.sinks.close()
    }
    return this.#newSlot()
  }

  /**
   * Returns an interpreter to the pool. One whose exec was cancelled or hit a host fault is dropped:
   * a command may still be running in it.
   */
  #release(slot: Slot, reusable: boolean): void {
    slot.current = undefined
    Reflect.set(slot.bash, 'state', slot.template.state)
    if (reusable && slot.generation === this.#generation && this.#idle.length < MAX_IDLE_INTERPRETERS) this.#idle.push(slot)
    else slot.sinks.close()
  }

  /** Builds an interpreter: the one-off cost every exec used to pay. */
  #newSlot(): Slot {
    const current = (): Current => {
      const c = slot.current
      if (!c) throw new Error('daylite shell: interpreter used outside an exec')
      return c
    }
    const write = (stream: 'stdout' | 'stderr') => (d: Uint8Array): void => slot.current?.run.out.writeBytes(stream, d)
    const capture = (field: 'fnNames' | 'declares' | 'setOptions') => (d: Uint8Array): void => {
      const c = slot.current?.run.capture
      if (c) c[field] += dec.decode(d)
    }
    const sinks = [
      this.#sinks.open('out', write('stdout')),
      this.#sinks.open('err', write('stderr')),
      this.#sinks.open('fns', capture('fnNames')),
      this.#sinks.open('vars', capture('declares')),
      this.#sinks.open('opts', capture('setOptions')),
    ] as const
    const fs = new VfsFileSystem(this.#vfs, this.#sinks, {
      get stdin() {
        return slot.current?.stdin ?? ''
      },
      onStdout: write('stdout'),
      onStderr: write('stderr'),
      umask: () => slot.current?.run.handle.umask ?? 0o022,
      isCommand: (name) => this.#knows(name) || INTERNAL.has(name),
    })
    const bash = new Bash({
      fs,
      cwd: '/',
      env: this.#env,
      executionLimits: toJustBashLimits(this.#limits, this.#limits.maxExecutionTimeMs),
      defenseInDepth: false,
      customCommands: this.#customCommands(current),
      sleep: (ms) => sleepFor(ms, slot.current?.signal ?? NEVER),
      processInfo: { uid: this.#user.uid, gid: this.#user.gid, pid: 1, ppid: 0 },
    })
    const slot: Slot = {
      bash,
      template: snapshotState(bash),
      limits: this.#abortableLimits(limitsOf(bash), () => slot.current),
      generation: this.#generation,
      sinks: {
        out: sinks[0].path,
        err: sinks[1].path,
        fns: sinks[2].path,
        vars: sinks[3].path,
        opts: sinks[4].path,
        close: () => {
          for (const k of sinks) k.close()
        },
      },
      epilogue: undefined,
      current: undefined,
    }
    Reflect.set(bash, 'state', slot.template.state)
    bash.registerTransformPlugin({ name: 'daylite', transform: ({ ast, metadata }) => ({ ast: this.#transform(slot, ast), metadata }) })
    return slot
  }

  /**
   * just-bash's live limits object with its time limit read through a getter: just-bash checks
   * `Date.now() - start > maxExecutionTimeMs` between statements, so answering 0 once the abort
   * generation has moved ends the exec there, even in a loop that never yields.
   */
  #abortableLimits(limits: { maxExecutionTimeMs: number }, current: () => Current | undefined): { maxExecutionTimeMs: number } {
    let ms = limits.maxExecutionTimeMs
    Object.defineProperty(limits, 'maxExecutionTimeMs', {
      configurable: true,
      enumerable: true,
      get: () => {
        const c = current()
        return c && this.#abortGeneration() !== c.generation ? 0 : ms
      },
      set: (value: number) => {
        ms = value
      },
    })
    return limits
  }

  /** The daylite rewrites of a script about to run in `slot` (see transform.ts). */
  #transform(slot: Slot, ast: ScriptNode): ScriptNode {
    const current = slot.current
    const run = current?.run
    const isDirectPath = this.#isDirectPathFn
    const resolveBare = this.#bareResolver(slot)
    if (!current || !run || run.topLevelSeen) return transformNested(ast, isDirectPath, resolveBare)
    run.topLevelSeen = true
    // A command named by a literal path has a `/` in the script text.
    const dispatch = current.script.includes('/') ? isDirectPath : undefined
    const streams = this.#streamsFn(slot)
    const pipes = this.#pipeRoles(slot)
    // One simple command without session capture: its output reaches the caller when the script
    // ends anyway, stdout before stderr, exactly as with sinks; only dispatch (and a streaming
    // command's marker) matter.
    const liveStdin = run.pipes.execStdin !== undefined
    if (!run.capture && isSingleCommand(ast)) {
      const s = ast.statements[0]
      if (s) markStreamingStatement(s, streams)
      transformNested(ast, dispatch ?? (() => true), resolveBare)
      if (liveStdin) markLiveStdin(ast, pipes)
      return ast
    }
    let epilogue: (() => StatementNode[]) | undefined
    if (run.capture) {
      const sinks = slot.sinks
      const parsed = (slot.epilogue ??= parse(epilogueText({ state: STATE_CMD, status: STATUS_CMD }, { fns: sinks.fns, vars: sinks.vars, opts: sinks.opts })).statements)
      epilogue = () => cloneStatements(parsed)
    }
    return transformScript(ast, {
      sinkOut: slot.sinks.out,
      sinkErr: slot.sinks.err,
      isDirectPath: dispatch,
      resolveBare,
      functionMarker: run.capture ? FNDEF_CMD : undefined,
      epilogue,
      streams,
      pipes,
      execStdin: liveStdin,
    })
  }

  /**
   * Finds a bare command name in PATH when the file is one bash cannot run itself (a script with a
   * non-shell `#!`, a wasm binary), so that it runs like a kernel's execve would; null otherwise
   * (known commands, shell functions, bash scripts and misses stay with just-bash).
   */
  #bareResolver(slot: Slot): (name: string) => string | null {
    const state = Reflect.get(slot.bash, 'state') as { env?: Map<string, string>; functions?: Map<string, unknown> } | undefined
    return (name) => {
      if (this.#knows(name) || state?.functions?.has(name)) return null
      for (const dir of (state?.env?.get('PATH') ?? '').split(':')) {
        if (!dir.startsWith('/')) continue
        const path = `${dir.replace(/\/+$/, '')}/${name}`
        let head: Uint8Array
        try {
          const st = this.#vfs.stat(path)
          if (st.kind !== 'file' || (st.mode & 0o111) === 0) continue
          head = this.#vfs.read(path, 0, 256)
        } catch {
          continue
        }
        return needsDispatch(head) ? path : null
      }
      return null
    }
  }

  /** Which command names stream in this exec: registered streaming commands no shell function shadows. */
  #streamsFn(slot: Slot): (name: string) => boolean {
    const functions = (Reflect.get(slot.bash, 'state') as { functions?: Map<string, unknown> } | undefined)?.functions
    return (name) => (FILTER_OF.has(name) || name === RUN_COMMAND || this.#commands.get(name)?.streams === true) && !functions?.has(name)
  }

  /** Which commands run as concurrent pipeline stages in this exec (no shell function shadows them). */
  #pipeRoles(slot: Slot): PipeRoles {
    const functions = (Reflect.get(slot.bash, 'state') as { functions?: Map<string, unknown> } | undefined)?.functions
    return {
      detaches: (name) => {
        const original = name === READ_COMMAND ? 'read' : FILTER_OF.get(name)
        if (original !== undefined) return !functions?.has(original)
        return name === RUN_COMMAND || (this.#commands.get(name)?.pipes === true && !functions?.has(name))
      },
    }
  }

  /** Turns an exception out of just-bash into an exit code and a message (never rethrows). */
  #hostFaultToResult(e: unknown, out: OutputCollector): number {
    const code = errorCode(e)
    const text = code ? CODE_TEXT[code] : undefined
    if (code && text) {
      const path = typeof e === 'object' && e !== null && 'message' in e ? /'([^']*)'/.exec(String((e as { message: unknown }).message))?.[1] : undefined
      out.write('stderr', `bash: ${path ?? 'write'}: write error: ${text}\n`)
      return 1
    }
    const msg = e instanceof Error ? e.message : String(e)
    out.write('stderr', `bash: internal error: ${msg}\n`)
    return e instanceof RangeError ? 1 : 2
  }

  #isDirectPath(path: string): boolean {
    const m = /^\/(?:usr\/)?bin\/([^/]+)$/.exec(normalizePath(path))
    const name = m?.[1]
    return name !== undefined && this.#knows(name)
  }

  #knows(name: string): boolean {
    return this.#commands.has(name) || name in BUILTIN_COMMANDS || JUST_BASH_COMMANDS.has(name)
  }

  /** The commands given to a just-bash interpreter; `current` is the exec it serves. */
  #customCommands(current: () => Current): CustomCommand[] {
    const list: CustomCommand[] = []
    for (const [name, load] of Object.entries(BUILTIN_COMMANDS)) {
      list.push({ name, load: async () => this.#wrap(name, await load(), current) })
    }
    for (const [name, cmd] of this.#commands) list.push(this.#wrap(name, { run: (a, c) => cmd.run(a, c) }, current, cmd.streams === true, cmd.pipes === true))
    for (const [name, cmd] of Object.entries(FILTER_COMMANDS)) list.push(this.#wrap(name, cmd, current, true, true))
    list.push(this.#wrap(READ_COMMAND, readLive, current, false, true))
    list.push(this.#runCommand(current), this.#stateCommand(current), this.#statusCommand(current), this.#fndefCommand(current))
    return list
  }

  /** Our context for a command, built from just-bash's. */
  #context(ctx: ResolvedCommandContext, run: Run): BuiltinContext {
    const exec = ctx.exec
    const orig = ctx.origCommand
    let bytes: Uint8Array | undefined
    const stdinBytes = (): Uint8Array => {
      bytes ??= latin1ToBytes(latin1FromBytes(ctx.stdin))
      return bytes
    }
    return {
      vfs: this.#vfs,
      cwd: ctx.cwd,
      env: { ...(ctx.exportedEnv ?? {}) },
      get stdin() {
        return dec.decode(stdinBytes())
      },
      get stdinBytes() {
        return stdinBytes()
      },
      user: this.#user,
      signal: ctx.signal,
      maxCapturedBytes: capturedOutputBytes(this.#limits),
      exec: async (script, o = {}) => {
        if (!exec) return { stdout: '', stderr: 'exec unavailable\n', exitCode: 126 }
        const input = o.stdinBytes ? { stdin: bytesToLatin1(o.stdinBytes), stdinKind: 'bytes' as const } : o.stdin !== undefined ? { stdin: o.stdin } : {}
        const r = await exec(script, { cwd: o.cwd ?? ctx.cwd, env: o.env ?? ctx.exportedEnv ?? {}, replaceEnv: true, ...input })
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
      },
      run: run.handle,
      assign: ctx.assignShellVariable,
      shellVar: (name) => ctx.env.get(name),
      orig: orig ? async (args) => {
        const r = await orig(args)
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
      } : undefined,
    }
  }

  #wrap(name: string, cmd: BuiltinCommand, current: () => Current, streams = false, pipes = false): Command {
    return {
      name,
      trusted: true,
      execute: async (rawArgs, ctx): Promise<ExecResult> => {
        const cur = current()
        const { args, context, marks } = this.#marked(rawArgs, ctx, cur.run, streams)
        return stageResult(await this.#stage(name, ctx, context, marks, pipes, cur, (c) => cmd.run(args, c)))
      },
    }
  }

  /**
   * The command's own arguments and its context, with the exec's stdout/stderr writers when the
   * transform's stream marker says they reach the output unchanged and the command streams.
   */
  #marked(rawArgs: string[], ctx: ResolvedCommandContext, run: Run, streams: boolean): { args: string[]; context: BuiltinContext; marks: StageMarks | undefined } {
    const context = this.#context(ctx, run)
    const { args, marks } = rawArgs[0]?.startsWith('\0') ? takeMarks(rawArgs) : { args: rawArgs, marks: undefined }
    if (marks?.stream && streams) {
      if (marks.stream.out) context.stdout = (bytes) => run.out.writeBytes('stdout', bytes)
      if (marks.stream.err) context.stderr = (bytes) => run.out.writeBytes('stderr', bytes)
    }
    return { args, context, marks }
  }

  /** Runs a command, as a linked pipeline stage when the transform marked it one (see stage.ts). */
  #stage(
    name: string,
    ctx: ResolvedCommandContext,
    context: BuiltinContext,
    marks: StageMarks | undefined,
    pipes: boolean,
    cur: Current,
    run: (c: BuiltinContext) => Promise<ShellCommandResult>,
  ): Promise<StageResult> {
    if (!marks?.pipeIn && !marks?.pipeOut) return run(context)
    return runStage(
      {
        name,
        run: (c) => run(c as BuiltinContext),
        pipes,
        table: cur.run.pipes,
        pipefail: () => (ctx.env.get('SHELLOPTS') ?? '').split(':').includes('pipefail'),
        failed: (e) => ({ stdout: '', stderr: `${name}: ${e instanceof Error ? e.message : String(e)}\n`, exitCode: 1 }),
        signal: cur.signal,
      },
      context,
      marks,
    )
  }

  /**
   * `__daylite_run PATH ARGS…`: executable dispatch (see dispatch.ts). It streams and takes part
   * in pipelines like the program it runs: a registered program gets the live pipes; anything
   * else (a bash script, a shell command) gets the whole input.
   */
  #runCommand(current: () => Current): Command {
    return {
      name: RUN_COMMAND,
      trusted: true,
      execute: async (rawArgs, ctx): Promise<ExecResult> => {
        const cur = current()
        const { args, context, marks } = this.#marked(rawArgs, ctx, cur.run, true)
        const [name = '', ...rest] = args
        const dispatch = (c: BuiltinContext): Promise<ShellCommandResult> => {
          const live = c.stdinPipe
          /** `c` with the whole input as stdin, for anything that cannot read a live pipe. */
          const whole = async (): Promise<BuiltinContext> => {
            if (!live) return c
            const bytes = await readAllFrom(live, c.maxCapturedBytes)
            if (bytes === null) throw new Error(tooMuchInput(c.maxCapturedBytes))
            return withStdin(c, bytes) as BuiltinContext
          }
          return dispatchExecutable(name, rest, ctx.cwd, {
            vfs: this.#vfs,
            runCommand: (cmd, argv) => {
              const reg = this.#commands.get(cmd)
              if (reg) return reg.pipes ? reg.run(argv, c) : whole().then((w) => reg.run(argv, w))
              if (!(cmd in BUILTIN_COMMANDS) && !JUST_BASH_COMMANDS.has(cmd)) return undefined
              return whole().then((w) => w.exec([cmd, ...argv].map(shellQuote).join(' '), { env: w.env, ...(live ? { stdin: w.stdin } : {}) }))
            },
            runScript: async (text, path, argv) => {
              if (!ctx.exec) return { stdout: '', stderr: 'exec unavailable\n', exitCode: 126 }
              const setArgs = `set -- ${argv.map(shellQuote).join(' ')}`
              let source = text
              if (source.startsWith('#!')) {
                const nl = source.indexOf('\n')
                source = argv.length > 0 ? `${setArgs}${nl === -1 ? '' : source.slice(nl)}` : nl === -1 ? '' : source.slice(nl)
              } else if (argv.length > 0) source = `${setArgs}; ${source}`
              const w = await whole()
              const r = await ctx.exec(source, {
                cwd: ctx.cwd,
                env: { ...(ctx.exportedEnv ?? {}), 0: path },
                stdin: live ? bytesToLatin1(w.stdinBytes) : latin1FromBytes(ctx.stdin),
                stdinKind: 'bytes',
              })
              return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
            },
          })
        }
        return stageResult(await this.#stage(name, ctx, context, marks, true, cur, dispatch))
      },
    }
  }

  /** `__daylite_state RC`: snapshot of the live variables and cwd for the session. */
  #stateCommand(current: () => Current): Command {
    return {
      name: STATE_CMD,
      trusted: true,
      execute: async (args, ctx): Promise<ExecResult> => {
        const rc = Number(args[0] ?? '0') || 0
        const run = current().run
        run.status = rc
        // `ctx.env` is a membrane proxy of the live Map: one forEach call, not a proxied iteration.
        const vars: [string, string][] = []
        ctx.env.forEach((v, k) => void vars.push([k, v]))
        run.capture?.begin(rc, vars, ctx.exportedEnv, ctx.cwd)
        return { stdout: '', stderr: '', exitCode: 0 }
      },
    }
  }

  /** `__daylite_status [N]`: returns N (or the status saved by `__daylite_state`). */
  #statusCommand(current: () => Current): Command {
    return {
      name: STATUS_CMD,
      trusted: true,
      execute: async (args): Promise<ExecResult> => ({ stdout: '', stderr: '', exitCode: args[0] !== undefined ? Number(args[0]) || 0 : current().run.status }),
    }
  }

  /** `__daylite_fndef NAME BASE64`: records a function definition that just ran. */
  #fndefCommand(current: () => Current): Command {
    return {
      name: FNDEF_CMD,
      trusted: true,
      execute: async (args): Promise<ExecResult> => {
        const [name, b64] = args
        if (name && b64) {
          try {
            current().run.capture?.defined.set(name, fromBase64(b64))
          } catch {
            // ignore a malformed marker
          }
        }
        return { stdout: '', stderr: '', exitCode: 0 }
      },
    }
  }
}

/** A stage's result as just-bash takes it, with the pipeline's PIPESTATUS when the stage knows it. */
function stageResult(r: StageResult): ExecResult {
  return { ...execResult(r), ...(r.pipeStatus ? { internalPipeStatusOverride: r.pipeStatus } : {}) }
}

/** A command's result as just-bash takes it (bytes as a latin1 byte string of kind `bytes`). */
function execResult(r: ShellCommandResult): ExecResult {
  if (r.stdoutBytes) return { stdout: bytesToLatin1(r.stdoutBytes), stdoutKind: 'bytes', stderr: r.stderr, exitCode: r.exitCode }
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
}

/** Sleeps `ms`, returning early when `signal` aborts. */
function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done(): void {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

