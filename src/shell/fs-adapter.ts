/**
 * just-bash's `IFileSystem` over a daylite {@link SyncVfs}.
 *
 * - Errors are thrown the way just-bash's own `InMemoryFs` throws them (`Error` whose message starts
 *   with the POSIX code, e.g. `ENOENT: no such file or directory, open '/x'`, plus a `code`
 *   property), so its commands print `cat: x: No such file or directory`.
 * - A few device files live here, never in the VFS: `/dev/null`, `/dev/zero`, `/dev/random`,
 *   `/dev/urandom`, `/dev/tty`, `/dev/stdin`, `/dev/stdout`, `/dev/stderr`.
 * - "Sinks" are private device paths (`/dev/.daylite/<token>/<name>`) whose writes are handed to a
 *   callback: the shell's streaming and state capture redirect into them (see `transform.ts`).
 * - The adapter has no `mkdirSync`/`writeFileSync`, so just-bash never writes its own `/bin`,
 *   `/usr/bin`, `/dev` and `/proc` stubs into the sandbox's files.
 */
import type { BufferEncoding, ByteString, CpOptions, FileContent, FsStat, IFileSystem, MkdirOptions, RmOptions } from 'just-bash'
import { unsafeBytesFromLatin1 } from 'just-bash'
import type { SyncVfs, VfsStats } from '../vfs/types.js'
import { normalizePath, resolvePath } from '../vfs/path.js'

type ReadFileOptions = Exclude<Parameters<IFileSystem['readFile']>[1], BufferEncoding | undefined>
type WriteFileOptions = Exclude<Parameters<IFileSystem['writeFile']>[2], BufferEncoding | undefined>
type DirentEntry = Awaited<ReturnType<NonNullable<IFileSystem['readdirWithFileTypes']>>>[number]

/** The directory under which sink paths live. */
export const SINK_ROOT = '/dev/.daylite'

/** Receives what a command or a redirection writes to a sink path. */
export type SinkHandler = (data: Uint8Array) => void

/** Options of {@link VfsFileSystem}. */
export interface VfsFileSystemOptions {
  /** Text that reading `/dev/stdin` returns (the exec's stdin). */
  stdin?: string
  /** Where writes to `/dev/stdout` made by commands (not redirections) go. */
  onStdout?: SinkHandler
  /** Where writes to `/dev/stderr` made by commands go. */
  onStderr?: SinkHandler
  /** File-creation mask applied to new files (0o666) and directories (0o777). Default 0o022. */
  umask?: () => number
  /**
   * Command names that have a stub `/usr/bin/<name>` even when the VFS has none (commands
   * registered after the image was built): just-bash resolves commands by finding that file.
   */
  isCommand?: (name: string) => boolean
  /** Most paths {@link VfsFileSystem.getAllPaths} returns before it stops walking. Default 20 000. */
  maxAllPaths?: number
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  ENOTEMPTY: 'directory not empty',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EINVAL: 'invalid argument',
  ELOOP: 'too many levels of symbolic links',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  EBUSY: 'resource busy or locked',
  ENAMETOOLONG: 'file name too long',
  EXDEV: 'cross-device link not permitted',
}

/** An `Error` shaped like the ones just-bash's `InMemoryFs` throws, with a Node-style `code`. */
export class ShellFsError extends Error {
  /** The POSIX code (`ENOENT`…). */
  readonly code: string
  /**
   * @param code - POSIX code
   * @param syscall - operation (`open`, `scandir`…)
   * @param path - the path concerned
   */
  constructor(code: string, syscall: string, path: string) {
    super(`${code}: ${DESCRIPTIONS[code] ?? 'error'}, ${syscall} '${path}'`)
    this.name = 'Error'
    this.code = code
  }
}

function codeOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code
    if (typeof c === 'string') return c
  }
  return undefined
}

/** Rethrows a VFS error as a {@link ShellFsError}; anything else (a host fault) unchanged. */
function rethrow(e: unknown, syscall: string, path: string): never {
  const code = codeOf(e)
  if (code !== undefined && code in DESCRIPTIONS) throw new ShellFsError(code, syscall, path)
  throw e
}

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Bytes of a latin1 "byte string" (one char per byte). */
export function latin1ToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff
  return out
}

/** A latin1 "byte string" (one char per byte) from bytes. */
export function bytesToLatin1(b: Uint8Array): string {
  // `apply` over 8 KiB pieces, joined once: spreading 32 KiB pieces into `s +=` took ~3 s for 20 MB.
  const CHUNK = 0x2000
  if (b.length <= CHUNK) return String.fromCharCode.apply(null, b as unknown as number[])
  const parts: string[] = []
  for (let i = 0; i < b.length; i += CHUNK) parts.push(String.fromCharCode.apply(null, b.subarray(i, i + CHUNK) as unknown as number[]))
  return parts.join('')
}

function encodingOf(opt: ReadFileOptions | WriteFileOptions | BufferEncoding | null | undefined): BufferEncoding {
  if (typeof opt === 'string') return opt
  if (opt && typeof opt === 'object' && opt.encoding) return opt.encoding
  return 'utf8' as BufferEncoding
}

function toBytes(content: FileContent, encoding: BufferEncoding): Uint8Array {
  if (content instanceof Uint8Array) return content
  switch (encoding) {
    case 'binary':
    case 'latin1':
      return latin1ToBytes(content)
    case 'base64':
      return Uint8Array.from(atob(content), (c) => c.charCodeAt(0))
    case 'hex': {
      const out = new Uint8Array(content.length >> 1)
      for (let i = 0; i < out.length; i++) out[i] = parseInt(content.slice(i * 2, i * 2 + 2), 16)
      return out
    }
    default:
      return enc.encode(content)
  }
}

function fromBytes(b: Uint8Array, encoding: BufferEncoding): string {
  switch (encoding) {
    case 'binary':
    case 'latin1':
      return bytesToLatin1(b)
    case 'base64':
      return btoa(bytesToLatin1(b))
    case 'hex':
      return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
    case 'ascii':
      return bytesToLatin1(b.map((x) => x & 0x7f))
    default:
      return dec.decode(b)
  }
}



/** Content of a daylite command stub (the base image writes the same). */
export function stubText(name: string): string {
  return `#!/bin/bash\n# daylite builtin: ${name}\n`
}

/** Device files shown in `/dev` (not stored in the VFS). */
export const DEVICE_NAMES: readonly string[] = ['null', 'random', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero']

const ZERO_BYTES = 1 << 20
const RANDOM_BYTES = 1 << 16

type Device = 'null' | 'zero' | 'random' | 'tty' | 'stdin' | 'stdout' | 'stderr'
const DEVICES: Readonly<Record<string, Device>> = {
  '/dev/null': 'null',
  '/dev/zero': 'zero',
  '/dev/random': 'random',
  '/dev/urandom': 'random',
  '/dev/tty': 'tty',
  '/dev/stdin': 'stdin',
  '/dev/stdout': 'stdout',
  '/dev/stderr': 'stderr',
  '/dev/fd/0': 'stdin',
  '/dev/fd/1': 'stdout',
  '/dev/fd/2': 'stderr',
}

function deviceStat(): FsStat {
  return { isFile: true, isDirectory: false, isSymbolicLink: false, mode: 0o666, size: 0, mtime: new Date(0) }
}

/** A shared registry of sink paths (one per {@link Shell}), looked up by the adapters. */
export class SinkRegistry {
  #sinks = new Map<string, SinkHandler>()
  #next = 0
  /** Allocates a fresh sink path for `handler`; call the returned function to release it. */
  open(name: string, handler: SinkHandler): { path: string; close: () => void } {
    const path = `${SINK_ROOT}/${(this.#next++).toString(36)}${Math.random().toString(36).slice(2, 8)}/${name}`
    this.#sinks.set(path, handler)
    return { path, close: () => void this.#sinks.delete(path) }
  }
  /** The handler of a sink path, if it is one. */
  get(path: string): SinkHandler | undefined {
    return this.#sinks.get(path)
  }
}

/**
 * just-bash's `IFileSystem` over a {@link SyncVfs}. Cheap to construct: the shell makes one per
 * `exec` so that `/dev/stdin` and `/dev/stdout` belong to that exec.
 */
export class VfsFileSystem implements IFileSystem {
  readonly #vfs: SyncVfs
  readonly #sinks: SinkRegistry | undefined
  readonly #opts: VfsFileSystemOptions

  /**
   * @param vfs - the sandbox filesystem
   * @param sinks - sink paths to route (optional)
   * @param options - per-exec devices and limits
   */
  constructor(vfs: SyncVfs, sinks?: SinkRegistry, options: VfsFileSystemOptions = {}) {
    this.#vfs = vfs
    this.#sinks = sinks
    this.#opts = options
  }

  /** The underlying VFS. */
  get vfs(): SyncVfs {
    return this.#vfs
  }

  #umask(): number {
    return this.#opts.umask?.() ?? 0o022
  }

  #device(path: string): Device | undefined {
    return path.startsWith('/dev/') ? DEVICES[normalizePath(path)] : undefined
  }

  /** The command name if `path` is a virtual `/usr/bin/<name>` (or `/bin/<name>`) stub. */
  #virtualStub(path: string): string | undefined {
    if (!this.#opts.isCommand || !(path.startsWith('/usr/bin/') || path.startsWith('/bin/'))) return undefined
    const slash = path.lastIndexOf('/')
    const base = path.slice(slash + 1)
    // `/usr/bin/NAME` or `/bin/NAME` as is (the common case) needs no normalising.
    const simple = (slash === 8 || slash === 4) && base !== '' && base !== '.' && base !== '..'
    const name = simple ? base : /^\/(?:usr\/)?bin\/([^/]+)$/.exec(normalizePath(path))?.[1]
    if (name === undefined || !this.#opts.isCommand(name) || this.#vfs.exists(path)) return undefined
    return name
  }

  #sink(path: string): SinkHandler | undefined {
    return path.startsWith(SINK_ROOT) ? this.#sinks?.get(path) : undefined
  }

  #readDevice(dev: Device): Uint8Array {
    switch (dev) {
      case 'zero':
        return new Uint8Array(ZERO_BYTES)
      case 'random': {
        const out = new Uint8Array(RANDOM_BYTES)
        crypto.getRandomValues(out)
        return out
      }
      case 'stdin':
        return enc.encode(this.#opts.stdin ?? '')
      default:
        return new Uint8Array(0)
    }
  }

  #writeDevice(dev: Device, data: Uint8Array): void {
    if (data.length === 0) return
    if (dev === 'stdout') this.#opts.onStdout?.(data)
    else if (dev === 'stderr') this.#opts.onStderr?.(data)
  }

  #read(path: string): Uint8Array {
    const dev = this.#device(path)
    if (dev) return this.#readDevice(dev)
    if (this.#sink(path)) return new Uint8Array(0)
    try {
      const st = this.#vfs.stat(path)
      if (st.kind === 'dir') throw new ShellFsError('EISDIR', 'read', path)
      return this.#vfs.readFile(path)
    } catch (e) {
      if (e instanceof ShellFsError) throw e
      const stub = this.#virtualStub(path)
      if (stub !== undefined) return enc.encode(stubText(stub))
      return rethrow(e, 'open', path)
    }
  }

  async readFile(path: string, options?: ReadFileOptions | BufferEncoding): Promise<string> {
    return fromBytes(this.#read(path), encodingOf(options))
  }

  async readFileBytes(path: string): Promise<ByteString> {
    return unsafeBytesFromLatin1(bytesToLatin1(this.#read(path)))
  }

  async readFileBuffer(path: string): Promise<Uint8Array> {
    return this.#read(path)
  }

  #write(path: string, content: FileContent, options: WriteFileOptions | BufferEncoding | undefined, append: boolean): void {
    const data = toBytes(content, encodingOf(options))
    const sink = this.#sink(path)
    if (sink) {
      if (data.length > 0) sink(data)
      return
    }
    const dev = this.#device(path)
    if (dev) return this.#writeDevice(dev, data)
    try {
      this.#vfs.writeFile(path, data, { append, mode: 0o666 & ~this.#umask() })
    } catch (e) {
      rethrow(e, append ? 'append' : 'write', path)
    }
  }

  async writeFile(path: string, content: FileContent, options?: WriteFileOptions | BufferEncoding): Promise<void> {
    this.#write(path, content, options, false)
  }

  async appendFile(path: string, content: FileContent, options?: WriteFileOptions | BufferEncoding): Promise<void> {
    this.#write(path, content, options, true)
  }

  async exists(path: string): Promise<boolean> {
    if (path.includes('\0')) return false
    if (this.#device(path)) return true
    if (path.startsWith(SINK_ROOT)) return false
    return this.#vfs.exists(path) || this.#virtualStub(path) !== undefined
  }

  #toStat(st: VfsStats): FsStat {
    return {
      isFile: st.kind === 'file',
      isDirectory: st.kind === 'dir',
      isSymbolicLink: st.kind === 'symlink',
      mode: st.mode & 0o7777,
      size: st.size,
      mtime: new Date(st.mtimeMs),
      ino: st.ino,
      dev: 1,
    }
  }

  #isDevDir(path: string): boolean {
    const p = normalizePath(path)
    return p === '/dev' || p === '/dev/fd'
  }

  #stubStat(path: string): FsStat | undefined {
    const stub = this.#virtualStub(path)
    if (stub === undefined) return undefined
    return { isFile: true, isDirectory: false, isSymbolicLink: false, mode: 0o755, size: enc.encode(stubText(stub)).length, mtime: new Date(0) }
  }

  async stat(path: string): Promise<FsStat> {
    if (this.#device(path)) return deviceStat()
    const stub = this.#stubStat(path)
    if (stub) return stub
    try {
      return this.#toStat(this.#vfs.stat(path))
    } catch (e) {
      if (this.#isDevDir(path)) return { ...deviceStat(), isFile: false, isDirectory: true, mode: 0o755 }
      return rethrow(e, 'stat', path)
    }
  }

  async lstat(path: string): Promise<FsStat> {
    if (this.#device(path)) return deviceStat()
    const stub = this.#stubStat(path)
    if (stub) return stub
    try {
      return this.#toStat(this.#vfs.lstat(path))
    } catch (e) {
      if (this.#isDevDir(path)) return { ...deviceStat(), isFile: false, isDirectory: true, mode: 0o755 }
      return rethrow(e, 'lstat', path)
    }
  }

  async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    try {
      this.#vfs.mkdir(path, { recursive: options?.recursive === true, mode: 0o777 & ~this.#umask() })
    } catch (e) {
      rethrow(e, 'mkdir', path)
    }
  }

  #readdirTyped(path: string): DirentEntry[] {
    let list: DirentEntry[]
    try {
      list = this.#vfs.readdirWithTypes(path).map((d) => ({
        name: d.name,
        isFile: d.kind === 'file',
        isDirectory: d.kind === 'dir',
        isSymbolicLink: d.kind === 'symlink',
      }))
    } catch (e) {
      if (!this.#isDevDir(path)) return rethrow(e, 'scandir', path)
      list = []
    }
    if (normalizePath(path) === '/dev') {
      const have = new Set(list.map((d) => d.name))
      for (const n of DEVICE_NAMES) {
        if (!have.has(n)) list.push({ name: n, isFile: true, isDirectory: false, isSymbolicLink: false })
      }
      list = list.filter((d) => d.name !== '.daylite')
    }
    return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async readdir(path: string): Promise<string[]> {
    return this.#readdirTyped(path).map((d) => d.name)
  }

  async readdirWithFileTypes(path: string): Promise<DirentEntry[]> {
    return this.#readdirTyped(path)
  }

  async rm(path: string, options?: RmOptions): Promise<void> {
    if (this.#device(path)) throw new ShellFsError('EPERM', 'rm', path)
    try {
      this.#vfs.rm(path, { recursive: options?.recursive === true, force: options?.force === true })
    } catch (e) {
      rethrow(e, 'rm', path)
    }
  }

  async cp(src: string, dest: string, options?: CpOptions): Promise<void> {
    const dev = this.#device(src)
    const sinkOrDev = this.#device(dest) ?? this.#sink(dest)
    if (dev || sinkOrDev) {
      this.#write(dest, this.#read(src), undefined, false)
      return
    }
    try {
      this.#vfs.copy(src, dest, { recursive: options?.recursive === true })
    } catch (e) {
      rethrow(e, 'cp', src)
    }
  }

  async mv(src: string, dest: string): Promise<void> {
    try {
      this.#vfs.rename(src, dest)
    } catch (e) {
      rethrow(e, 'mv', src)
    }
  }

  resolvePath(base: string, path: string): string {
    return resolvePath(base, path)
  }

  /**
   * Every path in the tree, walked breadth-first and capped at `maxAllPaths` (just-bash's own
   * callers only use it for `ls` with glob operands, which daylite's `ls` replaces).
   */
  getAllPaths(): string[] {
    const max = this.#opts.maxAllPaths ?? 20_000
    const out: string[] = ['/']
    const queue: string[] = ['/']
    while (queue.length > 0 && out.length < max) {
      const dir = queue.shift() ?? '/'
      let entries
      try {
        entries = this.#vfs.readdirWithTypes(dir)
      } catch {
        continue
      }
      for (const d of entries) {
        const p = dir === '/' ? `/${d.name}` : `${dir}/${d.name}`
        out.push(p)
        if (d.kind === 'dir') queue.push(p)
        if (out.length >= max) break
      }
    }
    return out
  }

  async chmod(path: string, mode: number): Promise<void> {
    if (this.#device(path)) return
    try {
      this.#vfs.chmod(path, mode)
    } catch (e) {
      rethrow(e, 'chmod', path)
    }
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    try {
      this.#vfs.symlink(target, linkPath)
    } catch (e) {
      rethrow(e, 'symlink', linkPath)
    }
  }

  async link(existingPath: string, newPath: string): Promise<void> {
    try {
      this.#vfs.link(existingPath, newPath)
    } catch (e) {
      rethrow(e, 'link', existingPath)
    }
  }

  async readlink(path: string): Promise<string> {
    try {
      return this.#vfs.readlink(path)
    } catch (e) {
      return rethrow(e, 'readlink', path)
    }
  }

  async realpath(path: string): Promise<string> {
    if (this.#device(path) || this.#isDevDir(path)) return normalizePath(path)
    try {
      return this.#vfs.realpath(path)
    } catch (e) {
      return rethrow(e, 'realpath', path)
    }
  }

  async utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    if (this.#device(path)) return
    try {
      this.#vfs.utimes(path, atime.getTime(), mtime.getTime())
    } catch (e) {
      rethrow(e, 'utimes', path)
    }
  }
}
