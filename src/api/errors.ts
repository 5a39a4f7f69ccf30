/**
 * Daytona's error classes, with the same names, fields and hierarchy as `@daytonaio/sdk` 0.218,
 * so `instanceof DaytonaNotFoundError` works the same. {@link toDaytonaError} maps the engine's
 * typed errors onto them.
 */
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'

/** Error source: the control-plane API. */
export const SOURCE_API = 'DAYTONA_API'
/** Error source: the sandbox daemon (toolbox). */
export const SOURCE_DAEMON = 'DAYTONA_DAEMON'
/** Error source: the proxy. */
export const SOURCE_PROXY = 'DAYTONA_PROXY'

/**
 * The base of every Daytona error.
 * @example
 * ```ts
 * try { await daytona.get('nope') } catch (e) { if (e instanceof DaytonaNotFoundError) console.log(e.statusCode) }
 * ```
 */
export class DaytonaError extends Error {
  /** The HTTP status Daytona would answer with. */
  statusCode?: number
  /** A machine-readable code (for example `FILE_NOT_FOUND`). */
  code?: string
  /** Which Daytona service raised it. */
  readonly source?: string
  /** Response headers (always undefined in-process). */
  headers?: Record<string, string>

  /**
   * @param message - what happened
   * @param statusCode - the HTTP status equivalent
   * @param headers - response headers, if any
   * @param code - machine-readable code
   * @param source - `DAYTONA_API`, `DAYTONA_DAEMON` or `DAYTONA_PROXY`
   */
  constructor(message: string, statusCode?: number, headers?: Record<string, string>, code?: string, source?: string) {
    super(message)
    this.name = new.target.name
    this.statusCode = statusCode
    this.headers = headers
    this.code = code
    this.source = source
  }

  /** @deprecated Use {@link DaytonaError.code}. */
  get errorCode(): string | undefined {
    return this.code
  }
}

/** HTTP 400. */
export class DaytonaBadRequestError extends DaytonaError {}
/** HTTP 401. */
export class DaytonaAuthenticationError extends DaytonaError {}
/** HTTP 403. */
export class DaytonaForbiddenError extends DaytonaError {}
/** HTTP 404: the sandbox, session, command or snapshot does not exist. */
export class DaytonaNotFoundError extends DaytonaError {}
/** HTTP 408/504: a deadline passed. Connection timeouts also satisfy `instanceof`. */
export class DaytonaTimeoutError extends DaytonaError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === DaytonaTimeoutError && value instanceof DaytonaConnectionTimeoutError) return true
    return Function.prototype[Symbol.hasInstance].call(this, value)
  }
}
/** HTTP 409: conflicts with the current state (a duplicate name or session). */
export class DaytonaConflictError extends DaytonaError {}
/** HTTP 410. */
export class DaytonaGoneError extends DaytonaError {}
/** HTTP 422. */
export class DaytonaUnprocessableEntityError extends DaytonaError {}
/** HTTP 429. */
export class DaytonaRateLimitError extends DaytonaError {}
/** HTTP 500. */
export class DaytonaInternalServerError extends DaytonaError {}
/** HTTP 502. */
export class DaytonaBadGatewayError extends DaytonaError {}
/** HTTP 503. */
export class DaytonaServiceUnavailableError extends DaytonaError {}
/** HTTP 400 for invalid input. */
export class DaytonaValidationError extends DaytonaBadRequestError {}
/** HTTP 403 for a missing permission. */
export class DaytonaAuthorizationError extends DaytonaForbiddenError {}
/** An invalid argument, caught before any work is done. */
export class DaytonaInvalidArgumentError extends DaytonaValidationError {}
/** The service could not be reached. */
export class DaytonaConnectionError extends DaytonaError {}
/** The connection timed out. */
export class DaytonaConnectionTimeoutError extends DaytonaConnectionError {}
/** A file or directory does not exist (`FILE_NOT_FOUND`). */
export class DaytonaFileNotFoundError extends DaytonaNotFoundError {}
/** Access to a file was denied (`FILE_ACCESS_DENIED`). */
export class DaytonaFileAccessDeniedError extends DaytonaForbiddenError {}
/** A path is malformed (`INVALID_FILE_PATH`). */
export class DaytonaInvalidFilePathError extends DaytonaBadRequestError {}
/** A file could not be read (`FILE_READ_FAILED`). */
export class DaytonaFileReadFailedError extends DaytonaInternalServerError {}
/** A command ran past its timeout (`PROCESS_EXECUTION_TIMEOUT`). */
export class DaytonaProcessExecutionTimeoutError extends DaytonaTimeoutError {}
/** A process does not exist (`PROCESS_NOT_FOUND`). */
export class DaytonaProcessNotFoundError extends DaytonaNotFoundError {}
/** The session ended (`SESSION_ENDED`). */
export class DaytonaSessionEndedError extends DaytonaGoneError {}
/** The command already completed (`COMMAND_ALREADY_COMPLETED`). */
export class DaytonaCommandAlreadyCompletedError extends DaytonaGoneError {}
/** Git authentication against the remote failed (code `GIT_AUTH_FAILED`). */
export class DaytonaGitAuthFailedError extends DaytonaAuthenticationError {}
/** The git remote repository (or the local repository) was not found (code `GIT_REPO_NOT_FOUND`). */
export class DaytonaGitRepoNotFoundError extends DaytonaNotFoundError {}
/** The git branch or ref does not exist (code `GIT_BRANCH_NOT_FOUND`). */
export class DaytonaGitBranchNotFoundError extends DaytonaNotFoundError {}
/** The git branch already exists (code `GIT_BRANCH_EXISTS`). */
export class DaytonaGitBranchExistsError extends DaytonaConflictError {}
/** The git push was rejected by the remote (code `GIT_PUSH_REJECTED`). */
export class DaytonaGitPushRejectedError extends DaytonaConflictError {}
/** The operation requires a clean worktree (code `GIT_DIRTY_WORKTREE`). */
export class DaytonaGitDirtyWorktreeError extends DaytonaConflictError {}
/** A git merge produced conflicts (code `GIT_MERGE_CONFLICT`). */
export class DaytonaGitMergeConflictError extends DaytonaConflictError {}
/** The git remote was unreachable: DNS, connection, or the sandbox's network settings (code `GIT_TRANSPORT_FAILED`). */
export class DaytonaGitTransportFailedError extends DaytonaBadGatewayError {}
/** The git remote rejected the operation: hooks, branch protection or quota (code `GIT_REMOTE_REJECTED`). */
export class DaytonaGitRemoteRejectedError extends DaytonaUnprocessableEntityError {}

/** The Daytona error for an engine error that carries a git code (`data.gitCode`), or undefined. */
function gitError(error: SandboxError): DaytonaError | undefined {
  const code = error.data.gitCode
  if (typeof code !== 'string') return undefined
  const m = error.message
  switch (code) {
    case 'GIT_AUTH_FAILED':
      return new DaytonaGitAuthFailedError(m, 401, undefined, code, SOURCE_DAEMON)
    case 'GIT_REPO_NOT_FOUND':
    case 'GIT_NOT_A_REPO':
      return new DaytonaGitRepoNotFoundError(m, 404, undefined, 'GIT_REPO_NOT_FOUND', SOURCE_DAEMON)
    case 'GIT_BRANCH_NOT_FOUND':
      return new DaytonaGitBranchNotFoundError(m, 404, undefined, code, SOURCE_DAEMON)
    case 'GIT_BRANCH_EXISTS':
      return new DaytonaGitBranchExistsError(m, 409, undefined, code, SOURCE_DAEMON)
    case 'GIT_PUSH_REJECTED':
      return new DaytonaGitPushRejectedError(m, 409, undefined, code, SOURCE_DAEMON)
    case 'GIT_DIRTY_WORKTREE':
      return new DaytonaGitDirtyWorktreeError(m, 409, undefined, code, SOURCE_DAEMON)
    case 'GIT_MERGE_CONFLICT':
      return new DaytonaGitMergeConflictError(m, 409, undefined, code, SOURCE_DAEMON)
    case 'GIT_TRANSPORT_FAILED':
      return new DaytonaGitTransportFailedError(m, 502, undefined, code, SOURCE_DAEMON)
    case 'GIT_REMOTE_REJECTED':
      return new DaytonaGitRemoteRejectedError(m, 422, undefined, code, SOURCE_DAEMON)
    case 'GIT_UNSUPPORTED':
      return new DaytonaError(m, 501, undefined, 'UNSUPPORTED', SOURCE_DAEMON)
    case 'GIT_INTERNAL':
      return new DaytonaInternalServerError(m, 500, undefined, 'INTERNAL', SOURCE_DAEMON)
    default:
      // Bad input, a path that matches nothing, nothing to commit: Daytona answers 400.
      return new DaytonaValidationError(m, 400, undefined, 'BAD_REQUEST', SOURCE_DAEMON)
  }
}

/** Maps an engine error (or anything thrown) to the Daytona error class the SDK would raise. */
export function toDaytonaError(error: unknown): Error {
  if (error instanceof DaytonaError) return error
  if (!(error instanceof SandboxError)) {
    if (error instanceof Error) return new DaytonaError(error.message, 500, undefined, 'INTERNAL', SOURCE_API)
    return new DaytonaError(String(error), 500, undefined, 'INTERNAL', SOURCE_API)
  }
  const git = gitError(error)
  if (git) return git
  const m = error.message
  const remote = error.data.remote as { statusCode?: number; code?: string; source?: string; connection?: boolean } | undefined
  if (remote !== undefined) {
    // An answer of a remote Daytona (the remote fallback): the class the SDK raised for it.
    if (remote.connection) return new DaytonaConnectionError(m, undefined, undefined, remote.code, remote.source)
    if (remote.statusCode !== undefined) return byStatus(m, remote.statusCode, remote.code, remote.source)
  }
  switch (error.code) {
    case SandboxErrorCode.INVALID_ARGUMENT:
      return new DaytonaValidationError(m, 400, undefined, 'BAD_REQUEST', SOURCE_API)
    case SandboxErrorCode.NOT_FOUND:
      return new DaytonaNotFoundError(m, 404, undefined, 'NOT_FOUND', SOURCE_API)
    case SandboxErrorCode.FILE_NOT_FOUND:
      return new DaytonaFileNotFoundError(m, 404, undefined, 'FILE_NOT_FOUND', SOURCE_DAEMON)
    case SandboxErrorCode.INVALID_FILE_PATH:
      return new DaytonaInvalidFilePathError(m, 400, undefined, 'INVALID_FILE_PATH', SOURCE_DAEMON)
    case SandboxErrorCode.FILE_OPERATION_FAILED:
      return new DaytonaBadRequestError(m, 400, undefined, String(error.data.errno ?? 'FILE_OPERATION_FAILED'), SOURCE_DAEMON)
    case SandboxErrorCode.NO_SPACE:
      return new DaytonaError(m, 507, undefined, 'NO_SPACE', SOURCE_DAEMON)
    case SandboxErrorCode.CONFLICT:
      return new DaytonaConflictError(m, 409, undefined, 'CONFLICT', SOURCE_API)
    case SandboxErrorCode.INVALID_STATE:
      return new DaytonaBadRequestError(m, 400, undefined, 'INVALID_STATE', SOURCE_API)
    case SandboxErrorCode.TIMEOUT:
      return new DaytonaTimeoutError(m, 408, undefined, 'REQUEST_TIMEOUT', SOURCE_DAEMON)
    case SandboxErrorCode.LIMIT_EXCEEDED:
      return new DaytonaValidationError(m, 400, undefined, 'LIMIT_EXCEEDED', SOURCE_API)
    case SandboxErrorCode.DISPOSED:
      return new DaytonaGoneError(m, 410, undefined, 'DISPOSED', SOURCE_API)
    case SandboxErrorCode.WORKER_CRASHED:
      return new DaytonaInternalServerError(m, 500, undefined, 'WORKER_CRASHED', SOURCE_DAEMON)
    case SandboxErrorCode.UNSUPPORTED:
      return new DaytonaError(m, 501, undefined, 'UNSUPPORTED', SOURCE_API)
    default:
      return new DaytonaInternalServerError(m, 500, undefined, 'INTERNAL', SOURCE_API)
  }
}

/** Daytona's class for an HTTP status (and a daemon code), as `@daytonaio/sdk` picks it. */
function byStatus(m: string, status: number, code: string | undefined, source: string | undefined): DaytonaError {
  if (code === 'FILE_NOT_FOUND') return new DaytonaFileNotFoundError(m, status, undefined, code, source)
  if (code === 'INVALID_FILE_PATH') return new DaytonaInvalidFilePathError(m, status, undefined, code, source)
  if (code === 'PROCESS_EXECUTION_TIMEOUT') return new DaytonaProcessExecutionTimeoutError(m, status, undefined, code, source)
  const classes: Record<number, typeof DaytonaError> = {
    400: DaytonaValidationError,
    401: DaytonaAuthenticationError,
    403: DaytonaAuthorizationError,
    404: DaytonaNotFoundError,
    408: DaytonaTimeoutError,
    409: DaytonaConflictError,
    410: DaytonaGoneError,
    422: DaytonaUnprocessableEntityError,
    429: DaytonaRateLimitError,
    500: DaytonaInternalServerError,
    502: DaytonaBadGatewayError,
    503: DaytonaServiceUnavailableError,
    504: DaytonaTimeoutError,
  }
  const Class = classes[status] ?? DaytonaError
  return new Class(m, status, undefined, code, source)
}

/** Runs `fn`, rethrowing any failure as a Daytona error. */
export async function daytonaCall<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw toDaytonaError(error)
  }
}
