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
    const size = text.length * 3 <= this.#opts.maxBytes - this.#bytes ? text.length * 3 : enc.encode(text).length
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

/** The longest prefix of `s` whose UTF-8 encoding fits in `maxBytes`. */
function cutUtf8(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return ''
  const bytes = enc.encode(s)
  if (bytes.length <= maxBytes) return s
  let end = maxBytes
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return new TextDecoder().decode(bytes.subarray(0, end))
}
