/**
 * Differential-testing harness: one operation model applied to our Vfs and to memfs (as root),
 * with normalised results so they can be compared.
 */
import fc from 'fast-check'
import { memfs } from 'memfs'
import type { Volume } from 'memfs'
import type { SyncVfs } from '../../src/vfs/index.js'

/** A memfs volume that runs as root (uid 0) so its permission checks never interfere. */
export function rootMemfs(): Volume {
  return memfs(
    {},
    {
      cwd: '/',
      process: {
        getuid: () => 0,
        getgid: () => 0,
        cwd: () => '/',
        platform: 'linux',
        emitWarning: () => {},
        env: {},
      },
    },
  ).vol
}

/** One operation of the model. */
export type Op =
  | { op: 'mkdirp'; p: string }
  | { op: 'mkdir'; p: string }
  | { op: 'writeFile'; p: string; data: Uint8Array }
  | { op: 'append'; p: string; data: Uint8Array }
  | { op: 'write'; p: string; pos: number; data: Uint8Array }
  | { op: 'truncate'; p: string; len: number }
  | { op: 'unlink'; p: string }
  | { op: 'rmdir'; p: string }
  | { op: 'rmr'; p: string }
  | { op: 'rename'; p: string; q: string }
  | { op: 'symlink'; target: string; p: string }
  | { op: 'link'; p: string; q: string }
  | { op: 'chmod'; p: string; mode: number }
  | { op: 'readFile'; p: string }
  | { op: 'readdir'; p: string }
  | { op: 'stat'; p: string }
  | { op: 'lstat'; p: string }
  | { op: 'readlink'; p: string }
  | { op: 'realpath'; p: string }

/** A normalised outcome. */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string }

const names = fc.constantFrom('a', 'b', 'c')
/** Absolute paths over a 3-letter alphabet, depth 1..3. */
export const pathArb: fc.Arbitrary<string> = fc
  .array(names, { minLength: 1, maxLength: 3 })
  .map((xs) => '/' + xs.join('/'))
/**
 * Paths that also use `.`, `//` and trailing slashes (no `..`: on the host it could climb out
 * of the oracle's temporary root).
 */
export const oddPathArb: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', 'c', '.', 'a', 'b'), { minLength: 1, maxLength: 4 }), fc.constantFrom('', '/', '//'), fc.boolean())
  .map(([xs, tail, dbl]) => '/' + xs.join(dbl ? '//' : '/') + tail)
const targetArb = fc.oneof(pathArb, fc.constantFrom('a', 'b', '../a', 'b/c', '../../c', 'a/b'))
const dataArb = fc.uint8Array({ maxLength: 24 })

/** Arbitrary operations; mutations are weighted above reads. */
export const opArb: fc.Arbitrary<Op> = makeOpArb(pathArb)
/** Operations over {@link oddPathArb} (for the Linux oracle only: memfs mishandles these). */
export const oddOpArb: fc.Arbitrary<Op> = makeOpArb(fc.oneof(pathArb, oddPathArb))

function makeOpArb(pathArb: fc.Arbitrary<string>): fc.Arbitrary<Op> {
  const targetArb = fc.oneof(pathArb, fc.constantFrom('a', 'b', '../a', 'b/c', '../../c', 'a/b'))
  return fc.oneof(
  { weight: 4, arbitrary: pathArb.map((p): Op => ({ op: 'mkdirp', p })) },
  { weight: 2, arbitrary: pathArb.map((p): Op => ({ op: 'mkdir', p })) },
  { weight: 5, arbitrary: fc.record({ p: pathArb, data: dataArb }).map((r): Op => ({ op: 'writeFile', ...r })) },
  { weight: 2, arbitrary: fc.record({ p: pathArb, data: dataArb }).map((r): Op => ({ op: 'append', ...r })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ p: pathArb, pos: fc.nat({ max: 40 }), data: dataArb })
      .map((r): Op => ({ op: 'write', ...r })),
  },
  { weight: 1, arbitrary: fc.record({ p: pathArb, len: fc.nat({ max: 40 }) }).map((r): Op => ({ op: 'truncate', ...r })) },
  { weight: 2, arbitrary: pathArb.map((p): Op => ({ op: 'unlink', p })) },
  { weight: 1, arbitrary: pathArb.map((p): Op => ({ op: 'rmdir', p })) },
  { weight: 1, arbitrary: pathArb.map((p): Op => ({ op: 'rmr', p })) },
  { weight: 3, arbitrary: fc.record({ p: pathArb, q: pathArb }).map((r): Op => ({ op: 'rename', ...r })) },
  { weight: 2, arbitrary: fc.record({ target: targetArb, p: pathArb }).map((r): Op => ({ op: 'symlink', ...r })) },
  { weight: 2, arbitrary: fc.record({ p: pathArb, q: pathArb }).map((r): Op => ({ op: 'link', ...r })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ p: pathArb, mode: fc.constantFrom(0o644, 0o755, 0o600, 0o700, 0o444) })
      .map((r): Op => ({ op: 'chmod', ...r })),
  },
  { weight: 2, arbitrary: pathArb.map((p): Op => ({ op: 'readFile', p })) },
  { weight: 2, arbitrary: pathArb.map((p): Op => ({ op: 'readdir', p })) },
  { weight: 2, arbitrary: pathArb.map((p): Op => ({ op: 'stat', p })) },
  { weight: 2, arbitrary: pathArb.map((p): Op => ({ op: 'lstat', p })) },
  { weight: 1, arbitrary: pathArb.map((p): Op => ({ op: 'readlink', p })) },
  { weight: 1, arbitrary: pathArb.map((p): Op => ({ op: 'realpath', p })) },
  )
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

interface StatLike {
  kind: string
  size: number
  perm: number
  nlink: number
}

function errCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code
  return `non-fs error: ${String(e)}`
}

function run(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() }
  } catch (e) {
    return { ok: false, code: errCode(e) }
  }
}

function ourStat(s: { kind: string; size: number; mode: number; nlink: number }): StatLike {
  return {
    kind: s.kind,
    // Directory sizes are implementation-defined (we say 4096, memfs 0); symlink sizes too.
    size: s.kind === 'file' ? s.size : -1,
    perm: s.kind === 'symlink' ? -1 : s.mode & 0o7777,
    // memfs counts directory links its own way ('.' and '..' as children); compare files only.
    nlink: s.kind === 'file' ? s.nlink : -1,
  }
}

interface MemStats {
  isFile(): boolean
  isDirectory(): boolean
  isSymbolicLink(): boolean
  size: number | bigint
  mode: number | bigint
  nlink: number | bigint
}

function memStat(s: MemStats): StatLike {
  const kind = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other'
  return {
    kind,
    size: kind === 'file' ? Number(s.size) : -1,
    perm: kind === 'symlink' ? -1 : Number(s.mode) & 0o7777,
    nlink: kind === 'file' ? Number(s.nlink) : -1,
  }
}

/** Applies an op to our VFS. */
export function applyVfs(v: SyncVfs, o: Op): Outcome {
  switch (o.op) {
    case 'mkdirp':
      return run(() => v.mkdir(o.p, { recursive: true, mode: 0o755 }))
    case 'mkdir':
      return run(() => v.mkdir(o.p, { mode: 0o755 }))
    case 'writeFile':
      return run(() => v.writeFile(o.p, o.data, { mode: 0o644 }))
    case 'append':
      return run(() => v.writeFile(o.p, o.data, { mode: 0o644, append: true }))
    case 'write':
      return run(() => v.write(o.p, o.pos, o.data))
    case 'truncate':
      return run(() => v.truncate(o.p, o.len))
    case 'unlink':
      return run(() => v.unlink(o.p))
    case 'rmdir':
      return run(() => v.rmdir(o.p))
    case 'rmr':
      return run(() => v.rm(o.p, { recursive: true }))
    case 'rename':
      return run(() => v.rename(o.p, o.q))
    case 'symlink':
      return run(() => v.symlink(o.target, o.p))
    case 'link':
      return run(() => v.link(o.p, o.q))
    case 'chmod':
      return run(() => v.chmod(o.p, o.mode))
    case 'readFile':
      return run(() => hex(v.readFile(o.p)))
    case 'readdir':
      return run(() => v.readdir(o.p).sort())
    case 'stat':
      return run(() => ourStat(v.stat(o.p)))
    case 'lstat':
      return run(() => ourStat(v.lstat(o.p)))
    case 'readlink':
      return run(() => v.readlink(o.p))
    case 'realpath':
      return run(() => v.realpath(o.p))
  }
}

/** Applies an op to memfs. */
export function applyMem(m: Volume, o: Op): Outcome {
  switch (o.op) {
    case 'mkdirp':
      return run(() => void m.mkdirSync(o.p, { recursive: true, mode: 0o755 }))
    case 'mkdir':
      return run(() => void m.mkdirSync(o.p, { mode: 0o755 }))
    case 'writeFile':
      return run(() => m.writeFileSync(o.p, o.data, { mode: 0o644 }))
    case 'append':
      return run(() => m.appendFileSync(o.p, o.data, { mode: 0o644 }))
    case 'write':
      return run(() => {
        const fd = m.openSync(o.p, 'r+')
        try {
          m.writeSync(fd, o.data, 0, o.data.length, o.pos)
        } finally {
          m.closeSync(fd)
        }
      })
    case 'truncate':
      return run(() => m.truncateSync(o.p, o.len))
    case 'unlink':
      return run(() => m.unlinkSync(o.p))
    case 'rmdir':
      return run(() => m.rmdirSync(o.p))
    case 'rmr':
      return run(() => m.rmSync(o.p, { recursive: true }))
    case 'rename':
      return run(() => m.renameSync(o.p, o.q))
    case 'symlink':
      return run(() => m.symlinkSync(o.target, o.p))
    case 'link':
      return run(() => m.linkSync(o.p, o.q))
    case 'chmod':
      return run(() => m.chmodSync(o.p, o.mode))
    case 'readFile':
      return run(() => hex(m.readFileSync(o.p) as Buffer))
    case 'readdir':
      return run(() => (m.readdirSync(o.p) as string[]).map(String).sort())
    case 'stat':
      return run(() => memStat(m.statSync(o.p) as MemStats))
    case 'lstat':
      return run(() => memStat(m.lstatSync(o.p) as MemStats))
    case 'readlink':
      return run(() => String(m.readlinkSync(o.p)))
    case 'realpath':
      return run(() => String(m.realpathSync(o.p)))
  }
}

/** A full listing of a tree (path → kind, perm, size/nlink for files, content or target). */
export function listing(read: {
  lstat(p: string): StatLike
  readdir(p: string): string[]
  readFile(p: string): string
  readlink(p: string): string
}): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of read.readdir(dir).sort()) {
      const p = dir === '/' ? `/${name}` : `${dir}/${name}`
      const s = read.lstat(p)
      if (s.kind === 'dir') {
        out[p] = `dir ${s.perm.toString(8)}`
        walk(p)
      } else if (s.kind === 'symlink') out[p] = `symlink -> ${read.readlink(p)}`
      else out[p] = `file ${s.perm.toString(8)} n${s.nlink} ${read.readFile(p)}`
    }
  }
  walk('/')
  return out
}

/** Listing of our Vfs. */
export function vfsListing(v: SyncVfs): Record<string, string> {
  return listing({
    lstat: (p) => ourStat(v.lstat(p)),
    readdir: (p) => v.readdir(p),
    readFile: (p) => hex(v.readFile(p)),
    readlink: (p) => v.readlink(p),
  })
}

/** Listing of a memfs volume. */
export function memListing(m: Volume): Record<string, string> {
  return listing({
    lstat: (p) => memStat(m.lstatSync(p) as MemStats),
    readdir: (p) => (m.readdirSync(p) as string[]).map(String),
    readFile: (p) => hex(m.readFileSync(p) as Buffer),
    readlink: (p) => String(m.readlinkSync(p)),
  })
}

/**
 * The real Linux file system as an oracle: paths are re-rooted under a temporary directory and
 * absolute symlink targets translated both ways. Run as root, so permissions never interfere.
 */
export class LinuxFs {
  readonly root: string
  constructor(root: string) {
    this.root = root
  }
  /** Host path of a sandbox path. */
  host(p: string): string {
    return this.root + p
  }
  /** Sandbox path of a host path (for readlink/realpath results). */
  guest(h: string): string {
    if (h === this.root) return '/'
    return h.startsWith(this.root + '/') ? h.slice(this.root.length) : h
  }
}

import * as nodeFs from 'node:fs'

/**
 * Why the Linux oracle (through Node's fs) cannot judge this op, or undefined. Node implements
 * `realpathSync` and `rmSync` in JavaScript on top of lstat, so with a trailing slash they do not
 * behave like the kernel (realpath drops `.` and slashes even after a file, where the kernel says
 * ENOTDIR; rm follows the final symlink).
 */
export function linuxSkip(v: SyncVfs, o: Op): string | undefined {
  if (o.op === 'symlink' && climbsAboveRoot(v, o.target, o.p)) return 'relative target climbs out of the oracle root'
  if (o.op === 'realpath' && /\/\.(\/|$)|\/\/|\/$/.test(o.p)) return 'Node realpath normalises `.`, `//` and a trailing slash lexically'
  if (o.op === 'rmr' && o.p.endsWith('/')) return 'Node rm with a trailing slash'
  return undefined
}

/** Applies an op to the real file system under `l.root`. */
export function applyLinux(l: LinuxFs, o: Op): Outcome {
  const h = (p: string): string => l.host(p)
  switch (o.op) {
    case 'mkdirp':
      return run(() => void nodeFs.mkdirSync(h(o.p), { recursive: true, mode: 0o755 }))
    case 'mkdir':
      return run(() => void nodeFs.mkdirSync(h(o.p), { mode: 0o755 }))
    case 'writeFile':
      return run(() => nodeFs.writeFileSync(h(o.p), o.data, { mode: 0o644 }))
    case 'append':
      return run(() => nodeFs.appendFileSync(h(o.p), o.data, { mode: 0o644 }))
    case 'write':
      return run(() => {
        const fd = nodeFs.openSync(h(o.p), 'r+')
        try {
          nodeFs.writeSync(fd, o.data, 0, o.data.length, o.pos)
        } finally {
          nodeFs.closeSync(fd)
        }
      })
    case 'truncate':
      return run(() => nodeFs.truncateSync(h(o.p), o.len))
    case 'unlink':
      return run(() => nodeFs.unlinkSync(h(o.p)))
    case 'rmdir':
      return run(() => nodeFs.rmdirSync(h(o.p)))
    case 'rmr':
      return run(() => nodeFs.rmSync(h(o.p), { recursive: true }))
    case 'rename':
      return run(() => nodeFs.renameSync(h(o.p), h(o.q)))
    case 'symlink':
      return run(() => nodeFs.symlinkSync(o.target.startsWith('/') ? h(o.target) : o.target, h(o.p)))
    case 'link':
      return run(() => nodeFs.linkSync(h(o.p), h(o.q)))
    case 'chmod':
      return run(() => nodeFs.chmodSync(h(o.p), o.mode))
    case 'readFile':
      return run(() => hex(nodeFs.readFileSync(h(o.p))))
    case 'readdir':
      return run(() => nodeFs.readdirSync(h(o.p)).sort())
    case 'stat':
      return run(() => memStat(nodeFs.statSync(h(o.p))))
    case 'lstat':
      return run(() => memStat(nodeFs.lstatSync(h(o.p))))
    case 'readlink':
      return run(() => l.guest(nodeFs.readlinkSync(h(o.p))))
    case 'realpath':
      return run(() => l.guest(nodeFs.realpathSync(h(o.p))))
  }
}

/** Listing of the real tree under `l.root`. */
export function linuxListing(l: LinuxFs): Record<string, string> {
  return listing({
    lstat: (p) => memStat(nodeFs.lstatSync(l.host(p))),
    readdir: (p) => nodeFs.readdirSync(l.host(p)),
    readFile: (p) => hex(nodeFs.readFileSync(l.host(p))),
    readlink: (p) => l.guest(nodeFs.readlinkSync(l.host(p))),
  })
}

/**
 * True when a relative symlink target created at `p` would climb above `/` (on the host it
 * would escape the temporary root, so the Linux oracle cannot model it).
 */
export function climbsAboveRoot(v: SyncVfs, target: string, p: string): boolean {
  if (target.startsWith('/')) return false
  const parent = p.slice(0, p.lastIndexOf('/')) || '/'
  let depth: number
  try {
    const real = v.realpath(parent)
    depth = real === '/' ? 0 : real.split('/').length - 1
  } catch {
    return false
  }
  for (const c of target.split('/')) {
    if (c === '..') depth--
    else if (c !== '.' && c !== '') depth++
    if (depth < 0) return true
  }
  return false
}

function lstatKind(v: SyncVfs, p: string): string | undefined {
  try {
    return v.lstat(p).kind
  } catch {
    return undefined
  }
}

function resolves(v: SyncVfs, p: string): boolean {
  try {
    v.stat(p)
    return true
  } catch {
    return false
  }
}

function parentOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/')) || '/'
}

/** True if a proper prefix of `p` is a symlink (in `v`, before the op). */
function viaSymlink(v: SyncVfs, p: string): boolean {
  const parts = p.split('/').filter(Boolean)
  let cur = ''
  for (let i = 0; i < parts.length - 1; i++) {
    cur += '/' + parts[i]
    const k = lstatKind(v, cur)
    if (k === 'symlink') return true
    if (k !== 'dir') return false
  }
  return false
}

const FOLLOWS_LAST = new Set(['stat', 'readFile', 'writeFile', 'append', 'write', 'truncate', 'chmod', 'readdir', 'realpath', 'mkdirp'])

/**
 * Why memfs 4.80.1 cannot be compared for this op (checked against our state before the op), or
 * undefined. Each reason is a memfs divergence from Linux that we verified against the real
 * kernel (the Linux oracle run agrees with our Vfs on all of them).
 */
export function memfsSkip(v: SyncVfs, o: Op): string | undefined {
  const paths = 'q' in o ? [o.p, o.q] : [o.p]
  for (const p of paths) {
    // memfs resolves intermediate symlinks differently from Linux: a loop gives ENOTDIR instead
    // of ELOOP, a dangling one ENOTDIR instead of ENOENT, symlinkSync() does not follow them in
    // the new path, and '..' in a target at the top climbs lexically.
    if (viaSymlink(v, p)) return 'memfs: symlink in the middle of a path'
  }
  const last = lstatKind(v, o.p)
  if (last === 'symlink') {
    // memfs follows a final symlink for every op it can, and mishandles loops while doing it.
    if (FOLLOWS_LAST.has(o.op)) return 'memfs: following a final symlink'
    // rename/rm/link must not resolve the last link; memfs does (it renames or deletes the
    // target instead, and fails on dangling links and loops).
    if (o.op === 'rename' || o.op === 'rmr' || o.op === 'link') return 'memfs: resolves the final symlink of rename/rm/link'
    if (!resolves(v, o.p)) return 'memfs: resolves the final symlink (dangling/loop)'
  }
  if (o.op === 'symlink' && o.target.startsWith('..')) return 'memfs: relative targets with .. resolve lexically'
  if (o.op === 'link') {
    if (last === 'dir') return 'memfs: allows hard links to directories'
    const qp = lstatKind(v, parentOf(o.q))
    if (qp !== undefined && qp !== 'dir') return 'memfs: link() does not check that the new parent is a directory'
  }
  if (o.op === 'rename') {
    const target = lstatKind(v, o.q)
    if (target === 'dir' || (target !== undefined && last === 'dir')) return 'memfs: rename does not check types'
    if (o.q.startsWith(o.p + '/')) return 'memfs: rename into its own subtree'
    if (o.p.startsWith(o.q + '/')) return 'memfs: rename onto an ancestor'
    if (target === 'file') {
      const t = v.lstat(o.q)
      // POSIX: renaming onto another link of the same file does nothing; memfs removes the source.
      if (last === 'file' && v.lstat(o.p).ino === t.ino) return 'memfs: rename between links of one file'
      // memfs does not decrement the nlink of a replaced, still-linked file.
      if (t.nlink > 1) return 'memfs: rename over a hard-linked file keeps its nlink'
    }
  }
  if ((o.op === 'writeFile' || o.op === 'append') && last === 'dir') return 'memfs: writeFile over a directory succeeds'
  if (o.op === 'mkdirp') {
    const parts = o.p.split('/').filter(Boolean)
    let cur = ''
    for (const part of parts) {
      cur += '/' + part
      const k = lstatKind(v, cur)
      if (k === undefined) break
      if (k !== 'dir') return 'memfs: mkdir -p through a file succeeds'
    }
  }
  if (o.op === 'rmr' && hasHardLink(v, o.p)) return 'memfs: rmSync does not decrement nlink of other links'
  // memfs enforces permissions even for uid 0; our VFS (like root on Linux) does not.
  if (o.op === 'chmod' && (o.mode & 0o700) !== 0o700) return 'memfs: permission checks for root'
  return undefined
}

/** Normalises error codes where memfs follows POSIX and Linux (and we) differ. */
export function normaliseMemfs(o: Op, r: Outcome): Outcome {
  // unlink(dir): POSIX allows EPERM (memfs), Linux says EISDIR (we do too).
  if (!r.ok && o.op === 'unlink' && r.code === 'EPERM') return { ok: false, code: 'EISDIR' }
  return r
}

/** True when our outcome and memfs's agree, modulo the documented memfs differences. */
export function agreesWithMemfs(o: Op, ours: Outcome, mem: Outcome): boolean {
  const m = normaliseMemfs(o, mem)
  if (JSON.stringify(ours) === JSON.stringify(m)) return true
  // rename: Linux resolves the destination's parent before noticing a missing source (so
  // ENOTDIR/ENOENT of the destination wins); memfs reports the missing source first.
  if (o.op === 'rename' && !ours.ok && !m.ok && m.code === 'ENOENT') return true
  // A regular file in the middle of a path: Linux says ENOTDIR, memfs sometimes ENOENT.
  if (!ours.ok && !m.ok && ours.code === 'ENOTDIR' && m.code === 'ENOENT') return true
  return false
}

function hasHardLink(v: SyncVfs, p: string): boolean {
  try {
    const s = v.lstat(p)
    if (s.kind === 'file') return s.nlink > 1
    if (s.kind !== 'dir') return false
    return v.readdir(p).some((n) => hasHardLink(v, `${p}/${n}`))
  } catch {
    return false
  }
}
