/**
 * A lower memory cap for a module that defines its own memory: rewrite the memory section's
 * limits so the declared maximum is at most the cap. `memory.grow` past it then fails inside the
 * guest (malloc returns NULL: Python's `MemoryError`, QuickJS's `InternalError: out of memory`)
 * instead of growing the host. Done on the bytes, once per (module, cap), before compiling.
 */

const PAGE = 65536

function readLeb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  let i = at
  for (;;) {
    const b = bytes[i++]
    if (b === undefined) throw new RangeError('truncated LEB128 in wasm module')
    value += (b & 0x7f) * 2 ** shift
    shift += 7
    if ((b & 0x80) === 0) return [value, i]
  }
}

function leb(value: number): number[] {
  const out: number[] = []
  let v = value
  do {
    let b = v % 128
    v = Math.floor(v / 128)
    if (v > 0) b |= 0x80
    out.push(b)
  } while (v > 0)
  return out
}

/** Where the first defined memory's limits are in a module's bytes. */
interface MemoryLimits {
  /** Offset of the memory section (its id byte) and of the byte after it. */
  at: number
  end: number
  count: number
  flags: number
  min: number
  max: number
  /** Offset of what follows the first memory's limits inside the section. */
  rest: number
}

function memoryLimits(bytes: Uint8Array): MemoryLimits | undefined {
  let at = 8
  while (at < bytes.length) {
    const id = bytes[at] as number
    const [size, contentAt] = readLeb(bytes, at + 1)
    const end = contentAt + size
    if (id === 5) {
      const [count, limitsAt] = readLeb(bytes, contentAt)
      if (count === 0) return undefined
      const flags = bytes[limitsAt] as number
      if (flags > 3) return undefined // memory64: not ours
      const [min, afterMin] = readLeb(bytes, limitsAt + 1)
      let rest = afterMin
      let max = Infinity
      if (flags & 1) [max, rest] = readLeb(bytes, afterMin)
      return { at, end, count, flags, min, max, rest }
    }
    at = end
  }
  return undefined
}

/** The declared maximum (bytes) of the module's own memory; Infinity when it declares none or imports its memory. */
export function memoryMaximum(bytes: Uint8Array): number {
  const limits = memoryLimits(bytes)
  return limits === undefined ? Infinity : limits.max * PAGE
}

/**
 * Returns a copy of `bytes` with the first defined memory's maximum lowered to `maxBytes` (rounded down to
 * whole 64 KiB pages). A module that imports its memory is returned unchanged: its host passes a
 * `WebAssembly.Memory` with the maximum instead.
 *
 * @throws RangeError if the module's initial memory is already larger than the cap.
 */
export function capMemory(bytes: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  const capPages = Math.floor(maxBytes / PAGE)
  const m = memoryLimits(bytes)
  if (m === undefined) return bytes.slice()
  if (m.min > capPages) throw new RangeError(`the module starts with ${m.min * PAGE} bytes of memory, more than the cap of ${maxBytes}`)
  const limits = [m.flags | 1, ...leb(m.min), ...leb(Math.min(m.max, capPages))]
  const content = [...leb(m.count), ...limits, ...bytes.subarray(m.rest, m.end)]
  const section = [5, ...leb(content.length), ...content]
  const out = new Uint8Array(m.at + section.length + (bytes.length - m.end))
  out.set(bytes.subarray(0, m.at), 0)
  out.set(section, m.at)
  out.set(bytes.subarray(m.end), m.at + section.length)
  return out
}
