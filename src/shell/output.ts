/**
 * Collects one exec's output in write order, streams it to callbacks and caps what is kept.
 */

/** Which stream a chunk belongs to. */
export type StreamName = 'stdout' | 'stderr'

/** The marker appended when output is cut at the cap. */
export const TRUNCATION_MARKER = '\n[daylite: output truncated]\n'

/** Options of {@link OutputCollector}. */
export interface OutputCollectorOptions {
  maxBytes: number
  onStdout?: ((chunk: string) => void) | undefined
  onStderr?: ((chunk: string) => void) | undefined
}

const enc = new TextEncoder()

/**
 * Output of one exec: ordered chunks of stdout and stderr. Bytes are decoded as UTF-8 with one
 * streaming decoder per stream, so a multi-byte character split across writes survives.
 */
export class OutputCollector {
  readonly #opts: OutputCollectorOptions
  readonly #chunks: { stream: StreamName; text: string }[] = []
  readonly #decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() }
  #bytes = 0
  #truncated = false

  /** @param options - cap and streaming callbacks */
  constructor(options: OutputCollectorOptions) {
    this.#opts = options
  }

  /** True once output was cut. */
  get truncated(): boolean {
    return this.#truncated
  }

  /** Adds raw bytes written to a stream. */
  writeBytes(stream: StreamName, data: Uint8Array): void {
    this.write(stream, this.#decoders[stream].decode(data, { stream: true }))
  }

  /** Adds text written to a stream. */
  write(stream: StreamName, text: string): void {
    if (text === '' || this.#truncated) return
    let kept = text
    const size = utf8Length(text)
    if (this.#bytes + size > this.#opts.maxBytes) {
      kept = cutUtf8(text, this.#opts.maxBytes - this.#bytes) + TRUNCATION_MARKER
      this.#truncated = true
    }
    this.#bytes += size
    this.#chunks.push({ stream, text: kept })
    const cb = stream === 'stdout' ? this.#opts.onStdout : this.#opts.onStderr
    if (cb) {
      try {
        cb(kept)
      } catch {
        // a failing listener must not break the script
      }
    }
  }

  /** Flushes the decoders (a dangling partial character becomes U+FFFD). */
  flush(): void {
    for (const s of ['stdout', 'stderr'] as const) this.write(s, this.#decoders[s].decode())
  }

  /** stdout, stderr and the interleaved output. */
  result(): { stdout: string; stderr: string; output: string } {
    let stdout = ''
    let stderr = ''
    let output = ''
    for (const c of this.#chunks) {
      if (c.stream === 'stdout') stdout += c.text
      else stderr += c.text
      output += c.text
    }
    return { stdout, stderr, output }
  }
}

/** UTF-8 byte length of `s`, without encoding it (a lone surrogate counts as the 3-byte U+FFFD it becomes). */
function utf8Length(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2 // a pair: 4 bytes for 2 code units
      i++
    } else n += 2
  }
  return n
}

/** The longest prefix of `s` whose UTF-8 encoding fits in `maxBytes`. */
function cutUtf8(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return ''
  const bytes = enc.encode(s)
  if (bytes.length <= maxBytes) return s
  let end = maxBytes
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return new TextDecoder().decode(bytes.subarray(0, end))
}
