/**
 * SHA-1 (FIPS 180-4), synchronous, for git object ids and the index checksum. Git hashes many
 * small buffers; a synchronous hash avoids a promise per file.
 */

const W = new Int32Array(80)

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n))
}

/**
 * The SHA-1 digest of the concatenation of `parts`.
 *
 * @example
 * ```ts
 * toHex(sha1([new TextEncoder().encode('abc')])) // 'a9993e364706816aba3e25717850c26c9cd0d89d'
 * ```
 */
export function sha1(parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.byteLength
  let h0 = 0x67452301
  let h1 = 0xefcdab89 | 0
  let h2 = 0x98badcfe | 0
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0 | 0
  const block = new Uint8Array(64)
  let fill = 0
  const compress = (b: Uint8Array, off: number): void => {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4
      W[i] = ((b[j] as number) << 24) | ((b[j + 1] as number) << 16) | ((b[j + 2] as number) << 8) | (b[j + 3] as number)
    }
    for (let i = 16; i < 80; i++) W[i] = rotl((W[i - 3] as number) ^ (W[i - 8] as number) ^ (W[i - 14] as number) ^ (W[i - 16] as number), 1)
    let a = h0
    let b2 = h1
    let c = h2
    let d = h3
    let e = h4
    for (let i = 0; i < 80; i++) {
      let f: number
      let k: number
      if (i < 20) {
        f = (b2 & c) | (~b2 & d)
        k = 0x5a827999
      } else if (i < 40) {
        f = b2 ^ c ^ d
        k = 0x6ed9eba1
      } else if (i < 60) {
        f = (b2 & c) | (b2 & d) | (c & d)
        k = 0x8f1bbcdc | 0
      } else {
        f = b2 ^ c ^ d
        k = 0xca62c1d6 | 0
      }
      const t = (rotl(a, 5) + f + e + k + (W[i] as number)) | 0
      e = d
      d = c
      c = rotl(b2, 30)
      b2 = a
      a = t
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b2) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
  }
  for (const p of parts) {
    let i = 0
    if (fill > 0) {
      const take = Math.min(64 - fill, p.byteLength)
      block.set(p.subarray(0, take), fill)
      fill += take
      i = take
      if (fill === 64) {
        compress(block, 0)
        fill = 0
      }
    }
    for (; i + 64 <= p.byteLength; i += 64) compress(p, i)
    if (i < p.byteLength) {
      block.set(p.subarray(i), 0)
      fill = p.byteLength - i
    }
  }
  // Padding: 0x80, zeros, then the bit length (big-endian, 64 bits).
  block[fill++] = 0x80
  if (fill > 56) {
    block.fill(0, fill)
    compress(block, 0)
    fill = 0
  }
  block.fill(0, fill, 56)
  const bits = total * 8
  const hi = Math.floor(bits / 0x100000000)
  const lo = bits >>> 0
  block[56] = hi >>> 24
  block[57] = (hi >>> 16) & 0xff
  block[58] = (hi >>> 8) & 0xff
  block[59] = hi & 0xff
  block[60] = lo >>> 24
  block[61] = (lo >>> 16) & 0xff
  block[62] = (lo >>> 8) & 0xff
  block[63] = lo & 0xff
  compress(block, 0)
  const out = new Uint8Array(20)
  const hs = [h0, h1, h2, h3, h4]
  for (let i = 0; i < 5; i++) {
    const h = hs[i] as number
    out[i * 4] = h >>> 24
    out[i * 4 + 1] = (h >>> 16) & 0xff
    out[i * 4 + 2] = (h >>> 8) & 0xff
    out[i * 4 + 3] = h & 0xff
  }
  return out
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += HEX[b]
  return s
}

/** The bytes of a hex string (an object id). */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

const encoder = new TextEncoder()

/**
 * The id of a git object: SHA-1 of `"<type> <size>\0"` followed by the content.
 *
 * @example
 * ```ts
 * objectId('blob', new Uint8Array()) // 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
 * ```
 */
export function objectId(type: string, content: Uint8Array): string {
  return toHex(sha1([encoder.encode(`${type} ${content.byteLength}\0`), content]))
}
