/**
 * Typed engine errors that cross the worker boundary.
 *
 * Every fault the engine reports is a {@link SandboxError} with a string {@link SandboxErrorCode}
 * and structured `data`; it serialises with `toJSON()` and comes back as the same class with
 * `SandboxError.fromJSON()` on the other side of a `postMessage`. `src/api` maps the codes to
 * Daytona's `DaytonaError` subclasses, so callers never parse message text.
 */

/** The error codes the engine raises. */
export const SandboxErrorCode = {
  /** Bad argument: empty path, NUL byte, invalid resources, unknown language… */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A sandbox, session or command does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** A file or directory does not exist. */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** The path is malformed or not allowed (NUL byte, too long, relative where absolute is needed). */
  INVALID_FILE_PATH: 'INVALID_FILE_PATH',
  /** A file operation failed for another reason (`data.errno` holds the POSIX code). */
  FILE_OPERATION_FAILED: 'FILE_OPERATION_FAILED',
  /** The sandbox's disk quota is full. */
  NO_SPACE: 'NO_SPACE',
  /** The thing already exists (session id, sandbox name). */
  CONFLICT: 'CONFLICT',
  /** The operation is not allowed in the sandbox's current state. */
  INVALID_STATE: 'INVALID_STATE',
  /** A command or call ran past its deadline. */
  TIMEOUT: 'TIMEOUT',
  /** A resource limit was hit (upload too large, too many sandboxes…). */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** The object was disposed (a deleted sandbox, a disposed Daytona). */
  DISPOSED: 'DISPOSED',
  /** The kernel worker died (crash, out of memory, killed by the watchdog). */
  WORKER_CRASHED: 'WORKER_CRASHED',
  /** The feature exists in Daytona but not in this engine. */
  UNSUPPORTED: 'UNSUPPORTED',
  /** An unexpected host fault; a bug. */
  INTERNAL: 'INTERNAL',
} as const
/** One of {@link SandboxErrorCode}. */
export type SandboxErrorCode = (typeof SandboxErrorCode)[keyof typeof SandboxErrorCode]

/** The JSON form of a {@link SandboxError}. */
export interface SandboxErrorJSON {
  name: 'SandboxError'
  code: SandboxErrorCode
  message: string
  data?: Record<string, unknown>
}

/** An engine error with a string code and structured data. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError'
  /** What went wrong, as a stable code. */
  readonly code: SandboxErrorCode
  /** Structured details (a path, a POSIX errno, a limit…). */
  readonly data: Record<string, unknown>

  /**
   * @param code - the stable error code
   * @param message - a sentence for people
   * @param data - structured details
   */
  constructor(code: SandboxErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message)
    this.code = code
    this.data = data
  }

  /** The structured-cloneable form, for `postMessage`. */
  toJSON(): SandboxErrorJSON {
    return { name: 'SandboxError', code: this.code, message: this.message, data: this.data }
  }

  /** Rebuilds an error from {@link SandboxError.toJSON}'s output. */
  static fromJSON(json: SandboxErrorJSON): SandboxError {
    return new SandboxError(json.code, json.message, json.data ?? {})
  }

  /** True when `value` looks like a serialised SandboxError. */
  static isJSON(value: unknown): value is SandboxErrorJSON {
    return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'SandboxError'
  }
}

/** Wraps anything thrown into a {@link SandboxError} (an unknown throw becomes INTERNAL). */
export function toSandboxError(error: unknown): SandboxError {
  if (error instanceof SandboxError) return error
  if (SandboxError.isJSON(error)) return SandboxError.fromJSON(error)
  const message = error instanceof Error ? error.message : String(error)
  return new SandboxError(SandboxErrorCode.INTERNAL, message)
}
