/**
 * A small `Buffer` for browsers: the subset of Node's `Buffer` that isomorphic-git and sha.js use
 * (`from`/`alloc`/`concat`, `toString` and `write` in utf8, hex, base64 and latin1, big-endian
 * integer reads and writes, `slice` as a view, `copy`, `equals`). Browser builds resolve the
 * `buffer` module to this file, and the browser platform installs it as `globalThis.Buffer` when
 * there is none. Node uses its own `Buffer`.
 */

type Encoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'latin1' | 'binary' | 'ascii'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function normalizeEncoding(enc: unknown): Encoding {
  const e = typeof enc === 'string' ? enc.toLowerCase() : 'utf8'
  if (e === 'utf8' || e === 'utf-8' || e === 'hex' || e === 'base64' || e === 'latin1' || e === 'binary' || e === 'ascii') return e
  throw new TypeError(`Unknown encoding: ${String(enc)}`)
}

function bytesOf(text: string, enc: Encoding): Uint8Array {
  switch (enc) {
    case 'hex': {
      const n = text.length >>> 1
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i++) {
        const v = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16)
        if (Number.isNaN(v)) return out.subarray(0, i)
        out[i] = v
      }
      return out
    }
    case 'base64': {
      const bin = atob(text.replace(/[^A-Za-z0-9+/]/g, '').padEnd(Math.ceil(text.replace(/[^A-Za-z0-9+/]/g, '').length / 4) * 4, '='))
      const out = new Uint8Array(bin.length)
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
      return out
    }
    case 'latin1':
    case 'binary':
    case 'ascii': {
      const out = new Uint8Array(text.length)
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff
      return out
    }
    default:
      return encoder.encode(text)
  }
}

function textOf(bytes: Uint8Array, enc: Encoding): string {
  switch (enc) {
    case 'hex': {
      let s = ''
      for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16)
      return s
    }
    case 'base64': {
      let bin = ''
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return btoa(bin)
    }
    case 'latin1':
    case 'binary': {
      let s = ''
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return s
    }
    case 'ascii': {
      let s = ''
      for (const b of bytes) s += String.fromCharCode(b & 0x7f)
      return s
    }
    default:
      return decoder.decode(bytes)
  }
}

/**
 * Node's `Buffer`, reduced to what daylite's dependencies use in a browser.
 *
 * @example
 * ```ts
 * Buffer.from('6869', 'hex').toString() // 'hi'
 * ```
 */
export class Buffer extends Uint8Array {
  /** Bytes from a string (with an encoding), an array, an ArrayBuffer (a view of it) or a typed array (a copy). */
  static override from(value: unknown, encodingOrOffset?: unknown, length?: number): Buffer {
    if (typeof value === 'string') {
      const bytes = bytesOf(value, normalizeEncoding(encodingOrOffset ?? 'utf8'))
      const b = new Buffer(bytes.byteLength)
      b.set(bytes)
      return b
    }
    if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
      const offset = typeof encodingOrOffset === 'number' ? encodingOrOffset : 0
      return new Buffer(value as ArrayBuffer, offset, length ?? value.byteLength - offset)
    }
    if (ArrayBuffer.isView(value)) {
      const src = new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      const b = new Buffer(src.byteLength)
      b.set(src)
      return b
    }
    if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
      return Buffer.from((value as { data: number[] }).data)
    }
    if (Array.isArray(value) || (typeof value === 'object' && value !== null && Symbol.iterator in value)) {
      const arr = Array.from(value as Iterable<number>)
      const b = new Buffer(arr.length)
      for (let i = 0; i < arr.length; i++) b[i] = (arr[i] as number) & 0xff
      return b
    }
    throw new TypeError('The first argument must be a string, Buffer, ArrayBuffer, Array, or array-like object')
  }

  /** A zero-filled (or `fill`-filled) buffer. */
  static alloc(size: number, fill?: number | string): Buffer {
    const b = new Buffer(size)
    if (fill !== undefined) b.fill(typeof fill === 'string' ? (fill.charCodeAt(0) & 0xff) : fill)
    return b
  }

  /** As {@link Buffer.alloc} (typed arrays are always zeroed). */
  static allocUnsafe(size: number): Buffer {
    return new Buffer(size)
  }

  /** As {@link Buffer.alloc}. */
  static allocUnsafeSlow(size: number): Buffer {
    return new Buffer(size)
  }

  /** True for a {@link Buffer}. */
  static isBuffer(value: unknown): value is Buffer {
    return value instanceof Buffer
  }

  /** True for a supported encoding name. */
  static isEncoding(enc: unknown): boolean {
    try {
      normalizeEncoding(enc)
      return true
    } catch {
      return false
    }
  }

  /** The byte length of a string in an encoding (or of bytes). */
  static byteLength(value: string | ArrayBufferView | ArrayBuffer, enc?: string): number {
    if (typeof value === 'string') return bytesOf(value, normalizeEncoding(enc ?? 'utf8')).byteLength
    return value.byteLength
  }

  /** The bytes of `list` one after another (cut or zero-padded to `total`). */
  static concat(list: readonly Uint8Array[], total?: number): Buffer {
    const size = total ?? list.reduce((n, b) => n + b.byteLength, 0)
    const out = new Buffer(size)
    let at = 0
    for (const b of list) {
      if (at >= size) break
      const part = b.byteLength > size - at ? b.subarray(0, size - at) : b
      out.set(part, at)
      at += part.byteLength
    }
    return out
  }

  /** Compares two buffers bytewise (-1, 0, 1). */
  static compare(a: Uint8Array, b: Uint8Array): number {
    const n = Math.min(a.length, b.length)
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
  }

  /** Decodes the bytes from `start` to `end`. */
  override toString(enc?: string, start = 0, end = this.length): string {
    return textOf(this.subarray(start, end), normalizeEncoding(enc ?? 'utf8'))
  }

  /** Writes a string at `offset` (Node's overloads); returns the bytes written. */
  write(text: string, offsetOrEnc?: number | string, lengthOrEnc?: number | string, enc?: string): number {
    let offset = 0
    let length: number | undefined
    let encoding: unknown = 'utf8'
    if (typeof offsetOrEnc === 'string') encoding = offsetOrEnc
    else {
      offset = offsetOrEnc ?? 0
      if (typeof lengthOrEnc === 'string') encoding = lengthOrEnc
      else {
        length = lengthOrEnc
        if (enc !== undefined) encoding = enc
      }
    }
    const bytes = bytesOf(text, normalizeEncoding(encoding))
    const n = Math.min(bytes.byteLength, length ?? Infinity, this.length - offset)
    this.set(bytes.subarray(0, n), offset)
    return n
  }

  /** A view of the bytes from `start` to `end` (not a copy, as in Node). */
  override slice(start?: number, end?: number): Buffer {
    return this.subarray(start, end) as Buffer
  }

  /** Copies into `target`; returns the bytes copied. */
  copy(target: Uint8Array, targetStart = 0, sourceStart = 0, sourceEnd = this.length): number {
    const part = this.subarray(sourceStart, Math.min(sourceEnd, sourceStart + (target.length - targetStart)))
    target.set(part, targetStart)
    return part.length
  }

  /** True when both hold the same bytes. */
  equals(other: Uint8Array): boolean {
    return Buffer.compare(this, other) === 0
  }

  /** Bytewise comparison with `other`. */
  compare(other: Uint8Array): number {
    return Buffer.compare(this, other)
  }

  #view(): DataView {
    return new DataView(this.buffer, this.byteOffset, this.byteLength)
  }

  readUInt8(at = 0): number {
    return this.#view().getUint8(at)
  }
  readUInt16BE(at = 0): number {
    return this.#view().getUint16(at)
  }
  readUInt16LE(at = 0): number {
    return this.#view().getUint16(at, true)
  }
  readUInt32BE(at = 0): number {
    return this.#view().getUint32(at)
  }
  readUInt32LE(at = 0): number {
    return this.#view().getUint32(at, true)
  }
  readInt32BE(at = 0): number {
    return this.#view().getInt32(at)
  }
  readInt32LE(at = 0): number {
    return this.#view().getInt32(at, true)
  }
  writeUInt8(value: number, at = 0): number {
    this.#view().setUint8(at, value)
    return at + 1
  }
  writeUInt16BE(value: number, at = 0): number {
    this.#view().setUint16(at, value)
    return at + 2
  }
  writeUInt32BE(value: number, at = 0): number {
    this.#view().setUint32(at, value >>> 0)
    return at + 4
  }
  writeUInt32LE(value: number, at = 0): number {
    this.#view().setUint32(at, value >>> 0, true)
    return at + 4
  }
  writeInt32BE(value: number, at = 0): number {
    this.#view().setInt32(at, value | 0)
    return at + 4
  }
  writeInt32LE(value: number, at = 0): number {
    this.#view().setInt32(at, value | 0, true)
    return at + 4
  }

  /** `{ type: 'Buffer', data: [...] }`, as Node. */
  toJSON(): { type: 'Buffer'; data: number[] } {
    return { type: 'Buffer', data: Array.from(this) }
  }
}

/** Sets `globalThis.Buffer` to {@link Buffer} when the environment has none (browsers). */
export function installBuffer(): void {
  const g = globalThis as { Buffer?: unknown }
  if (g.Buffer === undefined) g.Buffer = Buffer
}

/** Node's `kMaxLength`, for modules that read it. */
export const kMaxLength = 2 ** 31 - 1
