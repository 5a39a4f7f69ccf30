/**
 * Daytona's `CodeInterpreter` (`sandbox.codeInterpreter`): stateful Python. Each context is a
 * long-lived `python3` process in the sandbox; variables, imports and functions persist between
 * `runCode` calls of the same context.
 */
import type { SandboxBackend } from '../engine/backend.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { daytonaCall } from './errors.js'
import type { ExecutionResult, InterpreterContext, RunCodeOptions } from './types.js'

/** Daytona's default `runCode` timeout: 10 minutes. */
const DEFAULT_TIMEOUT_S = 600

/** Runs Python code in persistent interpreter contexts. */
export class CodeInterpreter {
  #host: SandboxBackend

  /** @internal */
  constructor(host: SandboxBackend) {
    this.#host = host
  }

  /**
   * Runs Python code in a context: the shared default one, or `options.context`. Output streams
   * to `onStdout`/`onStderr` while the code runs; a Python exception is returned as `error` (and
   * passed to `onError`), not thrown.
   * @param options - `context`, `envs` (for this run only), `timeout` in seconds (0 = none;
   *   default 600), callbacks
   * @throws DaytonaTimeoutError past the timeout: the context's process is killed, so its
   *   variables are gone (the message says so); the next run starts it afresh
   * @example
   * ```ts
   * await sandbox.codeInterpreter.runCode('x = 41')
   * const r = await sandbox.codeInterpreter.runCode('print(x + 1)')   // r.stdout === '42\n'
   * ```
   */
  runCode(code: string, options: RunCodeOptions = {}): Promise<ExecutionResult> {
    return daytonaCall(async () => {
      if (options === null) options = {}
      if (typeof options !== 'object') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'options must be an object')
      const timeout = options.timeout ?? DEFAULT_TIMEOUT_S
      if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
        throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'timeout must be a non-negative number of seconds', { timeout })
      }
      const { onStdout, onStderr, onError } = options
      const result = await this.#host.runCode({
        code,
        ...(options.context?.id !== undefined ? { contextId: options.context.id } : {}),
        ...(options.envs !== undefined ? { envs: options.envs } : {}),
        ...(timeout > 0 ? { timeoutMs: Math.round(timeout * 1000) } : {}),
        ...(onStdout ? { onStdout: (output: string) => void onStdout({ output }) } : {}),
        ...(onStderr ? { onStderr: (output: string) => void onStderr({ output }) } : {}),
      })
      if (result.error) await onError?.(result.error)
      return result
    })
  }

  /**
   * Creates an isolated context: its own globals, started in `cwd` (default: the work dir).
   * @example
   * ```ts
   * const ctx = await sandbox.codeInterpreter.createContext()
   * await sandbox.codeInterpreter.runCode('x = 10', { context: ctx })
   * await sandbox.codeInterpreter.deleteContext(ctx)
   * ```
   */
  createContext(cwd?: string): Promise<InterpreterContext> {
    return daytonaCall(() => this.#host.createContext(cwd))
  }

  /** The contexts made with {@link createContext} (the default context is not listed). */
  listContexts(): Promise<InterpreterContext[]> {
    return daytonaCall(() => this.#host.listContexts())
  }

  /**
   * Deletes a context and ends its process.
   * @throws DaytonaNotFoundError for an unknown context
   */
  deleteContext(context: InterpreterContext): Promise<void> {
    return daytonaCall(() => this.#host.deleteContext(context?.id))
  }
}
