/**
 * Path helpers for the kernel: POSIX join/normalise and validation of user-supplied paths.
 */
import { normalizePath as normalize } from '../../vfs/index.js'
import { SandboxError, SandboxErrorCode } from '../errors.js'

/** Joins POSIX path parts. */
export function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/').replace(/\/+/g, '/')
}

/** The last component of a path (`/` for the root). */
export function basename(path: string): string {
  const n = normalize(path)
  return n === '/' ? '/' : n.slice(n.lastIndexOf('/') + 1)
}

/** The parent of an absolute path. */
export function dirname(path: string): string {
  const n = normalize(path)
  const i = n.lastIndexOf('/')
  return i <= 0 ? '/' : n.slice(0, i)
}

/**
 * Validates a user-supplied path and makes it absolute against `workDir`.
 * @throws SandboxError INVALID_FILE_PATH for a non-string, empty or NUL-containing path
 */
export function resolveUserPath(workDir: string, path: unknown, what = 'path'): string {
  if (typeof path !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, `${what} must be a string`, { path: String(path) })
  if (path.length === 0) throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, `${what} is required`, { path })
  if (path.includes('\0')) throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, `${what} contains a NUL byte`, { path })
  if (path.length > 4096) throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, `${what} is longer than 4096 characters`, { path: path.slice(0, 64) + '…' })
  return normalize(path.startsWith('/') ? path : `${workDir}/${path}`)
}
