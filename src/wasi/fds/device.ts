/**
 * Device files for WASI programs: `/dev/null`, `/dev/zero`, `/dev/random`, `/dev/urandom`,
 * `/dev/tty`, `/dev/stdin`, `/dev/stdout` and `/dev/stderr`. They are not stored in the VFS (as
 * in the shell's fs adapter, `src/shell/fs-adapter.ts`): `path_open` and `path_filestat_get` of
 * those paths are answered here, and a listing of `/dev` shows them.
 *
 * - null: reads end of file, writes are discarded (nothing grows against the quota); zero: reads
 *   zeros; random/urandom: reads crypto random bytes. All three are character devices that seek
 *   to 0, like Linux's (so they are not terminals for wasi-libc's `isatty`).
 * - tty: the controlling terminal. A run without `tty: true` has none (as `docker exec` without
 *   `-t`): opening it fails with ENXIO. With a terminal it reads stdin and writes stdout.
 * - stdin/stdout/stderr: the process's original standard streams (Linux reopens them through
 *   `/proc/self/fd/N`); closing such an fd leaves fds 0–2 open.
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim'
import { RIGHT_READ, RIGHT_WRITE, RIGHTS_STREAM } from '../rights.js'
import { FDFLAGS_ALL } from './file.js'

/** What a device path is. */
export type DeviceKind = 'null' | 'zero' | 'random' | 'tty' | 'stdin' | 'stdout' | 'stderr'

/** Device names in `/dev` and what they are. */
export const DEVICES: Readonly<Record<string, DeviceKind>> = {
  null: 'null',
  zero: 'zero',
  random: 'random',
  urandom: 'random',
  tty: 'tty',
  stdin: 'stdin',
  stdout: 'stdout',
  stderr: 'stderr',
}

/** Inode numbers of the devices (outside the VFS's range, which counts up from 1). */
const DEVICE_INO: Readonly<Record<string, bigint>> = {
  null: 0xfffff001n,
  zero: 0xfffff002n,
  random: 0xfffff003n,
  urandom: 0xfffff004n,
  tty: 0xfffff005n,
  stdin: 0xfffff006n,
  stdout: 0xfffff007n,
  stderr: 0xfffff008n,
}

/** `st_dev` of the devices (the VFS's files report 1). */
const DEVICE_DEV = 5n

/**
 * The device name if `path` (absolute, as the VFS is asked) is `/dev/<device>`. Lexical: `.`
 * and `..` are resolved by name; a symlink to a device is resolved by the caller.
 */
export function deviceName(path: string): string | undefined {
  if (!path.includes('dev')) return undefined
  const parts: string[] = []
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') parts.pop()
    else parts.push(seg)
  }
  if (parts.length !== 2 || parts[0] !== 'dev') return undefined
  const name = parts[1] as string
  return Object.hasOwn(DEVICES, name) ? name : undefined
}

/** The process's standard streams and whether they are a terminal. */
export interface DeviceContext {
  /** The original fds 0, 1 and 2. */
  stdio: readonly [Fd, Fd, Fd]
  tty: boolean
}

/** What `/dev/<name>` is for this process: its filestat and its WASI file type. */
export function deviceFilestat(name: string, ctx: DeviceContext): wasi.Filestat {
  const kind = DEVICES[name]
  let type = wasi.FILETYPE_CHARACTER_DEVICE
  if (kind === 'stdin' || kind === 'stdout' || kind === 'stderr') {
    type = ctx.stdio[kind === 'stdin' ? 0 : kind === 'stdout' ? 1 : 2].fd_fdstat_get().fdstat?.fs_filetype ?? wasi.FILETYPE_UNKNOWN
  }
  const st = new wasi.Filestat(DEVICE_INO[name] ?? 0n, type, 0n)
  st.dev = DEVICE_DEV
  st.nlink = 1n
  return st
}

/** Opens `/dev/<name>` with the access the guest asked for. */
export function openDevice(name: string, ctx: DeviceContext, readable: boolean, writable: boolean, fdflags: number): { ret: number; fd_obj: Fd | null } {
  const kind = DEVICES[name]
  if (kind === undefined) return { ret: wasi.ERRNO_NOENT, fd_obj: null }
  if (kind === 'stdin' || kind === 'stdout' || kind === 'stderr') {
    const target = ctx.stdio[kind === 'stdin' ? 0 : kind === 'stdout' ? 1 : 2]
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new StreamAlias(target, target) }
  }
  if (kind === 'tty') {
    if (!ctx.tty) return { ret: wasi.ERRNO_NXIO, fd_obj: null }
    return { ret: wasi.ERRNO_SUCCESS, fd_obj: new StreamAlias(ctx.stdio[0], ctx.stdio[1]) }
  }
  return { ret: wasi.ERRNO_SUCCESS, fd_obj: new DeviceFd(kind, name, ctx, readable, writable, fdflags) }
}

/** getRandomValues' limit per call. */
const CHUNK = 65536
/** Most bytes one read of /dev/zero or /dev/urandom returns (a device may read short). */
const MAX_READ = 1 << 20

/** `/dev/null`, `/dev/zero`, `/dev/random`, `/dev/urandom`. */
class DeviceFd extends Fd {
  readonly #kind: 'null' | 'zero' | 'random'
  readonly #name: string
  readonly #ctx: DeviceContext
  readonly #readable: boolean
  readonly #writable: boolean
  #flags: number

  constructor(kind: 'null' | 'zero' | 'random', name: string, ctx: DeviceContext, readable: boolean, writable: boolean, fdflags: number) {
    super()
    this.#kind = kind
    this.#name = name
    this.#ctx = ctx
    this.#readable = readable
    this.#writable = writable
    this.#flags = fdflags & FDFLAGS_ALL
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const st = new wasi.Fdstat(wasi.FILETYPE_CHARACTER_DEVICE, this.#flags)
    // Seek and tell rights: a character device with them is not a terminal for wasi-libc's isatty.
    st.fs_rights_base =
      RIGHTS_STREAM | BigInt(wasi.RIGHTS_FD_SEEK | wasi.RIGHTS_FD_TELL) | (this.#readable ? RIGHT_READ : 0n) | (this.#writable ? RIGHT_WRITE : 0n)
    st.fs_rights_inherited = 0n
    return { ret: wasi.ERRNO_SUCCESS, fdstat: st }
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.#flags = flags & FDFLAGS_ALL
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: deviceFilestat(this.#name, this.#ctx) }
  }

  override fd_filestat_set_size(): number {
    // Linux: ftruncate on a character device is EINVAL; O_TRUNC on /dev/null is ignored (path_open).
    return wasi.ERRNO_INVAL
  }

  override fd_filestat_set_times(): number {
    return wasi.ERRNO_SUCCESS
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    if (!this.#readable) return { ret: wasi.ERRNO_BADF, data: new Uint8Array(0) }
    if (this.#kind === 'null') return { ret: wasi.ERRNO_SUCCESS, data: new Uint8Array(0) }
    const n = Math.min(size, MAX_READ)
    const data = new Uint8Array(n)
    if (this.#kind === 'random') {
      for (let i = 0; i < n; i += CHUNK) crypto.getRandomValues(data.subarray(i, Math.min(n, i + CHUNK)))
    }
    return { ret: wasi.ERRNO_SUCCESS, data }
  }

  override fd_pread(size: number): { ret: number; data: Uint8Array } {
    return this.fd_read(size)
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    if (!this.#writable) return { ret: wasi.ERRNO_BADF, nwritten: 0 }
    return { ret: wasi.ERRNO_SUCCESS, nwritten: data.byteLength }
  }

  override fd_pwrite(data: Uint8Array): { ret: number; nwritten: number } {
    return this.fd_write(data)
  }

  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SUCCESS, offset: 0n }
  }

  override fd_tell(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SUCCESS, offset: 0n }
  }

  override fd_close(): number {
    return wasi.ERRNO_SUCCESS
  }
}

/**
 * Another fd on a standard stream (`/dev/stdout`, or `/dev/tty` = stdin + stdout): reads go to
 * `input`, writes and the stream's metadata to `output`; closing it closes nothing.
 */
class StreamAlias extends Fd {
  readonly #input: Fd
  readonly #output: Fd
  #flags = 0

  constructor(input: Fd, output: Fd) {
    super()
    this.#input = input
    this.#output = output
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    const r = this.#output.fd_fdstat_get()
    const inner = this.#input.fd_fdstat_get().fdstat
    if (r.fdstat !== null) {
      const st = new wasi.Fdstat(r.fdstat.fs_filetype, this.#flags)
      st.fs_rights_base = r.fdstat.fs_rights_base | (inner?.fs_rights_base ?? 0n)
      st.fs_rights_inherited = 0n
      return { ret: r.ret, fdstat: st }
    }
    return r
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.#flags = flags & FDFLAGS_ALL
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    return this.#output.fd_filestat_get()
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    return this.#input.fd_read(size)
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    return this.#output.fd_write(data)
  }

  override fd_seek(offset: bigint, whence: number): { ret: number; offset: bigint } {
    return this.#output.fd_seek(offset, whence)
  }

  override fd_close(): number {
    return wasi.ERRNO_SUCCESS
  }
}
