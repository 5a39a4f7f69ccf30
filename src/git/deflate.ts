/**
 * A small synchronous zlib compressor (RFC 1950/1951) for writing loose git objects: LZ77 with
 * hash chains and fixed Huffman codes. It compresses less than zlib's best but costs a few
 * microseconds per small object, where a `CompressionStream` costs a fraction of a millisecond.
 * Any inflater reads it (git, isomorphic-git's pako).
 */

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

function reverse(code: number, len: number): number {
  let r = 0
  for (let i = 0; i < len; i++) {
    r = (r << 1) | (code & 1)
    code >>>= 1
  }
  return r
}

// Fixed Huffman codes, bit-reversed for an LSB-first writer.
const LIT_CODE = new Uint16Array(288)
const LIT_LEN = new Uint8Array(288)
for (let v = 0; v < 288; v++) {
  let code: number
  let len: number
  if (v < 144) [code, len] = [0x30 + v, 8]
  else if (v < 256) [code, len] = [0x190 + v - 144, 9]
  else if (v < 280) [code, len] = [v - 256, 7]
  else [code, len] = [0xc0 + v - 280, 8]
  LIT_CODE[v] = reverse(code, len)
  LIT_LEN[v] = len
}
const DIST_CODE = new Uint8Array(30)
for (let d = 0; d < 30; d++) DIST_CODE[d] = reverse(d, 5)

// Length (3..258) → code index; distance → code index through two tables.
const LEN_INDEX = new Uint8Array(259)
for (let i = 0; i < 29; i++) {
  const end = i + 1 < 29 ? (LENGTH_BASE[i + 1] as number) : 259
  for (let l = LENGTH_BASE[i] as number; l < end; l++) LEN_INDEX[l] = i
}
LEN_INDEX[258] = 28

function distIndex(d: number): number {
  let lo = 0
  let hi = 29
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if ((DIST_BASE[mid] as number) <= d) lo = mid
    else hi = mid - 1
  }
  return lo
}

const HASH_BITS = 15
const HASH_SIZE = 1 << HASH_BITS
const WINDOW = 32768
const MAX_CHAIN = 32
const MIN_MATCH = 3
const MAX_MATCH = 258
const HEAD = new Int32Array(HASH_SIZE)
const PREV = new Int32Array(WINDOW)
let nextBase = 1

/**
 * zlib-compresses `data` (a zlib header, one fixed-Huffman deflate block, the Adler-32).
 *
 * @example
 * ```ts
 * const z = zlibDeflate(new TextEncoder().encode('blob 3\0abc'))
 * ```
 */
export function zlibDeflate(data: Uint8Array): Uint8Array {
  const n = data.byteLength
  // Worst case for fixed codes: 9 bits per literal.
  let out = new Uint8Array(Math.ceil((n * 9) / 8) + 64)
  let pos = 2
  out[0] = 0x78
  out[1] = 0x01
  let bitBuf = 0
  let bitCount = 0
  const put = (bits: number, len: number): void => {
    bitBuf |= bits << bitCount
    bitCount += len
    while (bitCount >= 8) {
      if (pos >= out.length) {
        const bigger = new Uint8Array(out.length * 2)
        bigger.set(out)
        out = bigger
      }
      out[pos++] = bitBuf & 0xff
      bitBuf >>>= 8
      bitCount -= 8
    }
  }
  put(1, 1) // BFINAL
  put(1, 2) // BTYPE = 01 (fixed Huffman)
  // Positions are stored as base + i so that the tables need no clearing between calls: an
  // entry below base belongs to an earlier input.
  if (nextBase + n + 1 > 0x3fffffff) {
    HEAD.fill(0)
    nextBase = 1
  }
  const base = nextBase
  nextBase += n + 1
  const hashAt = (i: number): number => (((data[i] as number) << 10) ^ ((data[i + 1] as number) << 5) ^ (data[i + 2] as number)) & (HASH_SIZE - 1)
  const insert = (i: number): void => {
    if (i + MIN_MATCH > n) return
    const h = hashAt(i)
    PREV[i % WINDOW] = HEAD[h] as number
    HEAD[h] = base + i
  }
  let i = 0
  while (i < n) {
    let bestLen = 0
    let bestDist = 0
    if (i + MIN_MATCH <= n) {
      let cand = (HEAD[hashAt(i)] as number) - base
      let chain = MAX_CHAIN
      const limit = Math.min(MAX_MATCH, n - i)
      while (cand >= 0 && i - cand <= WINDOW && chain-- > 0) {
        if (data[cand + bestLen] === data[i + bestLen]) {
          let l = 0
          while (l < limit && data[cand + l] === data[i + l]) l++
          if (l > bestLen) {
            bestLen = l
            bestDist = i - cand
            if (l === limit) break
          }
        }
        const next = (PREV[cand % WINDOW] as number) - base
        if (next >= cand) break
        cand = next
      }
    }
    if (bestLen >= MIN_MATCH) {
      const li = LEN_INDEX[bestLen] as number
      const sym = 257 + li
      put(LIT_CODE[sym] as number, LIT_LEN[sym] as number)
      const le = LENGTH_EXTRA[li] as number
      if (le) put(bestLen - (LENGTH_BASE[li] as number), le)
      const di = distIndex(bestDist)
      put(DIST_CODE[di] as number, 5)
      const de = DIST_EXTRA[di] as number
      if (de) put(bestDist - (DIST_BASE[di] as number), de)
      for (let k = 0; k < bestLen; k++) insert(i + k)
      i += bestLen
    } else {
      const b = data[i] as number
      put(LIT_CODE[b] as number, LIT_LEN[b] as number)
      insert(i)
      i++
    }
  }
  put(LIT_CODE[256] as number, LIT_LEN[256] as number)
  if (bitCount > 0) put(0, 8 - bitCount)
  // Adler-32, big-endian.
  let a = 1
  let b = 0
  for (let k = 0; k < n; ) {
    const end = Math.min(n, k + 3800)
    for (; k < end; k++) {
      a += data[k] as number
      b += a
    }
    a %= 65521
    b %= 65521
  }
  if (pos + 4 > out.length) {
    const bigger = new Uint8Array(pos + 4)
    bigger.set(out)
    out = bigger
  }
  out[pos++] = (b >>> 8) & 0xff
  out[pos++] = b & 0xff
  out[pos++] = (a >>> 8) & 0xff
  out[pos++] = a & 0xff
  return out.subarray(0, pos)
}
