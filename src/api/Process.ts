/**
 * Daytona's `Process` (`sandbox.process`): shell commands and sessions.
 */
import type { SandboxBackend } from '../engine/backend.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { daytonaCall } from './errors.js'
import type { CodeRunParams, Command, ExecuteResponse, Session, SessionCommandLogsResponse, SessionExecuteRequest, SessionExecuteResponse } from './types.js'

function seconds(timeout: number | undefined, what = 'timeout'): number | undefined {
  if (timeout === undefined || timeout === null) return undefined
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `${what} must be a non-negative number of seconds`, { timeout })
  }
  return timeout === 0 ? undefined : Math.round(timeout * 1000)
}

/** Runs commands in a sandbox. */
export class Process {
  #host: SandboxBackend

  /** @internal */
  constructor(host: SandboxBackend) {
    this.#host = host
  }

  /**
   * Runs a bash command in a fresh shell and waits for it.
   * @param command - a bash script
   * @param cwd - working directory (relative paths resolve against the work dir)
   * @param env - extra environment variables
   * @param timeout - seconds; past it a `DaytonaTimeoutError` is thrown (files written before stay)
   * @returns the exit code and stdout+stderr interleaved as `result`
   * @example
   * ```ts
   * const r = await sandbox.process.executeCommand('ls -l | wc -l', 'src')
   * console.log(r.exitCode, r.result)
   * ```
   */
  executeCommand(command: string, cwd?: string, env?: Record<string, string>, timeout?: number): Promise<ExecuteResponse> {
    return daytonaCall(async () => {
      const reply = await this.#host.exec({ command, cwd, env, timeoutMs: seconds(timeout) })
      return { exitCode: reply.exitCode, result: reply.output, artifacts: { stdout: reply.output } }
    })
  }

  /**
   * Runs code in a fresh interpreter with Daytona's semantics (stateless; `argv` and `env` as
   * given; stdout and stderr interleaved in `result`). Python today; JavaScript and TypeScript
   * raise a clear error until their runtime lands.
   * @param timeout - seconds; past it a `DaytonaTimeoutError` is thrown
   * @example
   * ```ts
   * const r = await sandbox.process.codeRun('import sys; print(sys.argv[1:])', { argv: ['a'] })
   * ```
   */
  codeRun(code: string, params?: CodeRunParams, timeout?: number): Promise<ExecuteResponse> {
    return daytonaCall(async () => {
      const reply = await this.#host.codeRun({ code, argv: params?.argv, env: params?.env, timeoutMs: seconds(timeout) })
      return { exitCode: reply.exitCode, result: reply.output, artifacts: { stdout: reply.output } }
    })
  }

  /**
   * Creates a session: a long-lived shell in which `cd`, exported variables and functions persist
   * from one command to the next.
   * @example
   * ```ts
   * await sandbox.process.createSession('s1')
   * await sandbox.process.executeSessionCommand('s1', { command: 'export FOO=bar' })
   * ```
   */
  createSession(sessionId: string): Promise<void> {
    return daytonaCall(() => this.#host.createSession(sessionId))
  }

  /** A session and the commands it ran. */
  getSession(sessionId: string): Promise<Session> {
    return daytonaCall(() => this.#host.getSession(sessionId))
  }

  /** One command of a session (`exitCode` is undefined while it runs). */
  getSessionCommand(sessionId: string, commandId: string): Promise<Command> {
    return daytonaCall(() => this.#host.getSessionCommand(sessionId, commandId))
  }

  /**
   * Runs a command in a session. With `runAsync: true` it returns the `cmdId` at once; follow the
   * command with `getSessionCommand` and `getSessionCommandLogs`.
   * @param timeout - seconds (Daytona treats it as a request deadline; here it also ends the command)
   */
  executeSessionCommand(sessionId: string, req: SessionExecuteRequest, timeout?: number): Promise<SessionExecuteResponse> {
    return daytonaCall(async () => {
      if (typeof req !== 'object' || req === null) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'request must be an object with a command')
      const reply = await this.#host.sessionExec(sessionId, req.command, { runAsync: req.runAsync === true || req.async === true, timeoutMs: seconds(timeout) })
      if (req.runAsync === true || req.async === true) return { cmdId: reply.cmdId }
      return { cmdId: reply.cmdId, output: reply.output, stdout: reply.stdout ?? '', stderr: reply.stderr ?? '', exitCode: reply.exitCode }
    })
  }

  /** The logs of a session command so far. */
  getSessionCommandLogs(sessionId: string, commandId: string): Promise<SessionCommandLogsResponse>
  /** Streams the logs of a session command until it ends. */
  getSessionCommandLogs(sessionId: string, commandId: string, onStdout: (chunk: string) => void, onStderr: (chunk: string) => void): Promise<void>
  getSessionCommandLogs(
    sessionId: string,
    commandId: string,
    onStdout?: (chunk: string) => void,
    onStderr?: (chunk: string) => void,
  ): Promise<SessionCommandLogsResponse | void> {
    return daytonaCall(async () => {
      if (onStdout === undefined && onStderr === undefined) return this.#host.getCommandLogs(sessionId, commandId)
      await this.#host.followCommandLogs(sessionId, commandId, onStdout ?? (() => {}), onStderr ?? (() => {}))
    })
  }

  /**
   * Sends input to a running session command (one started with `runAsync`). In WebAssembly the
   * programs the command runs (`python3 app.py`, `node`, a shebang script) and `read` take it from
   * their stdin as it comes; the shell's other commands (`cat`, `grep`) do not see it.
   *
   * @example
   * ```ts
   * const { cmdId } = await sandbox.process.executeSessionCommand('s', { command: 'python3 -c "print(input()[::-1])"', runAsync: true })
   * await sandbox.process.sendSessionCommandInput('s', cmdId, 'hello\n')
   * ```
   */
  sendSessionCommandInput(sessionId: string, commandId: string, data: string): Promise<void> {
    return daytonaCall(async () => {
      const command = await this.#host.getSessionCommand(sessionId, commandId)
      if (typeof data !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'data must be a string')
      if (command.exitCode !== undefined) {
        throw new SandboxError(SandboxErrorCode.INVALID_STATE, `command ${commandId} already completed`, { commandId })
      }
      const send = this.#host.sendSessionCommandInput
      if (send) return send.call(this.#host, sessionId, commandId, data)
      throw new SandboxError(
        SandboxErrorCode.UNSUPPORTED,
        'interactive input to a running command is not supported by the in-process shell; pipe the input into the command instead, or use the remote fallback',
        { commandId },
      )
    })
  }

  /** All sessions of the sandbox. */
  listSessions(): Promise<Session[]> {
    return daytonaCall(() => this.#host.listSessions())
  }

  /** Deletes a session. */
  deleteSession(sessionId: string): Promise<void> {
    return daytonaCall(() => this.#host.deleteSession(sessionId))
  }
}
