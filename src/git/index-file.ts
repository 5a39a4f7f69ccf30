/**
 * The git index (`.git/index`, the staging area): reading versions 2 and 3, writing version 2.
 * Extensions (the cached tree, resolve-undo…) are dropped on write, which git allows. Each
 * entry keeps the file's stat data so that status can tell an unchanged file without hashing it.
 */
import { GitError, GitErrorCode } from './errors.js'
import { fromHex, sha1, toHex } from './sha1.js'
import type { VfsStats } from '../vfs/types.js'

/** One index entry. Times are epoch milliseconds (git keeps seconds and nanoseconds). */
export interface IndexEntry {
  path: string
  oid: string
  /** 0o100644, 0o100755, 0o120000 or 0o160000. */
  mode: number
  /** 0 normally; 1-3 for the sides of an unmerged path. */
  stage: number
  ctimeMs: number
  mtimeMs: number
  dev: number
  ino: number
  uid: number
  gid: number
  size: number
  /** The assume-valid flag. */
  assumeValid?: boolean
  /** Extended flags (version 3): skip-worktree, intent-to-add. */
  extended?: number
}

/** The parsed index. */
export interface GitIndex {
  /** Entries by path (stage 0 only; see {@link GitIndex.unmerged}). */
  entries: Map<string, IndexEntry>
  /** Entries of unmerged paths (stages 1-3), by path. */
  unmerged: Map<string, IndexEntry[]>
  /** When the index file was last written (racy-git check), epoch ms; 0 when it did not exist. */
  mtimeMs: number
}

const decoder = new TextDecoder()
const encoder = new TextEncoder()

/** An empty index. */
export function emptyIndex(): GitIndex {
  return { entries: new Map(), unmerged: new Map(), mtimeMs: 0 }
}

function u32(b: Uint8Array, at: number): number {
  return (((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number)) >>> 0
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number)
}

/**
 * Parses index bytes.
 * @throws GitError INTERNAL for a corrupt or unsupported (version 4) index
 */
export function parseIndex(bytes: Uint8Array, mtimeMs = 0): GitIndex {
  const index = emptyIndex()
  index.mtimeMs = mtimeMs
  if (bytes.byteLength < 12 || decoder.decode(bytes.subarray(0, 4)) !== 'DIRC') throw new GitError(GitErrorCode.INTERNAL, 'index file corrupt (bad signature)')
  const version = u32(bytes, 4)
  if (version !== 2 && version !== 3) {
    throw new GitError(GitErrorCode.UNSUPPORTED, `index file version ${version} is not supported (daylite reads versions 2 and 3)`)
  }
  const count = u32(bytes, 8)
  let at = 12
  for (let n = 0; n < count; n++) {
    if (at + 62 > bytes.byteLength) throw new GitError(GitErrorCode.INTERNAL, 'index file corrupt (truncated entry)')
    const ctimeMs = u32(bytes, at) * 1000 + Math.floor(u32(bytes, at + 4) / 1e6)
    const mtimeMs = u32(bytes, at + 8) * 1000 + Math.floor(u32(bytes, at + 12) / 1e6)
    const dev = u32(bytes, at + 16)
    const ino = u32(bytes, at + 20)
    const mode = u32(bytes, at + 24)
    const uid = u32(bytes, at + 28)
    const gid = u32(bytes, at + 32)
    const size = u32(bytes, at + 36)
    const oid = toHex(bytes.subarray(at + 40, at + 60))
    const flags = u16(bytes, at + 60)
    let p = at + 62
    let extended: number | undefined
    if (flags & 0x4000) {
      extended = u16(bytes, p)
      p += 2
    }
    let end = p
    while (end < bytes.byteLength && bytes[end] !== 0) end++
    const path = decoder.decode(bytes.subarray(p, end))
    const entryLen = end - at
    at += (entryLen + 8) & ~7
    const entry: IndexEntry = { path, oid, mode, stage: (flags >> 12) & 3, ctimeMs, mtimeMs, dev, ino, uid, gid, size }
    if (flags & 0x8000) entry.assumeValid = true
    if (extended) entry.extended = extended
    if (entry.stage === 0) index.entries.set(path, entry)
    else {
      const list = index.unmerged.get(path) ?? []
      list.push(entry)
      index.unmerged.set(path, list)
    }
  }
  return index
}

/** Git's path order: bytewise on UTF-8 (for ASCII, plain string comparison). */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Serialises an index (version 2, or 3 when an entry has extended flags). */
export function serializeIndex(index: GitIndex): Uint8Array {
  const all: IndexEntry[] = [...index.entries.values()]
  for (const list of index.unmerged.values()) all.push(...list)
  all.sort((a, b) => comparePaths(a.path, b.path) || a.stage - b.stage)
  const paths = all.map((e) => encoder.encode(e.path))
  const version = all.some((e) => e.extended) ? 3 : 2
  let size = 12
  for (let i = 0; i < all.length; i++) {
    const base = 62 + (all[i]?.extended ? 2 : 0) + (paths[i] as Uint8Array).byteLength
    size += (base + 8) & ~7
  }
  const out = new Uint8Array(size + 20)
  const view = new DataView(out.buffer)
  out.set(encoder.encode('DIRC'), 0)
  view.setUint32(4, version)
  view.setUint32(8, all.length)
  let at = 12
  for (let i = 0; i < all.length; i++) {
    const e = all[i] as IndexEntry
    const p = paths[i] as Uint8Array
    const cs = Math.floor(e.ctimeMs / 1000)
    const ms = Math.floor(e.mtimeMs / 1000)
    view.setUint32(at, cs >>> 0)
    view.setUint32(at + 4, Math.round((e.ctimeMs - cs * 1000) * 1e6) >>> 0)
    view.setUint32(at + 8, ms >>> 0)
    view.setUint32(at + 12, Math.round((e.mtimeMs - ms * 1000) * 1e6) >>> 0)
    view.setUint32(at + 16, e.dev >>> 0)
    view.setUint32(at + 20, e.ino >>> 0)
    view.setUint32(at + 24, e.mode >>> 0)
    view.setUint32(at + 28, e.uid >>> 0)
    view.setUint32(at + 32, e.gid >>> 0)
    view.setUint32(at + 36, e.size >>> 0)
    out.set(fromHex(e.oid), at + 40)
    let flags = Math.min(p.byteLength, 0xfff) | (e.stage << 12)
    if (e.assumeValid) flags |= 0x8000
    if (e.extended) flags |= 0x4000
    view.setUint16(at + 60, flags)
    let q = at + 62
    if (e.extended) {
      view.setUint16(q, e.extended)
      q += 2
    }
    out.set(p, q)
    const base = q + p.byteLength - at
    at += (base + 8) & ~7
  }
  out.set(sha1([out.subarray(0, size)]), size)
  return out
}

/** Git's normalised file mode for a stat result. */
export function modeOf(stats: VfsStats): number {
  if (stats.kind === 'symlink') return 0o120000
  if (stats.kind === 'dir') return 0o040000
  return stats.mode & 0o111 ? 0o100755 : 0o100644
}

/** An index entry for a file with `stats`, staged as `oid`. */
export function entryFor(path: string, oid: string, stats: VfsStats): IndexEntry {
  return {
    path,
    oid,
    mode: modeOf(stats),
    stage: 0,
    ctimeMs: Math.floor(stats.ctimeMs),
    mtimeMs: Math.floor(stats.mtimeMs),
    dev: 0,
    ino: stats.ino >>> 0,
    uid: stats.uid >>> 0,
    gid: stats.gid >>> 0,
    size: stats.size >>> 0,
  }
}

/**
 * True when the file's stat data matches what the index recorded, so its content can be taken
 * as unchanged without hashing (unless the entry is racy: see {@link isRacy}).
 */
export function statMatches(entry: IndexEntry, stats: VfsStats): boolean {
  return (
    entry.mtimeMs === Math.floor(stats.mtimeMs) &&
    entry.ctimeMs === Math.floor(stats.ctimeMs) &&
    entry.size === stats.size >>> 0 &&
    entry.mode === modeOf(stats) &&
    (entry.ino === 0 || entry.ino === stats.ino >>> 0)
  )
}

/**
 * Racy git: a file modified in the same millisecond the index was written may have changed
 * after its stat data was recorded; such entries are re-hashed.
 */
export function isRacy(entry: IndexEntry, index: GitIndex): boolean {
  return index.mtimeMs === 0 || entry.mtimeMs >= index.mtimeMs
}

