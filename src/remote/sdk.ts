/**
 * The one place that loads `@daytonaio/sdk`, lazily: the library works without it, and only a
 * sandbox that goes remote needs it. Its errors become engine `SandboxError`s that keep the remote
 * answer's status, code and source (`data.remote`), so `src/api` raises the Daytona class the SDK
 * raised.
 */
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'

/** The SDK module, as far as daylite uses it. */
export type SdkModule = typeof import('@daytonaio/sdk')
/** A Daytona client of the SDK. */
export type SdkDaytona = InstanceType<SdkModule['Daytona']>
/** A sandbox of the SDK. */
export type SdkSandbox = Awaited<ReturnType<SdkDaytona['get']>>

/** The package the remote fallback drives. */
export const SDK_PACKAGE = '@daytonaio/sdk'

let loading: Promise<SdkModule> | undefined

/**
 * Imports `@daytonaio/sdk` once. The specifier is not a literal so that bundlers leave it out of
 * daylite's bundles; it resolves from the application's `node_modules`.
 * @throws SandboxError UNSUPPORTED, saying how to install it, when it is not installed
 */
export function loadSdk(): Promise<SdkModule> {
  loading ??= (async () => {
    const specifier: string = SDK_PACKAGE
    try {
      const mod = (await import(specifier)) as SdkModule & { default?: SdkModule }
      return (mod.Daytona ? mod : (mod.default ?? mod)) as SdkModule
    } catch (error) {
      loading = undefined
      throw new SandboxError(
        SandboxErrorCode.UNSUPPORTED,
        `the remote fallback needs ${SDK_PACKAGE} 0.218 (an optional dependency of daylite): npm install ${SDK_PACKAGE}@0.218.0 (${error instanceof Error ? error.message : String(error)})`,
      )
    }
  })()
  return loading
}

/** What a remote Daytona answered, kept on `SandboxError.data.remote`. */
export interface RemoteErrorInfo {
  statusCode?: number
  code?: string
  source?: string
  /** The remote could not be reached (no HTTP answer). */
  connection?: boolean
}

function codeFor(status: number | undefined, code: string | undefined, name: string): SandboxErrorCode {
  if (name.includes('Timeout') || status === 408 || status === 504) return SandboxErrorCode.TIMEOUT
  if (code === 'FILE_NOT_FOUND') return SandboxErrorCode.FILE_NOT_FOUND
  if (code === 'INVALID_FILE_PATH') return SandboxErrorCode.INVALID_FILE_PATH
  switch (status) {
    case 400:
    case 422:
      return code === 'INVALID_STATE' ? SandboxErrorCode.INVALID_STATE : code === 'LIMIT_EXCEEDED' ? SandboxErrorCode.LIMIT_EXCEEDED : SandboxErrorCode.INVALID_ARGUMENT
    case 404:
      return SandboxErrorCode.NOT_FOUND
    case 409:
      return SandboxErrorCode.CONFLICT
    case 410:
      return SandboxErrorCode.DISPOSED
    case 501:
      return SandboxErrorCode.UNSUPPORTED
    case 507:
      return SandboxErrorCode.NO_SPACE
    default:
      return SandboxErrorCode.INTERNAL
  }
}

/** An SDK error (or any throw from a remote call) as an engine error that remembers the remote answer. */
export function fromSdkError(error: unknown, what: string): SandboxError {
  if (error instanceof SandboxError) return error
  const e = (typeof error === 'object' && error !== null ? error : {}) as { statusCode?: unknown; code?: unknown; source?: unknown; message?: unknown; name?: unknown }
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined
  const code = typeof e.code === 'string' ? e.code : undefined
  const name = typeof e.name === 'string' ? e.name : error instanceof Error ? error.constructor.name : ''
  const message = typeof e.message === 'string' ? e.message : String(error)
  const remote: RemoteErrorInfo = {}
  if (statusCode !== undefined) remote.statusCode = statusCode
  if (code !== undefined) remote.code = code
  if (typeof e.source === 'string') remote.source = e.source
  if (statusCode === undefined && (name.includes('Connection') || /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed/.test(message))) {
    remote.connection = true
  }
  if (statusCode === undefined && !remote.connection && name.includes('Timeout')) remote.statusCode = 408
  return new SandboxError(codeFor(remote.statusCode, code, name), remote.connection ? `${what}: the remote Daytona could not be reached: ${message}` : message, { remote })
}

/** Runs a remote call, turning its failures into {@link fromSdkError}'s errors. */
export async function remoteCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw fromSdkError(error, what)
  }
}
