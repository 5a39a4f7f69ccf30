/**
 * The worker side of the file-system channel: a {@link SyncVfs} whose every call is a blocking
 * request to the owner thread (see `protocol.ts`). Reads and writes larger than the data area go
 * through in chunks; nothing else is copied.
 */
import { concatBytes, VfsError } from '../vfs/index.js'
import type { MkdirOptions, RmOptions, SyncVfs, VfsDirent, VfsStats, VfsUsage, WriteOptions } from '../vfs/index.js'
import { DATA_OFFSET, H, HEADER_BYTES, KINDS, NUM_SLOTS, OP, STATE, VFS_CODES, WAKE } from './protocol.js'
import type { Op, Wake } from './protocol.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Decodes UTF-8 from a view of shared memory (browsers' TextDecoder refuses shared views: copy first). */
export function decodeShared(view: Uint8Array): string {
  return dec.decode(view.slice())
}

/** A channel failure (the host answered with a fault, or the protocol broke): a host failure. */
export class ChannelError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ChannelError'
  }
}

/** Blocking requests over a channel buffer. */
export class ChannelClient {
  readonly #header: Int32Array
  readonly #nums: Float64Array
  readonly #data: Uint8Array
  readonly #wake: () => void

  constructor(buffer: SharedArrayBuffer, wake: Wake, postWake: () => void) {
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4)
    this.#nums = new Float64Array(buffer, HEADER_BYTES, NUM_SLOTS)
    this.#data = new Uint8Array(buffer, DATA_OFFSET)
    this.#wake = wake === WAKE.MESSAGE ? postWake : () => {}
  }

  /** Bytes available for a request's strings and payload. */
  get capacity(): number {
    return this.#data.byteLength
  }

  /** The number slots (arguments in, results out). */
  get nums(): Float64Array {
    return this.#nums
  }

  /** Sends a request and blocks until the answer; returns the response payload (a view, valid until the next call). */
  call(op: Op, syscall: string, path = '', path2 = '', nums: readonly number[] = [], bytes?: Uint8Array): Uint8Array {
    const h = this.#header
    // Encoded apart, then copied: browsers refuse TextEncoder.encodeInto into shared memory.
    const a = enc.encode(path)
    const b = enc.encode(path2)
    if (a.byteLength + b.byteLength > this.#data.byteLength) throw new VfsError('ENAMETOOLONG', syscall, path)
    this.#data.set(a)
    this.#data.set(b, a.byteLength)
    const at = a.byteLength + b.byteLength
    if (bytes !== undefined) {
      if (at + bytes.byteLength > this.#data.byteLength) throw new ChannelError('request larger than the channel')
      this.#data.set(bytes, at)
    }
    for (let i = 0; i < nums.length; i++) this.#nums[i] = nums[i] as number
    h[H.OP] = op
    h[H.LEN1] = a.byteLength
    h[H.LEN2] = b.byteLength
    h[H.DATA] = bytes?.byteLength ?? 0
    Atomics.store(h, H.STATE, STATE.REQUEST)
    Atomics.notify(h, H.STATE)
    this.#wake()
    while (Atomics.load(h, H.STATE) === STATE.REQUEST) Atomics.wait(h, H.STATE, STATE.REQUEST)
    const status = h[H.STATUS] as number
    const len = h[H.DATA] as number
    if (status === 0) return this.#data.subarray(0, len)
    if (status > 0) throw new VfsError(VFS_CODES[status - 1] ?? 'EINVAL', syscall, path, path2 === '' ? undefined : path2)
    throw new ChannelError(dec.decode(this.#data.slice(0, len)))
  }
}

function toStats(n: Float64Array): VfsStats {
  return {
    ino: n[0] as number,
    kind: KINDS[n[1] as number] ?? 'file',
    mode: n[2] as number,
    uid: n[3] as number,
    gid: n[4] as number,
    size: n[5] as number,
    nlink: n[6] as number,
    atimeMs: n[7] as number,
    mtimeMs: n[8] as number,
    ctimeMs: n[9] as number,
    birthtimeMs: n[10] as number,
  }
}

/** A {@link SyncVfs} over the channel. */
export class ChannelVfs implements SyncVfs {
  readonly #c: ChannelClient

  constructor(client: ChannelClient) {
    this.#c = client
  }

  /** Room for bytes in one request about `path`. */
  #room(path: string): number {
    return this.#c.capacity - enc.encode(path).byteLength
  }

  stat(path: string): VfsStats {
    this.#c.call(OP.STAT, 'stat', path)
    return toStats(this.#c.nums)
  }
  lstat(path: string): VfsStats {
    this.#c.call(OP.LSTAT, 'lstat', path)
    return toStats(this.#c.nums)
  }
  exists(path: string): boolean {
    this.#c.call(OP.EXISTS, 'access', path)
    return this.#c.nums[0] === 1
  }
  read(path: string, position: number, length: number): Uint8Array {
    const chunk = this.#room(path)
    if (length <= chunk) return this.#c.call(OP.READ, 'read', path, '', [position, length]).slice()
    const parts: Uint8Array[] = []
    let total = 0
    while (total < length) {
      const want = Math.min(chunk, length - total)
      const part = this.#c.call(OP.READ, 'read', path, '', [position + total, want])
      parts.push(part.slice())
      total += part.byteLength
      if (part.byteLength < want) break
    }
    return parts.length === 0 ? new Uint8Array(0) : concatBytes(parts)
  }
  readFile(path: string): Uint8Array {
    return this.read(path, 0, this.stat(path).size)
  }
  readFileView(path: string): Uint8Array {
    return this.readFile(path)
  }
  writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): void {
    const bytes = typeof data === 'string' ? enc.encode(data) : data
    const chunk = this.#room(path)
    const flags = (options?.append ? 1 : 0) | (options?.exclusive ? 2 : 0)
    const mode = options?.mode ?? 0o644
    this.#c.call(OP.WRITE_FILE, 'open', path, '', [flags, mode], bytes.subarray(0, chunk))
    for (let at = chunk; at < bytes.byteLength; at += chunk) {
      const part = bytes.subarray(at, at + chunk)
      if (options?.append) this.#c.call(OP.WRITE_FILE, 'write', path, '', [1, mode], part)
      else this.#c.call(OP.WRITE, 'write', path, '', [at], part)
    }
  }
  write(path: string, position: number, data: Uint8Array): void {
    const chunk = this.#room(path)
    if (data.byteLength === 0) this.#c.call(OP.WRITE, 'write', path, '', [position], data)
    for (let at = 0; at < data.byteLength; at += chunk) {
      this.#c.call(OP.WRITE, 'write', path, '', [position + at], data.subarray(at, at + chunk))
    }
  }
  truncate(path: string, length: number): void {
    this.#c.call(OP.TRUNCATE, 'truncate', path, '', [length])
  }
  mkdir(path: string, options?: MkdirOptions): void {
    this.#c.call(OP.MKDIR, 'mkdir', path, '', [options?.recursive ? 1 : 0, options?.mode ?? 0o755])
  }
  readdir(path: string): string[] {
    return JSON.parse(decodeShared(this.#c.call(OP.READDIR, 'scandir', path))) as string[]
  }
  readdirWithTypes(path: string): VfsDirent[] {
    const rows = JSON.parse(decodeShared(this.#c.call(OP.READDIR_TYPES, 'scandir', path))) as [string, number, number][]
    return rows.map(([name, kind, ino]) => ({ name, kind: KINDS[kind] ?? 'file', ino }))
  }
  rmdir(path: string): void {
    this.#c.call(OP.RMDIR, 'rmdir', path)
  }
  unlink(path: string): void {
    this.#c.call(OP.UNLINK, 'unlink', path)
  }
  rm(path: string, options?: RmOptions): void {
    this.#c.call(OP.RM, 'rm', path, '', [options?.recursive ? 1 : 0, options?.force ? 1 : 0])
  }
  rename(from: string, to: string): void {
    this.#c.call(OP.RENAME, 'rename', from, to)
  }
  copy(from: string, to: string, options?: { recursive?: boolean }): void {
    this.#c.call(OP.COPY, 'cp', from, to, [options?.recursive ? 1 : 0])
  }
  symlink(target: string, path: string): void {
    this.#c.call(OP.SYMLINK, 'symlink', target, path)
  }
  readlink(path: string): string {
    return decodeShared(this.#c.call(OP.READLINK, 'readlink', path))
  }
  link(existing: string, path: string): void {
    this.#c.call(OP.LINK, 'link', existing, path)
  }
  chmod(path: string, mode: number): void {
    this.#c.call(OP.CHMOD, 'chmod', path, '', [mode])
  }
  chown(path: string, uid: number, gid: number, options?: { follow?: boolean }): void {
    this.#c.call(OP.CHOWN, 'chown', path, '', [uid, gid, options?.follow === false ? 0 : 1])
  }
  utimes(path: string, atimeMs: number, mtimeMs: number, options?: { follow?: boolean }): void {
    this.#c.call(OP.UTIMES, 'utime', path, '', [atimeMs, mtimeMs, options?.follow === false ? 0 : 1])
  }
  realpath(path: string): string {
    return decodeShared(this.#c.call(OP.REALPATH, 'realpath', path))
  }
  usage(): VfsUsage {
    this.#c.call(OP.USAGE, 'usage')
    const n = this.#c.nums
    return { bytes: n[0] as number, inodes: n[1] as number, maxBytes: n[2] as number, maxInodes: n[3] as number }
  }
}

/** Asks the host to transpile TypeScript (see `OP.TRANSPILE`). */
export function transpileOverChannel(client: ChannelClient, source: string, filename: string): { ok: true; code: string } | { ok: false; error: string } {
  const bytes = enc.encode(source)
  if (bytes.byteLength + enc.encode(filename).byteLength > client.capacity) return { ok: false, error: `${filename}: too large to transpile (${bytes.byteLength} bytes)` }
  const answer = client.call(OP.TRANSPILE, 'transpile', filename, '', [], bytes)
  const text = decodeShared(answer.subarray(1))
  return answer[0] === 0 ? { ok: true, code: text } : { ok: false, error: text }
}

/**
 * Writes a piped process's stdout (fd 1) or stderr (2) through the channel (see
 * `OP.OUTPUT_WRITE`), blocking while the pipe is full; in pieces when larger than the channel.
 * @returns false when the pipe's reader has gone (the caller's EPIPE)
 */
export function writeOverChannel(client: ChannelClient, fd: 1 | 2, bytes: Uint8Array): boolean {
  const room = client.capacity
  for (let at = 0; at < bytes.byteLength || at === 0; at += room) {
    client.call(OP.OUTPUT_WRITE, 'write', '', '', [fd], bytes.subarray(at, at + room))
    if (client.nums[0] !== 1) return false
    if (bytes.byteLength === 0) break
  }
  return true
}
