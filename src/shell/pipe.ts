/**
 * A pipe between two stages of a pipeline that run at the same time (a `python3 gen.py | head -3`
 * whose producer is still running while the consumer reads): a bounded byte buffer with blocking
 * writes, blocking reads, end of input and a broken-pipe signal, like a kernel pipe.
 *
 * just-bash runs the stages of a pipeline one after another and hands each the previous one's
 * whole output. A command that can run in the background (a WASI program) is given a pipe instead:
 * it starts, "detaches" (just-bash goes on to the next stage at once), and writes into the pipe
 * while the next stage reads it (see shell.ts and transform.ts).
 */

/** Bytes a pipe holds before a write waits for the reader (Linux's default pipe size). */
export const PIPE_CAPACITY = 64 * 1024

/** The write end of a {@link Pipe}. */
export interface PipeWriter {
  /**
   * Appends bytes. Resolves (or returns) `true` once the pipe has room again; `false` when the
   * reader has gone (the writer's EPIPE): the bytes were dropped.
   */
  write(bytes: Uint8Array): boolean | Promise<boolean>
}

/** The read end of a {@link Pipe}. */
export interface PipeReader {
  /** Up to `max` bytes; an empty array at end of input (the writer closed and everything was read). */
  read(max: number): Uint8Array | Promise<Uint8Array>
  /** Bytes a read would return now without waiting. */
  readonly buffered: number
  /** Resolves when a read would not wait (bytes are there, or the input has ended); consumes nothing. */
  readable(): Promise<void>
}

/**
 * A bounded in-memory pipe.
 *
 * @example
 * ```ts
 * const pipe = new Pipe()
 * void pipe.write(bytes)          // producer
 * const chunk = await pipe.read(4096) // consumer; empty at end of input
 * pipe.closeRead()                // consumer done: the producer's next write gets false (EPIPE)
 * ```
 */
export class Pipe implements PipeWriter, PipeReader {
  readonly #capacity: number
  readonly #chunks: Uint8Array[] = []
  #size = 0
  #writeClosed = false
  #readClosed = false
  /** Readers waiting for bytes or end of input. */
  #readers: (() => void)[] = []
  /** Writers waiting for room or for the reader to go. */
  #writers: (() => void)[] = []

  /** @param capacity - bytes held before a write waits (default {@link PIPE_CAPACITY}) */
  constructor(capacity = PIPE_CAPACITY) {
    this.#capacity = Math.max(1, capacity)
  }

  /** Bytes written and not read yet. */
  get buffered(): number {
    return this.#size
  }

  /** True once the reader has gone. */
  get broken(): boolean {
    return this.#readClosed
  }

  write(bytes: Uint8Array): boolean | Promise<boolean> {
    if (this.#readClosed) return false
    if (this.#writeClosed) throw new Error('write after the write end of the pipe was closed')
    if (bytes.byteLength > 0) {
      this.#chunks.push(bytes.slice())
      this.#size += bytes.byteLength
      this.#wake('readers')
    }
    if (this.#size <= this.#capacity) return true
    return new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (this.#readClosed) resolve(false)
        else if (this.#size <= this.#capacity) resolve(true)
        else this.#writers.push(check)
      }
      this.#writers.push(check)
    })
  }

  read(max: number): Uint8Array | Promise<Uint8Array> {
    if (this.#size > 0 || this.#writeClosed || this.#readClosed) return this.#take(max)
    return new Promise<Uint8Array>((resolve) => {
      const check = (): void => {
        if (this.#size > 0 || this.#writeClosed || this.#readClosed) resolve(this.#take(max))
        else this.#readers.push(check)
      }
      this.#readers.push(check)
    })
  }

  readable(): Promise<void> {
    if (this.#size > 0 || this.#writeClosed || this.#readClosed) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.#size > 0 || this.#writeClosed || this.#readClosed) resolve()
        else this.#readers.push(check)
      }
      this.#readers.push(check)
    })
  }

  /** The writer is done: the reader gets end of input after the buffered bytes. */
  closeWrite(): void {
    this.#writeClosed = true
    this.#wake('readers')
  }

  /** The reader is gone: buffered bytes are dropped and writers get `false` (EPIPE) from now on. */
  closeRead(): void {
    this.#readClosed = true
    this.#chunks.length = 0
    this.#size = 0
    this.#wake('writers')
    this.#wake('readers')
  }


  #take(max: number): Uint8Array {
    if (this.#readClosed) return new Uint8Array(0)
    const first = this.#chunks[0]
    if (!first) return new Uint8Array(0)
    let out: Uint8Array
    if (first.byteLength <= max) {
      this.#chunks.shift()
      out = first
    } else {
      out = first.subarray(0, max)
      this.#chunks[0] = first.subarray(max)
    }
    this.#size -= out.byteLength
    this.#wake('writers')
    return out
  }

  #wake(which: 'readers' | 'writers'): void {
    const list = which === 'readers' ? this.#readers : this.#writers
    if (list.length === 0) return
    if (which === 'readers') this.#readers = []
    else this.#writers = []
    for (const f of list) f()
  }
}
