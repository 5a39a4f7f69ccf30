/**
 * The owner side of the file-system channel: applies each request to the real VFS and writes the
 * answer back. It never blocks the owner's event loop: it waits with `Atomics.waitAsync` (or is
 * woken by the worker's `wake` message), and an op that has to wait (stdin) is awaited.
 *
 * It also notes the orphans its process makes (files unlinked while open, moved under
 * `ORPHAN_DIR` by `src/wasi/open-files.ts`) and deletes those still there when it is closed: the
 * host closes the server whenever the process ends, so a killed or crashed process leaves none.
 */
import { VfsError } from '../vfs/index.js'
import type { SyncVfs, VfsStats } from '../vfs/index.js'
import { isOrphanPath, removeOrphanDirs } from '../wasi/index.js'
import { decodeShared } from './channel-client.js'
import { DATA_OFFSET, H, HEADER_BYTES, KINDS, NUM_SLOTS, OP, STATE, VFS_CODES, waitAsync } from './protocol.js'

const enc = new TextEncoder()

/** Provides stdin bytes on request: up to `max` bytes, an empty array at end of input. */
export type StdinProvider = (max: number) => Uint8Array | Promise<Uint8Array>

/**
 * Takes a piped process's output (fd 1 or 2): `true` once taken (a promise while the pipe is
 * full), `false` when the reader has gone.
 */
export type OutputPipe = (fd: 1 | 2, bytes: Uint8Array) => boolean | Promise<boolean>

/** Transpiles TypeScript to JavaScript for the guest; rejects with a message the guest shows on a syntax error. */
export type TranspileService = (source: string, filename: string) => string | Promise<string>

/** What a request's answer is. */
type Answer = Uint8Array | string | undefined

/** Serves one channel buffer against a VFS. */
export class ChannelServer {
  readonly #vfs: SyncVfs
  readonly #header: Int32Array
  readonly #nums: Float64Array
  readonly #data: Uint8Array
  readonly #stdin: StdinProvider | undefined
  readonly #transpile: TranspileService | undefined
  readonly #output: OutputPipe | undefined
  #closed = false
  #busy = false
  /** Orphan paths the process made through this channel and has not deleted yet. */
  readonly #orphans = new Set<string>()
  /** Requests served (for measurements). */
  served = 0

  constructor(buffer: SharedArrayBuffer, vfs: SyncVfs, stdin?: StdinProvider, transpile?: TranspileService, output?: OutputPipe) {
    this.#transpile = transpile
    this.#output = output
    this.#vfs = vfs
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4)
    this.#nums = new Float64Array(buffer, HEADER_BYTES, NUM_SLOTS)
    this.#data = new Uint8Array(buffer, DATA_OFFSET)
    this.#stdin = stdin
  }

  /** Serves with `Atomics.waitAsync` until {@link close}. */
  async serve(): Promise<void> {
    const h = this.#header
    if (waitAsync === undefined) throw new Error('Atomics.waitAsync is not available: use the wake-message path')
    while (!this.#closed) {
      const state = Atomics.load(h, H.STATE)
      if (state === STATE.REQUEST) {
        await this.poll()
        continue
      }
      const w = waitAsync(h, H.STATE, state)
      if (w.async) await w.value
    }
  }

  /** Handles the pending request, if any (the `wake`-message path calls this directly). */
  async poll(): Promise<void> {
    const h = this.#header
    if (this.#busy || this.#closed || Atomics.load(h, H.STATE) !== STATE.REQUEST) return
    this.#busy = true
    try {
      let status = 0
      let answer: Answer
      try {
        const r = this.#apply()
        answer = r instanceof Promise ? await r : r
        const op = h[H.OP] as number
        if (op === OP.RENAME || op === OP.LINK || (this.#orphans.size > 0 && (op === OP.UNLINK || op === OP.RM))) {
          const len1 = h[H.LEN1] as number
          this.#track(op, decodeShared(this.#data.subarray(0, len1)), decodeShared(this.#data.subarray(len1, len1 + (h[H.LEN2] as number))))
        }
      } catch (e) {
        if (e instanceof VfsError) status = VFS_CODES.indexOf(e.code) + 1
        else {
          status = -1
          answer = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        }
      }
      if (this.#closed) return
      const bytes = typeof answer === 'string' ? enc.encode(answer) : answer
      if (bytes !== undefined && bytes.byteLength > this.#data.byteLength) {
        status = -1
        const msg = enc.encode(`answer of ${bytes.byteLength} bytes is larger than the channel`)
        this.#data.set(msg)
        h[H.DATA] = msg.byteLength
      } else {
        if (bytes !== undefined) this.#data.set(bytes)
        h[H.DATA] = bytes?.byteLength ?? 0
      }
      h[H.STATUS] = status
      this.served++
      Atomics.store(h, H.STATE, STATE.RESPONSE)
      Atomics.notify(h, H.STATE)
    } finally {
      this.#busy = false
    }
  }

  /** Stops serving; a pending `waitAsync` is released; the process's leftover orphans are deleted. */
  close(): void {
    if (!this.#closed) this.#removeOrphans()
    this.#closed = true
    Atomics.notify(this.#header, H.STATE)
  }

  #removeOrphans(): void {
    if (this.#orphans.size === 0) return
    for (const path of this.#orphans) {
      try {
        this.#vfs.unlink(path)
      } catch {
        // gone already
      }
    }
    this.#orphans.clear()
    try {
      removeOrphanDirs(this.#vfs)
    } catch {
      // another process's orphans keep the directory
    }
  }

  /** Notes names made or removed under the orphan directory (see the header comment). */
  #track(op: number, path: string, path2: string): void {
    if (op === OP.RENAME || op === OP.LINK) {
      if (op === OP.RENAME) this.#orphans.delete(path)
      if (isOrphanPath(path2)) this.#orphans.add(path2)
    } else if (op === OP.UNLINK || op === OP.RM) {
      this.#orphans.delete(path)
    }
  }

  async #transpileAnswer(source: string, filename: string): Promise<Uint8Array> {
    const tagged = (tag: number, text: string): Uint8Array => {
      const body = enc.encode(text)
      const out = new Uint8Array(body.byteLength + 1)
      out[0] = tag
      out.set(body, 1)
      return out
    }
    if (this.#transpile === undefined) return tagged(1, 'TypeScript is not available in this process')
    try {
      return tagged(0, await this.#transpile(source, filename))
    } catch (e) {
      return tagged(1, e instanceof Error ? e.message : String(e))
    }
  }

  #stats(st: VfsStats): undefined {
    const n = this.#nums
    n[0] = st.ino
    n[1] = KINDS.indexOf(st.kind)
    n[2] = st.mode
    n[3] = st.uid
    n[4] = st.gid
    n[5] = st.size
    n[6] = st.nlink
    n[7] = st.atimeMs
    n[8] = st.mtimeMs
    n[9] = st.ctimeMs
    n[10] = st.birthtimeMs
    return undefined
  }

  #apply(): Answer | Promise<Answer> {
    const h = this.#header
    const n = this.#nums
    const len1 = h[H.LEN1] as number
    const len2 = h[H.LEN2] as number
    const path = decodeShared(this.#data.subarray(0, len1))
    const path2 = decodeShared(this.#data.subarray(len1, len1 + len2))
    const bytes = this.#data.subarray(len1 + len2, len1 + len2 + (h[H.DATA] as number))
    const vfs = this.#vfs
    const num = (i: number): number => n[i] as number
    switch (h[H.OP]) {
      case OP.PING:
        return undefined
      case OP.STAT:
        return this.#stats(vfs.stat(path))
      case OP.LSTAT:
        return this.#stats(vfs.lstat(path))
      case OP.EXISTS:
        n[0] = vfs.exists(path) ? 1 : 0
        return undefined
      case OP.READ: {
        // One copy: from the file's bytes straight into the channel.
        const view = vfs.readFileView(path)
        const start = Math.min(num(0), view.byteLength)
        return view.subarray(start, Math.min(view.byteLength, start + num(1)))
      }
      case OP.WRITE_FILE:
        vfs.writeFile(path, bytes, { append: (num(0) & 1) !== 0, exclusive: (num(0) & 2) !== 0, mode: num(1) })
        return undefined
      case OP.WRITE:
        vfs.write(path, num(0), bytes)
        return undefined
      case OP.TRUNCATE:
        vfs.truncate(path, num(0))
        return undefined
      case OP.MKDIR:
        vfs.mkdir(path, { recursive: num(0) === 1, mode: num(1) })
        return undefined
      case OP.READDIR:
        return JSON.stringify(vfs.readdir(path))
      case OP.READDIR_TYPES:
        return JSON.stringify(vfs.readdirWithTypes(path).map((e) => [e.name, KINDS.indexOf(e.kind), e.ino]))
      case OP.RMDIR:
        vfs.rmdir(path)
        return undefined
      case OP.UNLINK:
        vfs.unlink(path)
        return undefined
      case OP.RM:
        vfs.rm(path, { recursive: num(0) === 1, force: num(1) === 1 })
        return undefined
      case OP.RENAME:
        vfs.rename(path, path2)
        return undefined
      case OP.COPY:
        vfs.copy(path, path2, { recursive: num(0) === 1 })
        return undefined
      case OP.SYMLINK:
        vfs.symlink(path, path2)
        return undefined
      case OP.READLINK:
        return vfs.readlink(path)
      case OP.LINK:
        vfs.link(path, path2)
        return undefined
      case OP.CHMOD:
        vfs.chmod(path, num(0))
        return undefined
      case OP.CHOWN:
        vfs.chown(path, num(0), num(1), { follow: num(2) === 1 })
        return undefined
      case OP.UTIMES:
        vfs.utimes(path, num(0), num(1), { follow: num(2) === 1 })
        return undefined
      case OP.REALPATH:
        return vfs.realpath(path)
      case OP.USAGE: {
        const u = vfs.usage()
        n[0] = u.bytes
        n[1] = u.inodes
        n[2] = u.maxBytes
        n[3] = u.maxInodes
        return undefined
      }
      case OP.STDIN_READ: {
        const max = Math.min(num(0), this.#data.byteLength)
        if (this.#stdin === undefined) return new Uint8Array(0)
        const r = this.#stdin(max)
        return r instanceof Promise ? r.then((b) => b.subarray(0, max)) : r.subarray(0, max)
      }
      case OP.TRANSPILE:
        return this.#transpileAnswer(decodeShared(bytes), path)
      case OP.OUTPUT_WRITE: {
        const fd = num(0) === 2 ? 2 : 1
        if (this.#output === undefined) {
          n[0] = 1
          return undefined
        }
        // The bytes are copied out of the channel before the answer may reuse it.
        const taken = this.#output(fd, bytes.slice())
        if (!(taken instanceof Promise)) {
          n[0] = taken ? 1 : 0
          return undefined
        }
        return taken.then((ok) => {
          n[0] = ok ? 1 : 0
          return undefined
        })
      }
      default:
        throw new Error(`unknown channel op ${h[H.OP]}`)
    }
  }
}
