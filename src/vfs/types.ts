/**
 * The VFS contract: the one interface every part of daylite uses to reach a sandbox's files.
 *
 * The core is synchronous (WASI syscalls are synchronous); {@link AsyncVfs} is the same surface
 * returning promises, for isomorphic-git and the file API. Paths are absolute POSIX paths
 * (`/home/daytona/a.txt`); relative paths are resolved by the caller. `vfs` imports nothing from
 * the rest of the project.
 */

/** What an inode is. */
export type InodeKind = 'file' | 'dir' | 'symlink'

/** POSIX error codes the VFS raises. */
export const VfsErrorCode = {
  ENOENT: 'ENOENT',
  EEXIST: 'EEXIST',
  ENOTDIR: 'ENOTDIR',
  EISDIR: 'EISDIR',
  ENOTEMPTY: 'ENOTEMPTY',
  ENOSPC: 'ENOSPC',
  EDQUOT: 'EDQUOT',
  EINVAL: 'EINVAL',
  ELOOP: 'ELOOP',
  EPERM: 'EPERM',
  EACCES: 'EACCES',
  EROFS: 'EROFS',
  EBUSY: 'EBUSY',
  ENAMETOOLONG: 'ENAMETOOLONG',
  EXDEV: 'EXDEV',
} as const
/** One of {@link VfsErrorCode}. */
export type VfsErrorCode = (typeof VfsErrorCode)[keyof typeof VfsErrorCode]

/** File metadata, the subset of Node's `fs.Stats` that matters to us. Times are epoch milliseconds. */
export interface VfsStats {
  ino: number
  kind: InodeKind
  /** Full mode including the file-type bits (S_IFREG 0o100000, S_IFDIR 0o040000, S_IFLNK 0o120000). */
  mode: number
  uid: number
  gid: number
  /** Bytes for files, target length for symlinks, 4096 for directories. */
  size: number
  nlink: number
  atimeMs: number
  mtimeMs: number
  ctimeMs: number
  birthtimeMs: number
}

/** A directory entry with its kind, as `readdir(..., { withFileTypes: true })` gives. */
export interface VfsDirent {
  name: string
  kind: InodeKind
  ino: number
}

/** Current usage and the quota it is checked against. `Infinity` means no limit. */
export interface VfsUsage {
  bytes: number
  inodes: number
  maxBytes: number
  maxInodes: number
}

/** Options of {@link SyncVfs.writeFile}. */
export interface WriteOptions {
  /** Permission bits for a newly created file (default 0o644). */
  mode?: number
  /** Append instead of replacing. */
  append?: boolean
  /** Fail with EEXIST if the file exists. */
  exclusive?: boolean
  /**
   * The VFS may keep `data` itself as the file's contents instead of copying it: the caller gives
   * the buffer away and must not touch it again (used for bytes transferred from another thread).
   */
  adopt?: boolean
}

/** Options of {@link SyncVfs.mkdir}. */
export interface MkdirOptions {
  recursive?: boolean
  /** Permission bits (default 0o755). */
  mode?: number
}

/** Options of {@link SyncVfs.rm}. */
export interface RmOptions {
  recursive?: boolean
  /** Do not fail when the path does not exist. */
  force?: boolean
}

/**
 * The synchronous core. Every method throws a `VfsError` (see `errors.ts`) with a {@link VfsErrorCode}
 * on failure and never anything else. Symlinks are followed for every call except `lstat`, `readlink`,
 * `unlink`, `rm`, `rename`, `symlink`, `link` (source not followed, as POSIX `link`) and the last
 * component of `chown`/`utimes` when `{ follow: false }` is given.
 */
export interface SyncVfs {
  stat(path: string): VfsStats
  lstat(path: string): VfsStats
  exists(path: string): boolean
  readFile(path: string): Uint8Array
  /**
   * The file's bytes without a copy: a read-only view that is valid only until the file is next
   * written. For callers that copy or send the bytes at once (downloads).
   */
  readFileView(path: string): Uint8Array
  /** Reads `length` bytes at `position` (fewer at end of file). Used by WASI fds. */
  read(path: string, position: number, length: number): Uint8Array
  writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): void
  /** Writes `data` at `position`, growing the file (holes read as zeros). Used by WASI fds. */
  write(path: string, position: number, data: Uint8Array): void
  truncate(path: string, length: number): void
  mkdir(path: string, options?: MkdirOptions): void
  readdir(path: string): string[]
  readdirWithTypes(path: string): VfsDirent[]
  rmdir(path: string): void
  unlink(path: string): void
  rm(path: string, options?: RmOptions): void
  rename(from: string, to: string): void
  /** Copies a file or, with `recursive`, a tree; content buffers are shared copy-on-write. */
  copy(from: string, to: string, options?: { recursive?: boolean }): void
  symlink(target: string, path: string): void
  readlink(path: string): string
  link(existing: string, path: string): void
  chmod(path: string, mode: number): void
  /** `options.follow: false` changes a symlink itself (lchown). Extension: the options argument. */
  chown(path: string, uid: number, gid: number, options?: { follow?: boolean }): void
  utimes(path: string, atimeMs: number, mtimeMs: number, options?: { follow?: boolean }): void
  /** Resolves every symlink; the result is canonical and absolute. */
  realpath(path: string): string
  usage(): VfsUsage
}

/** The user that owns newly created inodes. */
export interface VfsUser {
  uid: number
  gid: number
}

/** A quota; omitted or `Infinity` fields mean no limit. */
export interface VfsQuota {
  /** Maximum bytes of file content held by the writable layer. */
  maxBytes?: number
  /** Maximum number of inodes held by the writable layer. */
  maxInodes?: number
}

/** Options of the `Vfs` constructor (and of `Vfs.deserialize`). */
export interface VfsOptions extends VfsQuota {
  /** Time source in epoch milliseconds (default `Date.now`). */
  clock?: () => number
  /** Owner of created inodes (default uid 1000, gid 1000: the `daytona` user). */
  user?: VfsUser
}

/** The same surface, returning promises (node `fs.promises`-shaped errors with `code`). */
export type AsyncVfs = {
  [K in keyof SyncVfs]: SyncVfs[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never
}
