/**
 * WASI errno values for the VFS's POSIX error codes. Inside the WASI layer a failure is an errno
 * returned to the guest (STYLE 11); only a host fault (a broken channel) is thrown.
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { VfsError } from '../vfs/index.js'
import type { VfsErrorCode } from '../vfs/index.js'

/** WASI preview1 errno for each {@link VfsErrorCode}. */
export const WASI_ERRNO: Readonly<Record<VfsErrorCode, number>> = {
  ENOENT: wasi.ERRNO_NOENT,
  EEXIST: wasi.ERRNO_EXIST,
  ENOTDIR: wasi.ERRNO_NOTDIR,
  EISDIR: wasi.ERRNO_ISDIR,
  ENOTEMPTY: wasi.ERRNO_NOTEMPTY,
  ENOSPC: wasi.ERRNO_NOSPC,
  EDQUOT: wasi.ERRNO_DQUOT,
  EINVAL: wasi.ERRNO_INVAL,
  ELOOP: wasi.ERRNO_LOOP,
  EPERM: wasi.ERRNO_PERM,
  EACCES: wasi.ERRNO_ACCES,
  EROFS: wasi.ERRNO_ROFS,
  EBUSY: wasi.ERRNO_BUSY,
  ENAMETOOLONG: wasi.ERRNO_NAMETOOLONG,
  EXDEV: wasi.ERRNO_XDEV,
}

/**
 * The errno for a caught VFS error. Anything that is not a VFS error is a host fault and is
 * rethrown, so that it ends the run instead of being disguised as an errno.
 */
export function errnoFor(e: unknown): number {
  if (e instanceof VfsError) return WASI_ERRNO[e.code] ?? wasi.ERRNO_IO
  throw e
}
