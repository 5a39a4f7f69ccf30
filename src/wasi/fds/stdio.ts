/**
 * Standard streams. stdout and stderr hand every write to a callback at once (streaming); stdin
 * reads from a byte source that may block (in a process worker: a channel read that waits for the
 * owner to have bytes). By default they are not terminals (pipes, as for a Daytona command), so
 * the guest's stdio buffers fully; `tty: true` makes wasi-libc's `isatty` true (line buffering).
 */
import { Fd, wasi } from '@bjorn3/browser_wasi_shim'
import { RIGHT_READ, RIGHT_WRITE, RIGHTS_STREAM } from '../rights.js'
import { FDFLAGS_ALL } from './file.js'

/** Takes what a program writes to stdout or stderr; returning exactly `false` means the pipe's reader has gone (EPIPE). */
export type OutputSink = (bytes: Uint8Array) => unknown

/** A synchronous byte source for stdin. */
export interface ByteSource {
  /** Up to `max` bytes; an empty array means end of input. May block until bytes are available. */
  read(max: number): Uint8Array
}

/** A {@link ByteSource} over fixed bytes. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let offset = 0
  return {
    read(max) {
      const part = bytes.subarray(offset, Math.min(bytes.byteLength, offset + max))
      offset += part.byteLength
      return part
    },
  }
}

function streamFdstat(tty: boolean, right: bigint, flags: number): wasi.Fdstat {
  // wasi-libc's isatty(): a character device without seek/tell rights. A pipe has no WASI file
  // type, so a non-terminal stream reports `unknown`.
  const st = new wasi.Fdstat(tty ? wasi.FILETYPE_CHARACTER_DEVICE : wasi.FILETYPE_UNKNOWN, flags)
  st.fs_rights_base = RIGHTS_STREAM | right
  st.fs_rights_inherited = 0n
  return st
}

function streamFilestat(tty: boolean): wasi.Filestat {
  return new wasi.Filestat(0n, tty ? wasi.FILETYPE_CHARACTER_DEVICE : wasi.FILETYPE_UNKNOWN, 0n)
}

/** What stdin, stdout and stderr share: a stream (a tty or a pipe) that cannot seek. */
abstract class StreamFd extends Fd {
  readonly #tty: boolean
  readonly #rights: bigint
  /** `fdflags` set by the guest (NONBLOCK is recorded and reported; reads still block). */
  #flags = 0

  constructor(tty: boolean, rights: bigint) {
    super()
    this.#tty = tty
    this.#rights = rights
  }

  override fd_fdstat_get(): { ret: number; fdstat: wasi.Fdstat | null } {
    return { ret: wasi.ERRNO_SUCCESS, fdstat: streamFdstat(this.#tty, this.#rights, this.#flags) }
  }

  override fd_fdstat_set_flags(flags: number): number {
    this.#flags = flags & FDFLAGS_ALL
    return wasi.ERRNO_SUCCESS
  }

  override fd_filestat_get(): { ret: number; filestat: wasi.Filestat | null } {
    return { ret: wasi.ERRNO_SUCCESS, filestat: streamFilestat(this.#tty) }
  }

  override fd_seek(): { ret: number; offset: bigint } {
    return { ret: wasi.ERRNO_SPIPE, offset: 0n }
  }
}

/**
 * stdout or stderr: each `fd_write` calls `sink` with the bytes (a fresh copy the sink may keep).
 * A sink returning `false` means the reader of the pipe has gone: the write fails with EPIPE.
 */
export class OutputFd extends StreamFd {
  readonly #sink: OutputSink

  constructor(sink: OutputSink, tty = false) {
    super(tty, RIGHT_WRITE)
    this.#sink = sink
  }

  override fd_write(data: Uint8Array): { ret: number; nwritten: number } {
    // Read the length first: the sink may transfer (detach) the buffer.
    const n = data.byteLength
    if (n > 0 && this.#sink(data) === false) return { ret: wasi.ERRNO_PIPE, nwritten: 0 }
    return { ret: wasi.ERRNO_SUCCESS, nwritten: n }
  }

}

/** stdin: `fd_read` reads from a {@link ByteSource}. */
export class InputFd extends StreamFd {
  readonly #source: ByteSource

  constructor(source: ByteSource, tty = false) {
    super(tty, RIGHT_READ)
    this.#source = source
  }

  override fd_read(size: number): { ret: number; data: Uint8Array } {
    return { ret: wasi.ERRNO_SUCCESS, data: this.#source.read(size) }
  }

}
