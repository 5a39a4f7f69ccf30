/**
 * The one error type of the VFS: a POSIX code, a negative Linux errno, the syscall and path(s),
 * and a Node-like message. It survives `postMessage` through {@link VfsError.toJSON} /
 * {@link VfsError.fromJSON}.
 */
import { VfsErrorCode } from './types.js'

/** Linux errno numbers (positive) and Node-style descriptions for each {@link VfsErrorCode}. */
const ERRNO: Readonly<Record<VfsErrorCode, readonly [number, string]>> = {
  EPERM: [1, 'operation not permitted'],
  ENOENT: [2, 'no such file or directory'],
  EACCES: [13, 'permission denied'],
  EBUSY: [16, 'resource busy or locked'],
  EEXIST: [17, 'file already exists'],
  EXDEV: [18, 'cross-device link not permitted'],
  ENOTDIR: [20, 'not a directory'],
  EISDIR: [21, 'illegal operation on a directory'],
  EINVAL: [22, 'invalid argument'],
  ENOSPC: [28, 'no space left on device'],
  EROFS: [30, 'read-only file system'],
  ENAMETOOLONG: [36, 'name too long'],
  ENOTEMPTY: [39, 'directory not empty'],
  ELOOP: [40, 'too many symbolic links encountered'],
  EDQUOT: [122, 'disk quota exceeded'],
}

/** The plain-object form of a {@link VfsError}, as produced by `toJSON()` (structured-clone safe). */
export interface VfsErrorJSON {
  name: 'VfsError'
  code: VfsErrorCode
  errno: number
  syscall: string
  path: string
  dest?: string
  message: string
}

function isCode(value: unknown): value is VfsErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRNO, value)
}

/**
 * A file-system error with Node's shape (`code`, `errno`, `syscall`, `path`, `dest`).
 *
 * @example
 * ```ts
 * try { vfs.readFile('/nope') } catch (e) { if (isVfsError(e) && e.code === 'ENOENT') ... }
 * ```
 */
export class VfsError extends Error {
  /** The POSIX error code, e.g. `ENOENT`. */
  readonly code: VfsErrorCode
  /** The negative Linux errno, e.g. `-2` for ENOENT (Node's convention). */
  readonly errno: number
  /** The operation that failed, Node's naming (`open`, `scandir`, `rename`...). */
  readonly syscall: string
  /** The path the operation was about. */
  readonly path: string
  /** The second path of two-path operations (rename, link, symlink, copy). */
  readonly dest?: string

  /**
   * @param code - the error code
   * @param syscall - the operation name
   * @param path - the path concerned (garbage is stringified)
   * @param dest - the second path, if any
   * @param detail - replaces the path in the message when given (for errors not about one path)
   */
  constructor(code: VfsErrorCode, syscall: string, path: unknown, dest?: unknown, detail?: string) {
    const safeCode: VfsErrorCode = isCode(code) ? code : VfsErrorCode.EINVAL
    const p = typeof path === 'string' ? path : String(path)
    const d = dest === undefined ? undefined : typeof dest === 'string' ? dest : String(dest)
    const [num, text] = ERRNO[safeCode]
    const where = detail !== undefined ? detail : d !== undefined ? `'${p}' -> '${d}'` : `'${p}'`
    super(`${safeCode}: ${text}, ${syscall} ${where}`)
    this.name = 'VfsError'
    this.code = safeCode
    this.errno = -num
    this.syscall = syscall
    this.path = p
    if (d !== undefined) this.dest = d
  }

  /** A plain object that crosses worker boundaries; revive with {@link VfsError.fromJSON}. */
  toJSON(): VfsErrorJSON {
    const json: VfsErrorJSON = {
      name: 'VfsError',
      code: this.code,
      errno: this.errno,
      syscall: this.syscall,
      path: this.path,
      message: this.message,
    }
    if (this.dest !== undefined) json.dest = this.dest
    return json
  }

  /** Rebuilds a {@link VfsError} from {@link VfsError.toJSON} output (tolerates missing fields). */
  static fromJSON(json: unknown): VfsError {
    const o = (typeof json === 'object' && json !== null ? json : {}) as Partial<Record<keyof VfsErrorJSON, unknown>>
    const code = isCode(o.code) ? o.code : VfsErrorCode.EINVAL
    const syscall = typeof o.syscall === 'string' ? o.syscall : 'unknown'
    const path = typeof o.path === 'string' ? o.path : ''
    const dest = typeof o.dest === 'string' ? o.dest : undefined
    const e = new VfsError(code, syscall, path, dest)
    if (typeof o.message === 'string') e.message = o.message
    return e
  }
}

/** True if `e` is a {@link VfsError} (or its JSON form revived elsewhere with the same shape). */
export function isVfsError(e: unknown): e is VfsError {
  return e instanceof VfsError
}

/** The positive Linux errno for a code (e.g. 2 for ENOENT); WASI layers map from this. */
export function errnoOf(code: VfsErrorCode): number {
  return ERRNO[code][0]
}
