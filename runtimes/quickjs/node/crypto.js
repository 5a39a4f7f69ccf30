// node:crypto, the part that needs no native library: random bytes, UUIDs and integers (entropy
// from WASI random_get), md5/sha1/sha256/sha512 hashes and HMACs, timingSafeEqual, and
// webcrypto's getRandomValues, randomUUID and subtle.digest. Ciphers and key pairs are not here.
import { N } from './native.js'
import { Buffer } from './buffer.js'
import { invalidArgType, nodeError, outOfRange } from './errors.js'
import { queueIO } from './loop.js'

// ---- random --------------------------------------------------------------------------------

export function getRandomValues(array) {
  if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
    const err = new TypeError("The data argument must be an integer-type TypedArray")
    err.name = 'TypeMismatchError'
    err.code = 17
    throw err
  }
  if (array.byteLength > 65536) {
    const err = new RangeError(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`)
    err.name = 'QuotaExceededError'
    err.code = 22
    throw err
  }
  N.randomFill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
  return array
}

export function randomFillSync(buf, offset = 0, size) {
  const u8 = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
  size ??= u8.length - offset
  N.randomFill(u8.subarray(offset, offset + size))
  return buf
}

export function randomFill(buf, offset, size, cb) {
  if (typeof offset === 'function') {
    cb = offset
    offset = 0
  } else if (typeof size === 'function') {
    cb = size
    size = undefined
  }
  randomFillSync(buf, offset, size)
  queueIO(() => cb(null, buf))
}

export function randomBytes(size, cb) {
  if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size)
  if (!(size >= 0 && size <= 2 ** 31 - 1)) throw outOfRange('size', '>= 0 && <= 2147483647', size)
  const buf = Buffer.alloc(size)
  N.randomFill(buf)
  if (typeof cb === 'function') {
    queueIO(() => cb(null, buf))
    return undefined
  }
  return buf
}
export const pseudoRandomBytes = randomBytes

export function randomUUID() {
  const b = new Uint8Array(16)
  N.randomFill(b)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export function randomInt(min, max, cb) {
  if (max === undefined || typeof max === 'function') {
    cb = max
    max = min
    min = 0
  }
  if (!Number.isSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min)
  if (!Number.isSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max)
  if (max <= min) throw outOfRange('max', `greater than the value of "min" (${min})`, max)
  const range = max - min
  const limit = Math.floor(2 ** 48 / range) * range
  let x
  const b = new Uint8Array(6)
  do {
    N.randomFill(b)
    x = b[0] * 2 ** 40 + b[1] * 2 ** 32 + b[2] * 2 ** 24 + b[3] * 2 ** 16 + b[4] * 2 ** 8 + b[5]
  } while (x >= limit)
  const result = min + (x % range)
  if (typeof cb === 'function') {
    queueIO(() => cb(null, result))
    return undefined
  }
  return result
}

// ---- hashes ----------------------------------------------------------------------------------

function rotl(x, n) {
  return (x << n) | (x >>> (32 - n))
}

function padMessage(bytes, littleEndian, blockBytes = 64) {
  const lenBytes = blockBytes === 128 ? 16 : 8
  const total = Math.ceil((bytes.length + 1 + lenBytes) / blockBytes) * blockBytes
  const out = new Uint8Array(total)
  out.set(bytes)
  out[bytes.length] = 0x80
  const bits = bytes.length * 8
  const dv = new DataView(out.buffer)
  const hi = Math.floor(bits / 2 ** 32)
  const lo = bits >>> 0
  if (littleEndian) {
    dv.setUint32(total - 8, lo, true)
    dv.setUint32(total - 4, hi, true)
  } else {
    dv.setUint32(total - 8, hi)
    dv.setUint32(total - 4, lo)
  }
  return out
}

const K256 = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

function sha256(bytes, is224) {
  const m = padMessage(bytes, false)
  const dv = new DataView(m.buffer)
  const h = is224
    ? new Uint32Array([0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4])
    : new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
  const w = new Uint32Array(64)
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4)
    for (let i = 16; i < 64; i++) {
      const s0 = rotl(w[i - 15], 25) ^ rotl(w[i - 15], 14) ^ (w[i - 15] >>> 3)
      const s1 = rotl(w[i - 2], 15) ^ rotl(w[i - 2], 13) ^ (w[i - 2] >>> 10)
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0
    }
    let [a, b, c, d, e, f, g, hh] = h
    for (let i = 0; i < 64; i++) {
      const S1 = rotl(e, 26) ^ rotl(e, 21) ^ rotl(e, 7)
      const ch = (e & f) ^ (~e & g)
      const t1 = (hh + S1 + ch + K256[i] + w[i]) | 0
      const S0 = rotl(a, 30) ^ rotl(a, 19) ^ rotl(a, 10)
      const maj = (a & b) ^ (a & c) ^ (b & c)
      const t2 = (S0 + maj) | 0
      hh = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    h[0] += a
    h[1] += b
    h[2] += c
    h[3] += d
    h[4] += e
    h[5] += f
    h[6] += g
    h[7] += hh
  }
  const out = new Uint8Array(is224 ? 28 : 32)
  const odv = new DataView(out.buffer)
  for (let i = 0; i < out.length / 4; i++) odv.setUint32(i * 4, h[i])
  return out
}

function sha1(bytes) {
  const m = padMessage(bytes, false)
  const dv = new DataView(m.buffer)
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0])
  const w = new Uint32Array(80)
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4)
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1)
    let [a, b, c, d, e] = h
    for (let i = 0; i < 80; i++) {
      let f
      let k
      if (i < 20) {
        f = (b & c) | (~b & d)
        k = 0x5a827999
      } else if (i < 40) {
        f = b ^ c ^ d
        k = 0x6ed9eba1
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d)
        k = 0x8f1bbcdc
      } else {
        f = b ^ c ^ d
        k = 0xca62c1d6
      }
      const t = (rotl(a, 5) + f + e + k + w[i]) | 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = t
    }
    h[0] += a
    h[1] += b
    h[2] += c
    h[3] += d
    h[4] += e
  }
  const out = new Uint8Array(20)
  const odv = new DataView(out.buffer)
  for (let i = 0; i < 5; i++) odv.setUint32(i * 4, h[i])
  return out
}

const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
const MD5_K = new Uint32Array(64)
for (let i = 0; i < 64; i++) MD5_K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0

function md5(bytes) {
  const m = padMessage(bytes, true)
  const dv = new DataView(m.buffer)
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476])
  const w = new Uint32Array(16)
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4, true)
    let [a, b, c, d] = h
    for (let i = 0; i < 64; i++) {
      let f
      let g
      const round = i >> 4
      if (round === 0) {
        f = (b & c) | (~b & d)
        g = i
      } else if (round === 1) {
        f = (d & b) | (~d & c)
        g = (5 * i + 1) % 16
      } else if (round === 2) {
        f = b ^ c ^ d
        g = (3 * i + 5) % 16
      } else {
        f = c ^ (b | ~d)
        g = (7 * i) % 16
      }
      const tmp = d
      d = c
      c = b
      b = (b + rotl((a + f + MD5_K[i] + w[g]) | 0, MD5_S[(round << 2) | (i & 3)])) | 0
      a = tmp
    }
    h[0] += a
    h[1] += b
    h[2] += c
    h[3] += d
  }
  const out = new Uint8Array(16)
  const odv = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) odv.setUint32(i * 4, h[i], true)
  return out
}

const MASK64 = (1n << 64n) - 1n
const K512 = [
  '428a2f98d728ae22', '7137449123ef65cd', 'b5c0fbcfec4d3b2f', 'e9b5dba58189dbbc', '3956c25bf348b538', '59f111f1b605d019', '923f82a4af194f9b', 'ab1c5ed5da6d8118',
  'd807aa98a3030242', '12835b0145706fbe', '243185be4ee4b28c', '550c7dc3d5ffb4e2', '72be5d74f27b896f', '80deb1fe3b1696b1', '9bdc06a725c71235', 'c19bf174cf692694',
  'e49b69c19ef14ad2', 'efbe4786384f25e3', '0fc19dc68b8cd5b5', '240ca1cc77ac9c65', '2de92c6f592b0275', '4a7484aa6ea6e483', '5cb0a9dcbd41fbd4', '76f988da831153b5',
  '983e5152ee66dfab', 'a831c66d2db43210', 'b00327c898fb213f', 'bf597fc7beef0ee4', 'c6e00bf33da88fc2', 'd5a79147930aa725', '06ca6351e003826f', '142929670a0e6e70',
  '27b70a8546d22ffc', '2e1b21385c26c926', '4d2c6dfc5ac42aed', '53380d139d95b3df', '650a73548baf63de', '766a0abb3c77b2a8', '81c2c92e47edaee6', '92722c851482353b',
  'a2bfe8a14cf10364', 'a81a664bbc423001', 'c24b8b70d0f89791', 'c76c51a30654be30', 'd192e819d6ef5218', 'd69906245565a910', 'f40e35855771202a', '106aa07032bbd1b8',
  '19a4c116b8d2d0c8', '1e376c085141ab53', '2748774cdf8eeb99', '34b0bcb5e19b48a8', '391c0cb3c5c95a63', '4ed8aa4ae3418acb', '5b9cca4f7763e373', '682e6ff3d6b2b8a3',
  '748f82ee5defb2fc', '78a5636f43172f60', '84c87814a1f0ab72', '8cc702081a6439ec', '90befffa23631e28', 'a4506cebde82bde9', 'bef9a3f7b2c67915', 'c67178f2e372532b',
  'ca273eceea26619c', 'd186b8c721c0c207', 'eada7dd6cde0eb1e', 'f57d4f7fee6ed178', '06f067aa72176fba', '0a637dc5a2c898a6', '113f9804bef90dae', '1b710b35131c471b',
  '28db77f523047d84', '32caab7b40c72493', '3c9ebe0a15c9bebc', '431d67c49c100d4c', '4cc5d4becb3e42b6', '597f299cfc657e2a', '5fcb6fab3ad6faec', '6c44198c4a475817',
].map((h) => BigInt('0x' + h))

function sha512(bytes, is384) {
  const m = padMessage(bytes, false, 128)
  const dv = new DataView(m.buffer)
  const h = (is384
    ? ['cbbb9d5dc1059ed8', '629a292a367cd507', '9159015a3070dd17', '152fecd8f70e5939', '67332667ffc00b31', '8eb44a8768581511', 'db0c2e0d64f98fa7', '47b5481dbefa4fa4']
    : ['6a09e667f3bcc908', 'bb67ae8584caa73b', '3c6ef372fe94f82b', 'a54ff53a5f1d36f1', '510e527fade682d1', '9b05688c2b3e6c1f', '1f83d9abfb41bd6b', '5be0cd19137e2179']
  ).map((x) => BigInt('0x' + x))
  const rotr = (x, n) => ((x >> BigInt(n)) | (x << BigInt(64 - n))) & MASK64
  const w = new Array(80)
  for (let off = 0; off < m.length; off += 128) {
    for (let i = 0; i < 16; i++) w[i] = dv.getBigUint64(off + i * 8)
    for (let i = 16; i < 80; i++) {
      const s0 = rotr(w[i - 15], 1) ^ rotr(w[i - 15], 8) ^ (w[i - 15] >> 7n)
      const s1 = rotr(w[i - 2], 19) ^ rotr(w[i - 2], 61) ^ (w[i - 2] >> 6n)
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) & MASK64
    }
    let [a, b, c, d, e, f, g, hh] = h
    for (let i = 0; i < 80; i++) {
      const S1 = rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)
      const ch = (e & f) ^ (~e & MASK64 & g)
      const t1 = (hh + S1 + ch + K512[i] + w[i]) & MASK64
      const S0 = rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)
      const maj = (a & b) ^ (a & c) ^ (b & c)
      const t2 = (S0 + maj) & MASK64
      hh = g
      g = f
      f = e
      e = (d + t1) & MASK64
      d = c
      c = b
      b = a
      a = (t1 + t2) & MASK64
    }
    const add = [a, b, c, d, e, f, g, hh]
    for (let i = 0; i < 8; i++) h[i] = (h[i] + add[i]) & MASK64
  }
  const out = new Uint8Array(is384 ? 48 : 64)
  const odv = new DataView(out.buffer)
  for (let i = 0; i < out.length / 8; i++) odv.setBigUint64(i * 8, h[i])
  return out
}

const ALGORITHMS = {
  md5: [md5, 64],
  sha1: [sha1, 64],
  sha224: [(b) => sha256(b, true), 64],
  sha256: [(b) => sha256(b, false), 64],
  sha384: [(b) => sha512(b, true), 128],
  sha512: [(b) => sha512(b, false), 128],
}

function algorithm(name) {
  const key = String(name).toLowerCase().replace(/^rsa-/, '').replace('-', '')
  const alg = ALGORITHMS[key]
  if (!alg) {
    const err = new Error('Digest method not supported')
    err.code = 'ERR_OSSL_EVP_UNSUPPORTED'
    throw err
  }
  return alg
}

function toBytes(data, encoding) {
  if (typeof data === 'string') return Buffer.from(data, encoding)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
}

function output(bytes, encoding) {
  const buf = Buffer.from(bytes)
  return encoding === undefined || encoding === 'buffer' ? buf : buf.toString(encoding)
}

class Hash {
  #fn
  #chunks = []
  #done = false
  constructor(name) {
    this.#fn = algorithm(name)[0]
  }
  update(data, encoding) {
    if (this.#done) throw nodeError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called')
    this.#chunks.push(Buffer.from(toBytes(data, encoding)))
    return this
  }
  digest(encoding) {
    if (this.#done) throw nodeError(Error, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called')
    this.#done = true
    return output(this.#fn(Buffer.concat(this.#chunks)), encoding)
  }
  copy() {
    const copy = new Hash('sha256')
    copy.#fn = this.#fn
    copy.#chunks = this.#chunks.slice()
    return copy
  }
}

class Hmac {
  #fn
  #block
  #key
  #chunks = []
  constructor(name, key) {
    ;[this.#fn, this.#block] = algorithm(name)
    let k = Buffer.from(toBytes(key))
    if (k.length > this.#block) k = Buffer.from(this.#fn(k))
    this.#key = Buffer.concat([k, Buffer.alloc(this.#block - k.length)])
  }
  update(data, encoding) {
    this.#chunks.push(Buffer.from(toBytes(data, encoding)))
    return this
  }
  digest(encoding) {
    const ipad = Buffer.from(this.#key.map((b) => b ^ 0x36))
    const opad = Buffer.from(this.#key.map((b) => b ^ 0x5c))
    const inner = this.#fn(Buffer.concat([ipad, ...this.#chunks]))
    return output(this.#fn(Buffer.concat([opad, Buffer.from(inner)])), encoding)
  }
}

export function createHash(name) {
  return new Hash(name)
}
export function createHmac(name, key) {
  return new Hmac(name, key)
}
export function hash(name, data, encoding = 'hex') {
  return output(algorithm(name)[0](toBytes(data)), encoding)
}
export function getHashes() {
  return Object.keys(ALGORITHMS)
}
export function timingSafeEqual(a, b) {
  if (a.byteLength !== b.byteLength) throw nodeError(RangeError, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length')
  const x = toBytes(a)
  const y = toBytes(b)
  let diff = 0
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i]
  return diff === 0
}

export function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  algorithm(digest)
  const out = []
  let total = 0
  for (let i = 1; total < keylen; i++) {
    const idx = Buffer.alloc(4)
    idx.writeUInt32BE(i)
    let u = createHmac(digest, password).update(Buffer.concat([Buffer.from(toBytes(salt)), idx])).digest()
    const t = Buffer.from(u)
    for (let j = 1; j < iterations; j++) {
      u = createHmac(digest, password).update(u).digest()
      for (let k = 0; k < t.length; k++) t[k] ^= u[k]
    }
    out.push(t)
    total += t.length
  }
  return Buffer.concat(out).subarray(0, keylen)
}
export function pbkdf2(password, salt, iterations, keylen, digest, cb) {
  let r
  let e = null
  try {
    r = pbkdf2Sync(password, salt, iterations, keylen, digest)
  } catch (err) {
    e = err
  }
  queueIO(() => cb(e, r))
}

function unsupported(name) {
  return () => {
    throw nodeError(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', `crypto.${name} is not available in the WebAssembly sandbox (no OpenSSL); use target: 'remote' for it`)
  }
}

export const subtle = {
  async digest(algorithmName, data) {
    const name = typeof algorithmName === 'string' ? algorithmName : algorithmName.name
    const bytes = algorithm(name)[0](toBytes(data))
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  },
}
for (const m of ['encrypt', 'decrypt', 'sign', 'verify', 'generateKey', 'deriveKey', 'deriveBits', 'importKey', 'exportKey', 'wrapKey', 'unwrapKey']) {
  subtle[m] = async () => unsupported(`subtle.${m}`)()
}

export const webcrypto = { getRandomValues, randomUUID, subtle }

export const crypto = {
  randomBytes, pseudoRandomBytes, randomFill, randomFillSync, randomUUID, randomInt, getRandomValues, createHash, createHmac,
  hash, getHashes, timingSafeEqual, pbkdf2, pbkdf2Sync, webcrypto, subtle,
  getCiphers: () => [],
  getCurves: () => [],
  constants: {},
  createCipheriv: unsupported('createCipheriv'),
  createDecipheriv: unsupported('createDecipheriv'),
  createSign: unsupported('createSign'),
  createVerify: unsupported('createVerify'),
  generateKeyPair: unsupported('generateKeyPair'),
  generateKeyPairSync: unsupported('generateKeyPairSync'),
  createPrivateKey: unsupported('createPrivateKey'),
  createPublicKey: unsupported('createPublicKey'),
  createSecretKey: unsupported('createSecretKey'),
  scrypt: unsupported('scrypt'),
  scryptSync: unsupported('scryptSync'),
  createDiffieHellman: unsupported('createDiffieHellman'),
  createECDH: unsupported('createECDH'),
  publicEncrypt: unsupported('publicEncrypt'),
  privateDecrypt: unsupported('privateDecrypt'),
  Hash,
  Hmac,
}
