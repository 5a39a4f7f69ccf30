/**
 * Small byte helpers of the VFS (UTF-8 lengths, string encoding, a fast non-cryptographic hash;
 * `concatBytes`, exported from the VFS for every layer).
 * Otherwise internal to `src/vfs`.
 */

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** UTF-8 byte length of a JS string (lone surrogates count as the 3-byte U+FFFD they encode to). */
export function utf8Length(s: string): number {
  let n = 0
  const len = s.length
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4
        i++
      } else n += 3
    } else n += 3
  }
  return n
}

/** Encodes a string as UTF-8 (a fresh array). */
export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s)
}

/**
 * Writes `s` (whose UTF-8 length is `byteLen`) into `buf` at `off`. ASCII is written by hand,
 * which is much faster than `encodeInto` for short names.
 */
export function writeUtf8(buf: Uint8Array, off: number, s: string, byteLen: number): void {
  if (byteLen === s.length) {
    for (let i = 0; i < byteLen; i++) buf[off + i] = s.charCodeAt(i)
    return
  }
  encoder.encodeInto(s, buf.subarray(off, off + byteLen))
}

/** Decodes UTF-8 bytes; returns undefined when they are not valid UTF-8. */
export function readUtf8(buf: Uint8Array, off: number, len: number): string | undefined {
  let ascii = true
  for (let i = 0; i < len; i++) {
    if (buf[off + i] >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) {
    if (len <= 1024) {
      return String.fromCharCode.apply(null, buf.subarray(off, off + len) as unknown as number[])
    }
  }
  try {
    return decoder.decode(buf.subarray(off, off + len))
  } catch {
    return undefined
  }
}

/**
 * A 64-bit non-cryptographic hash (two independent 32-bit Murmur3-style lanes) as 16 hex digits.
 * Used for layer ids and metadata checksums; fast enough for tens of MB.
 */
export function hash64(buf: Uint8Array, off = 0, len = buf.length - off): string {
  const [a, b] = hashLanes(buf, off, len)
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')
}

/** A 32-bit checksum of a byte range (one lane of {@link hash64}). */
export function hash32(buf: Uint8Array, off: number, len: number): number {
  return hashLanes(buf, off, len)[0] >>> 0
}

function hashLanes(buf: Uint8Array, off: number, len: number): [number, number] {
  let h1 = 0x9747b28c ^ len
  let h2 = 0x1b873593 ^ len
  const c1 = 0xcc9e2d51
  const c2 = 0x1b873593
  const end4 = off + (len & ~3)
  let i = off
  for (; i < end4; i += 4) {
    let k = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h1 ^= k
    h1 = (h1 << 13) | (h1 >>> 19)
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0
    h2 ^= Math.imul(k, 0x85ebca6b)
    h2 = (h2 << 17) | (h2 >>> 15)
    h2 = (Math.imul(h2, 9) + 0x38b34ae5) | 0
  }
  let k = 0
  const rem = len & 3
  if (rem === 3) k ^= buf[i + 2] << 16
  if (rem >= 2) k ^= buf[i + 1] << 8
  if (rem >= 1) {
    k ^= buf[i]
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h1 ^= k
    h2 ^= Math.imul(k, 0x85ebca6b)
  }
  return [fmix(h1 ^ len), fmix(h2 ^ Math.imul(len, 31))]
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

/** The bytes of `parts` one after another, in one new array (the part itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array
  let total = 0
  for (const p of parts) total += p.byteLength
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}
