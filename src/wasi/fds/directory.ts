/**
 * A directory of the VFS: the preopened root (`/`) and every directory opened with `path_open`.
 * Its `path_*` methods take paths relative to it, as wasi-libc hands them over after resolving
 * the emulated cwd and the preopen (see docs/decisions/0004); `.` and `..` are left to the VFS,
 * which resolves them physically and stops `..` at `/`.
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim'
import { VfsError } from '../../vfs/index.js'
import type { SyncVfs, VfsDirent, VfsStats } from '../../vfs/index.js'
import { errnoFor } from '../errno.js'
import { RIGHTS_ALL } from '../rights.js'
import { filetypeOf, toFilestat } from '../stat.js'
import { VfsFile, timesFor } from './file.js'

/** Joins a directory path and a guest path relative to it. */
export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return dir === '/' ? rel : dir + rel
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`
}

const EMPTY = new Uint8Array(0)

/** `lookupflags`: follow a symlink in the last component. */
export const LOOKUP_SYMLINK_FOLLOW = 1

/** A directory fd over the VFS. */
export class VfsDirectory extends Fd {
  readonly #vfs: SyncVfs
  /** Absolute VFS path of this directory. */
  readonly path: string
  /** The name wasi-libc sees in `fd_prestat_dir_name` when this is a preopen. */
  readonly #preopen: string | undefined
  /** The listing read at cookie 0 (`.`, `..`, then the entries), kept until the next rewind. */
  #listing: { name: string; ino: number; type: number }[] | undefined

  constructor(vfs: SyncVfs, path: string, preopen?: string) {
    super()
    this.#vfs = vfs
    this.path = path
    this.#preopen = preopen
  }

  /** The VFS this directory reads (for two-directory syscalls: rename, link). */
  get vfs(): SyncVfs {
    return this.#vfs
  }

  /** The absolute VFS path of `rel` inside this directory. */
  resolve(rel: string): string {
    return joinPath(this.path, rel)
  }

  override fd_prestat_get(): { ret: number; prestat: wasi.Prestat | null } {
    if (this.#preopen === undefined) return { ret: wasi.ERRNO_BADF, prestat: null }
    return { ret: wasi.ERRNO_SUCCESS, prestat: wasi.Prestat.dir(this.#preopen) }
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const st = new wasi.Fdstat(wasi.FILETYPE_DIRECTORY, 0)
    st.fs_rights_base = RIGHTS_ALL
    st.fs_rights_inherited = RIGHTS_ALL
    return { ret: wasi.ERRNO_SUCCESS, fdstat: st }
  }

  override fd_fdstat_set_flags(): number {
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    try {
      return { ret: wasi.ERRNO_SUCCESS, filestat: toFilestat(this.#vfs.stat(this.path)) }
    } catch (e) {
      return { ret: errnoFor(e), filestat: null }
    }
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, flags: number): number {
    return this.path_filestat_set_times(LOOKUP_SYMLINK_FOLLOW, '.', atim, mtim, flags)
  }

  override fd_readdir_single(cookie: bigint): { ret: number; dirent: wasi.Dirent | null } {
    try {
      if (cookie === 0n || this.#listing === undefined) {
        const self = this.#vfs.stat(this.path)
        const entries: VfsDirent[] = this.#vfs.readdirWithTypes(this.path)
        this.#listing = [
          { name: '.', ino: self.ino, type: wasi.FILETYPE_DIRECTORY },
          { name: '..', ino: self.ino, type: wasi.FILETYPE_DIRECTORY },
          ...entries.map((e) => ({ name: e.name, ino: e.ino, type: filetypeOf(e.kind) })),
        ]
      }
      const i = Number(cookie)
      const entry = this.#listing[i]
      if (entry === undefined) return { ret: wasi.ERRNO_SUCCESS, dirent: null }
      return { ret: wasi.ERRNO_SUCCESS, dirent: new wasi.Dirent(BigInt(i + 1), BigInt(entry.ino), entry.name, entry.type) }
    } catch (e) {
      return { ret: errnoFor(e), dirent: null }
    }
  }

  #stat(path: string, follow: boolean): VfsStats {
    return follow ? this.#vfs.stat(path) : this.#vfs.lstat(path)
  }

  override path_open(
    dirflags: number,
    rel: string,
    oflags: number,
    rightsBase: bigint,
    _rightsInheriting: bigint,
    fdflags: number,
  ): { ret: number; fd_obj: Fd | null } {
    if (rel === '') return { ret: wasi.ERRNO_NOENT, fd_obj: null }
    const path = this.resolve(rel)
    const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0
    const writable = (rightsBase & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n
    const readable = (rightsBase & BigInt(wasi.RIGHTS_FD_READ)) !== 0n
    try {
      let st: VfsStats | undefined
      try {
        st = this.#stat(path, follow)
      } catch (e) {
        if (errnoFor(e) !== wasi.ERRNO_NOENT || (oflags & wasi.OFLAGS_CREAT) === 0) throw e
      }
      if (st !== undefined && oflags & wasi.OFLAGS_CREAT && oflags & wasi.OFLAGS_EXCL) return { ret: wasi.ERRNO_EXIST, fd_obj: null }
      if (st === undefined) {
        if (oflags & wasi.OFLAGS_DIRECTORY) return { ret: wasi.ERRNO_NOENT, fd_obj: null }
        this.#vfs.writeFile(path, EMPTY, { exclusive: true })
      } else if (st.kind === 'symlink') {
        return { ret: wasi.ERRNO_LOOP, fd_obj: null }
      } else if (st.kind === 'dir') {
        if (writable || oflags & wasi.OFLAGS_TRUNC) return { ret: wasi.ERRNO_ISDIR, fd_obj: null }
        return { ret: wasi.ERRNO_SUCCESS, fd_obj: new VfsDirectory(this.#vfs, path) }
      } else if (oflags & wasi.OFLAGS_DIRECTORY) {
        return { ret: wasi.ERRNO_NOTDIR, fd_obj: null }
      } else if (oflags & wasi.OFLAGS_TRUNC && st.size > 0) {
        this.#vfs.truncate(path, 0)
      }
      const append = (fdflags & wasi.FDFLAGS_APPEND) !== 0
      return { ret: wasi.ERRNO_SUCCESS, fd_obj: new VfsFile(this.#vfs, path, { readable, writable: writable || append, append }) }
    } catch (e) {
      return { ret: errnoFor(e), fd_obj: null }
    }
  }

  override path_filestat_get(flags: number, rel: string): { ret: number; filestat: wasi.Filestat | null } {
    try {
      const st = this.#stat(this.resolve(rel), (flags & LOOKUP_SYMLINK_FOLLOW) !== 0)
      return { ret: wasi.ERRNO_SUCCESS, filestat: toFilestat(st) }
    } catch (e) {
      return { ret: errnoFor(e), filestat: null }
    }
  }

  override path_filestat_set_times(flags: number, rel: string, atim: bigint, mtim: bigint, fstFlags: number): number {
    const path = this.resolve(rel)
    const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0
    try {
      const both = (fstFlags & (wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_ATIM_NOW)) !== 0 && (fstFlags & (wasi.FSTFLAGS_MTIM | wasi.FSTFLAGS_MTIM_NOW)) !== 0
      const [a, m] = timesFor(both ? undefined : this.#stat(path, follow), atim, mtim, fstFlags)
      this.#vfs.utimes(path, a, m, { follow })
      return wasi.ERRNO_SUCCESS
    } catch (e) {
      return errnoFor(e)
    }
  }

  #try(fn: () => void): number {
    try {
      fn()
      return wasi.ERRNO_SUCCESS
    } catch (e) {
      return errnoFor(e)
    }
  }

  override path_create_directory(rel: string): number {
    return this.#try(() => this.#vfs.mkdir(this.resolve(rel)))
  }

  override path_remove_directory(rel: string): number {
    return this.#try(() => this.#vfs.rmdir(this.resolve(rel)))
  }

  override path_unlink_file(rel: string): number {
    return this.#try(() => {
      const path = this.resolve(rel)
      if (this.#vfs.lstat(path).kind === 'dir') throw new VfsError('EISDIR', 'unlink', path)
      this.#vfs.unlink(path)
    })
  }

  override path_readlink(rel: string): { ret: number; data: string | null } {
    try {
      return { ret: wasi.ERRNO_SUCCESS, data: this.#vfs.readlink(this.resolve(rel)) }
    } catch (e) {
      return { ret: errnoFor(e), data: null }
    }
  }

  /** `symlink(target, rel)`: the target is stored as given, not resolved. */
  symlink(target: string, rel: string): number {
    return this.#try(() => this.#vfs.symlink(target, this.resolve(rel)))
  }
}
