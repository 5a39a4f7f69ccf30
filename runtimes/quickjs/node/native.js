// The native object of daylite_node.c (taken off the global object here, once) and the errno
// table: wasi-libc's errno numbers (what the native calls return as -errno) mapped to Linux's
// names, numbers and libuv's messages, which is what Node's errors carry.

export const N = globalThis.__daylite
delete globalThis.__daylite

// [WASI errno, code, Linux errno, libuv message]
const ERRNO_TABLE = [
  [1, 'E2BIG', 7, 'argument list too long'],
  [2, 'EACCES', 13, 'permission denied'],
  [3, 'EADDRINUSE', 98, 'address already in use'],
  [4, 'EADDRNOTAVAIL', 99, 'address not available'],
  [5, 'EAFNOSUPPORT', 97, 'address family not supported'],
  [6, 'EAGAIN', 11, 'resource temporarily unavailable'],
  [7, 'EALREADY', 114, 'connection already in progress'],
  [8, 'EBADF', 9, 'bad file descriptor'],
  [10, 'EBUSY', 16, 'resource busy or locked'],
  [11, 'ECANCELED', 125, 'operation canceled'],
  [12, 'ECHILD', 10, 'no child processes'],
  [13, 'ECONNABORTED', 103, 'software caused connection abort'],
  [14, 'ECONNREFUSED', 111, 'connection refused'],
  [15, 'ECONNRESET', 104, 'connection reset by peer'],
  [16, 'EDEADLK', 35, 'resource deadlock avoided'],
  [19, 'EDQUOT', 122, 'disk quota exceeded'],
  [20, 'EEXIST', 17, 'file already exists'],
  [21, 'EFAULT', 14, 'bad address in system call argument'],
  [22, 'EFBIG', 27, 'file too large'],
  [23, 'EHOSTUNREACH', 113, 'host is unreachable'],
  [25, 'EILSEQ', 84, 'illegal byte sequence'],
  [27, 'EINTR', 4, 'interrupted system call'],
  [28, 'EINVAL', 22, 'invalid argument'],
  [29, 'EIO', 5, 'i/o error'],
  [31, 'EISDIR', 21, 'illegal operation on a directory'],
  [32, 'ELOOP', 40, 'too many symbolic links encountered'],
  [33, 'EMFILE', 24, 'too many open files'],
  [34, 'EMLINK', 31, 'too many links'],
  [37, 'ENAMETOOLONG', 36, 'name too long'],
  [40, 'ENETUNREACH', 101, 'network is unreachable'],
  [41, 'ENFILE', 23, 'file table overflow'],
  [42, 'ENOBUFS', 105, 'no buffer space available'],
  [43, 'ENODEV', 19, 'no such device'],
  [44, 'ENOENT', 2, 'no such file or directory'],
  [45, 'ENOEXEC', 8, 'exec format error'],
  [48, 'ENOMEM', 12, 'not enough memory'],
  [51, 'ENOSPC', 28, 'no space left on device'],
  [52, 'ENOSYS', 38, 'function not implemented'],
  [53, 'ENOTCONN', 107, 'socket is not connected'],
  [54, 'ENOTDIR', 20, 'not a directory'],
  [55, 'ENOTEMPTY', 39, 'directory not empty'],
  [57, 'ENOTSOCK', 88, 'socket operation on non-socket'],
  [58, 'ENOTSUP', 95, 'operation not supported on socket'],
  [59, 'ENOTTY', 25, 'inappropriate ioctl for device'],
  [60, 'ENXIO', 6, 'no such device or address'],
  [61, 'EOVERFLOW', 75, 'value too large for defined data type'],
  [63, 'EPERM', 1, 'operation not permitted'],
  [64, 'EPIPE', 32, 'broken pipe'],
  [65, 'EPROTO', 71, 'protocol error'],
  [68, 'ERANGE', 34, 'result too large'],
  [69, 'EROFS', 30, 'read-only file system'],
  [70, 'ESPIPE', 29, 'invalid seek'],
  [71, 'ESRCH', 3, 'no such process'],
  [73, 'ETIMEDOUT', 110, 'connection timed out'],
  [74, 'ETXTBSY', 26, 'text file is busy'],
  [75, 'EXDEV', 18, 'cross-device link not permitted'],
  [76, 'EACCES', 13, 'permission denied'], // ENOTCAPABLE: outside the preopens
]

const byWasi = new Map()
const byCode = new Map()
for (const row of ERRNO_TABLE) {
  if (!byWasi.has(row[0])) byWasi.set(row[0], row)
  if (!byCode.has(row[1])) byCode.set(row[1], row)
}

/** The row for a (positive) wasi-libc errno: { code, errno (negative, Linux), message }. */
export function errnoInfo(wasiErrno) {
  const row = byWasi.get(wasiErrno)
  if (!row) return { code: 'UNKNOWN', errno: -wasiErrno, message: 'unknown error' }
  return { code: row[1], errno: -row[2], message: row[3] }
}

/** Node's `os.constants.errno` (Linux numbers). */
export function errnoConstants() {
  const out = {}
  for (const row of ERRNO_TABLE) out[row[1]] = row[2]
  return out
}

/** The Linux number of a code such as 'ENOENT'. */
export function linuxErrno(code) {
  const row = byCode.get(code)
  return row ? row[2] : 0
}

/** Monotonic milliseconds (fractional). */
export function monotonicMs() {
  const t = N.hrtime()
  return t[0] * 1e3 + t[1] / 1e6
}
