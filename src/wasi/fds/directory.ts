/**
 * A directory of the VFS: the preopened root (`/`) and every directory opened with `path_open`.
 * Its `path_*` methods take paths relative to it, as wasi-libc hands them over after resolving
 * the emulated cwd and the preopen (see docs/decisions/0004); `.` and `..` are left to the VFS,
 * which resolves them physically and stops `..` at `/`. Device paths (`/dev/null`…) are answered
 * by `device.ts`; unlink and rename go through the process's {@link OpenFiles}, so that open
 * files keep their data.
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim'
import type { SyncVfs, VfsDirent, VfsStats } from '../../vfs/index.js'
import { errnoFor } from '../errno.js'
import { OpenFiles } from '../open-files.js'
import type { OpenDir } from '../open-files.js'
import { RIGHTS_ALL } from '../rights.js'
import { filetypeOf, toFilestat } from '../stat.js'
import { DEVICES, deviceFilestat, deviceName, openDevice } from './device.js'
import type { DeviceContext } from './device.js'
import { FDFLAGS_ALL, VfsFile, timesFor } from './file.js'
import { InputFd, OutputFd, bytesSource } from './stdio.js'

/** Joins a directory path and a guest path relative to it. */
export function joinPath(dir: string, rel: string): string {
  if (rel.startsWith('/')) return dir === '/' ? rel : dir + rel
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`
}

const EMPTY = new Uint8Array(0)

/** `lookupflags`: follow a symlink in the last component. */
export const LOOKUP_SYMLINK_FOLLOW = 1

/** Symlinks followed by hand to find a device behind a link (Linux's limit on a path). */
const MAX_LINKS = 40

/** What the directories of one process share: its open files and its devices. */
export interface ProcessFiles {
  files: OpenFiles
  devices: DeviceContext
}

/** A {@link ProcessFiles} for a directory used on its own (no stdio, no terminal). */
function standalone(vfs: SyncVfs): ProcessFiles {
  const none = (): void => {}
  return { files: new OpenFiles(vfs), devices: { stdio: [new InputFd(bytesSource(EMPTY)), new OutputFd(none), new OutputFd(none)], tty: false } }
}

function isDevDir(path: string): boolean {
  return path === '/dev' || path === '/dev/' || path.replace(/\/{2,}/g, '/').replace(/\/$/, '') === '/dev'
}

/** A directory fd over the VFS. */
export class VfsDirectory extends Fd implements OpenDir {
  readonly #vfs: SyncVfs
  #path: string
  /** The name wasi-libc sees in `fd_prestat_dir_name` when this is a preopen. */
  readonly #preopen: string | undefined
  readonly #proc: ProcessFiles
  #flags = 0
  /** The listing read at cookie 0 (`.`, `..`, then the entries), kept until the next rewind. */
  #listing: { name: string; ino: number | bigint; type: number }[] | undefined

  /**
   * @param preopen - the name of a preopened directory (`/`)
   * @param proc - what the process's directories share (default: a registry of its own, no stdio)
   */
  constructor(vfs: SyncVfs, path: string, preopen?: string, proc?: ProcessFiles) {
    super()
    this.#vfs = vfs
    this.#path = path
    this.#preopen = preopen
    this.#proc = proc ?? standalone(vfs)
    if (preopen === undefined) this.#proc.files.addDir(this)
  }

  /** Absolute VFS path of this directory (it follows a rename of the directory by this process). */
  get path(): string {
    return this.#path
  }

  moveTo(path: string): void {
    this.#path = path
  }

  /** The VFS this directory reads (for two-directory syscalls: rename, link). */
  get vfs(): SyncVfs {
    return this.#vfs
  }

  /** The process's open files (for `path_rename`). */
  get files(): OpenFiles {
    return this.#proc.files
  }

  /** The absolute VFS path of `rel` inside this directory. */
  resolve(rel: string): string {
    return joinPath(this.#path, rel)
  }

  override fd_close(): number {
    this.#proc.files.closeDir(this)
    return wasi.ERRNO_SUCCESS
  }

  override fd_prestat_get(): { ret: number; prestat: wasi.Prestat | null } {
    if (this.#preopen === undefined) return { ret: wasi.ERRNO_BADF, prestat: null }
    return { ret: wasi.ERRNO_SUCCESS, prestat: wasi.Prestat.dir(this.#preopen) }
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const st = new wasi.Fdstat(wasi.FILETYPE_DIRECTORY, this.#flags)
    st.fs_rights_base = RIGHTS_ALL
    st.fs_rights_inherited = RIGHTS_ALL
    return { ret: wasi.ERRNO_SUCCESS, fdstat: st }
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.#flags = flags & FDFLAGS_ALL
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    try {
      return { ret: wasi.ERRNO_SUCCESS, filestat: toFilestat(this.#vfs.stat(this.#path)) }
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
        const self = this.#vfs.stat(this.#path)
        let entries: VfsDirent[] = this.#vfs.readdirWithTypes(this.#path)
        const devices: { name: string; ino: bigint; type: number }[] = []
        if (isDevDir(this.#path)) {
          // The device files, and not the sandbox's private `.daylite` (orphans of open files, shell sinks).
          entries = entries.filter((e) => e.name !== '.daylite' && !Object.hasOwn(DEVICES, e.name))
          for (const name of Object.keys(DEVICES)) {
            const st = deviceFilestat(name, this.#proc.devices)
            devices.push({ name, ino: st.ino, type: st.filetype })
          }
        }
        this.#listing = [
          { name: '.', ino: self.ino, type: wasi.FILETYPE_DIRECTORY },
          { name: '..', ino: self.ino, type: wasi.FILETYPE_DIRECTORY },
          ...entries.map((e) => ({ name: e.name, ino: e.ino, type: filetypeOf(e.kind) })),
          ...devices,
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

  /** The device a symlink at `path` leads to (through more symlinks), if any. */
  #deviceBehind(path: string): string | undefined {
    let p = path
    for (let hops = 0; hops < MAX_LINKS; hops++) {
      let st: VfsStats
      try {
        st = this.#vfs.lstat(p)
      } catch (e) {
        errnoFor(e)
        return undefined
      }
      if (st.kind !== 'symlink') return undefined
      const target = this.#vfs.readlink(p)
      p = target.startsWith('/') ? target : joinPath(p.slice(0, p.lastIndexOf('/')) || '/', target)
      const dev = deviceName(p)
      if (dev !== undefined) return dev
    }
    return undefined
  }

  #openDevice(name: string, oflags: number, readable: boolean, writable: boolean, fdflags: number): { ret: number; fd_obj: Fd | null } {
    if (oflags & wasi.OFLAGS_CREAT && oflags & wasi.OFLAGS_EXCL) return { ret: wasi.ERRNO_EXIST, fd_obj: null }
    if (oflags & wasi.OFLAGS_DIRECTORY) return { ret: wasi.ERRNO_NOTDIR, fd_obj: null }
    // O_TRUNC on a character device is ignored, as on Linux.
    return openDevice(name, this.#proc.devices, readable, writable, fdflags)
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
    const append = (fdflags & wasi.FDFLAGS_APPEND) !== 0
    const writable = (rightsBase & BigInt(wasi.RIGHTS_FD_WRITE)) !== 0n || append
    const readable = (rightsBase & BigInt(wasi.RIGHTS_FD_READ)) !== 0n
    const create = (oflags & wasi.OFLAGS_CREAT) !== 0
    const exclusive = create && (oflags & wasi.OFLAGS_EXCL) !== 0
    const device = deviceName(path)
    if (device !== undefined) return this.#openDevice(device, oflags, readable, writable, fdflags)
    try {
      let st: VfsStats | undefined
      try {
        st = this.#stat(path, follow)
      } catch (e) {
        if (errnoFor(e) !== wasi.ERRNO_NOENT) throw e
        if (!create) {
          const behind = follow ? this.#deviceBehind(path) : undefined
          if (behind !== undefined) return this.#openDevice(behind, oflags, readable, writable, fdflags)
          throw e
        }
      }
      if (st !== undefined && exclusive) return { ret: wasi.ERRNO_EXIST, fd_obj: null }
      if (st === undefined) {
        if (oflags & wasi.OFLAGS_DIRECTORY) return { ret: wasi.ERRNO_NOENT, fd_obj: null }
        const made = this.#create(path, follow, exclusive)
        if (typeof made === 'string') return this.#openDevice(made, oflags & ~wasi.OFLAGS_EXCL, readable, writable, fdflags)
      } else if (st.kind === 'symlink') {
        return { ret: wasi.ERRNO_LOOP, fd_obj: null }
      } else if (st.kind === 'dir') {
        if (writable || oflags & wasi.OFLAGS_TRUNC) return { ret: wasi.ERRNO_ISDIR, fd_obj: null }
        return { ret: wasi.ERRNO_SUCCESS, fd_obj: new VfsDirectory(this.#vfs, path, undefined, this.#proc) }
      } else if (oflags & wasi.OFLAGS_DIRECTORY) {
        return { ret: wasi.ERRNO_NOTDIR, fd_obj: null }
      } else if (oflags & wasi.OFLAGS_TRUNC && st.size > 0) {
        this.#vfs.truncate(path, 0)
      }
      const file = new VfsFile(this.#vfs, path, { readable, writable, append, flags: fdflags }, this.#proc.files, st?.ino)
      return { ret: wasi.ERRNO_SUCCESS, fd_obj: file }
    } catch (e) {
      return { ret: errnoFor(e), fd_obj: null }
    }
  }

  /**
   * open(O_CREAT) of a name that did not resolve. A new name costs one call. If the name exists
   * after all, it is a dangling symlink (or a file just made by someone else): O_EXCL, or
   * O_NOFOLLOW, fail with EEXIST; otherwise Linux creates the symlink's target — or opens the
   * device it points to (the device name is returned).
   */
  #create(path: string, follow: boolean, exclusive: boolean): string | undefined {
    try {
      this.#vfs.writeFile(path, EMPTY, { exclusive: true })
      return undefined
    } catch (e) {
      if (exclusive || !follow || errnoFor(e) !== wasi.ERRNO_EXIST) throw e
    }
    const device = this.#deviceBehind(path)
    if (device !== undefined) return device
    // Appending nothing creates a missing file (the VFS follows the link) and leaves an existing one as it is.
    this.#vfs.writeFile(path, EMPTY, { append: true })
    return undefined
  }

  override path_filestat_get(flags: number, rel: string): { ret: number; filestat: wasi.Filestat | null } {
    const path = this.resolve(rel)
    const device = deviceName(path)
    if (device !== undefined) return { ret: wasi.ERRNO_SUCCESS, filestat: deviceFilestat(device, this.#proc.devices) }
    try {
      const st = this.#stat(path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0)
      return { ret: wasi.ERRNO_SUCCESS, filestat: toFilestat(st) }
    } catch (e) {
      return { ret: errnoFor(e), filestat: null }
    }
  }

  override path_filestat_set_times(flags: number, rel: string, atim: bigint, mtim: bigint, fstFlags: number): number {
    const path = this.resolve(rel)
    const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0
    if (deviceName(path) !== undefined) return wasi.ERRNO_SUCCESS
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
    return this.#try(() => this.#proc.files.unlink(this.resolve(rel)))
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
