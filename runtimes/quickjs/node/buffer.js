// node:buffer: Buffer (a Uint8Array subclass) with utf8/hex/base64/base64url/latin1/ascii/utf16le,
// reads and writes of integers and floats, compare/equals/indexOf/fill/copy; TextEncoder and
// TextDecoder; atob/btoa; Blob.
import { invalidArgType, nodeError, outOfRange } from './errors.js'
import { customInspectSymbol } from './inspect.js'
import { N } from './native.js'

// ---- encodings -----------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64_LOOKUP = new Int16Array(256).fill(-1)
for (let i = 0; i < 64; i++) B64_LOOKUP[B64.charCodeAt(i)] = i
B64_LOOKUP['-'.charCodeAt(0)] = 62
B64_LOOKUP['_'.charCodeAt(0)] = 63

export function normalizeEncoding(enc) {
  if (enc === undefined || enc === null || enc === 'utf8' || enc === 'utf-8') return 'utf8'
  switch (String(enc).toLowerCase()) {
    case 'utf8': case 'utf-8': return 'utf8'
    case 'hex': return 'hex'
    case 'base64': return 'base64'
    case 'base64url': return 'base64url'
    case 'latin1': case 'binary': return 'latin1'
    case 'ascii': return 'ascii'
    case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le'
  }
  return undefined
}

function checkEncoding(enc) {
  const n = normalizeEncoding(enc)
  if (n === undefined) throw nodeError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${enc}`)
  return n
}

export function utf8Encode(str) {
  return new Uint8Array(N.utf8Encode(str))
}

export function utf8Decode(bytes, start = 0, end = bytes.length) {
  return N.utf8Decode(bytes, start, end)
}

function utf8Length(str) {
  let n = 0
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4
        i++
      } else n += 3
    } else n += 3
  }
  return n
}

function hexEncode(str) {
  const n = str.length >>> 1
  const out = new Uint8Array(n)
  let i = 0
  for (; i < n; i++) {
    const v = parseInt(str.substr(i * 2, 2), 16)
    if (Number.isNaN(v) || !/^[0-9a-fA-F]{2}$/.test(str.substr(i * 2, 2))) break
    out[i] = v
  }
  return i === n ? out : out.subarray(0, i)
}

function base64Encode(str) {
  const out = new Uint8Array(Math.ceil((str.length * 3) / 4))
  let bits = 0
  let acc = 0
  let n = 0
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i)
    if (c === 61) break // '='
    const v = c < 256 ? B64_LOOKUP[c] : -1
    if (v < 0) continue
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[n++] = (acc >> bits) & 0xff
    }
  }
  return out.subarray(0, n)
}

function base64Decode(bytes, start, end, url) {
  const table = url ? B64URL : B64
  let out = ''
  let i = start
  for (; i + 2 < end; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
    out += table[v >> 18] + table[(v >> 12) & 63] + table[(v >> 6) & 63] + table[v & 63]
  }
  const rest = end - i
  if (rest === 1) {
    const v = bytes[i] << 16
    out += table[v >> 18] + table[(v >> 12) & 63] + (url ? '' : '==')
  } else if (rest === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8)
    out += table[v >> 18] + table[(v >> 12) & 63] + table[(v >> 6) & 63] + (url ? '' : '=')
  }
  return out
}

function latin1Encode(str) {
  const out = new Uint8Array(str.length)
  for (let i = 0; i < str.length; i++) out[i] = str.charCodeAt(i) & 0xff
  return out
}

function latin1Decode(bytes, start, end, mask) {
  let out = ''
  for (let i = start; i < end; i += 4096) {
    const chunk = bytes.subarray(i, Math.min(end, i + 4096))
    out += String.fromCharCode.apply(null, mask === 0xff ? chunk : Array.from(chunk, (b) => b & mask))
  }
  return out
}

function utf16Encode(str) {
  const out = new Uint8Array(str.length * 2)
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i)
    out[i * 2] = c & 0xff
    out[i * 2 + 1] = c >> 8
  }
  return out
}

function utf16Decode(bytes, start, end) {
  let out = ''
  for (let i = start; i + 1 < end; i += 2) out += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8))
  return out
}

function encodeString(str, enc) {
  switch (enc) {
    case 'utf8': return utf8Encode(str)
    case 'hex': return hexEncode(str)
    case 'base64': case 'base64url': return base64Encode(str)
    case 'latin1': case 'ascii': return latin1Encode(str)
    case 'utf16le': return utf16Encode(str)
  }
  return utf8Encode(str)
}

function decodeBytes(bytes, enc, start, end) {
  switch (enc) {
    case 'utf8': return utf8Decode(bytes, start, end)
    case 'hex': {
      let out = ''
      for (let i = start; i < end; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16)
      return out
    }
    case 'base64': return base64Decode(bytes, start, end, false)
    case 'base64url': return base64Decode(bytes, start, end, true)
    case 'latin1': return latin1Decode(bytes, start, end, 0xff)
    case 'ascii': return latin1Decode(bytes, start, end, 0x7f)
    case 'utf16le': return utf16Decode(bytes, start, end)
  }
  return utf8Decode(bytes, start, end)
}

// ---- Buffer ------------------------------------------------------------------------------

class FastBuffer extends Uint8Array {}

/** Buffer(arg[, encodingOrOffset[, length]]): deprecated constructor form, still accepted. */
export function Buffer(arg, encodingOrOffset, length) {
  if (typeof arg === 'number') return Buffer.alloc(arg)
  return Buffer.from(arg, encodingOrOffset, length)
}
Buffer.prototype = FastBuffer.prototype
Object.defineProperty(FastBuffer.prototype, 'constructor', { value: Buffer, writable: true, configurable: true })
Object.setPrototypeOf(Buffer, Uint8Array)
Object.defineProperty(Buffer, Symbol.species, { get: () => FastBuffer, configurable: true })

function wrap(u8) {
  return new FastBuffer(u8.buffer, u8.byteOffset, u8.byteLength)
}

Buffer.poolSize = 8192

Buffer.from = function from(value, encodingOrOffset, length) {
  if (typeof value === 'string') return wrap(encodeString(value, checkEncoding(encodingOrOffset)))
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) {
    const offset = encodingOrOffset === undefined ? 0 : Number(encodingOrOffset) || 0
    const len = length === undefined ? value.byteLength - offset : Number(length) || 0
    if (offset > value.byteLength) throw outOfRange('offset', `<= ${value.byteLength}`, offset)
    return new FastBuffer(value, offset, len)
  }
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array || value instanceof Uint8ClampedArray || value instanceof Int8Array) {
      const out = new FastBuffer(value.length)
      out.set(value instanceof Int8Array ? new Uint8Array(value.buffer, value.byteOffset, value.length) : value)
      return out
    }
    const out = new FastBuffer(value.length)
    for (let i = 0; i < value.length; i++) out[i] = Number(value[i]) & 0xff
    return out
  }
  if (value === null || value === undefined) {
    throw invalidArgType('first argument', 'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value)
  }
  if (typeof value === 'object') {
    if (typeof value[Symbol.toPrimitive] === 'function' || (typeof value.valueOf === 'function' && value.valueOf() !== value)) {
      const prim = typeof value[Symbol.toPrimitive] === 'function' ? value[Symbol.toPrimitive]('string') : value.valueOf()
      if (typeof prim === 'string' || ArrayBuffer.isView(prim) || prim instanceof ArrayBuffer) return Buffer.from(prim, encodingOrOffset, length)
    }
    if (value.type === 'Buffer' && Array.isArray(value.data)) return Buffer.from(value.data)
    if (typeof value.length === 'number' || Array.isArray(value)) {
      const out = new FastBuffer(value.length >>> 0)
      for (let i = 0; i < out.length; i++) out[i] = Number(value[i]) & 0xff
      return out
    }
  }
  throw invalidArgType('first argument', 'of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object', value)
}

function checkSize(size) {
  if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size)
  if (!(size >= 0 && size <= 0x100000000)) throw outOfRange('size', '>= 0 && <= 4294967296', size)
}

Buffer.alloc = function alloc(size, fill, encoding) {
  checkSize(size)
  const buf = new FastBuffer(size)
  if (fill !== undefined && fill !== 0 && size > 0) buf.fill(fill, 0, buf.length, encoding)
  return buf
}
Buffer.allocUnsafe = function allocUnsafe(size) {
  checkSize(size)
  return new FastBuffer(size)
}
Buffer.allocUnsafeSlow = Buffer.allocUnsafe

Buffer.isBuffer = function isBuffer(b) {
  return b instanceof Buffer
}
Buffer.isEncoding = function isEncoding(enc) {
  return typeof enc === 'string' && enc.length > 0 && normalizeEncoding(enc) !== undefined
}
Buffer.byteLength = function byteLength(value, encoding) {
  if (typeof value !== 'string') {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength
    throw invalidArgType('string', 'of type string or an instance of Buffer or ArrayBuffer', value)
  }
  const enc = normalizeEncoding(encoding) ?? 'utf8'
  switch (enc) {
    case 'utf8': return utf8Length(value)
    case 'utf16le': return value.length * 2
    case 'latin1': case 'ascii': return value.length
    case 'hex': return value.length >>> 1
    default: return base64Encode(value).length
  }
}
Buffer.concat = function concat(list, totalLength) {
  if (!Array.isArray(list)) throw invalidArgType('list', 'an instance of Array', list)
  if (list.length === 0) return new FastBuffer(0)
  if (totalLength === undefined) {
    totalLength = 0
    for (const b of list) totalLength += b.length
  }
  const out = Buffer.alloc(totalLength)
  let pos = 0
  for (let i = 0; i < list.length; i++) {
    const b = list[i]
    if (!(b instanceof Uint8Array)) throw invalidArgType(`list[${i}]`, 'an instance of Buffer or Uint8Array', b)
    if (pos + b.length > totalLength) {
      out.set(b.subarray(0, totalLength - pos), pos)
      pos = totalLength
      break
    }
    out.set(b, pos)
    pos += b.length
  }
  return out
}
Buffer.compare = function compare(a, b) {
  if (!(a instanceof Uint8Array)) throw invalidArgType('buf1', 'an instance of Buffer or Uint8Array', a)
  if (!(b instanceof Uint8Array)) throw invalidArgType('buf2', 'an instance of Buffer or Uint8Array', b)
  return compareBytes(a, 0, a.length, b, 0, b.length)
}
Buffer.copyBytesFrom = function copyBytesFrom(view, offset = 0, length) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset * view.BYTES_PER_ELEMENT, (length ?? view.length - offset) * view.BYTES_PER_ELEMENT)
  return Buffer.from(bytes)
}

function compareBytes(a, aStart, aEnd, b, bStart, bEnd) {
  const n = Math.min(aEnd - aStart, bEnd - bStart)
  for (let i = 0; i < n; i++) {
    const x = a[aStart + i]
    const y = b[bStart + i]
    if (x !== y) return x < y ? -1 : 1
  }
  const la = aEnd - aStart
  const lb = bEnd - bStart
  return la === lb ? 0 : la < lb ? -1 : 1
}

function clampIndex(v, len, dflt) {
  if (v === undefined) return dflt
  v = Math.trunc(Number(v)) || 0
  if (v < 0) v = Math.max(len + v, 0)
  return Math.min(v, len)
}

const P = Buffer.prototype

function define(name, fn) {
  Object.defineProperty(P, name, { value: fn, writable: true, configurable: true, enumerable: false })
}

define('toString', function toString(encoding, start, end) {
  if (arguments.length === 0) return utf8Decode(this, 0, this.length)
  const enc = checkEncoding(encoding)
  start = start === undefined ? 0 : Math.max(0, Math.trunc(start) || 0)
  end = end === undefined ? this.length : Math.min(this.length, Math.trunc(end) || 0)
  if (end <= start) return ''
  return decodeBytes(this, enc, start, end)
})
define('toLocaleString', P.toString)
define('toJSON', function toJSON() {
  return { type: 'Buffer', data: Array.from(this) }
})
define('equals', function equals(other) {
  if (!(other instanceof Uint8Array)) throw invalidArgType('otherBuffer', 'an instance of Buffer or Uint8Array', other)
  if (this.length !== other.length) return false
  return compareBytes(this, 0, this.length, other, 0, other.length) === 0
})
define('compare', function compare(target, targetStart = 0, targetEnd = target.length, sourceStart = 0, sourceEnd = this.length) {
  if (!(target instanceof Uint8Array)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target)
  return compareBytes(this, sourceStart, sourceEnd, target, targetStart, targetEnd)
})
define('subarray', function subarray(start, end) {
  const s = clampIndex(start, this.length, 0)
  const e = clampIndex(end, this.length, this.length)
  return new FastBuffer(this.buffer, this.byteOffset + s, Math.max(0, e - s))
})
define('slice', P.subarray)
define('copy', function copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
  if (!(target instanceof Uint8Array)) throw invalidArgType('target', 'an instance of Buffer or Uint8Array', target)
  targetStart = Math.max(0, Math.trunc(targetStart) || 0)
  sourceStart = Math.max(0, Math.trunc(sourceStart) || 0)
  sourceEnd = Math.min(this.length, Math.trunc(sourceEnd) || 0)
  if (sourceEnd <= sourceStart || targetStart >= target.length) return 0
  const n = Math.min(sourceEnd - sourceStart, target.length - targetStart)
  target.set(this.subarray(sourceStart, sourceStart + n), targetStart)
  return n
})
define('fill', function fill(value, offset, end, encoding) {
  if (typeof offset === 'string') {
    encoding = offset
    offset = 0
    end = this.length
  } else if (typeof end === 'string') {
    encoding = end
    end = this.length
  }
  offset = offset === undefined ? 0 : offset
  end = end === undefined ? this.length : end
  if (offset < 0 || end > this.length) throw outOfRange('offset', `>= 0 && <= ${this.length}`, offset)
  if (typeof value === 'number') return Uint8Array.prototype.fill.call(this, value & 0xff, offset, end)
  if (typeof value === 'boolean') return Uint8Array.prototype.fill.call(this, +value, offset, end)
  const bytes = typeof value === 'string' ? encodeString(value, checkEncoding(encoding)) : value
  if (bytes.length === 0) {
    if (typeof value === 'string' && value.length > 0) throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'value' is invalid. Received '${value}'`)
    return Uint8Array.prototype.fill.call(this, 0, offset, end)
  }
  for (let i = offset, j = 0; i < end; i++, j = (j + 1) % bytes.length) this[i] = bytes[j]
  return this
})
define('write', function write(string, offset, length, encoding) {
  if (typeof offset === 'string') {
    encoding = offset
    offset = 0
    length = this.length
  } else if (typeof length === 'string') {
    encoding = length
    length = this.length - (offset ?? 0)
  }
  offset = offset === undefined ? 0 : offset >>> 0
  const remaining = this.length - offset
  length = length === undefined ? remaining : Math.min(remaining, length >>> 0)
  let bytes = encodeString(string, checkEncoding(encoding))
  if (bytes.length > length) {
    bytes = bytes.subarray(0, length)
    if (normalizeEncoding(encoding) === 'utf8') {
      // do not write a partial character
      let cut = bytes.length
      while (cut > 0 && (bytes[cut - 1] & 0xc0) === 0x80) cut--
      if (cut > 0) {
        const lead = bytes[cut - 1]
        const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
        if (bytes.length - (cut - 1) < need) bytes = bytes.subarray(0, cut - 1)
      }
    }
  }
  this.set(bytes, offset)
  return bytes.length
})

function bytesOf(value, encoding) {
  if (typeof value === 'string') return encodeString(value, checkEncoding(encoding))
  if (typeof value === 'number') return Uint8Array.of(value & 0xff)
  if (value instanceof Uint8Array) return value
  throw invalidArgType('value', 'one of type number or string or an instance of Buffer or Uint8Array', value)
}

function indexOf(buf, value, byteOffset, encoding, last) {
  if (typeof byteOffset === 'string') {
    encoding = byteOffset
    byteOffset = undefined
  }
  const needle = bytesOf(value, encoding)
  const len = buf.length
  let from = byteOffset === undefined ? (last ? len : 0) : Math.trunc(Number(byteOffset)) || 0
  if (from < 0) from += len
  if (needle.length === 0) return Math.min(Math.max(from, 0), len)
  if (!last) {
    for (let i = Math.max(from, 0); i + needle.length <= len; i++) {
      let j = 0
      while (j < needle.length && buf[i + j] === needle[j]) j++
      if (j === needle.length) return i
    }
  } else {
    for (let i = Math.min(from, len - needle.length); i >= 0; i--) {
      let j = 0
      while (j < needle.length && buf[i + j] === needle[j]) j++
      if (j === needle.length) return i
    }
  }
  return -1
}
define('indexOf', function (value, byteOffset, encoding) {
  return indexOf(this, value, byteOffset, encoding, false)
})
define('lastIndexOf', function (value, byteOffset, encoding) {
  return indexOf(this, value, byteOffset, encoding, true)
})
define('includes', function (value, byteOffset, encoding) {
  return indexOf(this, value, byteOffset, encoding, false) !== -1
})

function view(buf) {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
}
function checkOffset(buf, offset, size) {
  if (offset === undefined) offset = 0
  if (typeof offset !== 'number') throw invalidArgType('offset', 'of type number', offset)
  if (!Number.isInteger(offset) || offset < 0 || offset + size > buf.length) {
    if (!Number.isInteger(offset)) throw outOfRange('offset', 'an integer', offset)
    if (buf.length - size < 0) throw nodeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', 'Attempt to access memory outside buffer bounds')
    throw outOfRange('offset', `>= 0 and <= ${buf.length - size}`, offset)
  }
  return offset
}

const NUMERIC = [
  ['UInt8', 1, 'Uint8'], ['Int8', 1, 'Int8'],
  ['UInt16LE', 2, 'Uint16', true], ['UInt16BE', 2, 'Uint16', false], ['Int16LE', 2, 'Int16', true], ['Int16BE', 2, 'Int16', false],
  ['UInt32LE', 4, 'Uint32', true], ['UInt32BE', 4, 'Uint32', false], ['Int32LE', 4, 'Int32', true], ['Int32BE', 4, 'Int32', false],
  ['FloatLE', 4, 'Float32', true], ['FloatBE', 4, 'Float32', false], ['DoubleLE', 8, 'Float64', true], ['DoubleBE', 8, 'Float64', false],
  ['BigInt64LE', 8, 'BigInt64', true], ['BigInt64BE', 8, 'BigInt64', false], ['BigUInt64LE', 8, 'BigUint64', true], ['BigUInt64BE', 8, 'BigUint64', false],
]
const RANGES = { Uint8: [0, 255], Int8: [-128, 127], Uint16: [0, 65535], Int16: [-32768, 32767], Uint32: [0, 4294967295], Int32: [-2147483648, 2147483647] }
for (const [name, size, dv, little] of NUMERIC) {
  const getter = DataView.prototype[`get${dv}`]
  const setter = DataView.prototype[`set${dv}`]
  const read = function (offset) {
    offset = checkOffset(this, offset, size)
    return getter.call(view(this), offset, little)
  }
  const write = function (value, offset) {
    offset = checkOffset(this, offset, size)
    const range = RANGES[dv]
    if (range && (typeof value !== 'number' || value < range[0] || value > range[1])) {
      if (typeof value === 'number') {
        throw outOfRange('value', size > 1 || range[0] < 0 ? `>= ${range[0]} and <= ${range[1]}` : `>= ${range[0]} and <= ${range[1]}`, value)
      }
    }
    setter.call(view(this), offset, dv.startsWith('Big') ? BigInt(value) : value, little)
    return offset + size
  }
  define(`read${name}`, read)
  define(`write${name}`, write)
  if (name.includes('UInt')) {
    define(`read${name.replace('UInt', 'Uint')}`, read)
    define(`write${name.replace('UInt', 'Uint')}`, write)
  }
}

function readVar(buf, offset, byteLength, little, signed) {
  let v = 0
  for (let i = 0; i < byteLength; i++) {
    const b = buf[offset + (little ? byteLength - 1 - i : i)]
    v = v * 256 + b
  }
  if (signed && v >= 2 ** (8 * byteLength - 1)) v -= 2 ** (8 * byteLength)
  return v
}
function writeVar(buf, value, offset, byteLength, little) {
  let v = value < 0 ? value + 2 ** (8 * byteLength) : value
  for (let i = 0; i < byteLength; i++) {
    buf[offset + (little ? i : byteLength - 1 - i)] = v % 256
    v = Math.floor(v / 256)
  }
  return offset + byteLength
}
define('readUIntLE', function (o, n) { return readVar(this, checkOffset(this, o, n), n, true, false) })
define('readUIntBE', function (o, n) { return readVar(this, checkOffset(this, o, n), n, false, false) })
define('readIntLE', function (o, n) { return readVar(this, checkOffset(this, o, n), n, true, true) })
define('readIntBE', function (o, n) { return readVar(this, checkOffset(this, o, n), n, false, true) })
define('writeUIntLE', function (v, o, n) { return writeVar(this, v, checkOffset(this, o, n), n, true) })
define('writeUIntBE', function (v, o, n) { return writeVar(this, v, checkOffset(this, o, n), n, false) })
define('writeIntLE', function (v, o, n) { return writeVar(this, v, checkOffset(this, o, n), n, true) })
define('writeIntBE', function (v, o, n) { return writeVar(this, v, checkOffset(this, o, n), n, false) })
for (const n of ['readUIntLE', 'readUIntBE', 'writeUIntLE', 'writeUIntBE']) define(n.replace('UInt', 'Uint'), P[n])

function swap(buf, size) {
  if (buf.length % size !== 0) {
    throw nodeError(RangeError, 'ERR_INVALID_BUFFER_SIZE', `Buffer size must be a multiple of ${size * 8}-bits`)
  }
  for (let i = 0; i < buf.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = buf[a]
      buf[a] = buf[b]
      buf[b] = t
    }
  }
  return buf
}
define('swap16', function () { return swap(this, 2) })
define('swap32', function () { return swap(this, 4) })
define('swap64', function () { return swap(this, 8) })

define('asciiSlice', function (s = 0, e = this.length) { return decodeBytes(this, 'ascii', s, e) })
define('latin1Slice', function (s = 0, e = this.length) { return decodeBytes(this, 'latin1', s, e) })
define('hexSlice', function (s = 0, e = this.length) { return decodeBytes(this, 'hex', s, e) })
define('utf8Slice', function (s = 0, e = this.length) { return decodeBytes(this, 'utf8', s, e) })
define('base64Slice', function (s = 0, e = this.length) { return decodeBytes(this, 'base64', s, e) })
define('utf8Write', function (str, o, l) { return this.write(str, o, l, 'utf8') })

Object.defineProperty(P, 'parent', { get() { return this.buffer }, configurable: true })
Object.defineProperty(P, 'offset', { get() { return this.byteOffset }, configurable: true })

define(customInspectSymbol, function (depth, options) {
  const max = 50
  let str = ''
  const n = Math.min(max, this.length)
  for (let i = 0; i < n; i++) str += (i ? ' ' : '') + (this[i] < 16 ? '0' : '') + this[i].toString(16)
  const remaining = this.length - max
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`
  return `<${this.constructor.name} ${str}>`
})

export const kMaxLength = 0xffffffff
export const kStringMaxLength = (1 << 29) - 24
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength }
export const INSPECT_MAX_BYTES = 50

export function SlowBuffer(size) {
  return Buffer.allocUnsafe(size)
}

export function isUtf8(input) {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

export function isAscii(input) {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
  return bytes.every((b) => b < 0x80)
}

// ---- web encoding ------------------------------------------------------------------------

export class TextEncoder {
  get encoding() {
    return 'utf-8'
  }
  encode(input = '') {
    return utf8Encode(String(input))
  }
  encodeInto(src, dest) {
    const bytes = utf8Encode(String(src))
    let n = Math.min(bytes.length, dest.length)
    while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--
    dest.set(bytes.subarray(0, n))
    const read = utf8Decode(bytes, 0, n).length
    return { read, written: n }
  }
}

function validUtf8Prefix(bytes) {
  // length of the longest prefix that does not end inside a multi-byte sequence
  let i = bytes.length
  let back = 0
  while (i > 0 && back < 3 && (bytes[i - 1] & 0xc0) === 0x80) {
    i--
    back++
  }
  if (i === 0) return bytes.length
  const lead = bytes[i - 1]
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  return need > back + 1 ? i - 1 : bytes.length
}

function isValidUtf8(bytes) {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]
    let n
    if (b < 0x80) n = 0
    else if (b >= 0xc2 && b <= 0xdf) n = 1
    else if (b >= 0xe0 && b <= 0xef) n = 2
    else if (b >= 0xf0 && b <= 0xf4) n = 3
    else return false
    if (i + n >= bytes.length) return false
    for (let k = 1; k <= n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return false
    if (n === 2) {
      const c = ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f)
      if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) return false
    }
    if (n === 3) {
      const c = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f)
      if (c < 0x10000 || c > 0x10ffff) return false
    }
    i += n + 1
  }
  return true
}

export class TextDecoder {
  #encoding
  #fatal
  #ignoreBOM
  #pending = null
  #bomSeen = false
  constructor(label = 'utf-8', options = {}) {
    const l = String(label).trim().toLowerCase()
    if (l === 'utf-8' || l === 'utf8' || l === 'unicode-1-1-utf-8') this.#encoding = 'utf-8'
    else if (l === 'utf-16le' || l === 'utf-16') this.#encoding = 'utf-16le'
    else if (l === 'latin1' || l === 'iso-8859-1' || l === 'ascii' || l === 'us-ascii' || l === 'windows-1252') this.#encoding = 'windows-1252'
    else {
      const err = new RangeError(`The "${label}" encoding is not supported`)
      err.code = 'ERR_ENCODING_NOT_SUPPORTED'
      throw err
    }
    this.#fatal = !!options.fatal
    this.#ignoreBOM = !!options.ignoreBOM
  }
  get encoding() {
    return this.#encoding
  }
  get fatal() {
    return this.#fatal
  }
  get ignoreBOM() {
    return this.#ignoreBOM
  }
  decode(input, options = {}) {
    let bytes
    if (input === undefined) bytes = new Uint8Array(0)
    else if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer)) bytes = new Uint8Array(input)
    else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    else throw invalidArgType('input', 'an instance of ArrayBuffer or ArrayBufferView', input)
    if (this.#pending) {
      const joined = new Uint8Array(this.#pending.length + bytes.length)
      joined.set(this.#pending)
      joined.set(bytes, this.#pending.length)
      bytes = joined
      this.#pending = null
    }
    const stream = !!options.stream
    let out
    if (this.#encoding === 'utf-8') {
      let end = bytes.length
      if (stream) {
        end = validUtf8Prefix(bytes)
        if (end < bytes.length) this.#pending = bytes.slice(end)
      }
      const part = bytes.subarray(0, end)
      if (this.#fatal && !isValidUtf8(part)) {
        const err = new TypeError('The encoded data was not valid for encoding utf-8')
        err.code = 'ERR_ENCODING_INVALID_ENCODED_DATA'
        throw err
      }
      out = utf8Decode(part, 0, part.length)
    } else if (this.#encoding === 'utf-16le') {
      let end = bytes.length
      if (stream && end % 2) {
        this.#pending = bytes.slice(end - 1)
        end--
      }
      out = utf16Decode(bytes, 0, end)
    } else out = latin1Decode(bytes, 0, bytes.length, 0xff)
    if (!this.#ignoreBOM && !this.#bomSeen && out.charCodeAt(0) === 0xfeff) out = out.slice(1)
    if (out.length > 0) this.#bomSeen = true
    if (!stream) this.#bomSeen = false
    return out
  }
}

export function btoa(input) {
  if (arguments.length === 0) throw new TypeError('The "data" argument must be specified')
  const str = String(input)
  for (let i = 0; i < str.length; i++) {
    if (str.charCodeAt(i) > 255) {
      const err = new Error('Invalid character')
      err.name = 'InvalidCharacterError'
      throw err
    }
  }
  return base64Decode(latin1Encode(str), 0, str.length, false)
}

export function atob(input) {
  if (arguments.length === 0) throw new TypeError('The "data" argument must be specified')
  const str = String(input).replace(/[\t\n\f\r ]/g, '')
  if (str.length % 4 === 1 || /[^A-Za-z0-9+/=]/.test(str) || /=[^=]/.test(str)) {
    const err = new Error('The string to be decoded is not correctly encoded.')
    err.name = 'InvalidCharacterError'
    throw err
  }
  const bytes = base64Encode(str)
  return latin1Decode(bytes, 0, bytes.length, 0xff)
}

export class Blob {
  #bytes
  #type
  constructor(parts = [], options = {}) {
    const chunks = []
    for (const p of parts) {
      if (typeof p === 'string') chunks.push(utf8Encode(p))
      else if (p instanceof Blob) chunks.push(p.#bytes)
      else if (p instanceof ArrayBuffer) chunks.push(new Uint8Array(p))
      else if (ArrayBuffer.isView(p)) chunks.push(new Uint8Array(p.buffer, p.byteOffset, p.byteLength))
      else chunks.push(utf8Encode(String(p)))
    }
    this.#bytes = Buffer.concat(chunks.map((c) => wrap(c)))
    this.#type = options.type ? String(options.type).toLowerCase() : ''
  }
  get size() {
    return this.#bytes.length
  }
  get type() {
    return this.#type
  }
  async text() {
    return utf8Decode(this.#bytes, 0, this.#bytes.length)
  }
  async arrayBuffer() {
    return this.#bytes.buffer.slice(this.#bytes.byteOffset, this.#bytes.byteOffset + this.#bytes.length)
  }
  async bytes() {
    return new Uint8Array(await this.arrayBuffer())
  }
  slice(start, end, type) {
    return new Blob([this.#bytes.subarray(start ?? 0, end ?? this.#bytes.length)], { type })
  }
}

export class File extends Blob {
  #name
  #lastModified
  constructor(parts, name, options = {}) {
    super(parts, options)
    this.#name = String(name)
    this.#lastModified = options.lastModified ?? Date.now()
  }
  get name() {
    return this.#name
  }
  get lastModified() {
    return this.#lastModified
  }
}

export { decodeBytes, encodeString }
