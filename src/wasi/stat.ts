/**
 * VFS metadata as WASI `filestat` values, and the pointer marshalling of `filestat` (the shim's
 * `Filestat.write_bytes` in 0.4.2 writes the three times at wrong offsets, over `size`).
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import type { InodeKind, VfsStats } from '../vfs/index.js'

/** The WASI file type of a VFS inode kind. */
export function filetypeOf(kind: InodeKind): number {
  return kind === 'dir' ? wasi.FILETYPE_DIRECTORY : kind === 'symlink' ? wasi.FILETYPE_SYMBOLIC_LINK : wasi.FILETYPE_REGULAR_FILE
}

/** Epoch milliseconds as WASI nanoseconds. */
export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6))
}

/** WASI nanoseconds as epoch milliseconds. */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6
}

/** A `filestat` for VFS metadata, with times and link count. */
export function toFilestat(st: VfsStats): wasi.Filestat {
  const f = new wasi.Filestat(BigInt(st.ino), filetypeOf(st.kind), BigInt(st.size))
  f.dev = 1n
  f.nlink = BigInt(st.nlink)
  f.atim = msToNs(st.atimeMs)
  f.mtim = msToNs(st.mtimeMs)
  f.ctim = msToNs(st.ctimeMs)
  return f
}

/** Writes a `filestat` (64 bytes: dev, ino, filetype, nlink, size, atim, mtim, ctim). */
export function writeFilestat(view: DataView, ptr: number, f: wasi.Filestat): void {
  view.setBigUint64(ptr, f.dev, true)
  view.setBigUint64(ptr + 8, f.ino, true)
  view.setUint8(ptr + 16, f.filetype)
  view.setBigUint64(ptr + 24, f.nlink, true)
  view.setBigUint64(ptr + 32, f.size, true)
  view.setBigUint64(ptr + 40, f.atim, true)
  view.setBigUint64(ptr + 48, f.mtim, true)
  view.setBigUint64(ptr + 56, f.ctim, true)
}
