/**
 * A small zip reader for wheels: the central directory (with zip64), stored and deflated entries
 * (inflated by the platform's `DecompressionStream('deflate-raw')`), CRC-32 and size checks.
 * Encrypted entries and other compression methods are refused.
 */
import { concatBytes } from '../../../vfs/index.js'
import { PipError, PipErrorCode } from './errors.js'

/** One file of a zip archive, from its central directory. */
export interface ZipEntry {
  /** The path inside the archive (`/`-separated). */
  name: string
  /** 0 (stored) or 8 (deflated). */
  method: number
  crc32: number
  compressedSize: number
  size: number
  /** Offset of the local file header. */
  localOffset: number
  /** Unix permission bits when the archive records them (`external attributes >> 16`). */
  mode: number | undefined
  /** The entry is a directory (its name ends in `/`). */
  isDir: boolean
  /** General-purpose flags (bit 0: encrypted). */
  flags: number
}

const EOCD = 0x06054b50
const EOCD64 = 0x06064b50
const EOCD64_LOCATOR = 0x07064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

let crcTable: Uint32Array | undefined

/** CRC-32 (IEEE 802.3) of `data`. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  let crc = 0xffffffff
  for (let i = 0; i < data.length; i++) crc = (crcTable[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function bad(what: string, message: string): PipError {
  return new PipError(PipErrorCode.BAD_WHEEL, `${what} is not a valid zip file: ${message}`)
}

/** Inflates raw deflate data, refusing more than `limit` bytes of output. */
export async function inflateRaw(data: Uint8Array, limit: number): Promise<Uint8Array> {
  const ds = new DecompressionStream('deflate-raw')
  const writer = ds.writable.getWriter()
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {})
  writer.close().catch(() => {})
  const reader = ds.readable.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw new Error(`inflates to more than the ${limit} bytes it declares`)
    }
    chunks.push(value)
  }
  return chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks)
}

/**
 * A zip archive in memory.
 *
 * @example
 * ```ts
 * const zip = ZipReader.open(bytes, 'a-1.0-py3-none-any.whl')
 * const metadata = await zip.read(zip.get('a-1.0.dist-info/METADATA'))
 * ```
 */
export class ZipReader {
  readonly #bytes: Uint8Array
  readonly #view: DataView
  readonly #what: string
  /** The entries in central-directory order. */
  readonly entries: ZipEntry[]
  readonly #byName = new Map<string, ZipEntry>()

  private constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.#what = what
    this.entries = this.#readCentralDirectory()
    for (const e of this.entries) {
      if (this.#byName.has(e.name)) throw bad(what, `duplicate entry ${e.name}`)
      this.#byName.set(e.name, e)
    }
  }

  /**
   * Parses the central directory of `bytes`.
   *
   * @param bytes - the whole archive
   * @param what - how errors name the archive (its file name)
   */
  static open(bytes: Uint8Array, what: string): ZipReader {
    return new ZipReader(bytes, what)
  }

  /** The entry called `name`, if any. */
  get(name: string): ZipEntry | undefined {
    return this.#byName.get(name)
  }

  #u16(at: number): number {
    if (at + 2 > this.#bytes.length) throw bad(this.#what, 'truncated')
    return this.#view.getUint16(at, true)
  }

  #u32(at: number): number {
    if (at + 4 > this.#bytes.length) throw bad(this.#what, 'truncated')
    return this.#view.getUint32(at, true)
  }

  #u64(at: number): number {
    const lo = this.#u32(at)
    const hi = this.#u32(at + 4)
    if (hi > 0x1fffff) throw bad(this.#what, 'a 64-bit size beyond what JavaScript can address')
    return hi * 0x100000000 + lo
  }

  #readCentralDirectory(): ZipEntry[] {
    const b = this.#bytes
    let eocd = -1
    const stop = Math.max(0, b.length - 22 - 0xffff)
    for (let i = b.length - 22; i >= stop; i--) {
      if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 0x05 && b[i + 3] === 0x06 && this.#u32(i) === EOCD) {
        eocd = i
        break
      }
    }
    if (eocd < 0) throw bad(this.#what, 'no end of central directory record')
    let count = this.#u16(eocd + 10)
    let cdSize = this.#u32(eocd + 12)
    let cdOffset = this.#u32(eocd + 16)
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20
      if (loc < 0 || this.#u32(loc) !== EOCD64_LOCATOR) throw bad(this.#what, 'zip64 end of central directory locator missing')
      const rec = this.#u64(loc + 8)
      if (this.#u32(rec) !== EOCD64) throw bad(this.#what, 'zip64 end of central directory record missing')
      count = this.#u64(rec + 32)
      cdSize = this.#u64(rec + 40)
      cdOffset = this.#u64(rec + 48)
    }
    if (cdOffset + cdSize > b.length) throw bad(this.#what, 'central directory beyond the end of the file')
    const decoder = new TextDecoder('utf-8', { fatal: false })
    const entries: ZipEntry[] = []
    let at = cdOffset
    for (let n = 0; n < count; n++) {
      if (this.#u32(at) !== CENTRAL) throw bad(this.#what, `bad central directory entry ${n}`)
      const madeBy = this.#u16(at + 4) >> 8
      const flags = this.#u16(at + 8)
      const method = this.#u16(at + 10)
      const crc = this.#u32(at + 16)
      let compressedSize = this.#u32(at + 20)
      let size = this.#u32(at + 24)
      const nameLen = this.#u16(at + 28)
      const extraLen = this.#u16(at + 30)
      const commentLen = this.#u16(at + 32)
      const external = this.#u32(at + 38)
      let localOffset = this.#u32(at + 42)
      if (at + 46 + nameLen > b.length) throw bad(this.#what, 'truncated central directory')
      const name = decoder.decode(b.subarray(at + 46, at + 46 + nameLen))
      // zip64 extended information: the 0xffffffff fields, in order.
      let x = at + 46 + nameLen
      const xEnd = x + extraLen
      while (x + 4 <= xEnd) {
        const id = this.#u16(x)
        const len = this.#u16(x + 2)
        if (id === 0x0001) {
          let f = x + 4
          if (size === 0xffffffff) {
            size = this.#u64(f)
            f += 8
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = this.#u64(f)
            f += 8
          }
          if (localOffset === 0xffffffff) localOffset = this.#u64(f)
        }
        x += 4 + len
      }
      const unixMode = madeBy === 3 ? (external >>> 16) & 0o7777 : undefined
      entries.push({ name, method, crc32: crc, compressedSize, size, localOffset, mode: unixMode || undefined, isDir: name.endsWith('/'), flags })
      at = xEnd + commentLen
    }
    return entries
  }

  /**
   * The entry's bytes, inflated and checked against its size and CRC-32.
   *
   * @param entry - an entry of this archive
   */
  async read(entry: ZipEntry): Promise<Uint8Array> {
    const what = `${this.#what} (${entry.name})`
    if (entry.flags & 1) throw bad(what, 'encrypted entries are not supported')
    const at = entry.localOffset
    if (this.#u32(at) !== LOCAL) throw bad(what, 'bad local file header')
    const start = at + 30 + this.#u16(at + 26) + this.#u16(at + 28)
    const end = start + entry.compressedSize
    if (end > this.#bytes.length) throw bad(what, 'entry data beyond the end of the file')
    const raw = this.#bytes.subarray(start, end)
    let data: Uint8Array
    if (entry.method === 0) data = raw
    else if (entry.method === 8) {
      try {
        data = await inflateRaw(raw, entry.size)
      } catch (error) {
        throw bad(what, `deflate data is corrupt (${error instanceof Error ? error.message : String(error)})`)
      }
    } else throw bad(what, `compression method ${entry.method} is not supported (only stored and deflate)`)
    if (data.length !== entry.size) throw bad(what, `size ${data.length} differs from the recorded ${entry.size}`)
    if (crc32(data) !== entry.crc32) throw bad(what, 'CRC-32 mismatch')
    return data
  }
}
