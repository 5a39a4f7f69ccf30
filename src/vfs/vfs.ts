/**
 * The sandbox filesystem: an inode table with copy-on-write layers, quota, modes, symlinks, hard
 * links and POSIX times. See {@link Vfs}.
 */
import { VfsError } from './errors.js'
import { EMPTY, FROZEN, Inode, ROOT_INO, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './inode.js'
import { Layer, layerNextIno, layerTable, newLayer } from './layer.js'
import type { LayerOptions } from './layer.js'
import { KIND_UPPER, checkTree, decode, encode } from './serialize.js'
import { encodeUtf8, utf8Length } from './bytes.js'
import type {
  InodeKind,
  MkdirOptions,
  RmOptions,
  SyncVfs,
  VfsDirent,
  VfsErrorCode,
  VfsOptions,
  VfsQuota,
  VfsStats,
  VfsUsage,
  WriteOptions,
} from './types.js'

const SLASH = 47
const DOT = 46
const MAX_PATH = 4096
const MAX_NAME = 255
const MAX_HOPS = 40
const MAX_INO = 0xfffffffe
/**
 * A lone UTF-16 surrogate. Names are stored as strings and serialised as UTF-8, where every lone
 * surrogate becomes U+FFFD: two names that differ only there would collide when the image is read
 * back (and the sandbox could not be restored). New names and symlink targets with one are EINVAL.
 */
const LONE_SURROGATE = /\p{Cs}/u

/**
 * How the last path component is treated: NOFOLLOW for operations on the name itself (create,
 * remove, rename: no type check for a trailing slash, the operation decides), LSTAT (follow only
 * with a trailing slash, as Linux lstat), FOLLOW (always).
 */
type Follow = 0 | 1 | 2 | 3
const NOFOLLOW: Follow = 0
const LSTAT: Follow = 1
const FOLLOW: Follow = 2
/** FOLLOW for open(O_CREAT): a trailing slash reached through a symlink is left to the caller (EISDIR). */
const CREATE: Follow = 3

let lastToken = FROZEN

/** A fresh owner token; tokens are never reused, so a retired token matches no table. */
function newToken(): number {
  return ++lastToken
}

function kindOf(mode: number): InodeKind {
  const t = mode & S_IFMT
  return t === S_IFDIR ? 'dir' : t === S_IFLNK ? 'symlink' : 'file'
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

/**
 * The VFS of one sandbox: a frozen base {@link Layer} plus a writable upper inode table.
 *
 * - `new Vfs(base)` copies nothing; inodes are copied up on first change (file bytes are shared
 *   until written).
 * - {@link Vfs.fork} gives an independent copy in O(upper inodes), without copying bytes.
 * - Quota (`maxBytes`, `maxInodes`) is enforced on the upper layer: ENOSPC, nothing changed.
 *
 * Not enforced: permissions (every caller acts as root; modes and owners are recorded only), and
 * access times (reads never update atime: like `noatime`).
 *
 * @example
 * ```ts
 * const vfs = new Vfs(createBaseLayer(), { maxBytes: 1 << 20 })
 * vfs.mkdir('/home/daytona/src', { recursive: true })
 * vfs.writeFile('/home/daytona/src/a.txt', 'hello\n')
 * const copy = vfs.fork()
 * ```
 */
export class Vfs implements SyncVfs {
  #base: Layer
  #baseTable: ReadonlyMap<number, Inode>
  #upper: Map<number, Inode>
  #token: number
  #nextIno: number
  #bytes = 0
  #inodes = 0
  #maxBytes = Infinity
  #maxInodes = Infinity
  #clock: () => number
  #uid = 1000
  #gid = 1000
  // Result of the last #walk (no allocation per lookup).
  #rParent = -1
  #rName = ''
  #rIno = -1
  #rSlash = false

  /**
   * @param base - the read-only lower layer (default: an empty root directory)
   * @param options - quota, clock and the owner of created inodes
   */
  constructor(base: Layer = Layer.empty(), options: VfsOptions = {}) {
    if (!(base instanceof Layer)) throw new VfsError('EINVAL', 'new Vfs', '', undefined, 'base must be a Layer')
    this.#base = base
    this.#baseTable = layerTable(base)
    this.#upper = new Map()
    this.#token = newToken()
    this.#nextIno = layerNextIno(base)
    const o: unknown = options
    if (!isObject(o)) throw new VfsError('EINVAL', 'new Vfs', '', undefined, 'options must be an object')
    this.#clock = Date.now
    if (o.clock !== undefined) {
      const c = o.clock
      if (typeof c !== 'function') throw new VfsError('EINVAL', 'new Vfs', '', undefined, 'clock must be a function')
      this.#clock = () => {
        const t: unknown = c()
        return typeof t === 'number' && Number.isFinite(t) ? t : Date.now()
      }
    }
    if (o.user !== undefined) {
      const u = o.user
      if (!isObject(u) || !isId(u.uid) || !isId(u.gid)) {
        throw new VfsError('EINVAL', 'new Vfs', '', undefined, 'user must be { uid, gid } with non-negative integers')
      }
      this.#uid = u.uid
      this.#gid = u.gid
    }
    this.setQuota({ maxBytes: o.maxBytes as number | undefined, maxInodes: o.maxInodes as number | undefined })
  }

  /** The read-only base layer. */
  get base(): Layer {
    return this.#base
  }

  /**
   * Sets the quota; omitted fields become unlimited. Lowering it below the current usage is
   * allowed: later growth fails with ENOSPC until enough is freed.
   */
  setQuota(quota: VfsQuota): void {
    const q: unknown = quota
    if (!isObject(q)) throw new VfsError('EINVAL', 'setQuota', '', undefined, 'quota must be an object')
    this.#maxBytes = limit(q.maxBytes, 'maxBytes')
    this.#maxInodes = limit(q.maxInodes, 'maxInodes')
  }

  /** Bytes and inodes held by the upper layer, and the quota. */
  usage(): VfsUsage {
    return { bytes: this.#bytes, inodes: this.#inodes, maxBytes: this.#maxBytes, maxInodes: this.#maxInodes }
  }

  /**
   * An independent copy of this filesystem sharing the base layer and, copy-on-write, every inode
   * and file buffer. O(upper inodes), no byte copied.
   */
  fork(): Vfs {
    const child = new Vfs(this.#base)
    child.#upper = new Map(this.#upper)
    // Both sides get fresh tokens: neither may now mutate the shared inodes in place.
    this.#token = newToken()
    child.#nextIno = this.#nextIno
    child.#bytes = this.#bytes
    child.#inodes = this.#inodes
    child.#maxBytes = this.#maxBytes
    child.#maxInodes = this.#maxInodes
    child.#clock = this.#clock
    child.#uid = this.#uid
    child.#gid = this.#gid
    return child
  }

  /** Flattens this Vfs into a frozen {@link Layer} (see {@link Layer.fromVfs}). */
  toLayer(options?: LayerOptions): Layer {
    const id = isObject(options) && typeof options.id === 'string' ? options.id : undefined
    const table = new Map<number, Inode>()
    const stack = [ROOT_INO]
    while (stack.length > 0) {
      const ino = stack.pop() as number
      if (table.has(ino)) continue
      const n = this.#node(ino)
      table.set(ino, n)
      if (n.entries !== null) for (const c of n.entries.values()) stack.push(c)
    }
    // The layer now references our inodes: retire the token so we never mutate them in place.
    this.#token = newToken()
    return newLayer(table, this.#nextIno, id)
  }

  /**
   * The upper layer as bytes (plus the base layer's id). File bytes unchanged from the base are
   * referenced, not copied. Restore with {@link Vfs.deserialize} over the same base.
   */
  serialize(): Uint8Array {
    const inodes = Array.from(this.#upper.values()).sort((a, b) => a.ino - b.ino)
    return encode({ kind: KIND_UPPER, inodes, nextIno: this.#nextIno, id: this.#base.id, base: this.#baseTable })
      .bytes
  }

  /**
   * Rebuilds a Vfs from {@link Vfs.serialize} output over `base` (which must be the layer it was
   * serialised against: EINVAL otherwise). File contents are views into `bytes`, which must not
   * be modified afterwards.
   */
  static deserialize(bytes: Uint8Array, base: Layer, options?: VfsOptions): Vfs {
    const vfs = new Vfs(base, options)
    const d = decode(bytes, vfs.#token, KIND_UPPER, { table: vfs.#baseTable, id: base.id })
    if (d.nextIno < vfs.#nextIno) throw new VfsError('EINVAL', 'deserialize', '', undefined, 'bad inode counter')
    checkTree(d.inodes, vfs.#baseTable)
    vfs.#upper = d.inodes
    vfs.#nextIno = d.nextIno
    let bytesUsed = 0
    for (const n of d.inodes.values()) if ((n.mode & S_IFMT) === S_IFREG) bytesUsed += n.size
    vfs.#bytes = bytesUsed
    vfs.#inodes = d.inodes.size
    return vfs
  }

  // ---------------------------------------------------------------- internals

  #node(ino: number): Inode {
    const n = this.#upper.get(ino) ?? this.#baseTable.get(ino)
    if (n === undefined) throw new VfsError('EINVAL', 'lookup', '', undefined, `dangling inode ${ino}`)
    return n
  }

  /** The inode, made mutable by this table (copied up or cloned first if needed). */
  #mut(ino: number): Inode {
    const u = this.#upper.get(ino)
    if (u !== undefined) {
      if (u.owner === this.#token) return u
      const c = u.clone(this.#token)
      this.#upper.set(ino, c)
      return c
    }
    const b = this.#node(ino)
    const c = b.clone(this.#token)
    this.#upper.set(ino, c)
    this.#inodes++
    if ((c.mode & S_IFMT) === S_IFREG) this.#bytes += c.size
    return c
  }

  /** Inodes a copy-up of `ino` would add (0 or 1). */
  #upInodes(ino: number): number {
    return this.#upper.has(ino) ? 0 : 1
  }

  /** Bytes a copy-up of `ino` would add. */
  #upBytes(ino: number): number {
    if (this.#upper.has(ino)) return 0
    const n = this.#node(ino)
    return (n.mode & S_IFMT) === S_IFREG ? n.size : 0
  }

  #check(syscall: string, path: unknown, inodes: number, bytes: number): void {
    if ((inodes > 0 && this.#inodes + inodes > this.#maxInodes) || (bytes > 0 && this.#bytes + bytes > this.#maxBytes)) {
      throw new VfsError('ENOSPC', syscall, path)
    }
  }

  #alloc(mode: number, time: number): Inode {
    if (this.#nextIno > MAX_INO) throw new VfsError('ENOSPC', 'alloc', '', undefined, 'inode numbers exhausted')
    const n = new Inode(this.#nextIno++, mode, this.#uid, this.#gid, time, this.#token)
    this.#upper.set(n.ino, n)
    this.#inodes++
    return n
  }

  /** Forgets an inode that no name refers to any more. */
  #release(n: Inode): void {
    const u = this.#upper.get(n.ino)
    if (u === undefined) return
    this.#upper.delete(n.ino)
    this.#inodes--
    if ((u.mode & S_IFMT) === S_IFREG) this.#bytes -= u.size
  }

  /** Drops one link to a non-directory. */
  #unref(n: Inode, t: number): void {
    if (n.nlink <= 1) {
      this.#release(n)
      return
    }
    const m = this.#mut(n.ino)
    m.nlink--
    m.ctime = t
  }

  /**
   * Resolves `path`. Afterwards: `#rIno` is the inode (-1 if the last component is missing, in
   * which case `#rParent`/`#rName` say where it would be); `#rParent` is -1 when the path names
   * a directory without a (parent, name) pair: `/`, or a last component `.` or `..`.
   * Symlinks in the middle are always followed, the last one as `follow` says. `#rSlash` tells
   * whether the last component had a trailing slash.
   */
  #walk(path: unknown, sc: string, follow: Follow, ePath: unknown = path, eDest?: unknown): void {
    if (typeof path !== 'string') throw new VfsError('EINVAL', sc, ePath, eDest)
    const len0 = path.length
    if (len0 === 0) throw new VfsError('ENOENT', sc, ePath, eDest)
    if (path.charCodeAt(0) !== SLASH) throw new VfsError('EINVAL', sc, ePath, eDest, `'${path}' is not absolute`)
    if (len0 > MAX_PATH / 3 && (len0 > MAX_PATH || utf8Length(path) > MAX_PATH)) {
      throw new VfsError('ENAMETOOLONG', sc, ePath, eDest)
    }
    if (path.indexOf('\0') !== -1) throw new VfsError('EINVAL', sc, ePath, eDest)
    let p = path
    let n = len0
    let i = 0
    let dir = this.#node(ROOT_INO)
    let hops = 0
    for (;;) {
      while (i < n && p.charCodeAt(i) === SLASH) i++
      if (i >= n) {
        this.#rParent = -1
        this.#rName = ''
        this.#rIno = dir.ino
        this.#rSlash = false
        return
      }
      let j = i
      while (j < n && p.charCodeAt(j) !== SLASH) j++
      let k = j
      while (k < n && p.charCodeAt(k) === SLASH) k++
      const last = k >= n
      const entries = dir.entries
      if (entries === null) throw new VfsError('ENOTDIR', sc, ePath, eDest)
      const cl = j - i
      if (p.charCodeAt(i) === DOT && (cl === 1 || (cl === 2 && p.charCodeAt(i + 1) === DOT))) {
        if (cl === 2) dir = this.#node(dir.parent)
        if (last) {
          this.#rParent = -1
          this.#rName = cl === 1 ? '.' : '..'
          this.#rIno = dir.ino
          this.#rSlash = false
          return
        }
        i = j
        continue
      }
      const name = p.slice(i, j)
      if (cl > MAX_NAME / 3 && utf8Length(name) > MAX_NAME) throw new VfsError('ENAMETOOLONG', sc, ePath, eDest)
      const child = entries.get(name)
      if (child === undefined) {
        if (last) {
          // The only way a new name enters the tree (create, mkdir, link, rename's target).
          if (LONE_SURROGATE.test(name)) throw new VfsError('EINVAL', sc, ePath, eDest, 'path is not valid Unicode (a lone surrogate)')
          this.#rParent = dir.ino
          this.#rName = name
          this.#rIno = -1
          this.#rSlash = j < n
          return
        }
        throw new VfsError('ENOENT', sc, ePath, eDest)
      }
      const cn = this.#node(child)
      const type = cn.mode & S_IFMT
      if (type === S_IFLNK && (!last || follow === FOLLOW || (follow === CREATE && j >= n) || (follow === LSTAT && j < n))) {
        if (++hops > MAX_HOPS) throw new VfsError('ELOOP', sc, ePath, eDest)
        const t = cn.target
        p = t + p.slice(j)
        n = p.length
        i = 0
        if (t.charCodeAt(0) === SLASH) dir = this.#node(ROOT_INO)
        continue
      }
      if (last) {
        if (j < n && type !== S_IFDIR && (follow === FOLLOW || follow === LSTAT)) throw new VfsError('ENOTDIR', sc, ePath, eDest)
        this.#rParent = dir.ino
        this.#rName = name
        this.#rIno = child
        this.#rSlash = j < n
        return
      }
      if (type !== S_IFDIR) throw new VfsError('ENOTDIR', sc, ePath, eDest)
      dir = cn
      i = j
    }
  }

  /** Resolves an existing inode or throws ENOENT. */
  #lookup(path: unknown, sc: string, follow: Follow): Inode {
    this.#walk(path, sc, follow)
    if (this.#rIno === -1) throw new VfsError('ENOENT', sc, path)
    return this.#node(this.#rIno)
  }

  #stats(n: Inode): VfsStats {
    const type = n.mode & S_IFMT
    return {
      ino: n.ino,
      kind: kindOf(n.mode),
      mode: n.mode,
      uid: n.uid,
      gid: n.gid,
      size: type === S_IFDIR ? 4096 : n.size,
      nlink: n.nlink,
      atimeMs: n.atime,
      mtimeMs: n.mtime,
      ctimeMs: n.ctime,
      birthtimeMs: n.birthtime,
    }
  }

  /** Makes `f.data` writable in place with room for `need` bytes. */
  #reserve(f: Inode, need: number): void {
    if (f.owned && f.data.length >= need) return
    let cap = need
    if (f.owned) cap = Math.max(need, f.data.length * 2)
    else if (need > f.size) cap = Math.max(need, Math.min(f.size * 2, f.size + (1 << 24)))
    const buf = new Uint8Array(cap)
    if (f.size > 0) buf.set(f.data.length === f.size ? f.data : f.data.subarray(0, f.size))
    f.data = buf
    f.owned = true
  }

  #writeAt(n: Inode, pos: number, src: Uint8Array, sc: string, path: unknown, t: number): void {
    const end = pos + src.length
    const newSize = src.length > 0 && end > n.size ? end : n.size
    this.#check(sc, path, this.#upInodes(n.ino), this.#upBytes(n.ino) + newSize - n.size)
    const f = this.#mut(n.ino)
    if (src.length > 0 || newSize > f.size) {
      this.#reserve(f, newSize)
      if (pos > f.size) f.data.fill(0, f.size, pos)
      f.data.set(src, pos)
      this.#bytes += newSize - f.size
      f.size = newSize
    }
    f.mtime = t
    f.ctime = t
  }

  /** Adds `name → child` to directory `dirIno` and stamps its times. */
  #link(dirIno: number, name: string, child: Inode, t: number): void {
    const d = this.#mut(dirIno)
    ;(d.entries as Map<string, number>).set(name, child.ino)
    if ((child.mode & S_IFMT) === S_IFDIR) d.nlink++
    d.mtime = t
    d.ctime = t
  }

  // ---------------------------------------------------------------- reading

  /** Metadata, following symlinks. */
  stat(path: string): VfsStats {
    return this.#stats(this.#lookup(path, 'stat', FOLLOW))
  }

  /** Metadata of the path itself (a symlink is not followed). */
  lstat(path: string): VfsStats {
    return this.#stats(this.#lookup(path, 'lstat', LSTAT))
  }

  /** True if the path resolves (following symlinks); false for any error, including bad paths. */
  exists(path: string): boolean {
    try {
      this.#walk(path, 'access', FOLLOW)
      return this.#rIno !== -1
    } catch {
      return false
    }
  }

  /** The whole content of a file (a fresh copy). */
  readFile(path: string): Uint8Array {
    const n = this.#lookup(path, 'open', FOLLOW)
    if ((n.mode & S_IFMT) !== S_IFREG) throw new VfsError('EISDIR', 'read', path)
    return n.data.slice(0, n.size)
  }

  /** {@inheritDoc SyncVfs.readFileView} */
  readFileView(path: string): Uint8Array {
    const n = this.#lookup(path, 'open', FOLLOW)
    if ((n.mode & S_IFMT) !== S_IFREG) throw new VfsError('EISDIR', 'read', path)
    return n.data.subarray(0, n.size)
  }

  /** Up to `length` bytes at `position` (a fresh copy; empty past the end). */
  read(path: string, position: number, length: number): Uint8Array {
    if (!isIndex(position) || !isIndex(length)) throw new VfsError('EINVAL', 'read', path)
    const n = this.#lookup(path, 'read', FOLLOW)
    if ((n.mode & S_IFMT) !== S_IFREG) throw new VfsError('EISDIR', 'read', path)
    if (position >= n.size) return new Uint8Array(0)
    return n.data.slice(position, Math.min(n.size, position + length))
  }

  /** Entry names of a directory, in creation order. */
  readdir(path: string): string[] {
    const n = this.#lookup(path, 'scandir', FOLLOW)
    if (n.entries === null) throw new VfsError('ENOTDIR', 'scandir', path)
    return Array.from(n.entries.keys())
  }

  /** Entries with their kind and inode number. */
  readdirWithTypes(path: string): VfsDirent[] {
    const n = this.#lookup(path, 'scandir', FOLLOW)
    if (n.entries === null) throw new VfsError('ENOTDIR', 'scandir', path)
    const out: VfsDirent[] = []
    for (const [name, ino] of n.entries) out.push({ name, kind: kindOf(this.#node(ino).mode), ino })
    return out
  }

  /** A symlink's target. */
  readlink(path: string): string {
    const n = this.#lookup(path, 'readlink', LSTAT)
    if ((n.mode & S_IFMT) !== S_IFLNK) throw new VfsError('EINVAL', 'readlink', path)
    return n.target
  }

  /** The canonical absolute path, every symlink resolved. */
  realpath(path: string): string {
    const n = this.#lookup(path, 'realpath', FOLLOW)
    let d: number
    let tail: string
    if (n.entries !== null) {
      d = n.ino
      tail = ''
    } else {
      d = this.#rParent
      tail = this.#rName
    }
    const names: string[] = []
    if (tail !== '') names.push(tail)
    let guard = 0
    while (d !== ROOT_INO) {
      const dn = this.#node(d)
      names.push(dn.name)
      d = dn.parent
      if (++guard > 1 << 20) throw new VfsError('ELOOP', 'realpath', path)
    }
    if (names.length === 0) return '/'
    let out = ''
    for (let k = names.length - 1; k >= 0; k--) out += '/' + names[k]
    return out
  }

  // ---------------------------------------------------------------- writing

  /** Creates or replaces (or appends to) a file. Follows symlinks, creating a dangling one's target. */
  writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): void {
    const sc = 'open'
    let bytes: Uint8Array
    let fresh = false
    if (typeof data === 'string') {
      bytes = encodeUtf8(data)
      fresh = true
    } else if (data instanceof Uint8Array) bytes = data
    else throw new VfsError('EINVAL', 'write', path, undefined, 'data must be a string or a Uint8Array')
    const o: unknown = options === undefined ? {} : options
    if (!isObject(o)) throw new VfsError('EINVAL', sc, path)
    const append = o.append === true
    const excl = o.exclusive === true
    if (o.adopt === true) fresh = true
    const mode = o.mode === undefined ? 0o644 : o.mode
    if (!isMode(mode)) throw new VfsError('EINVAL', sc, path)
    const slash = typeof path === 'string' && path.length > 1 && path.charCodeAt(path.length - 1) === SLASH
    this.#walk(path, sc, excl || slash ? NOFOLLOW : CREATE)
    // open(O_CREAT) of a path with a trailing slash is always EISDIR on Linux.
    if (this.#rSlash || this.#rParent === -1) throw new VfsError('EISDIR', sc, path)
    const ino = this.#rIno
    if (ino !== -1) {
      if (excl) throw new VfsError('EEXIST', sc, path)
      const n = this.#node(ino)
      if ((n.mode & S_IFMT) !== S_IFREG) throw new VfsError('EISDIR', sc, path)
      const t = this.#clock()
      if (append) {
        this.#writeAt(n, n.size, bytes, sc, path, t)
        return
      }
      this.#check(sc, path, this.#upInodes(ino), this.#upBytes(ino) + bytes.length - n.size)
      const f = this.#mut(ino)
      if (f.owned && f.data.length >= bytes.length && f.data.length <= 2 * bytes.length + 64) {
        f.data.set(bytes) // reuse the buffer
      } else {
        f.data = fresh ? bytes : bytes.slice()
        f.owned = true
      }
      this.#bytes += bytes.length - f.size
      f.size = bytes.length
      f.mtime = t
      f.ctime = t
      return
    }
    const parent = this.#rParent
    const name = this.#rName
    this.#check(sc, path, 1 + this.#upInodes(parent), bytes.length)
    const t = this.#clock()
    const f = this.#alloc(S_IFREG | (mode & 0o7777), t)
    f.data = fresh || bytes.length === 0 ? bytes : bytes.slice()
    f.size = bytes.length
    f.owned = true
    this.#bytes += f.size
    this.#link(parent, name, f, t)
  }

  /** Writes `data` at `position` of an existing file, growing it (holes read as zeros). */
  write(path: string, position: number, data: Uint8Array): void {
    if (!isIndex(position)) throw new VfsError('EINVAL', 'write', path)
    if (!(data instanceof Uint8Array)) throw new VfsError('EINVAL', 'write', path)
    const n = this.#lookup(path, 'write', FOLLOW)
    if ((n.mode & S_IFMT) !== S_IFREG) throw new VfsError('EISDIR', 'write', path)
    this.#writeAt(n, position, data, 'write', path, this.#clock())
  }

  /** Sets a file's size: cuts, or extends with zeros. */
  truncate(path: string, length: number): void {
    if (!isIndex(length)) throw new VfsError('EINVAL', 'truncate', path)
    const n = this.#lookup(path, 'truncate', FOLLOW)
    if ((n.mode & S_IFMT) !== S_IFREG) throw new VfsError('EISDIR', 'truncate', path)
    this.#check('truncate', path, this.#upInodes(n.ino), this.#upBytes(n.ino) + length - n.size)
    const t = this.#clock()
    const f = this.#mut(n.ino)
    if (length > f.size) {
      this.#reserve(f, length)
      f.data.fill(0, f.size, length)
    }
    this.#bytes += length - f.size
    f.size = length
    if (length === 0 && !f.owned) f.data = EMPTY
    f.mtime = t
    f.ctime = t
  }

  /** Creates a directory; `recursive` creates missing parents and accepts an existing directory. */
  mkdir(path: string, options?: MkdirOptions): void {
    const sc = 'mkdir'
    const o: unknown = options === undefined ? {} : options
    if (!isObject(o)) throw new VfsError('EINVAL', sc, path)
    const mode = o.mode === undefined ? 0o755 : o.mode
    if (!isMode(mode)) throw new VfsError('EINVAL', sc, path)
    if (o.recursive === true) {
      this.#mkdirp(path, mode & 0o7777)
      return
    }
    this.#walk(path, sc, NOFOLLOW)
    if (this.#rIno !== -1) throw new VfsError('EEXIST', sc, path)
    this.#mkdirAt(this.#rParent, this.#rName, mode & 0o7777, sc, path)
  }

  #mkdirAt(parent: number, name: string, perm: number, sc: string, path: unknown): void {
    this.#check(sc, path, 1 + this.#upInodes(parent), 0)
    const t = this.#clock()
    const d = this.#alloc(S_IFDIR | perm, t)
    d.nlink = 2
    d.entries = new Map()
    d.parent = parent
    d.name = name
    this.#link(parent, name, d, t)
  }

  #mkdirp(path: string, perm: number): void {
    const sc = 'mkdir'
    let missingInMiddle = false
    try {
      this.#walk(path, sc, NOFOLLOW)
    } catch (e) {
      if (!(e instanceof VfsError) || e.code !== 'ENOENT') throw e
      missingInMiddle = true
    }
    if (!missingInMiddle) {
      if (this.#rIno !== -1) {
        const n = this.#node(this.#rIno)
        if (n.entries !== null) return
        if (this.#rSlash && (n.mode & S_IFMT) !== S_IFLNK) throw new VfsError('ENOTDIR', sc, path)
        if ((n.mode & S_IFMT) === S_IFLNK) {
          this.#walk(path, sc, FOLLOW)
          if (this.#rIno === -1) throw new VfsError('ENOENT', sc, path)
          if (this.#node(this.#rIno).entries !== null) return
        }
        throw new VfsError('EEXIST', sc, path)
      }
      this.#mkdirAt(this.#rParent, this.#rName, perm, sc, path)
      return
    }
    // Find the first missing component, then create everything after it.
    const comps = path.split('/').filter((c) => c.length > 0)
    let prefix = ''
    let first = -1
    let parent = ROOT_INO
    let firstName = ''
    for (let k = 0; k < comps.length; k++) {
      prefix += '/' + comps[k]
      this.#walk(prefix, sc, FOLLOW, path)
      if (this.#rIno === -1) {
        // A dangling symlink is not a directory to create (Node's mkdir -p says ENOENT too).
        first = k
        parent = this.#rParent
        firstName = this.#rName
        this.#walk(prefix, sc, NOFOLLOW, path)
        if (this.#rIno !== -1) throw new VfsError('ENOENT', sc, path)
        break
      }
      if (this.#node(this.#rIno).entries === null) throw new VfsError('ENOTDIR', sc, path)
    }
    if (first === -1) throw new VfsError('ENOENT', sc, path)
    let count = 0
    for (let k = first; k < comps.length; k++) if (comps[k] !== '.' && comps[k] !== '..') count++
    this.#check(sc, path, count + this.#upInodes(parent), 0)
    let cur = parent
    for (let k = first; k < comps.length; k++) {
      const c = k === first ? firstName : comps[k]
      if (c === '.') continue
      const dn = this.#node(cur)
      if (c === '..') {
        cur = dn.parent
        continue
      }
      const existing = (dn.entries as Map<string, number>).get(c)
      if (existing !== undefined) {
        if (this.#node(existing).entries === null) throw new VfsError('ENOTDIR', sc, path)
        cur = existing
        continue
      }
      this.#mkdirAt(cur, c, perm, sc, path)
      cur = (this.#node(cur).entries as Map<string, number>).get(c) as number
    }
  }

  /** Removes an empty directory. */
  rmdir(path: string): void {
    const sc = 'rmdir'
    this.#walk(path, sc, NOFOLLOW)
    const ino = this.#rIno
    if (ino === -1) throw new VfsError('ENOENT', sc, path)
    if (this.#rParent === -1) {
      const code: VfsErrorCode = ino === ROOT_INO && this.#rName === '' ? 'EBUSY' : this.#rName === '.' ? 'EINVAL' : 'ENOTEMPTY'
      throw new VfsError(code, sc, path)
    }
    const n = this.#node(ino)
    if (n.entries === null) throw new VfsError('ENOTDIR', sc, path)
    if (n.entries.size > 0) throw new VfsError('ENOTEMPTY', sc, path)
    this.#removeEntry(this.#rParent, this.#rName, n, this.#clock())
  }

  #removeEntry(parent: number, name: string, n: Inode, t: number): void {
    const d = this.#mut(parent)
    ;(d.entries as Map<string, number>).delete(name)
    d.mtime = t
    d.ctime = t
    if (n.entries !== null) {
      d.nlink--
      this.#dropTree(n, t)
    } else this.#unref(n, t)
  }

  /** Forgets a detached directory and everything under it. */
  #dropTree(top: Inode, t: number): void {
    const stack = [top]
    while (stack.length > 0) {
      const d = stack.pop() as Inode
      for (const ino of (d.entries as Map<string, number>).values()) {
        const c = this.#node(ino)
        if (c.entries !== null) stack.push(c)
        else this.#unref(c, t)
      }
      this.#release(d)
    }
  }

  /** Removes a non-directory name. */
  unlink(path: string): void {
    const sc = 'unlink'
    this.#walk(path, sc, NOFOLLOW)
    const ino = this.#rIno
    if (ino === -1) throw new VfsError('ENOENT', sc, path)
    const n = this.#node(ino)
    if (n.entries !== null || this.#rParent === -1) throw new VfsError('EISDIR', sc, path)
    if (this.#rSlash) throw new VfsError('ENOTDIR', sc, path)
    this.#removeEntry(this.#rParent, this.#rName, n, this.#clock())
  }

  /** `rm`: a file, or with `recursive` a whole tree; `force` ignores a missing path. */
  rm(path: string, options?: RmOptions): void {
    const sc = 'rm'
    const o: unknown = options === undefined ? {} : options
    if (!isObject(o)) throw new VfsError('EINVAL', sc, path)
    const force = o.force === true
    try {
      this.#walk(path, sc, NOFOLLOW)
    } catch (e) {
      if (force && e instanceof VfsError && e.code === 'ENOENT') return
      throw e
    }
    const ino = this.#rIno
    if (ino === -1) {
      if (force) return
      throw new VfsError('ENOENT', sc, path)
    }
    const n = this.#node(ino)
    if (n.entries !== null) {
      if (o.recursive !== true) throw new VfsError('EISDIR', sc, path)
      if (this.#rParent === -1) {
        const name = this.#rName
        throw new VfsError(name === '' ? 'EBUSY' : name === '.' ? 'EINVAL' : 'ENOTEMPTY', sc, path)
      }
    } else if (this.#rSlash) throw new VfsError('ENOTDIR', sc, path)
    this.#removeEntry(this.#rParent, this.#rName, n, this.#clock())
  }

  /** Moves a name, replacing an existing file or empty directory at the destination. */
  rename(from: string, to: string): void {
    const sc = 'rename'
    this.#walk(from, sc, NOFOLLOW, from, to)
    const fp = this.#rParent
    const fname = this.#rName
    const fino = this.#rIno
    const fslash = this.#rSlash
    // Linux resolves both parent directories before looking at the last components.
    this.#walk(to, sc, NOFOLLOW, from, to)
    const tp = this.#rParent
    const tname = this.#rName
    const tino = this.#rIno
    if (fp === -1 || tp === -1) throw new VfsError('EBUSY', sc, from, to)
    if (fino === -1) throw new VfsError('ENOENT', sc, from, to)
    const fnode = this.#node(fino)
    const fdir = fnode.entries !== null
    if (!fdir && (fslash || this.#rSlash)) throw new VfsError('ENOTDIR', sc, from, to)
    const tnode = tino === -1 ? undefined : this.#node(tino)
    if (fino === tino) return
    // As Linux: a source that is an ancestor of the target is EINVAL, a target that is an
    // ancestor of the source ENOTEMPTY, both before any type check.
    if (fdir) {
      for (let d = tp; ; d = this.#node(d).parent) {
        if (d === fino) throw new VfsError('EINVAL', sc, from, to)
        if (d === ROOT_INO) break
      }
    }
    if (tnode !== undefined && tnode.entries !== null) {
      for (let d = fp; ; d = this.#node(d).parent) {
        if (d === tino) throw new VfsError('ENOTEMPTY', sc, from, to)
        if (d === ROOT_INO) break
      }
    }
    if (fdir) {
      if (tnode !== undefined && tnode.entries === null) throw new VfsError('ENOTDIR', sc, from, to)
      if (tnode !== undefined && (tnode.entries as Map<string, number>).size > 0) {
        throw new VfsError('ENOTEMPTY', sc, from, to)
      }
    } else {
      if (tnode !== undefined && tnode.entries !== null) throw new VfsError('EISDIR', sc, from, to)
    }
    const t = this.#clock()
    const fd = this.#mut(fp)
    ;(fd.entries as Map<string, number>).delete(fname)
    fd.mtime = t
    fd.ctime = t
    const td = this.#mut(tp)
    if (tnode !== undefined) {
      if (tnode.entries !== null) {
        td.nlink--
        this.#release(tnode)
      } else this.#unref(tnode, t)
    }
    ;(td.entries as Map<string, number>).set(tname, fino)
    td.mtime = t
    td.ctime = t
    if (fdir) {
      const m = this.#mut(fino)
      m.parent = tp
      m.name = tname
      m.ctime = t
      if (fp !== tp) {
        fd.nlink--
        td.nlink++
      }
    } else if (this.#upper.has(fino)) {
      this.#mut(fino).ctime = t
    }
  }

  /**
   * Copies a file (following symlinks) or, with `recursive`, a tree (symlinks inside are copied
   * as symlinks; an existing destination directory is merged into). File bytes are shared
   * copy-on-write, so a copy costs no memory until one side writes.
   */
  copy(from: string, to: string, options?: { recursive?: boolean }): void {
    const sc = 'copyfile'
    const o: unknown = options === undefined ? {} : options
    if (!isObject(o)) throw new VfsError('EINVAL', sc, from, to)
    const recursive = o.recursive === true
    this.#walk(from, sc, FOLLOW, from, to)
    if (this.#rIno === -1) throw new VfsError('ENOENT', sc, from, to)
    const src = this.#node(this.#rIno)
    if (src.entries !== null && !recursive) throw new VfsError('EISDIR', sc, from, to)
    this.#walk(to, sc, FOLLOW, from, to)
    const tino = this.#rIno
    const tp = this.#rParent
    const tname = this.#rName
    if (src.entries === null) {
      if (tino !== -1 && this.#node(tino).entries !== null) throw new VfsError('EISDIR', sc, from, to)
      if (tino === src.ino) return
      if (tino === -1) this.#check(sc, to, 1 + this.#upInodes(tp), src.size)
      else this.#check(sc, to, this.#upInodes(tino), this.#upBytes(tino) + src.size - this.#node(tino).size)
      this.#copyFileTo(src, tp, tname, tino, this.#clock())
      return
    }
    // A directory tree.
    if (tino !== -1 && this.#node(tino).entries === null) throw new VfsError('ENOTDIR', sc, from, to)
    let d = tino !== -1 ? tino : tp
    for (;;) {
      if (d === src.ino) throw new VfsError('EINVAL', sc, from, to)
      if (d === ROOT_INO) break
      d = this.#node(d).parent
    }
    // Upper bound of what the copy needs, checked before anything changes.
    let needInodes = 2
    let needBytes = 0
    const count = [src]
    while (count.length > 0) {
      const dn = count.pop() as Inode
      for (const ino of (dn.entries as Map<string, number>).values()) {
        const c = this.#node(ino)
        needInodes += 2
        if (c.entries !== null) count.push(c)
        else if ((c.mode & S_IFMT) === S_IFREG) needBytes += c.size
      }
    }
    this.#check(sc, from, needInodes, needBytes)
    const t = this.#clock()
    const work: Array<[Inode, number]> = []
    let root: number
    if (tino === -1) {
      this.#mkdirAt(tp, tname, src.mode & 0o7777, sc, to)
      root = (this.#node(tp).entries as Map<string, number>).get(tname) as number
    } else root = tino
    work.push([src, root])
    while (work.length > 0) {
      const [s, dst] = work.pop() as [Inode, number]
      for (const [name, ino] of s.entries as Map<string, number>) {
        const c = this.#node(ino)
        const existing = (this.#node(dst).entries as Map<string, number>).get(name)
        const type = c.mode & S_IFMT
        if (type === S_IFDIR) {
          let target = existing
          if (target !== undefined && this.#node(target).entries === null) {
            throw new VfsError('ENOTDIR', sc, from, to)
          }
          if (target === undefined) {
            this.#mkdirAt(dst, name, c.mode & 0o7777, sc, to)
            target = (this.#node(dst).entries as Map<string, number>).get(name) as number
          }
          work.push([c, target])
        } else if (type === S_IFLNK) {
          if (existing !== undefined) {
            const en = this.#node(existing)
            if (en.entries !== null) throw new VfsError('EISDIR', sc, from, to)
            this.#removeEntry(dst, name, en, t)
          }
          const l = this.#alloc(S_IFLNK | 0o777, t)
          l.target = c.target
          l.size = c.size
          this.#link(dst, name, l, t)
        } else {
          if (existing !== undefined && this.#node(existing).entries !== null) {
            throw new VfsError('EISDIR', sc, from, to)
          }
          this.#copyFileTo(c, dst, name, existing === undefined ? -1 : existing, t)
        }
      }
    }
  }

  #copyFileTo(src: Inode, parent: number, name: string, existing: number, t: number): void {
    if (src.owner === this.#token) src.owned = false
    if (existing !== -1) {
      const f = this.#mut(existing)
      if ((f.mode & S_IFMT) !== S_IFREG) {
        // A symlink at the destination of a tree copy: replace it by a file.
        this.#removeEntry(parent, name, f, t)
        this.#copyFileTo(src, parent, name, -1, t)
        return
      }
      this.#bytes += src.size - f.size
      f.data = src.data
      f.size = src.size
      f.owned = false
      f.mtime = t
      f.ctime = t
      return
    }
    const f = this.#alloc(S_IFREG | (src.mode & 0o7777), t)
    f.data = src.data
    f.size = src.size
    f.owned = false
    this.#bytes += f.size
    this.#link(parent, name, f, t)
  }

  /** Creates a symlink at `path` pointing to `target` (which need not exist). */
  symlink(target: string, path: string): void {
    const sc = 'symlink'
    if (typeof target !== 'string' || target.indexOf('\0') !== -1 || LONE_SURROGATE.test(target)) throw new VfsError('EINVAL', sc, target, path)
    if (target.length === 0) throw new VfsError('ENOENT', sc, target, path)
    const tl = utf8Length(target)
    if (tl > MAX_PATH) throw new VfsError('ENAMETOOLONG', sc, target, path)
    this.#walk(path, sc, NOFOLLOW, target, path)
    if (this.#rIno !== -1) throw new VfsError('EEXIST', sc, target, path)
    if (this.#rSlash) throw new VfsError('ENOENT', sc, target, path)
    const parent = this.#rParent
    this.#check(sc, path, 1 + this.#upInodes(parent), 0)
    const t = this.#clock()
    const l = this.#alloc(S_IFLNK | 0o777, t)
    l.target = target
    l.size = tl
    this.#link(parent, this.#rName, l, t)
  }

  /** Adds a hard link `path` to the non-directory `existing` (a symlink is linked, not followed). */
  link(existing: string, path: string): void {
    const sc = 'link'
    // The source is not followed, except that a trailing slash means "a directory" (so follows).
    this.#walk(existing, sc, LSTAT, existing, path)
    const eino = this.#rIno
    if (eino === -1) throw new VfsError('ENOENT', sc, existing, path)
    this.#walk(path, sc, NOFOLLOW, existing, path)
    if (this.#rIno !== -1) throw new VfsError('EEXIST', sc, existing, path)
    if (this.#rSlash) throw new VfsError('ENOENT', sc, existing, path)
    // Linux checks the new name before refusing a directory.
    if (this.#node(eino).entries !== null) throw new VfsError('EPERM', sc, existing, path)
    const parent = this.#rParent
    const name = this.#rName
    this.#check(sc, existing, this.#upInodes(eino) + this.#upInodes(parent), this.#upBytes(eino))
    const t = this.#clock()
    const m = this.#mut(eino)
    m.nlink++
    m.ctime = t
    this.#link(parent, name, m, t)
  }

  /** Changes the permission bits (the low 12 bits of `mode`). */
  chmod(path: string, mode: number): void {
    if (!isMode(mode)) throw new VfsError('EINVAL', 'chmod', path)
    const n = this.#lookup(path, 'chmod', FOLLOW)
    this.#check('chmod', path, this.#upInodes(n.ino), this.#upBytes(n.ino))
    const m = this.#mut(n.ino)
    m.mode = (m.mode & S_IFMT) | (mode & 0o7777)
    m.ctime = this.#clock()
  }

  /** Changes owner and group (-1 leaves one unchanged). */
  chown(path: string, uid: number, gid: number, options?: { follow?: boolean }): void {
    const sc = isObject(options) && options.follow === false ? 'lchown' : 'chown'
    if (!isIdOrKeep(uid) || !isIdOrKeep(gid)) throw new VfsError('EINVAL', sc, path)
    const n = this.#lookup(path, sc, sc === 'chown' ? FOLLOW : LSTAT)
    this.#check(sc, path, this.#upInodes(n.ino), this.#upBytes(n.ino))
    const m = this.#mut(n.ino)
    if (uid !== -1) m.uid = uid
    if (gid !== -1) m.gid = gid
    m.ctime = this.#clock()
  }

  /** Sets access and modification times (epoch ms); ctime becomes now. */
  utimes(path: string, atimeMs: number, mtimeMs: number, options?: { follow?: boolean }): void {
    const nofollow = isObject(options) && options.follow === false
    const sc = nofollow ? 'lutime' : 'utime'
    if (!isTime(atimeMs) || !isTime(mtimeMs)) throw new VfsError('EINVAL', sc, path)
    const n = this.#lookup(path, sc, nofollow ? LSTAT : FOLLOW)
    this.#check(sc, path, this.#upInodes(n.ino), this.#upBytes(n.ino))
    const m = this.#mut(n.ino)
    m.atime = atimeMs
    m.mtime = mtimeMs
    m.ctime = this.#clock()
  }
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

function isMode(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o177777
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xfffffffe
}

function isIdOrKeep(v: unknown): v is number {
  return v === -1 || isId(v)
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

function limit(v: unknown, name: string): number {
  if (v === undefined) return Infinity
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
    throw new VfsError('EINVAL', 'setQuota', '', undefined, `${name} must be a non-negative number`)
  }
  return v
}
