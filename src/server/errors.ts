/**
 * Errors on the wire: every failure becomes Daytona's JSON error body, so that the Daytona SDK
 * raises the same class it would against Daytona (`DaytonaNotFoundError`, `DaytonaFileNotFoundError`,
 * `DaytonaTimeoutError`…).
 *
 * The mapping from an engine error code to an HTTP status and a Daytona code lives in one place,
 * `toDaytonaError` in `src/api/errors.ts` (the in-process API raises the same classes from it);
 * this file only serialises its result.
 */
import { DaytonaError, SOURCE_API, SOURCE_DAEMON, toDaytonaError } from '../api/errors.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'

/** Which face of Daytona answered: the control plane (`/api`) or a sandbox's toolbox daemon. */
export type ErrorArea = 'api' | 'toolbox'

/** Daytona's error body (the NestJS filter's fields plus the daemon's `code` and `source`). */
export interface ErrorBody {
  statusCode: number
  /** The HTTP reason phrase, as NestJS sends it. */
  error: string
  message: string
  code: string
  source: string
  path: string
  method: string
  timestamp: string
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  507: 'Insufficient Storage',
}

/** The status, code and message of anything thrown, through the shared mapping. */
export function describeError(error: unknown): { statusCode: number; code: string; message: string } {
  const e = toDaytonaError(error)
  if (e instanceof DaytonaError) return { statusCode: e.statusCode ?? 500, code: e.code ?? 'INTERNAL', message: e.message }
  return { statusCode: 500, code: 'INTERNAL', message: e.message }
}

/** The JSON body for `error`, answered to `method path` by `area`. */
export function errorBody(error: unknown, method: string, path: string, area: ErrorArea): ErrorBody {
  const { statusCode, code, message } = describeError(error)
  return {
    statusCode,
    error: REASONS[statusCode] ?? 'Error',
    message,
    code,
    source: area === 'toolbox' ? SOURCE_DAEMON : SOURCE_API,
    path,
    method,
    timestamp: new Date().toISOString(),
  }
}

/** A 400 for malformed requests (bad JSON, a missing or mistyped field). */
export function badRequest(message: string, data: Record<string, unknown> = {}): SandboxError {
  return new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, message, data)
}

/** A Daytona endpoint that daylite does not serve (yet); the SDK raises a plain `DaytonaError`. */
export function notServed(message: string): SandboxError {
  return new SandboxError(SandboxErrorCode.UNSUPPORTED, message)
}
