/**
 * The binary format of layers and of a Vfs's writable (upper) layer. Internal to `src/vfs`; the
 * public entry points are `Layer.serialize/deserialize` and `Vfs.serialize/deserialize`.
 *
 * ```
 * header (36 bytes, little endian)
 *   0  magic 'DLVF'           4  u8 version (1)        5  u8 kind (1 layer, 2 upper)
 *   6  u16 reserved (0)       8  u32 inode count      12  u32 metadata length
 *  16  f64 data length       24  u32 metadata checksum 28  u32 next free ino
 *  32  u16 id length         34  u8 id is explicit     35  u8 reserved
 * metadata: one record per inode, ascending ino
 *   u32 ino, u32 mode, u32 uid, u32 gid, u32 nlink, f64 atime, f64 mtime, f64 ctime, f64 birthtime
 *   file:    u8 source (0 inline bytes, 1 same bytes as the base inode with this ino), f64 size
 *   dir:     u32 parent, str name, u32 count, count × (str name, u32 ino)
 *   symlink: str target
 *   (str = u16 byte length + UTF-8)
 * data: the inline file contents, concatenated in record order
 * trailer: the id (UTF-8): a layer's own id, or for an upper layer the id of its base layer
 * ```
 * Decoding never copies file contents: they are subarrays of the input.
 */
import { VfsError } from './errors.js'
import { Inode, ROOT_INO, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './inode.js'
import { hash32, hash64, readUtf8, utf8Length, writeUtf8 } from './bytes.js'

/** Serialised form of a whole layer. */
export const KIND_LAYER = 1
/** Serialised form of a Vfs's upper layer (a delta over a base layer). */
export const KIND_UPPER = 2

const MAGIC = 0x46564c44 // 'DLVF' little endian
const VERSION = 1
const HEADER = 36
const FIXED = 52

/** What {@link encode} needs. */
export interface EncodeInput {
  kind: number
  /** Inodes in ascending ino order. */
  inodes: readonly Inode[]
  nextIno: number
  /** Explicit id (layer name or base id); when undefined a content hash `h:<16 hex>` is used. */
  id: string | undefined
  /** For upper layers: the base table, to reference unchanged file bytes instead of copying them. */
  base?: ReadonlyMap<number, Inode>
}

/** What {@link decode} returns. */
export interface Decoded {
  kind: number
  inodes: Map<number, Inode>
  nextIno: number
  id: string
  explicitId: boolean
}

function fail(detail: string): VfsError {
  return new VfsError('EINVAL', 'deserialize', '', undefined, detail)
}

/** Encodes inodes into the format above; returns the bytes and the id written in the trailer. */
export function encode(input: EncodeInput): { bytes: Uint8Array; id: string } {
  const { inodes, base } = input
  const n = inodes.length
  // Pass 1: sizes. Name lengths are cached in an array to avoid measuring twice.
  const lens: number[] = []
  let meta = 0
  let data = 0
  for (let k = 0; k < n; k++) {
    const node = inodes[k]
    meta += FIXED
    const type = node.mode & S_IFMT
    if (type === S_IFREG) {
      meta += 9
      if (!sameAsBase(node, base)) data += node.size
    } else if (type === S_IFDIR) {
      const nl = utf8Length(node.name)
      lens.push(nl)
      meta += 4 + 2 + nl + 4
      const entries = node.entries
      if (entries !== null) {
        for (const name of entries.keys()) {
          const l = utf8Length(name)
          lens.push(l)
          meta += 2 + l + 4
        }
      }
    } else {
      const l = utf8Length(node.target)
      lens.push(l)
      meta += 2 + l
    }
  }
  const explicit = input.id !== undefined
  const idStr = input.id ?? 'h:0000000000000000'
  const idLen = utf8Length(idStr)
  if (idLen > 0xffff) throw fail('layer id too long')
  const total = HEADER + meta + data + idLen
  const buf = new Uint8Array(total)
  const dv = new DataView(buf.buffer)
  dv.setUint32(0, MAGIC, true)
  buf[4] = VERSION
  buf[5] = input.kind
  dv.setUint32(8, n, true)
  dv.setUint32(12, meta, true)
  dv.setFloat64(16, data, true)
  dv.setUint32(28, input.nextIno, true)
  dv.setUint16(32, idLen, true)
  buf[34] = explicit ? 1 : 0
  // Pass 2: records and data.
  let o = HEADER
  let d = HEADER + meta
  let li = 0
  for (let k = 0; k < n; k++) {
    const node = inodes[k]
    dv.setUint32(o, node.ino, true)
    dv.setUint32(o + 4, node.mode, true)
    dv.setUint32(o + 8, node.uid, true)
    dv.setUint32(o + 12, node.gid, true)
    dv.setUint32(o + 16, node.nlink, true)
    dv.setFloat64(o + 20, node.atime, true)
    dv.setFloat64(o + 28, node.mtime, true)
    dv.setFloat64(o + 36, node.ctime, true)
    dv.setFloat64(o + 44, node.birthtime, true)
    o += FIXED
    const type = node.mode & S_IFMT
    if (type === S_IFREG) {
      const same = sameAsBase(node, base)
      buf[o] = same ? 1 : 0
      dv.setFloat64(o + 1, node.size, true)
      o += 9
      if (!same && node.size > 0) {
        buf.set(node.size === node.data.length ? node.data : node.data.subarray(0, node.size), d)
        d += node.size
      }
    } else if (type === S_IFDIR) {
      dv.setUint32(o, node.parent, true)
      o += 4
      o = putStr(buf, dv, o, node.name, lens[li++])
      const entries = node.entries
      dv.setUint32(o, entries === null ? 0 : entries.size, true)
      o += 4
      if (entries !== null) {
        for (const [name, ino] of entries) {
          o = putStr(buf, dv, o, name, lens[li++])
          dv.setUint32(o, ino, true)
          o += 4
        }
      }
    } else {
      o = putStr(buf, dv, o, node.target, lens[li++])
    }
  }
  dv.setUint32(24, hash32(buf, HEADER, meta), true)
  const id = explicit ? idStr : 'h:' + hash64(buf, HEADER, meta + data)
  writeUtf8(buf, HEADER + meta + data, id, idLen)
  return { bytes: buf, id }
}

function sameAsBase(node: Inode, base: ReadonlyMap<number, Inode> | undefined): boolean {
  if (base === undefined) return false
  const b = base.get(node.ino)
  return b !== undefined && b.data === node.data && b.size === node.size && (b.mode & S_IFMT) === S_IFREG
}

function putStr(buf: Uint8Array, dv: DataView, o: number, s: string, len: number): number {
  dv.setUint16(o, len, true)
  writeUtf8(buf, o + 2, s, len)
  return o + 2 + len
}

/**
 * Decodes bytes produced by {@link encode}. Structural problems (bad magic, truncation, bad
 * checksum, out-of-range fields, invalid UTF-8) throw VfsError EINVAL. Inodes get `owner`.
 * `base` resolves "same bytes as base" file records of upper layers.
 */
export function decode(
  bytes: unknown,
  owner: number,
  wantKind: number,
  base?: { table: ReadonlyMap<number, Inode>; id: string },
): Decoded {
  if (!(bytes instanceof Uint8Array)) throw fail('expected a Uint8Array')
  const buf = bytes
  if (buf.length < HEADER) throw fail('truncated header')
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  if (dv.getUint32(0, true) !== MAGIC) throw fail('not a daylite VFS image (bad magic)')
  if (buf[4] !== VERSION) throw fail(`unsupported VFS image version ${buf[4]}`)
  const kind = buf[5]
  if (kind !== KIND_LAYER && kind !== KIND_UPPER) throw fail(`unknown VFS image kind ${kind}`)
  const count = dv.getUint32(8, true)
  const meta = dv.getUint32(12, true)
  const data = dv.getFloat64(16, true)
  const idLen = dv.getUint16(32, true)
  if (!Number.isSafeInteger(data) || data < 0) throw fail('bad data length')
  if (HEADER + meta + data + idLen !== buf.length) throw fail('truncated or padded VFS image')
  if (hash32(buf, HEADER, meta) !== dv.getUint32(24, true)) throw fail('metadata checksum mismatch')
  if (count * FIXED > meta) throw fail('bad inode count')
  const nextIno = dv.getUint32(28, true)
  const id = readUtf8(buf, HEADER + meta + data, idLen)
  if (id === undefined) throw fail('bad id')
  if (kind !== wantKind) {
    throw fail(kind === KIND_LAYER ? 'these bytes are a Layer, not a Vfs upper layer' : 'these bytes are a Vfs upper layer, not a Layer')
  }
  if (base !== undefined && id !== base.id) {
    throw fail(`serialised over base layer '${id}' but the given base layer is '${base.id}'`)
  }
  const end = HEADER + meta
  const dataStart = end
  let o = HEADER
  let d = 0
  const inodes = new Map<number, Inode>()
  const need = (k: number): void => {
    if (o + k > end) throw fail('truncated metadata')
  }
  const str = (): string => {
    need(2)
    const l = dv.getUint16(o, true)
    o += 2
    need(l)
    const s = readUtf8(buf, o, l)
    if (s === undefined) throw fail('invalid UTF-8 in a name')
    o += l
    return s
  }
  for (let k = 0; k < count; k++) {
    need(FIXED)
    const ino = dv.getUint32(o, true)
    const mode = dv.getUint32(o + 4, true)
    if (ino === 0 || inodes.has(ino)) throw fail(`bad or duplicate inode number ${ino}`)
    if (ino >= nextIno) throw fail('inode number above the allocation counter')
    const node = new Inode(ino, mode, dv.getUint32(o + 8, true), dv.getUint32(o + 12, true), 0, owner)
    node.nlink = dv.getUint32(o + 16, true)
    node.atime = dv.getFloat64(o + 20, true)
    node.mtime = dv.getFloat64(o + 28, true)
    node.ctime = dv.getFloat64(o + 36, true)
    node.birthtime = dv.getFloat64(o + 44, true)
    o += FIXED
    const type = mode & S_IFMT
    if (mode > 0xffff) throw fail('bad mode')
    if (type === S_IFREG) {
      need(9)
      const src = buf[o]
      const size = dv.getFloat64(o + 1, true)
      o += 9
      if (!Number.isSafeInteger(size) || size < 0) throw fail('bad file size')
      if (src === 0) {
        if (d + size > data) throw fail('file data out of range')
        node.data = buf.subarray(dataStart + d, dataStart + d + size)
        d += size
      } else if (src === 1) {
        const b = base === undefined ? undefined : base.table.get(ino)
        if (b === undefined || (b.mode & S_IFMT) !== S_IFREG || b.size !== size) {
          throw fail(`file ${ino} refers to base bytes that the base layer does not have`)
        }
        node.data = b.data
      } else throw fail('bad file source')
      node.size = size
      node.owned = false
    } else if (type === S_IFDIR) {
      need(4)
      node.parent = dv.getUint32(o, true)
      o += 4
      node.name = str()
      need(4)
      const n = dv.getUint32(o, true)
      o += 4
      if (n * 6 > end - o) throw fail('bad entry count')
      const entries = new Map<string, number>()
      for (let e = 0; e < n; e++) {
        const name = str()
        need(4)
        const child = dv.getUint32(o, true)
        o += 4
        if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
          throw fail('bad entry name')
        }
        if (entries.has(name)) throw fail('duplicate entry name')
        entries.set(name, child)
      }
      node.entries = entries
    } else if (type === S_IFLNK) {
      node.target = str()
      if (node.target === '') throw fail('empty symlink target')
      node.size = utf8Length(node.target)
    } else throw fail(`bad file type in mode ${mode.toString(8)}`)
    inodes.set(ino, node)
  }
  if (o !== end) throw fail('trailing metadata')
  if (d !== data) throw fail('unused file data')
  return { kind, inodes, nextIno, id, explicitId: buf[34] === 1 }
}

/**
 * Checks that directories form a tree over the union of `upper` (may be empty) and `base`:
 * every entry points at an existing inode, a directory's parent/name agree with the entry that
 * names it, the root is nobody's child, and inodes kept in both tables keep their type.
 * This is what makes traversal of decoded input safe (no cycles, no dangling entries).
 */
export function checkTree(upper: ReadonlyMap<number, Inode>, base: ReadonlyMap<number, Inode>): void {
  const get = (ino: number): Inode | undefined => upper.get(ino) ?? base.get(ino)
  /** True when directory `ino` is reachable from the root (each ancestor's entries name the next). */
  const named = (ino: number): boolean => {
    let cur = ino
    for (let steps = 0; steps <= upper.size + base.size; steps++) {
      if (cur === ROOT_INO) return true
      const n = get(cur)
      const p = n === undefined ? undefined : get(n.parent)
      if (n === undefined || p === undefined || p.entries === null || p.entries.get(n.name) !== cur) return false
      cur = n.parent
    }
    return false
  }
  const root = get(ROOT_INO)
  if (root === undefined || root.entries === null) throw fail('no root directory')
  if (root.parent !== ROOT_INO) throw fail('root parent must be the root')
  for (const node of upper.values()) {
    const b = base.get(node.ino)
    if (b !== undefined && (b.mode & S_IFMT) !== (node.mode & S_IFMT)) throw fail('inode changed type')
    const entries = node.entries
    if (entries === null) continue
    for (const [name, child] of entries) {
      const c = get(child)
      if (c === undefined) throw fail(`entry ${name} points at a missing inode`)
      if (child === ROOT_INO) throw fail('the root cannot be an entry')
      if (c.entries !== null && (c.parent !== node.ino || c.name !== name)) throw fail('directory linked twice')
    }
    if (node.ino === ROOT_INO) continue
    const p = get(node.parent)
    if (p === undefined || p.entries === null || p.entries.get(node.name) !== node.ino) {
      throw fail('directory not named by its parent')
    }
    // The old parent kept its base entries (it is not in `upper`), which still name this directory:
    // a second path to it, unless that old parent is itself no longer named (deleted since).
    if (b !== undefined && b.parent !== node.parent && !upper.has(b.parent) && named(b.parent)) {
      throw fail('moved directory still named by its old parent')
    }
    if (b !== undefined && b.name !== node.name && !upper.has(b.parent) && named(b.parent)) {
      throw fail('renamed directory still named by its old parent')
    }
  }
}
