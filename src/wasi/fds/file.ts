/**
 * An open regular file of the VFS. It holds a path, an offset and its open flags; every
 * operation is one call on the {@link SyncVfs} (in a process worker: one channel round trip).
 * The path follows the file: the process's {@link OpenFiles} moves it when the process renames
 * the file, or unlinks it or renames another file over it while it is open (see `open-files.ts`).
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim'
import type { SyncVfs } from '../../vfs/index.js'
import { errnoFor } from '../errno.js'
import type { OpenFile, OpenFiles } from '../open-files.js'
import { RIGHT_READ, RIGHT_WRITE, RIGHTS_FILE_BASE } from '../rights.js'
import { nsToMs, toFilestat } from '../stat.js'

/** How a file was opened. */
export interface FileMode {
  readable: boolean
  writable: boolean
  append: boolean
  /** Other `fdflags` it was opened with (NONBLOCK, DSYNC, RSYNC, SYNC); reported back by `fd_fdstat_get`. */
  flags?: number
}

/** Every `fdflags` bit of WASI preview 1 (APPEND, DSYNC, NONBLOCK, RSYNC, SYNC). */
export const FDFLAGS_ALL =
  wasi.FDFLAGS_APPEND | wasi.FDFLAGS_DSYNC | wasi.FDFLAGS_NONBLOCK | wasi.FDFLAGS_RSYNC | wasi.FDFLAGS_SYNC

/** Resolves `fst_flags` of `*_filestat_set_times` into the new atime and mtime (milliseconds). */
export function timesFor(current: { atimeMs: number; mtimeMs: number } | undefined, atim: bigint, mtim: bigint, flags: number): [number, number] {
  const now = Date.now()
  const a = flags & wasi.FSTFLAGS_ATIM_NOW ? now : flags & wasi.FSTFLAGS_ATIM ? nsToMs(atim) : (current?.atimeMs ?? now)
  const m = flags & wasi.FSTFLAGS_MTIM_NOW ? now : flags & wasi.FSTFLAGS_MTIM ? nsToMs(mtim) : (current?.mtimeMs ?? now)
  return [a, m]
}

/** A regular file opened through `path_open`. */
export class VfsFile extends Fd implements OpenFile {
  readonly #vfs: SyncVfs
  #path: string
  /** The inode number, when known. */
  ino: number | undefined
  readonly #mode: { readable: boolean; writable: boolean }
  /** `fdflags` (APPEND, NONBLOCK…), as set at open or by `fd_fdstat_set_flags`. */
  #flags: number
  readonly #files: OpenFiles | undefined
  /** The offset, or -1 for "at the end of file" after an append (resolved lazily by a stat). */
  #offset = 0

  /**
   * @param files - the process's open-file registry; without it the fd follows its path only
   * @param ino - the file's inode number, if the caller knows it
   */
  constructor(vfs: SyncVfs, path: string, mode: FileMode, files?: OpenFiles, ino?: number) {
    super()
    this.#vfs = vfs
    this.#path = path
    this.ino = ino
    this.#mode = { readable: mode.readable, writable: mode.writable }
    this.#flags = ((mode.flags ?? 0) & FDFLAGS_ALL & ~wasi.FDFLAGS_APPEND) | (mode.append ? wasi.FDFLAGS_APPEND : 0)
    this.#files = files
    files?.addFile(this)
  }

  /** The VFS path the file is reached by now (it changes when the file is renamed or orphaned). */
  get path(): string {
    return this.#path
  }

  moveTo(path: string): void {
    this.#path = path
  }

  get #append(): boolean {
    return (this.#flags & wasi.FDFLAGS_APPEND) !== 0
  }

  override fd_close(): number {
    this.#files?.closeFile(this)
    return wasi.ERRNO_SUCCESS
  }

  #position(): number {
    if (this.#offset < 0) this.#offset = this.#vfs.stat(this.#path).size
    return this.#offset
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const st = new wasi.Fdstat(wasi.FILETYPE_REGULAR_FILE, this.#flags)
    st.fs_rights_base = RIGHTS_FILE_BASE | (this.#mode.readable ? RIGHT_READ : 0n) | (this.#mode.writable ? RIGHT_WRITE : 0n)
    st.fs_rights_inherited = 0n
    return { ret: wasi.ERRNO_SUCCESS, fdstat: st }
  }

  override fd_fdstat_set_flags(flags: number): number {
    // A regular file never blocks, so NONBLOCK is only recorded (fcntl(F_GETFL) reports it).
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

  override fd_filestat_set_size(size: bigint): number {
    if (!this.#mode.writable) return wasi.ERRNO_BADF
    try {
      this.#vfs.truncate(this.#path, Number(size))
      return wasi.ERRNO_SUCCESS
    } catch (e) {
      return errnoFor(e)
    }
  }

  override fd_filestat_set_times(atim: bigint, mtim: bigint, flags: number): number {
    try {
      const both = (flags & (wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_ATIM_NOW)) !== 0 && (flags & (wasi.FSTFLAGS_MTIM | wasi.FSTFLAGS_MTIM_NOW)) !== 0
      const [a, m] = timesFor(both ? undefined : this.#vfs.stat(this.#path), atim, mtim, flags)
      this.#vfs.utimes(this.#path, a, m)
      return wasi.ERRNO_SUCCESS
    } catch (e) {
      return errnoFor(e)
    }
  }

  override fd_allocate(offset: bigint, len: bigint): number {
    if (!this.#mode.writable) return wasi.ERRNO_BADF
    try {
      const end = Number(offset + len)
      if (this.#vfs.stat(this.#path).size < end) this.#vfs.truncate(this.#path, end)
      return wasi.ERRNO_SUCCESS
    } catch (e) {
      return errnoFor(e)
    }
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (!this.#mode.readable) return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) }
    try {
      const data = this.#vfs.read(this.#path, this.#position(), size)
      this.#offset += data.byteLength
      return { ret: wasi.ERRNO_SUCCESS, data }
    } catch (e) {
      return { ret: errnoFor(e), data: new Uint8Array(0) }
    }
  }

  override fd_pread(size: number, offset: bigint): { ret: number; data: Uint8Array } {
    if (!this.#mode.readable) return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) }
    try {
      return { ret: wasi.ERRNO_SUCCESS, data: this.#vfs.read(this.#path, Number(offset), size) }
    } catch (e) {
      return { ret: errnoFor(e), data: new Uint8Array(0) }
    }
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (!this.#mode.writable) return { ret: wasi.ERRNO_BADF, nwritten: 0 }
    try {
      if (this.#append) {
        this.#vfs.writeFile(this.#path, data, { append: true })
        this.#offset = -1
      } else {
        this.#vfs.write(this.#path, this.#position(), data)
        this.#offset += data.byteLength
      }
      return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength }
    } catch (e) {
      return { ret: errnoFor(e), nwritten: 0 }
    }
  }

  override fd_pwrite(data: Uint8Array, offset: bigint): { ret: number; nwritten: number } {
    if (!this.#mode.writable) return { ret: wasi.ERRNO_BADF, nwritten: 0 }
    try {
      this.#vfs.write(this.#path, Number(offset), data)
      return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength }
    } catch (e) {
      return { ret: errnoFor(e), nwritten: 0 }
    }
  }

  override fd_seek(offset: bigint, whence: number): { ret: number; offset: bigint } {
    try {
      let base: number
      if (whence === wasi.WHENCE_SET) base = 0
      else if (whence === wasi.WHENCE_CUR) base = this.#position()
      else if (whence === wasi.WHENCE_END) base = this.#vfs.stat(this.#path).size
      else return { ret: wasi.ERRNO_INVAL, offset: 0n }
      const next = base + Number(offset)
      if (next < 0) return { ret: wasi.ERRNO_INVAL, offset: BigInt(this.#position()) }
      this.#offset = next
      return { ret: wasi.ERRNO_SUCCESS, offset: BigInt(next) }
    } catch (e) {
      return { ret: errnoFor(e), offset: 0n }
    }
  }

  override fd_tell(): { ret: number; offset: bigint } {
    try {
      return { ret: wasi.ERRNO_SUCCESS, offset: BigInt(this.#position()) }
    } catch (e) {
      return { ret: errnoFor(e), offset: 0n }
    }
  }
}
