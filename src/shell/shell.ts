/**
 * The bash layer of the kernel: just-bash 3.4.2 over the sandbox's {@link SyncVfs}, with daylite's
 * streaming, sessions, executable dispatch and the commands just-bash lacks.
 *
 * Each `exec` builds a fresh just-bash `Bash` (≈0.3 ms) around a per-exec fs adapter, so
 * concurrent execs never share interpreter state, sinks or transform state.
 */
import { Bash, getCommandNames, latin1FromBytes, parse } from 'just-bash'
import type { Command, CustomCommand, ExecResult, ResolvedCommandContext, StatementNode } from 'just-bash'
import type { SyncVfs } from '../vfs/types.js'
import { BUILTIN_COMMANDS } from './commands/index.js'
import type { BuiltinCommand, BuiltinContext, ExecRunHandle } from './commands/context.js'
import { dispatchExecutable } from './dispatch.js'
import { latin1ToBytes, normalizePath, SinkRegistry, VfsFileSystem } from './fs-adapter.js'
import { resolveShellLimits, toJustBashLimits, type ShellLimits } from './limits.js'
import { OutputCollector } from './output.js'
import {
  createSessionState,
  epilogueText,
  restoreSession,
  StateCapture,
  stateOf,
} from './session.js'
import { fromBase64, RUN_COMMAND, transformNested, transformScript } from './transform.js'
import type {
  ShellCommand,
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
}

const STATE_CMD = '__daylite_state'
const STATUS_CMD = '__daylite_status'
const FNDEF_CMD = '__daylite_fndef'
const INTERNAL = new Set([RUN_COMMAND, STATE_CMD, STATUS_CMD, FNDEF_CMD])

const JUST_BASH_COMMANDS: ReadonlySet<string> = new Set(getCommandNames())

const dec = new TextDecoder()

function quote(s: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

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

  /** @param options - filesystem, user, environment, limits and initial commands */
  constructor(options: ShellOptions) {
    this.#vfs = options.vfs
    this.#user = options.user
    this.#hostname = options.hostname ?? 'daytona'
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
    }
    const result = await this.#run(script, opts, run, state)
    if (state) state.umask = run.handle.umask
    const exitTrap = run.handle.traps.EXIT
    if (ephemeral && exitTrap !== undefined) {
      delete run.handle.traps.EXIT
      const t = await this.#run(exitTrap, { ...opts, session: ephemeral }, { ...run, capture: new StateCapture(), topLevelSeen: false }, ephemeral)
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

    const sinkOut = this.#sinks.open('out', (d) => run.out.writeBytes('stdout', d))
    const sinkErr = this.#sinks.open('err', (d) => run.out.writeBytes('stderr', d))
    const capture = run.capture
    const stateSinks = capture
      ? {
          fns: this.#sinks.open('fns', (d) => void (capture.fnNames += dec.decode(d))),
          vars: this.#sinks.open('vars', (d) => void (capture.declares += dec.decode(d))),
          opts: this.#sinks.open('opts', (d) => void (capture.setOptions += dec.decode(d))),
        }
      : undefined

    const cwd = normalizePath(opts.cwd ?? session?.cwd ?? this.#user.home)
    const fs = new VfsFileSystem(this.#vfs, this.#sinks, {
      stdin: opts.stdin ?? '',
      onStdout: (d) => run.out.writeBytes('stdout', d),
      onStderr: (d) => run.out.writeBytes('stderr', d),
      umask: () => run.handle.umask,
      isCommand: (name) => this.#knows(name) || INTERNAL.has(name),
    })
    const env: Record<string, string> = { ...this.#env, ...(session?.vars ?? {}), ...(opts.env ?? {}), PWD: cwd }
    const bash = new Bash({
      fs,
      cwd,
      env,
      executionLimits: toJustBashLimits(this.#limits, timeoutMs),
      defenseInDepth: false,
      customCommands: this.#customCommands(run),
      sleep: (ms) => sleepFor(ms, signal),
      processInfo: { uid: this.#user.uid, gid: this.#user.gid, pid: 1, ppid: 0 },
    })
    const jbState = stateOf(bash)
    if (session) {
      const fresh = Object.keys(this.#env).filter((k) => !(k in session.vars))
      restoreSession(jbState, session, [...fresh, ...Object.keys(opts.env ?? {})])
    }

    const epilogue = capture && stateSinks
      ? parse(epilogueText({ state: STATE_CMD, status: STATUS_CMD }, { fns: stateSinks.fns.path, vars: stateSinks.vars.path, opts: stateSinks.opts.path })).statements
      : undefined
    const isDirectPath = (p: string): boolean => this.#isDirectPath(p)
    bash.registerTransformPlugin({
      name: 'daylite',
      transform: ({ ast, metadata }) => {
        if (run.topLevelSeen) return { ast: transformNested(ast, isDirectPath), metadata }
        run.topLevelSeen = true
        return {
          ast: transformScript(ast, {
            sinkOut: sinkOut.path,
            sinkErr: sinkErr.path,
            isDirectPath,
            functionMarker: capture ? FNDEF_CMD : undefined,
            epilogue: epilogue ? () => structuredClone(epilogue) as StatementNode[] : undefined,
          }),
          metadata,
        }
      },
    })

    let exitCode: number
    let resultEnv: Record<string, string> | undefined
    try {
      const res = await bash.exec(script, { cwd, signal, rawScript: true, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) })
      run.out.write('stdout', res.stdout)
      run.out.write('stderr', res.stderr)
      exitCode = res.exitCode
      resultEnv = res.env
    } catch (e) {
      exitCode = this.#hostFaultToResult(e, run.out)
    } finally {
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      sinkOut.close()
      sinkErr.close()
      stateSinks?.fns.close()
      stateSinks?.vars.close()
      stateSinks?.opts.close()
    }
    const elapsed = Date.now() - started
    if (exitCode === 124 && (elapsed >= timeoutMs - 5 || signal.aborted)) timedOut = true
    if (opts.signal?.aborted) timedOut = true
    if (session && capture) capture.apply(session, jbState, { env: resultEnv, exitCode })
    return { exitCode, timedOut }
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

  /** The commands given to just-bash for one exec. */
  #customCommands(run: Run): CustomCommand[] {
    const list: CustomCommand[] = []
    for (const [name, load] of Object.entries(BUILTIN_COMMANDS)) {
      list.push({ name, load: async () => this.#wrap(name, await load(), run) })
    }
    for (const [name, cmd] of this.#commands) list.push(this.#wrap(name, { run: (a, c) => cmd.run(a, c) }, run))
    list.push(this.#runCommand(run), this.#stateCommand(run), this.#statusCommand(run), this.#fndefCommand(run))
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
      exec: async (script, o = {}) => {
        if (!exec) return { stdout: '', stderr: 'exec unavailable\n', exitCode: 126 }
        const r = await exec(script, { cwd: o.cwd ?? ctx.cwd, env: o.env ?? ctx.exportedEnv ?? {}, replaceEnv: true, ...(o.stdin !== undefined ? { stdin: o.stdin } : {}) })
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
      },
      run: run.handle,
      orig: orig ? async (args) => {
        const r = await orig(args)
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
      } : undefined,
    }
  }

  #wrap(name: string, cmd: BuiltinCommand, run: Run): Command {
    return {
      name,
      trusted: true,
      execute: async (args, ctx): Promise<ExecResult> => {
        const r = await cmd.run(args, this.#context(ctx, run))
        return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
      },
    }
  }

  /** `__daylite_run PATH ARGS…`: executable dispatch (see dispatch.ts). */
  #runCommand(run: Run): Command {
    return {
      name: RUN_COMMAND,
      trusted: true,
      execute: async (args, ctx): Promise<ExecResult> => {
        const [name = '', ...rest] = args
        const ours = this.#context(ctx, run)
        return dispatchExecutable(name, rest, ctx.cwd, {
          vfs: this.#vfs,
          runCommand: (cmd, argv) => {
            const reg = this.#commands.get(cmd)
            if (reg) return reg.run(argv, ours)
            if (!(cmd in BUILTIN_COMMANDS) && !JUST_BASH_COMMANDS.has(cmd)) return undefined
            return ours.exec([cmd, ...argv].map(quote).join(' '), { env: ours.env })
          },
          runScript: async (text, path, argv) => {
            if (!ctx.exec) return { stdout: '', stderr: 'exec unavailable\n', exitCode: 126 }
            const setArgs = `set -- ${argv.map(quote).join(' ')}`
            let source = text
            if (source.startsWith('#!')) {
              const nl = source.indexOf('\n')
              source = argv.length > 0 ? `${setArgs}${nl === -1 ? '' : source.slice(nl)}` : nl === -1 ? '' : source.slice(nl)
            } else if (argv.length > 0) source = `${setArgs}; ${source}`
            const r = await ctx.exec(source, {
              cwd: ctx.cwd,
              env: { ...(ctx.exportedEnv ?? {}), 0: path },
              stdin: latin1FromBytes(ctx.stdin),
              stdinKind: 'bytes',
            })
            return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }
          },
        })
      },
    }
  }

  /** `__daylite_state RC`: snapshot of the live variables and cwd for the session. */
  #stateCommand(run: Run): Command {
    return {
      name: STATE_CMD,
      trusted: true,
      execute: async (args, ctx): Promise<ExecResult> => {
        const rc = Number(args[0] ?? '0') || 0
        run.status = rc
        run.capture?.begin(rc, ctx.env, ctx.exportedEnv, ctx.cwd)
        return { stdout: '', stderr: '', exitCode: 0 }
      },
    }
  }

  /** `__daylite_status [N]`: returns N (or the status saved by `__daylite_state`). */
  #statusCommand(run: Run): Command {
    return {
      name: STATUS_CMD,
      trusted: true,
      execute: async (args): Promise<ExecResult> => ({ stdout: '', stderr: '', exitCode: args[0] !== undefined ? Number(args[0]) || 0 : run.status }),
    }
  }

  /** `__daylite_fndef NAME BASE64`: records a function definition that just ran. */
  #fndefCommand(run: Run): Command {
    return {
      name: FNDEF_CMD,
      trusted: true,
      execute: async (args): Promise<ExecResult> => {
        const [name, b64] = args
        if (name && b64) {
          try {
            run.capture?.defined.set(name, fromBase64(b64))
          } catch {
            // ignore a malformed marker
          }
        }
        return { stdout: '', stderr: '', exitCode: 0 }
      },
    }
  }
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

