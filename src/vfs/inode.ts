/**
 * The inode record shared by {@link Vfs} upper tables and frozen {@link Layer}s. Internal to
 * `src/vfs`: not exported from the package.
 *
 * One class for every kind so that property accesses stay monomorphic on the hot path.
 */

/** File-type bits of `mode`. */
export const S_IFMT = 0o170000
/** Regular file type bits. */
export const S_IFREG = 0o100000
/** Directory type bits. */
export const S_IFDIR = 0o040000
/** Symbolic link type bits. */
export const S_IFLNK = 0o120000

/** The root directory's inode number in every layer and Vfs. */
export const ROOT_INO = 1

/** The owner token of inodes that belong to a frozen layer: no Vfs ever holds it. */
export const FROZEN = 0

/** A zero-length buffer shared by every empty file and every non-file inode. */
export const EMPTY: Uint8Array = new Uint8Array(0)

/**
 * An inode. `owner` is the token of the only table allowed to mutate it in place; any other
 * table copies it first. For files `data` may be longer than `size` (spare capacity) and is
 * only written in place when `owned` is true (otherwise it is shared with another inode).
 */
export class Inode {
  ino: number
  mode: number
  uid: number
  gid: number
  nlink: number
  atime: number
  mtime: number
  ctime: number
  birthtime: number
  owner: number
  /** File bytes (capacity); meaningful up to `size`. */
  data: Uint8Array
  /** Logical file size. */
  size: number
  /** True when `data` belongs to this inode alone and may be written in place. */
  owned: boolean
  /** Directory entries (name → ino); null for non-directories. */
  entries: Map<string, number> | null
  /** Parent directory ino (directories only; the root is its own parent). */
  parent: number
  /** This directory's name in its parent (directories only; '' for the root). */
  name: string
  /** Symlink target ('' for non-symlinks). */
  target: string

  constructor(ino: number, mode: number, uid: number, gid: number, time: number, owner: number) {
    this.ino = ino
    this.mode = mode
    this.uid = uid
    this.gid = gid
    this.nlink = 1
    this.atime = time
    this.mtime = time
    this.ctime = time
    this.birthtime = time
    this.owner = owner
    this.data = EMPTY
    this.size = 0
    this.owned = false
    this.entries = null
    this.parent = 0
    this.name = ''
    this.target = ''
  }

  /** A copy owned by `owner`: a directory's entries are copied, a file's bytes are shared. */
  clone(owner: number): Inode {
    const n = new Inode(this.ino, this.mode, this.uid, this.gid, this.atime, owner)
    n.nlink = this.nlink
    n.mtime = this.mtime
    n.ctime = this.ctime
    n.birthtime = this.birthtime
    n.data = this.data
    n.size = this.size
    n.owned = false
    n.entries = this.entries === null ? null : new Map(this.entries)
    n.parent = this.parent
    n.name = this.name
    n.target = this.target
    return n
  }
}

/** True for a directory inode. */
export function isDir(n: Inode): boolean {
  return (n.mode & S_IFMT) === S_IFDIR
}

/** True for a regular-file inode. */
export function isFile(n: Inode): boolean {
  return (n.mode & S_IFMT) === S_IFREG
}

/** True for a symlink inode. */
export function isSymlink(n: Inode): boolean {
  return (n.mode & S_IFMT) === S_IFLNK
}
