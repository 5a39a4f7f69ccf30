// node:fs over WASI: the sync calls, their callback forms (completed in the loop's I/O phase) and
// fs.promises; Stats, Dirent, read/write streams; errors as Node reports them
// (ENOENT: no such file or directory, open 'x', with errno/code/syscall/path).
import { N } from './native.js'
import { invalidArgType, invalidArgValue, nodeError, uvError, validateFunction } from './errors.js'
import { Buffer } from './buffer.js'
import { fileURLToPath, URL } from './url.js'
import { queueIO } from './loop.js'
import { Readable, Writable } from './stream.js'
import { EventEmitter } from './events.js'
import pathMod from './path.js'

// wasi-libc's errno numbers (the natives return -errno)
const W_ENOENT = 44
const W_EEXIST = 20
const W_EISDIR = 31
const W_ENOTDIR = 54

const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000
const S_IFCHR = 0o020000
const S_IFBLK = 0o060000
const S_IFIFO = 0o010000
const S_IFSOCK = 0o140000

export const constants = {
  UV_FS_SYMLINK_DIR: 1, UV_FS_SYMLINK_JUNCTION: 2, O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, UV_DIRENT_UNKNOWN: 0,
  UV_DIRENT_FILE: 1, UV_DIRENT_DIR: 2, UV_DIRENT_LINK: 3, UV_DIRENT_FIFO: 4, UV_DIRENT_SOCKET: 5, UV_DIRENT_CHAR: 6,
  UV_DIRENT_BLOCK: 7, S_IFMT, S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK, S_IFIFO, S_IFLNK, S_IFSOCK, O_CREAT: 64, O_EXCL: 128,
  UV_FS_O_FILEMAP: 0, O_NOCTTY: 256, O_TRUNC: 512, O_APPEND: 1024, O_DIRECTORY: 65536, O_NOATIME: 262144,
  O_NOFOLLOW: 131072, O_SYNC: 1052672, O_DSYNC: 4096, O_DIRECT: 16384, O_NONBLOCK: 2048, S_IRWXU: 448, S_IRUSR: 256,
  S_IWUSR: 128, S_IXUSR: 64, S_IRWXG: 56, S_IRGRP: 32, S_IWGRP: 16, S_IXGRP: 8, S_IRWXO: 7, S_IROTH: 4, S_IWOTH: 2,
  S_IXOTH: 1, F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, UV_FS_COPYFILE_EXCL: 1, COPYFILE_EXCL: 1, UV_FS_COPYFILE_FICLONE: 2,
  COPYFILE_FICLONE: 2, UV_FS_COPYFILE_FICLONE_FORCE: 4, COPYFILE_FICLONE_FORCE: 4,
}
export const F_OK = 0
export const R_OK = 4
export const W_OK = 2
export const X_OK = 1

// ---- arguments ------------------------------------------------------------------------------

function toPath(p, name = 'path') {
  if (typeof p === 'string') {
    if (p.includes('\u0000')) throw invalidArgValue(name, p, "must be a string, Uint8Array, or URL without null bytes")
    return p
  }
  if (p instanceof URL) return fileURLToPath(p)
  if (p instanceof Uint8Array) return Buffer.from(p).toString()
  throw invalidArgType(name, 'of type string or an instance of Buffer or URL', p)
}

const STDIO_PATHS = { '/dev/stdin': 0, '/dev/stdout': 1, '/dev/stderr': 2, '/proc/self/fd/0': 0, '/proc/self/fd/1': 1, '/proc/self/fd/2': 2, '/dev/fd/0': 0, '/dev/fd/1': 1, '/dev/fd/2': 2 }

// readFile/writeFile of /dev/stdin, /dev/stdout, /dev/stderr use the process's own fds
function toPathOrFd(p, name = 'path') {
  if (typeof p === 'number') return p
  const path = toPath(p, name)
  return Object.prototype.hasOwnProperty.call(STDIO_PATHS, path) ? STDIO_PATHS[path] : path
}

function getOptions(options, defaults) {
  if (options === undefined || options === null || typeof options === 'function') return defaults
  if (typeof options === 'string') return { ...defaults, encoding: options }
  if (typeof options !== 'object') throw invalidArgType('options', 'one of type string or an instance of Object', options)
  return { ...defaults, ...options }
}

function check(rc, syscall, path, dest) {
  if (typeof rc === 'number' && rc < 0) throw uvError(-rc, syscall, path, dest)
  return rc
}

function flagsToOpen(flags) {
  if (typeof flags === 'number') {
    // Linux numbers (fs.constants) to wasi-libc's
    let f = (flags & 3) === 0 ? N.O_RDONLY : (flags & 3) === 1 ? N.O_WRONLY : N.O_RDWR
    if (flags & 64) f |= N.O_CREAT
    if (flags & 128) f |= N.O_EXCL
    if (flags & 512) f |= N.O_TRUNC
    if (flags & 1024) f |= N.O_APPEND
    if (flags & 65536) f |= N.O_DIRECTORY
    if (flags & 131072) f |= N.O_NOFOLLOW
    return f
  }
  switch (flags ?? 'r') {
    case 'r': case 'rs': case 'sr': return N.O_RDONLY
    case 'r+': case 'rs+': case 'sr+': return N.O_RDWR
    case 'w': return N.O_WRONLY | N.O_CREAT | N.O_TRUNC
    case 'wx': case 'xw': return N.O_WRONLY | N.O_CREAT | N.O_TRUNC | N.O_EXCL
    case 'w+': return N.O_RDWR | N.O_CREAT | N.O_TRUNC
    case 'wx+': case 'xw+': return N.O_RDWR | N.O_CREAT | N.O_TRUNC | N.O_EXCL
    case 'a': case 'as': case 'sa': return N.O_WRONLY | N.O_CREAT | N.O_APPEND
    case 'ax': case 'xa': return N.O_WRONLY | N.O_CREAT | N.O_APPEND | N.O_EXCL
    case 'a+': case 'as+': case 'sa+': return N.O_RDWR | N.O_CREAT | N.O_APPEND
    case 'ax+': case 'xa+': return N.O_RDWR | N.O_CREAT | N.O_APPEND | N.O_EXCL
  }
  throw invalidArgValue('flags', flags)
}

function dataBytes(data, encoding) {
  if (typeof data === 'string') {
    if (!encoding || encoding === 'utf8' || encoding === 'utf-8') return data
    return Buffer.from(data, encoding)
  }
  if (data instanceof Uint8Array) return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
}

function modeOf(mode, dflt) {
  if (mode === undefined || mode === null) return dflt
  if (typeof mode === 'string') return parseInt(mode, 8)
  return mode
}

// ---- Stats, Dirent -------------------------------------------------------------------------

// WASI has no permission bits: show the usual ones.
function withPerms(mode) {
  if ((mode & 0o7777) !== 0) return mode
  const type = mode & S_IFMT
  return mode | (type === S_IFDIR ? 0o755 : type === S_IFLNK ? 0o777 : 0o644)
}

export class Stats {
  constructor(dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs) {
    this.dev = dev
    this.mode = mode
    this.nlink = nlink
    this.uid = uid
    this.gid = gid
    this.rdev = rdev
    this.blksize = blksize
    this.ino = ino
    this.size = size
    this.blocks = blocks
    this.atimeMs = atimeMs
    this.mtimeMs = mtimeMs
    this.ctimeMs = ctimeMs
    this.birthtimeMs = birthtimeMs
    this.atime = new Date(atimeMs)
    this.mtime = new Date(mtimeMs)
    this.ctime = new Date(ctimeMs)
    this.birthtime = new Date(birthtimeMs)
  }
  isFile() {
    return (this.mode & S_IFMT) === S_IFREG
  }
  isDirectory() {
    return (this.mode & S_IFMT) === S_IFDIR
  }
  isSymbolicLink() {
    return (this.mode & S_IFMT) === S_IFLNK
  }
  isBlockDevice() {
    return (this.mode & S_IFMT) === S_IFBLK
  }
  isCharacterDevice() {
    return (this.mode & S_IFMT) === S_IFCHR
  }
  isFIFO() {
    return (this.mode & S_IFMT) === S_IFIFO
  }
  isSocket() {
    return (this.mode & S_IFMT) === S_IFSOCK
  }
}

function makeStats(a, bigint) {
  const [dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks, atimeMs, mtimeMs, ctimeMs] = a
  const m = withPerms(mode)
  const bs = blksize || 4096
  const blk = blocks || Math.ceil(size / 512)
  if (bigint) {
    const s = new Stats(...[dev, m, nlink, uid, gid, rdev, bs, ino, size, blk].map((v) => BigInt(Math.trunc(v))), atimeMs, mtimeMs, ctimeMs, ctimeMs)
    for (const k of ['atimeMs', 'mtimeMs', 'ctimeMs', 'birthtimeMs']) s[k] = BigInt(Math.trunc(s[k]))
    s.atimeNs = BigInt(Math.round(atimeMs * 1e6))
    s.mtimeNs = BigInt(Math.round(mtimeMs * 1e6))
    s.ctimeNs = BigInt(Math.round(ctimeMs * 1e6))
    s.birthtimeNs = s.ctimeNs
    const isType = (t) => (Number(s.mode) & S_IFMT) === t
    s.isFile = () => isType(S_IFREG)
    s.isDirectory = () => isType(S_IFDIR)
    s.isSymbolicLink = () => isType(S_IFLNK)
    return s
  }
  return new Stats(dev, m, nlink, uid, gid, rdev, bs, ino, size, blk, atimeMs, mtimeMs, ctimeMs, ctimeMs)
}

const kType = Symbol('type')
const DIRENT_TYPES = { 1: S_IFREG, 2: S_IFDIR, 3: S_IFLNK, 4: S_IFCHR, 5: S_IFBLK, 6: S_IFSOCK, 7: S_IFIFO }

export class Dirent {
  constructor(name, type, dir) {
    this.name = name
    this.parentPath = dir
    this.path = dir
    this[kType] = type
  }
  isFile() {
    return this[kType] === 1
  }
  isDirectory() {
    return this[kType] === 2
  }
  isSymbolicLink() {
    return this[kType] === 3
  }
  isCharacterDevice() {
    return this[kType] === 6
  }
  isBlockDevice() {
    return this[kType] === 7
  }
  isFIFO() {
    return this[kType] === 4
  }
  isSocket() {
    return this[kType] === 5
  }
}

// our kinds (1 file 2 dir 3 link 4 chr 5 blk 6 sock 7 fifo) → libuv's UV_DIRENT_* numbers
const UV_DIRENT = { 1: 1, 2: 2, 3: 3, 4: 6, 5: 7, 6: 5, 7: 4 }
// ---- sync API ------------------------------------------------------------------------------

export function existsSync(p) {
  try {
    p = toPath(p)
  } catch {
    return false
  }
  return typeof N.stat(p, true) !== 'number'
}

export function statSync(p, options) {
  p = toPath(p)
  const r = N.stat(p, true)
  if (typeof r === 'number') {
    if (options?.throwIfNoEntry === false && -r === W_ENOENT) return undefined
    check(r, 'stat', p)
  }
  return makeStats(r, options?.bigint)
}

export function lstatSync(p, options) {
  p = toPath(p)
  const r = N.stat(p, false)
  if (typeof r === 'number') {
    if (options?.throwIfNoEntry === false && -r === W_ENOENT) return undefined
    check(r, 'lstat', p)
  }
  return makeStats(r, options?.bigint)
}

export function fstatSync(fd, options) {
  const r = N.stat(fd, true)
  check(r, 'fstat')
  return makeStats(r, options?.bigint)
}

export function readFileSync(p, options) {
  const opts = getOptions(options, { encoding: null, flag: 'r' })
  const target = toPathOrFd(p)
  const enc = opts.encoding
  const asString = enc === 'utf8' || enc === 'utf-8'
  if (enc && !asString && !Buffer.isEncoding(enc)) throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'encoding' is invalid encoding. Received '${enc}'`)
  const r = N.readFile(target, asString)
  if (typeof r === 'number') {
    if (-r === W_EISDIR) check(r, 'read')
    check(r, typeof target === 'number' ? 'read' : 'open', typeof target === 'number' ? undefined : target)
  }
  if (asString) return r
  const buf = Buffer.from(r)
  return enc ? buf.toString(enc) : buf
}

export function writeFileSync(p, data, options) {
  const opts = getOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'w' })
  const target = toPathOrFd(p)
  const flag = opts.flag ?? 'w'
  const flags = (String(flag).includes('a') ? 1 : 0) | (String(flag).includes('x') ? 2 : 0)
  if (typeof data !== 'string' && !ArrayBuffer.isView(data)) {
    if (data !== null && typeof data === 'object' && typeof data.toString === 'function' && data.toString !== Object.prototype.toString) data = String(data)
    else throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
  }
  const bytes = dataBytes(data, opts.encoding)
  if ((target === 1 || target === 2) && hooks.writeStdio) {
    hooks.writeStdio(target, typeof bytes === 'string' ? Buffer.from(bytes) : bytes)
    return
  }
  check(N.writeFile(target, bytes, flags, modeOf(opts.mode, 0o666)), typeof target === 'number' ? 'write' : 'open', typeof target === 'number' ? undefined : target)
}

export function appendFileSync(p, data, options) {
  const opts = getOptions(options, { encoding: 'utf8', mode: 0o666, flag: 'a' })
  writeFileSync(p, data, { ...opts, flag: opts.flag ?? 'a' })
}

function readdirKinds(p) {
  const r = N.readdir(p)
  check(r, 'scandir', p)
  return r
}

export function readdirSync(p, options) {
  const opts = getOptions(options, { encoding: 'utf8', withFileTypes: false, recursive: false })
  p = toPath(p)
  const out = []
  const walk = (dir, rel) => {
    const [names, kinds] = readdirKinds(dir)
    for (let i = 0; i < names.length; i++) {
      const name = names[i]
      let kind = kinds[i]
      const full = dir.endsWith('/') ? dir + name : `${dir}/${name}`
      if (kind === 0) {
        const st = N.stat(full, false)
        kind = typeof st === 'number' ? 0 : { [S_IFREG]: 1, [S_IFDIR]: 2, [S_IFLNK]: 3 }[st[2] & S_IFMT] ?? 0
      }
      const relName = rel ? `${rel}/${name}` : name
      if (opts.withFileTypes) out.push(new Dirent(name, UV_DIRENT[kind] ?? 0, dir))
      else out.push(opts.encoding === 'buffer' ? Buffer.from(relName) : relName)
      if (opts.recursive && kind === 2) walk(full, relName)
    }
  }
  walk(p, '')
  return out
}

export function mkdirSync(p, options) {
  const opts = typeof options === 'number' || typeof options === 'string' ? { mode: options } : getOptions(options, {})
  p = toPath(p)
  const mode = modeOf(opts.mode, 0o777)
  if (!opts.recursive) {
    check(N.mkdir(p, mode), 'mkdir', p)
    return undefined
  }
  const abs = pathMod.resolve(p)
  const parts = abs.split('/').filter(Boolean)
  let cur = ''
  let first
  for (const part of parts) {
    cur += '/' + part
    const st = N.stat(cur, true)
    if (typeof st !== 'number') {
      if ((st[2] & S_IFMT) !== S_IFDIR) throw uvError(W_ENOTDIR, 'mkdir', p)
      continue
    }
    const rc = N.mkdir(cur, mode)
    if (rc < 0 && -rc !== W_EEXIST) check(rc, 'mkdir', p)
    if (first === undefined && rc === 0) first = cur
  }
  return first
}

export function mkdtempSync(prefix, options) {
  prefix = toPath(prefix, 'prefix')
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  for (let attempt = 0; attempt < 100; attempt++) {
    const bytes = new Uint8Array(6)
    N.randomFill(bytes)
    let suffix = ''
    for (const b of bytes) suffix += chars[b % chars.length]
    const rc = N.mkdir(prefix + suffix, 0o700)
    if (rc === 0) return prefix + suffix
    if (-rc !== W_EEXIST) check(rc, 'mkdtemp', prefix + 'XXXXXX')
  }
  throw uvError(W_EEXIST, 'mkdtemp', prefix + 'XXXXXX')
}

export function rmdirSync(p, options) {
  p = toPath(p)
  if (options?.recursive) return rmSync(p, { recursive: true, force: true })
  check(N.rmdir(p), 'rmdir', p)
}

export function unlinkSync(p) {
  p = toPath(p)
  check(N.unlink(p), 'unlink', p)
}

function removeTree(p) {
  const st = N.stat(p, false)
  if (typeof st === 'number') return st
  if ((st[2] & S_IFMT) === S_IFDIR) {
    const r = N.readdir(p)
    if (typeof r === 'number') return r
    for (const name of r[0]) {
      const rc = removeTree(`${p}/${name}`)
      if (rc < 0) return rc
    }
    return N.rmdir(p)
  }
  return N.unlink(p)
}

export function rmSync(p, options) {
  p = toPath(p)
  const opts = getOptions(options, { recursive: false, force: false })
  const st = N.stat(p, false)
  if (typeof st === 'number') {
    if (opts.force && -st === W_ENOENT) return
    check(st, 'lstat', p)
  }
  if ((st[2] & S_IFMT) === S_IFDIR) {
    if (!opts.recursive) {
      const err = nodeError(Error, 'ERR_FS_EISDIR', `Path is a directory: rm returned EISDIR (is a directory) ${p}`)
      err.name = 'SystemError'
      err.errno = 21
      err.syscall = 'rm'
      err.path = p
      err.info = { code: 'EISDIR', message: 'is a directory', path: p, syscall: 'rm', errno: 21 }
      throw err
    }
    check(removeTree(p), 'rm', p)
    return
  }
  check(N.unlink(p), 'rm', p)
}

export function renameSync(from, to) {
  from = toPath(from, 'oldPath')
  to = toPath(to, 'newPath')
  check(N.rename(from, to), 'rename', from, to)
}

export function copyFileSync(src, dest, mode = 0) {
  src = toPath(src, 'src')
  dest = toPath(dest, 'dest')
  const data = N.readFile(src, false)
  if (typeof data === 'number') check(data, 'copyfile', src, dest)
  const rc = N.writeFile(dest, new Uint8Array(data), mode & 1 ? 2 : 0, 0o644)
  check(rc, 'copyfile', src, dest)
}

export function cpSync(src, dest, options = {}) {
  src = toPath(src, 'src')
  dest = toPath(dest, 'dest')
  const st = N.stat(src, !options.dereference ? false : true)
  check(st, 'cp', src)
  if ((st[2] & S_IFMT) === S_IFDIR) {
    if (!options.recursive) {
      const err = nodeError(Error, 'ERR_FS_EISDIR', `Recursive option is required to copy a directory: cp returned EISDIR (${src} is a directory (not copied)) ${src}`)
      err.name = 'SystemError'
      throw err
    }
    mkdirSync(dest, { recursive: true })
    for (const name of readdirKinds(src)[0]) {
      const from = `${src}/${name}`
      if (typeof options.filter === 'function' && !options.filter(from, `${dest}/${name}`)) continue
      cpSync(from, `${dest}/${name}`, options)
    }
    return
  }
  if ((st[2] & S_IFMT) === S_IFLNK) {
    const target = N.readlink(src)
    check(target, 'readlink', src)
    if (existsSync(dest) && options.force !== false) N.unlink(dest)
    check(N.symlink(target, dest), 'symlink', target, dest)
    return
  }
  if (existsSync(dest)) {
    if (options.errorOnExist && options.force === false) throw uvError(W_EEXIST, 'cp', dest)
    if (options.force === false) return
  }
  copyFileSync(src, dest)
}

export function accessSync(p, mode = F_OK) {
  p = toPath(p)
  check(N.stat(p, true), 'access', p)
  void mode
}

export function chmodSync(p, mode) {
  p = toPath(p)
  check(N.stat(p, true), 'chmod', p)
  void mode
}
export function lchmodSync(p, mode) {
  chmodSync(p, mode)
}
export function fchmodSync(fd, mode) {
  check(N.stat(fd, true), 'fchmod')
  void mode
}
export function chownSync(p, uid, gid) {
  p = toPath(p)
  check(N.stat(p, true), 'chown', p)
  void uid
  void gid
}
export const lchownSync = chownSync
export function fchownSync(fd) {
  check(N.stat(fd, true), 'fchown')
}

function toMs(t) {
  if (t instanceof Date) return t.getTime()
  if (typeof t === 'string') return Number(t) * 1000
  if (typeof t === 'bigint') return Number(t) * 1000
  return t * 1000
}
export function utimesSync(p, atime, mtime) {
  p = toPath(p)
  check(N.utimes(p, toMs(atime), toMs(mtime)), 'utime', p)
}
export const lutimesSync = utimesSync
export function futimesSync() {}

export function symlinkSync(target, p) {
  target = toPath(target, 'target')
  p = toPath(p)
  check(N.symlink(target, p), 'symlink', target, p)
}

export function linkSync(existing, p) {
  existing = toPath(existing, 'existingPath')
  p = toPath(p, 'newPath')
  check(N.link(existing, p), 'link', existing, p)
}

export function readlinkSync(p, options) {
  p = toPath(p)
  const r = N.readlink(p)
  check(r, 'readlink', p)
  return getOptions(options, {}).encoding === 'buffer' ? Buffer.from(r) : r
}

export function realpathSync(p, options) {
  p = toPath(p)
  let resolved = pathMod.resolve(p)
  const seen = new Set()
  for (let guard = 0; guard < 64; guard++) {
    const parts = resolved.split('/').filter(Boolean)
    let cur = ''
    let changed = false
    for (let i = 0; i < parts.length; i++) {
      const next = `${cur}/${parts[i]}`
      const st = N.stat(next, false)
      if (typeof st === 'number') check(st, 'lstat', next)
      if ((st[2] & S_IFMT) === S_IFLNK) {
        if (seen.has(next)) throw uvError(32, 'realpath', p)
        seen.add(next)
        const target = N.readlink(next)
        check(target, 'readlink', next)
        resolved = pathMod.resolve(cur || '/', target, ...parts.slice(i + 1))
        changed = true
        break
      }
      cur = next
    }
    if (!changed) {
      const out = cur || '/'
      return getOptions(options, {}).encoding === 'buffer' ? Buffer.from(out) : out
    }
  }
  throw uvError(32, 'realpath', p)
}
realpathSync.native = realpathSync

export function truncateSync(p, len = 0) {
  if (typeof p === 'number') return ftruncateSync(p, len)
  p = toPath(p)
  check(N.truncate(p, len), 'open', p)
}

export function ftruncateSync(fd, len = 0) {
  check(N.ftruncate(fd, len), 'ftruncate')
}

export function openSync(p, flags = 'r', mode = 0o666) {
  p = toPath(p)
  const fd = N.open(p, flagsToOpen(flags), modeOf(mode, 0o666))
  check(fd, 'open', p)
  return fd
}

export function closeSync(fd) {
  if (typeof fd !== 'number') throw invalidArgType('fd', 'of type number', fd)
  check(N.close(fd), 'close')
}

export function readSync(fd, buffer, offsetOrOptions, length, position) {
  let offset = offsetOrOptions
  if (offsetOrOptions !== null && typeof offsetOrOptions === 'object') {
    ;({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions)
  }
  offset = offset ?? 0
  length = length ?? buffer.byteLength - offset
  const u8 = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  const pos = position === null || position === undefined || position === -1 ? -1 : Number(position)
  const r = N.read(fd, u8, offset, length, pos)
  check(r, 'read')
  return r
}

export function writeSync(fd, data, offsetOrPosition, lengthOrEncoding, position) {
  let bytes
  let pos = -1
  if (typeof data === 'string') {
    bytes = Buffer.from(data, typeof lengthOrEncoding === 'string' ? lengthOrEncoding : 'utf8')
    if (typeof offsetOrPosition === 'number') pos = offsetOrPosition
  } else {
    const u8 = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    let offset = 0
    let length = u8.length
    if (offsetOrPosition !== null && typeof offsetOrPosition === 'object') {
      ;({ offset = 0, length = u8.length - offset, position = null } = offsetOrPosition)
    } else {
      offset = offsetOrPosition ?? 0
      length = lengthOrEncoding ?? u8.length - offset
    }
    bytes = u8.subarray(offset, offset + length)
    if (typeof position === 'number') pos = position
  }
  if (pos === -1 && (fd === 1 || fd === 2) && hooks.writeStdio) {
    hooks.writeStdio(fd, bytes)
    return bytes.length
  }
  const r = N.writeFd(fd, bytes, 0, bytes.length, pos)
  check(r, 'write')
  return r
}

export function fsyncSync(fd) {
  check(N.stat(fd, true), 'fsync')
}
export const fdatasyncSync = fsyncSync

/** The prelude routes writes to fds 1 and 2 through process.stdout/stderr's buffer. */
export const hooks = { writeStdio: null }

// ---- Dir -------------------------------------------------------------------------------------

export class Dir {
  #entries
  #i = 0
  constructor(path) {
    this.path = path
    this.#entries = readdirSync(path, { withFileTypes: true })
  }
  readSync() {
    return this.#i < this.#entries.length ? this.#entries[this.#i++] : null
  }
  read(cb) {
    const p = new Promise((resolve) => queueIO(() => resolve(this.readSync())))
    if (typeof cb === 'function') p.then((v) => cb(null, v))
    else return p
  }
  closeSync() {}
  close(cb) {
    if (typeof cb === 'function') queueIO(() => cb(null))
    else return Promise.resolve()
  }
  async *[Symbol.asyncIterator]() {
    let e
    while ((e = this.readSync()) !== null) yield e
  }
  *[Symbol.iterator]() {
    let e
    while ((e = this.readSync()) !== null) yield e
  }
}
export function opendirSync(p) {
  return new Dir(toPath(p))
}

// ---- callback and promise forms --------------------------------------------------------------

function callbackForm(fn, name) {
  return function (...args) {
    const cb = args.pop()
    if (typeof cb !== 'function') throw invalidArgType('cb', 'of type function', cb)
    let result
    let error = null
    try {
      result = fn(...args)
    } catch (err) {
      error = err
    }
    queueIO(() => (error ? cb(error) : cb(null, result)))
  }
}

function promiseForm(fn) {
  return (...args) =>
    new Promise((resolve, reject) => {
      let result
      let error = null
      try {
        result = fn(...args)
      } catch (err) {
        error = err
      }
      queueIO(() => (error ? reject(error) : resolve(result)))
    })
}

export const readFile = callbackForm(readFileSync)
export const writeFile = callbackForm(writeFileSync)
export const appendFile = callbackForm(appendFileSync)
export const readdir = callbackForm(readdirSync)
export const mkdir = callbackForm(mkdirSync)
export const mkdtemp = callbackForm(mkdtempSync)
export const stat = callbackForm(statSync)
export const lstat = callbackForm(lstatSync)
export const fstat = callbackForm(fstatSync)
export const rm = callbackForm(rmSync)
export const rmdir = callbackForm(rmdirSync)
export const unlink = callbackForm(unlinkSync)
export const rename = callbackForm(renameSync)
export const copyFile = callbackForm(copyFileSync)
export const cp = callbackForm(cpSync)
export const access = callbackForm(accessSync)
export const chmod = callbackForm(chmodSync)
export const chown = callbackForm(chownSync)
export const utimes = callbackForm(utimesSync)
export const symlink = callbackForm(symlinkSync)
export const link = callbackForm(linkSync)
export const readlink = callbackForm(readlinkSync)
export const realpath = callbackForm(realpathSync)
realpath.native = realpath
export const truncate = callbackForm(truncateSync)
export const ftruncate = callbackForm(ftruncateSync)
export const open = callbackForm(openSync)
export const close = callbackForm(closeSync)
export const fsync = callbackForm(fsyncSync)
export const opendir = callbackForm(opendirSync)
export function exists(p, cb) {
  validateFunction(cb, 'cb')
  const r = existsSync(p)
  queueIO(() => cb(r))
}
export function read(fd, buffer, offset, length, position, cb) {
  if (typeof buffer === 'function') {
    cb = buffer
    buffer = Buffer.alloc(16384)
    offset = 0
    length = buffer.length
    position = null
  } else if (typeof offset === 'function') {
    cb = offset
    offset = 0
    length = buffer.byteLength
    position = null
  } else if (offset !== null && typeof offset === 'object' && typeof length === 'function') {
    cb = length
    ;({ offset = 0, length = buffer.byteLength - offset, position = null } = offset)
  }
  let n
  let error = null
  try {
    n = readSync(fd, buffer, offset, length, position)
  } catch (err) {
    error = err
  }
  queueIO(() => (error ? cb(error) : cb(null, n, buffer)))
}
export function write(fd, data, ...rest) {
  const cb = rest.pop()
  let n
  let error = null
  try {
    n = writeSync(fd, data, ...rest)
  } catch (err) {
    error = err
  }
  queueIO(() => (error ? cb(error) : cb(null, n, data)))
}

// ---- fs.promises -----------------------------------------------------------------------------

class FileHandle extends EventEmitter {
  #fd
  constructor(fd) {
    super()
    this.#fd = fd
  }
  get fd() {
    return this.#fd
  }
  readFile(options) {
    return promiseForm(() => readFileSync(this.#fd, options))()
  }
  writeFile(data, options) {
    return promiseForm(() => writeFileSync(this.#fd, data, options))()
  }
  appendFile(data, options) {
    return promiseForm(() => writeFileSync(this.#fd, data, options))()
  }
  read(buffer, offset, length, position) {
    if (buffer === undefined || (buffer !== null && typeof buffer === 'object' && !ArrayBuffer.isView(buffer))) {
      const o = buffer ?? {}
      buffer = o.buffer ?? Buffer.alloc(16384)
      offset = o.offset ?? 0
      length = o.length ?? buffer.byteLength - offset
      position = o.position ?? null
    }
    return promiseForm(() => ({ bytesRead: readSync(this.#fd, buffer, offset ?? 0, length ?? buffer.byteLength, position ?? null), buffer }))()
  }
  write(data, ...rest) {
    return promiseForm(() => ({ bytesWritten: writeSync(this.#fd, data, ...rest), buffer: data }))()
  }
  stat(options) {
    return promiseForm(() => fstatSync(this.#fd, options))()
  }
  truncate(len) {
    return promiseForm(() => ftruncateSync(this.#fd, len))()
  }
  sync() {
    return Promise.resolve()
  }
  datasync() {
    return Promise.resolve()
  }
  chmod() {
    return Promise.resolve()
  }
  async *readLines() {
    const text = readFileSync(this.#fd, 'utf8')
    const lines = text.split(/\r?\n/)
    if (lines[lines.length - 1] === '') lines.pop()
    yield* lines
  }
  close() {
    return promiseForm(() => {
      if (this.#fd !== -1) {
        closeSync(this.#fd)
        this.#fd = -1
      }
    })()
  }
  async [Symbol.asyncDispose]() {
    await this.close()
  }
}

export const promises = {
  readFile: promiseForm(readFileSync),
  writeFile: promiseForm(writeFileSync),
  appendFile: promiseForm(appendFileSync),
  readdir: promiseForm(readdirSync),
  mkdir: promiseForm(mkdirSync),
  mkdtemp: promiseForm(mkdtempSync),
  stat: promiseForm(statSync),
  lstat: promiseForm(lstatSync),
  rm: promiseForm(rmSync),
  rmdir: promiseForm(rmdirSync),
  unlink: promiseForm(unlinkSync),
  rename: promiseForm(renameSync),
  copyFile: promiseForm(copyFileSync),
  cp: promiseForm(cpSync),
  access: promiseForm(accessSync),
  chmod: promiseForm(chmodSync),
  lchmod: promiseForm(chmodSync),
  chown: promiseForm(chownSync),
  lchown: promiseForm(chownSync),
  utimes: promiseForm(utimesSync),
  lutimes: promiseForm(utimesSync),
  symlink: promiseForm(symlinkSync),
  link: promiseForm(linkSync),
  readlink: promiseForm(readlinkSync),
  realpath: promiseForm(realpathSync),
  truncate: promiseForm(truncateSync),
  opendir: promiseForm(opendirSync),
  open: promiseForm((p, flags, mode) => new FileHandle(openSync(p, flags, mode))),
  constants,
  watch() {
    throw nodeError(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'fs.watch is not available in the WebAssembly sandbox')
  },
}

// ---- streams ---------------------------------------------------------------------------------

export function ReadStream(path, options) {
  if (!(this instanceof ReadStream)) return new ReadStream(path, options)
  const opts = getOptions(options, { highWaterMark: 65536 })
  Readable.call(this, { highWaterMark: opts.highWaterMark, encoding: opts.encoding, emitClose: opts.emitClose, autoDestroy: opts.autoClose !== false })
  this.path = opts.fd !== undefined ? undefined : toPath(path)
  this.fd = opts.fd ?? null
  this.flags = opts.flags ?? 'r'
  this.start = opts.start
  this.end = opts.end ?? Infinity
  this.pos = opts.start
  this.bytesRead = 0
  this.pending = true
  queueIO(() => {
    if (this.fd === null) {
      try {
        this.fd = openSync(this.path, this.flags, opts.mode)
      } catch (err) {
        this.destroy(err)
        return
      }
    }
    this.pending = false
    this.emit('open', this.fd)
    this.emit('ready')
  })
}
Object.setPrototypeOf(ReadStream.prototype, Readable.prototype)
Object.setPrototypeOf(ReadStream, Readable)
ReadStream.prototype._read = function (n) {
  if (this.fd === null) {
    this.once('open', () => this._read(n))
    return
  }
  queueIO(() => {
    if (this.destroyed) return
    let toRead = n
    if (this.end !== Infinity) {
      const remaining = this.end - (this.pos ?? this.bytesRead) + 1
      if (remaining <= 0) {
        this.push(null)
        return
      }
      toRead = Math.min(n, remaining)
    }
    const buf = Buffer.allocUnsafe(toRead)
    let got
    try {
      got = readSync(this.fd, buf, 0, toRead, this.pos ?? null)
    } catch (err) {
      this.destroy(err)
      return
    }
    if (this.pos !== undefined) this.pos += got
    this.bytesRead += got
    this.push(got > 0 ? buf.subarray(0, got) : null)
  })
}
ReadStream.prototype._destroy = function (err, cb) {
  if (typeof this.fd === 'number' && this.fd > 2) {
    try {
      closeSync(this.fd)
    } catch {}
    this.fd = null
  }
  cb(err)
}
ReadStream.prototype.close = function (cb) {
  this.destroy(null, cb)
}

export function WriteStream(path, options) {
  if (!(this instanceof WriteStream)) return new WriteStream(path, options)
  const opts = getOptions(options, {})
  Writable.call(this, { highWaterMark: opts.highWaterMark, emitClose: opts.emitClose, autoDestroy: opts.autoClose !== false, decodeStrings: true })
  this.path = opts.fd !== undefined ? undefined : toPath(path)
  this.fd = opts.fd ?? null
  this.flags = opts.flags ?? 'w'
  this.bytesWritten = 0
  this.pending = false
  if (this.fd === null) {
    try {
      this.fd = openSync(this.path, this.flags, opts.mode)
      queueIO(() => {
        this.emit('open', this.fd)
        this.emit('ready')
      })
    } catch (err) {
      this.fd = -1
      queueIO(() => this.destroy(err))
    }
  }
}
Object.setPrototypeOf(WriteStream.prototype, Writable.prototype)
Object.setPrototypeOf(WriteStream, Writable)
WriteStream.prototype._write = function (chunk, encoding, cb) {
  try {
    this.bytesWritten += writeSync(this.fd, chunk)
  } catch (err) {
    cb(err)
    return
  }
  cb()
}
WriteStream.prototype._destroy = function (err, cb) {
  if (typeof this.fd === 'number' && this.fd > 2) {
    try {
      closeSync(this.fd)
    } catch {}
    this.fd = null
  }
  cb(err)
}
WriteStream.prototype.close = function (cb) {
  if (typeof cb === 'function') this.once('close', cb)
  this.end()
}

export function createReadStream(path, options) {
  return new ReadStream(path, options)
}
export function createWriteStream(path, options) {
  return new WriteStream(path, options)
}

export function watch() {
  throw nodeError(Error, 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM', 'fs.watch is not available in the WebAssembly sandbox')
}
export const watchFile = watch
export function unwatchFile() {}
