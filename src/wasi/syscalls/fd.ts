/**
 * fd syscalls whose marshalling we own: vectored reads and writes become one call on the Fd
 * (one channel round trip in a process worker instead of one per iovec), and `fd_filestat_get`
 * writes the times at their real offsets.
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { writeFilestat } from '../stat.js'
import { readIovecs } from './context.js'
import type { SyscallContext } from './context.js'

function scatter(mem: Uint8Array, iovecs: [number, number][], data: Uint8Array): void {
  let offset = 0
  for (const [buf, len] of iovecs) {
    if (offset >= data.byteLength) break
    const n = Math.min(len, data.byteLength - offset)
    mem.set(data.subarray(offset, offset + n), buf)
    offset += n
  }
}

function gather(mem: Uint8Array, iovecs: [number, number][]): Uint8Array {
  let total = 0
  for (const [, len] of iovecs) total += len
  const out = new Uint8Array(total)
  let offset = 0
  for (const [buf, len] of iovecs) {
    out.set(mem.subarray(buf, buf + len), offset)
    offset += len
  }
  return out
}

function total(iovecs: [number, number][]): number {
  let n = 0
  for (const [, len] of iovecs) n += len
  return n
}

/** fd_read, fd_pread, fd_write, fd_pwrite, fd_filestat_get. */
export function fdSyscalls(ctx: SyscallContext) {
  return {
    fd_read(fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
      const f = ctx.fds[fd]
      if (f === undefined) return wasi.ERRNO_BADF
      const view = new DataView(ctx.memory())
      const iovecs = readIovecs(view, iovsPtr, iovsLen)
      const { ret, data } = f.fd_read(total(iovecs))
      if (ret !== wasi.ERRNO_SUCCESS) return ret
      const mem = new Uint8Array(ctx.memory())
      scatter(mem, iovecs, data)
      new DataView(mem.buffer).setUint32(nreadPtr, data.byteLength, true)
      return wasi.ERRNO_SUCCESS
    },
    fd_pread(fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
      const f = ctx.fds[fd]
      if (f === undefined) return wasi.ERRNO_BADF
      const iovecs = readIovecs(new DataView(ctx.memory()), iovsPtr, iovsLen)
      const { ret, data } = f.fd_pread(total(iovecs), offset)
      if (ret !== wasi.ERRNO_SUCCESS) return ret
      const mem = new Uint8Array(ctx.memory())
      scatter(mem, iovecs, data)
      new DataView(mem.buffer).setUint32(nreadPtr, data.byteLength, true)
      return wasi.ERRNO_SUCCESS
    },
    fd_write(fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number): number {
      const f = ctx.fds[fd]
      if (f === undefined) return wasi.ERRNO_BADF
      const mem = new Uint8Array(ctx.memory())
      const data = gather(mem, readIovecs(new DataView(mem.buffer), iovsPtr, iovsLen))
      const { ret, nwritten } = f.fd_write(data)
      if (ret !== wasi.ERRNO_SUCCESS) return ret
      new DataView(ctx.memory()).setUint32(nwrittenPtr, nwritten, true)
      return wasi.ERRNO_SUCCESS
    },
    fd_pwrite(fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
      const f = ctx.fds[fd]
      if (f === undefined) return wasi.ERRNO_BADF
      const mem = new Uint8Array(ctx.memory())
      const data = gather(mem, readIovecs(new DataView(mem.buffer), iovsPtr, iovsLen))
      const { ret, nwritten } = f.fd_pwrite(data, offset)
      if (ret !== wasi.ERRNO_SUCCESS) return ret
      new DataView(ctx.memory()).setUint32(nwrittenPtr, nwritten, true)
      return wasi.ERRNO_SUCCESS
    },
    fd_filestat_get(fd: number, ptr: number): number {
      const f = ctx.fds[fd]
      if (f === undefined) return wasi.ERRNO_BADF
      const { ret, filestat } = f.fd_filestat_get()
      if (filestat !== null) writeFilestat(new DataView(ctx.memory()), ptr, filestat)
      return ret
    },
  }
}
