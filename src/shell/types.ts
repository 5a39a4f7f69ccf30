/**
 * Public types of the shell layer: what the kernel passes to {@link Shell} and gets back.
 */
import type { SyncVfs } from '../vfs/types.js'
import type { PipeReader, PipeWriter } from './pipe.js'

/** The sandbox user the shell runs as. */
export interface ShellUser {
  name: string
  uid: number
  gid: number
  home: string
}

/** What a command returns. `stdout`/`stderr` are text (UTF-8). */
export interface ShellCommandResult {
  stdout: string
  stderr: string
  exitCode: number
  /**
   * stdout as bytes, passed on unchanged (a program's output: binary-safe, and much cheaper for
   * the shell to pipe than text). When set, `stdout` is ignored.
   */
  stdoutBytes?: Uint8Array
}

/** Options of {@link ShellCommandContext.exec}. */
export interface ShellSubExecOptions {
  cwd?: string
  env?: Record<string, string>
  /** stdin as text (UTF-8). */
  stdin?: string
  /** stdin as bytes, passed unchanged (wins over `stdin`). */
  stdinBytes?: Uint8Array
}

/** What a command sees when it runs. */
export interface ShellCommandContext {
  /** The sandbox filesystem (never a global `fs`). */
  vfs: SyncVfs
  /** Absolute working directory. */
  cwd: string
  /** The exported environment of the command (what a child process would get). */
  env: Record<string, string>
  /** The whole standard input as UTF-8 text (empty when {@link stdinPipe} is set). */
  stdin: string
  /** The whole standard input as bytes. */
  stdinBytes: Uint8Array
  /** The user the shell runs as. */
  user: ShellUser
  /** Aborted when the exec is cancelled or times out. */
  signal: AbortSignal | undefined
  /**
   * The most output bytes the shell holds for this command when it returns its output in its
   * result (captured: `$(…)`, a redirection, a pipe to a stage that reads whole inputs). A command
   * producing more should stop with an error rather than grow the host without bound.
   */
  maxCapturedBytes: number
  /** Runs a bash script in a child shell (a new process: exported env only) and returns its output. */
  exec(script: string, options?: ShellSubExecOptions): Promise<ShellCommandResult>
  /**
   * Set for a {@link ShellCommand.streams} command whose stdout reaches the exec's output
   * unchanged (not redirected, piped or captured): bytes written here reach the caller at once,
   * and must not be repeated in the result's `stdout`.
   */
  stdout?: (bytes: Uint8Array) => void
  /** As {@link stdout}, for stderr. */
  stderr?: (bytes: Uint8Array) => void
  /**
   * Set for a {@link ShellCommand.pipes} command whose stdin is the output of an earlier pipeline
   * stage that is still running: read it from here (`stdin` and `stdinBytes` are then empty).
   */
  stdinPipe?: PipeReader
  /**
   * True when {@link stdinPipe} is the output of an earlier stage of the same pipeline (not the
   * exec's own live stdin): that stage is still running and holds the pipeline's resources.
   */
  stdinFromStage?: boolean
  /** Set for a {@link ShellCommand.pipes} command whose stdout feeds the next pipeline stage (see {@link StagePipe}). */
  stdoutPipe?: StagePipe
}

/**
 * The write end of a live pipe to the next pipeline stage. The command starts its work, writes its
 * stdout here (waiting when the pipe is full; `false` means the reader has gone, the command's
 * EPIPE) and calls {@link detach}: the shell then starts the next stage at once, and the
 * command's result, when `run` resolves, is this stage's end. A command that never detaches
 * returns its output in its result as usual.
 */
export interface StagePipe extends PipeWriter {
  /** stderr goes into the pipe too (`|&`, `2>&1`): write it here, in order with stdout. */
  readonly stderrToo: boolean
  /** The command runs on its own from now on. */
  detach(): void
}

/**
 * A command the kernel registers (python3, node, git, wasi-run…).
 *
 * @example
 * ```ts
 * shell.registerCommand('hello', { run: async (args) => ({ stdout: `hi ${args[0]}\n`, stderr: '', exitCode: 0 }) })
 * ```
 */
export interface ShellCommand {
  /** Runs the command; `args` excludes the command name. Throwing gives `name: message`, exit 1. */
  run(args: string[], ctx: ShellCommandContext): Promise<ShellCommandResult>
  /** The command writes output while it runs, through `ctx.stdout`/`ctx.stderr` when they are set. */
  streams?: boolean
  /**
   * The command can be a concurrent pipeline stage: it reads `ctx.stdinPipe` and detaches through
   * `ctx.stdoutPipe` when they are set, so `cmd | head -3` ends when head has its lines.
   */
  pipes?: boolean
}

/** Result of {@link Shell.exec}. */
export interface ShellResult {
  exitCode: number
  stdout: string
  stderr: string
  /** stdout and stderr interleaved in the order they were written (per command, see docs). */
  output: string
  /** The exec hit its time limit (`timeoutMs` or `limits.maxExecutionTimeMs`) or was aborted. */
  timedOut: boolean
  /** Output was cut at `limits.maxOutputBytes`; a marker line ends the kept output. */
  truncated: boolean
}

/**
 * The state of a long-lived session shell: cwd, variables (with export/readonly flags), arrays,
 * functions, aliases, options, umask, traps and the last exit code. A plain, structured-cloneable
 * object; {@link Shell.exec} updates it in place when passed as `session`.
 */
export interface ShellSessionState {
  /** Format version. */
  v: 1
  cwd: string
  /** Scalar shell variables, exported or not (aliases are `BASH_ALIAS_<name>` entries). */
  vars: Record<string, string>
  /** Names of exported variables. */
  exported: string[]
  /** Names of readonly variables. */
  readonly: string[]
  /** Indexed (`assoc: false`) and associative arrays, as `[key, value]` pairs. */
  arrays: Record<string, { assoc: boolean; elements: [string, string][] }>
  /** Function definitions (source text) by name. */
  functions: Record<string, string>
  /** `set -o` options that are on (errexit, pipefail, nounset…). */
  options: string[]
  /** `shopt` options that are on. */
  shopt: string[]
  /** File-creation mask. */
  umask: number
  /** Trap actions by signal name (EXIT runs when the session is closed). */
  traps: Record<string, string>
  /** Exit status of the last command (`$?`). */
  lastExitCode: number
}

/** Options of {@link Shell.exec}. */
export interface ShellExecOptions {
  /** Working directory (default: the session's cwd, else the user's home). */
  cwd?: string
  /** Extra environment variables (exported) for this exec. */
  env?: Record<string, string>
  /** Wall-clock limit in milliseconds. */
  timeoutMs?: number
  /** Standard input of the script. */
  stdin?: string
  /**
   * A live standard input (input sent while the script runs): the programs the script starts
   * with the exec's stdin (`python3 app.py`, not `echo x | python3`) and `read` take it as it
   * comes. The shell's other commands (`cat`, `grep`) see `stdin`.
   */
  stdinPipe?: PipeReader
  /** Cancels the exec (checked between statements; see docs). */
  signal?: AbortSignal
  /** Called with stdout text as it is written. */
  onStdout?: (chunk: string) => void
  /** Called with stderr text as it is written. */
  onStderr?: (chunk: string) => void
  /** Session state to start from and update in place. */
  session?: ShellSessionState
}
