/**
 * WASI rights as bigints. We grant every right an fd's kind can use: the VFS enforces what it
 * enforces (quota, read-only layers), and wasi-libc reads `fs_rights_base` to answer
 * `fcntl(F_GETFL)` (read/write mode) and `isatty` (no seek/tell rights on a character device).
 */
import { wasi } from '@bjorn3/browser_wasi_shim'

const r = (n: number): bigint => BigInt(n)

/** Every right. */
export const RIGHTS_ALL = (1n << 29n) - 1n

/** Rights meaningful on a regular file (besides read and write). */
export const RIGHTS_FILE_BASE =
  r(wasi.RIGHTS_FD_DATASYNC) |
  r(wasi.RIGHTS_FD_SEEK) |
  r(wasi.RIGHTS_FD_FDSTAT_SET_FLAGS) |
  r(wasi.RIGHTS_FD_SYNC) |
  r(wasi.RIGHTS_FD_TELL) |
  r(wasi.RIGHTS_FD_ADVISE) |
  r(wasi.RIGHTS_FD_ALLOCATE) |
  r(wasi.RIGHTS_FD_FILESTAT_GET) |
  r(wasi.RIGHTS_FD_FILESTAT_SET_SIZE) |
  r(wasi.RIGHTS_FD_FILESTAT_SET_TIMES) |
  r(wasi.RIGHTS_POLL_FD_READWRITE)

export const RIGHT_READ = r(wasi.RIGHTS_FD_READ)
export const RIGHT_WRITE = r(wasi.RIGHTS_FD_WRITE)

/** Rights of a stream (stdio): read or write and poll, no seek or tell. */
export const RIGHTS_STREAM = r(wasi.RIGHTS_FD_FDSTAT_SET_FLAGS) | r(wasi.RIGHTS_FD_FILESTAT_GET) | r(wasi.RIGHTS_POLL_FD_READWRITE)
