/**
 * What daylite's own shell commands get besides the public {@link ShellCommandContext}.
 */
import type { ShellCommandContext, ShellCommandResult, ShellSessionState } from '../types.js'

/** Per-exec state the built-in commands read and change (traps, umask, limits). */
export interface ExecRunHandle {
  /** Trap actions by signal name; shared with the session when there is one. */
  traps: ShellSessionState['traps']
  /** File-creation mask. */
  umask: number
  /** The host name the sandbox reports. */
  hostname: string
  /** Output bytes an exec keeps (bounds `yes`). */
  maxOutputBytes: number
}

/** Context of a daylite built-in command. */
export interface BuiltinContext extends ShellCommandContext {
  /** The exec this command runs in. */
  run: ExecRunHandle
  /** The just-bash command this one overrides, if any (for argv normalisers). */
  orig: ((args: string[]) => Promise<ShellCommandResult>) | undefined
  /** Sets a shell variable in the caller's scope (`read`, `printf -v`); `subscript` for an array element. */
  assign?: ((name: string, value: string, subscript?: string) => void | Promise<void>) | undefined
  /** A shell variable's value (exported or not), e.g. IFS. */
  shellVar?: ((name: string) => string | undefined) | undefined
}

/** A daylite built-in command (one per file in this folder). */
export interface BuiltinCommand {
  run(args: string[], ctx: BuiltinContext): Promise<ShellCommandResult>
}

/** A successful result. */
export function ok(stdout = '', stderr = ''): ShellCommandResult {
  return { stdout, stderr, exitCode: 0 }
}

/** A failed result. */
export function fail(stderr: string, exitCode = 1, stdout = ''): ShellCommandResult {
  return { stdout, stderr, exitCode }
}
