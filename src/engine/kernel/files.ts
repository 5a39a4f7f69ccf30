/**
 * Daytona's file API (`sandbox.fs`) over the sandbox's VFS, run inside the kernel worker.
 * Semantics follow Daytona's toolbox daemon: relative paths resolve against the work dir,
 * `getFileDetails` follows symlinks, `findFiles` is a substring search that skips binary files,
 * `searchFiles` matches a doublestar glob against paths relative to the search root.
 */
import type { SyncVfs, VfsStats } from '../../vfs/types.js'
import { SandboxError, SandboxErrorCode } from '../errors.js'
import type { DownloadItem, FileInfoDto, FsReplies, FsRequest, MatchDto, ReplaceResultDto } from '../protocol.js'
import { globToRegExp } from './glob.js'
import { basename, dirname, join, resolveUserPath } from './paths.js'

const S_ISUID = 0o4000
const S_ISGID = 0o2000
const S_ISVTX = 0o1000

/** Maps a VFS error (it has a POSIX `code`) to a typed engine error. */
export function fileError(error: unknown, path: string): SandboxError {
  if (error instanceof SandboxError) return error
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  const message = error instanceof Error ? error.message : String(error)
  switch (code) {
    case 'ENOENT':
      return new SandboxError(SandboxErrorCode.FILE_NOT_FOUND, `no such file or directory: ${path}`, { path, errno: code })
    case 'EINVAL':
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, message, { path, errno: code })
    case 'ENOSPC':
    case 'EDQUOT':
      return new SandboxError(SandboxErrorCode.NO_SPACE, `no space left on device: ${path}`, { path, errno: code })
    case undefined:
      return new SandboxError(SandboxErrorCode.INTERNAL, message, { path })
    default:
      return new SandboxError(SandboxErrorCode.FILE_OPERATION_FAILED, message, { path, errno: String(code) })
  }
}

/** Go's `FileMode.String()`, which Daytona's daemon returns as `mode`. */
export function goModeString(stats: Pick<VfsStats, 'kind' | 'mode'>): string {
  let prefix = ''
  if (stats.kind === 'dir') prefix += 'd'
  if (stats.kind === 'symlink') prefix += 'L'
  if (stats.mode & S_ISUID) prefix += 'u'
  if (stats.mode & S_ISGID) prefix += 'g'
  if (stats.mode & S_ISVTX) prefix += 't'
  if (prefix === '') prefix = '-'
  const rwx = 'rwxrwxrwx'
  let bits = ''
  for (let i = 0; i < 9; i++) bits += stats.mode & (1 << (8 - i)) ? rwx.charAt(i) : '-'
  return prefix + bits
}

/** Go's RFC3339Nano for a UTC instant (trailing fractional zeros dropped). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z')
}

/** Reads /etc/passwd and /etc/group of the sandbox to map ids to names and back. */
export class Accounts {
  #users = new Map<number, string>()
  #groups = new Map<number, string>()

  constructor(vfs: SyncVfs) {
    this.#load(vfs, '/etc/passwd', this.#users)
    this.#load(vfs, '/etc/group', this.#groups)
  }

  #load(vfs: SyncVfs, path: string, into: Map<number, string>): void {
    let text = ''
    try {
      text = new TextDecoder().decode(vfs.readFile(path))
    } catch {
      return
    }
    for (const line of text.split('\n')) {
      const fields = line.split(':')
      const id = Number(fields[2])
      if (fields[0] && Number.isInteger(id)) into.set(id, fields[0])
    }
  }

  /** The user name of `uid`, or the number as a string. */
  userName(uid: number): string {
    return this.#users.get(uid) ?? String(uid)
  }

  /** The group name of `gid`, or the number as a string. */
  groupName(gid: number): string {
    return this.#groups.get(gid) ?? String(gid)
  }

  /** The uid of a user name or numeric string. */
  uid(name: string): number | undefined {
    return lookup(this.#users, name)
  }

  /** The gid of a group name or numeric string. */
  gid(name: string): number | undefined {
    return lookup(this.#groups, name)
  }
}

function lookup(map: Map<number, string>, name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name)
  for (const [id, n] of map) if (n === name) return id
  return undefined
}

/** The file API bound to one sandbox's VFS. */
export class FileService {
  #vfs: SyncVfs
  #workDir: string
  #maxFileBytes: number

  /**
   * @param vfs - the sandbox's filesystem
   * @param workDir - base of relative paths
   * @param maxFileBytes - largest file accepted or returned
   */
  constructor(vfs: SyncVfs, workDir: string, maxFileBytes: number) {
    this.#vfs = vfs
    this.#workDir = workDir
    this.#maxFileBytes = maxFileBytes
  }

  /** Runs one file API request. */
  handle<R extends FsRequest>(req: R): FsReplies[R['op']] {
    return this.#dispatch(req) as FsReplies[R['op']]
  }

  #dispatch(req: FsRequest): FsReplies[keyof FsReplies] {
    switch (req.op) {
      case 'list':
        return this.list(req.path, req.depth)
      case 'info':
        return this.info(req.path)
      case 'mkdir':
        return this.mkdir(req.path, req.mode)
      case 'delete':
        return this.delete(req.path, req.recursive === true)
      case 'move':
        return this.move(req.source, req.destination)
      case 'permissions':
        return this.permissions(req.path, req.mode, req.owner, req.group)
      case 'search':
        return this.search(req.path, req.pattern)
      case 'find':
        return this.find(req.path, req.pattern)
      case 'replace':
        return this.replace(req.files, req.pattern, req.newValue)
      case 'upload':
        return this.upload(req.files)
      case 'download':
        return this.download(req.paths)
      default:
        throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `unknown file operation ${String((req as { op?: unknown }).op)}`)
    }
  }

  #abs(path: unknown, what?: string): string {
    return resolveUserPath(this.#workDir, path, what)
  }

  #try<T>(path: string, fn: () => T): T {
    try {
      return fn()
    } catch (error) {
      throw fileError(error, path)
    }
  }

  #fileInfo(path: string, stats: VfsStats, accounts: Accounts, withPath: boolean): FileInfoDto {
    const time = rfc3339(stats.mtimeMs)
    const info: FileInfoDto = {
      name: basename(path),
      isDir: stats.kind === 'dir',
      size: stats.size,
      mode: goModeString(stats),
      permissions: (stats.mode & 0o777).toString(8).padStart(4, '0'),
      owner: accounts.userName(stats.uid),
      group: accounts.groupName(stats.gid),
      modTime: time,
      modifiedAt: time,
    }
    if (withPath) info.path = path
    return info
  }

  /** `listFiles`: entries of a directory, recursively to `depth` levels (default 1). */
  list(path: string, depth?: number): FileInfoDto[] {
    if (depth !== undefined && (!Number.isInteger(depth) || depth < 1)) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'depth must be an integer >= 1', { depth })
    }
    const root = this.#abs(path === '' ? '.' : path)
    const accounts = new Accounts(this.#vfs)
    const out: FileInfoDto[] = []
    const walk = (dir: string, level: number): void => {
      const names = this.#try(dir, () => this.#vfs.readdir(dir))
      for (const name of names) {
        const child = join(dir, name)
        let stats: VfsStats
        try {
          stats = this.#vfs.stat(child)
        } catch {
          continue // a dangling symlink: Daytona skips entries it cannot stat
        }
        out.push(this.#fileInfo(child, stats, accounts, true))
        // Descend into real directories only: a symlink to `/` or `..` would make the listing
        // grow exponentially with the depth (the entry itself is still reported, followed).
        if (stats.kind === 'dir' && level < (depth ?? 1) && this.#vfs.lstat(child).kind === 'dir') walk(child, level + 1)
      }
    }
    const stats = this.#try(root, () => this.#vfs.stat(root))
    if (stats.kind !== 'dir') throw new SandboxError(SandboxErrorCode.FILE_OPERATION_FAILED, `not a directory: ${root}`, { path: root, errno: 'ENOTDIR' })
    walk(root, 1)
    return out
  }

  /** `getFileDetails` (follows symlinks). */
  info(path: string): FileInfoDto {
    const abs = this.#abs(path)
    const stats = this.#try(abs, () => this.#vfs.stat(abs))
    return this.#fileInfo(abs, stats, new Accounts(this.#vfs), true)
  }

  /** `createFolder`: `mkdir -p` with an octal mode string. */
  mkdir(path: string, mode?: string): void {
    const abs = this.#abs(path)
    const bits = parseMode(mode ?? '755')
    this.#try(abs, () => this.#vfs.mkdir(abs, { recursive: true, mode: bits }))
  }

  /** `deleteFile`: a file, an empty directory, or a tree with `recursive`. */
  delete(path: string, recursive: boolean): void {
    const abs = this.#abs(path)
    if (abs === '/') throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, 'refusing to delete /', { path: abs })
    const stats = this.#try(abs, () => this.#vfs.lstat(abs))
    if (stats.kind === 'dir' && !recursive) {
      this.#try(abs, () => this.#vfs.rmdir(abs))
      return
    }
    this.#try(abs, () => this.#vfs.rm(abs, { recursive }))
  }

  /** `moveFiles`: rename, like `os.Rename`. */
  move(source: string, destination: string): void {
    const from = this.#abs(source, 'source')
    const to = this.#abs(destination, 'destination')
    this.#try(from, () => this.#vfs.lstat(from))
    this.#try(to, () => this.#vfs.rename(from, to))
  }

  /** `setFilePermissions`: mode (octal string), owner and group (names or ids). */
  permissions(path: string, mode?: string, owner?: string, group?: string): void {
    const abs = this.#abs(path)
    const stats = this.#try(abs, () => this.#vfs.stat(abs))
    if (mode !== undefined && mode !== '') {
      const bits = parseMode(mode)
      this.#try(abs, () => this.#vfs.chmod(abs, bits))
    }
    if ((owner !== undefined && owner !== '') || (group !== undefined && group !== '')) {
      const accounts = new Accounts(this.#vfs)
      const uid = owner ? accounts.uid(owner) : stats.uid
      const gid = group ? accounts.gid(group) : stats.gid
      if (uid === undefined) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `unknown user: ${owner}`, { owner })
      if (gid === undefined) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `unknown group: ${group}`, { group })
      this.#try(abs, () => this.#vfs.chown(abs, uid, gid))
    }
  }

  #walkFiles(root: string, visit: (path: string, stats: VfsStats) => void): void {
    const rootStats = this.#try(root, () => this.#vfs.stat(root))
    if (rootStats.kind !== 'dir') {
      visit(root, rootStats)
      return
    }
    const stack = [root]
    while (stack.length > 0) {
      const dir = stack.pop() as string
      let names: string[]
      try {
        names = this.#vfs.readdir(dir)
      } catch {
        continue
      }
      for (const name of names.sort().reverse()) {
        const child = join(dir, name)
        let stats: VfsStats
        try {
          stats = this.#vfs.lstat(child)
        } catch {
          continue
        }
        if (stats.kind === 'dir') stack.push(child)
        else visit(child, stats)
      }
    }
  }

  /** `searchFiles`: files under `path` whose path relative to it matches the glob. */
  search(path: string, pattern: string): { files: string[] } {
    if (typeof pattern !== 'string' || pattern === '') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'pattern is required')
    const root = this.#abs(path)
    const re = globToRegExp(pattern)
    const prefix = typeof path === 'string' && path.startsWith('/') ? root : path.replace(/\/+$/, '')
    const files: string[] = []
    this.#walkFiles(root, (file) => {
      const rel = file === root ? basename(file) : file.slice(root === '/' ? 1 : root.length + 1)
      if (re.test(rel)) files.push(prefix === root ? file : join(prefix, rel))
    })
    return { files }
  }

  /** `findFiles`: lines containing `pattern` (a plain substring) in text files under `path`. */
  find(path: string, pattern: string): MatchDto[] {
    if (typeof pattern !== 'string' || pattern === '') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'pattern is required')
    const root = this.#abs(path)
    const matches: MatchDto[] = []
    const decoder = new TextDecoder()
    this.#walkFiles(root, (file, stats) => {
      if (stats.kind !== 'file') return
      let bytes: Uint8Array
      try {
        bytes = this.#vfs.readFile(file)
      } catch {
        return
      }
      const head = bytes.subarray(0, 512)
      if (head.includes(0)) return
      const lines = decoder.decode(bytes).split('\n')
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
      lines.forEach((raw, i) => {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
        if (line.includes(pattern)) matches.push({ file, line: i + 1, content: line })
      })
    })
    return matches
  }

  /** `replaceInFiles`: replaces every occurrence of `pattern` in each file; per-file results. */
  replace(files: string[], pattern: string, newValue: string): ReplaceResultDto[] {
    if (!Array.isArray(files)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'files must be an array')
    if (typeof pattern !== 'string' || pattern === '') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'pattern is required')
    if (typeof newValue !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'newValue must be a string')
    return files.map((file) => {
      try {
        const abs = this.#abs(file)
        const text = new TextDecoder().decode(this.#try(abs, () => this.#vfs.readFile(abs)))
        this.#try(abs, () => this.#vfs.writeFile(abs, text.split(pattern).join(newValue)))
        return { file, success: true }
      } catch (error) {
        return { file, success: false, error: error instanceof Error ? error.message : String(error) }
      }
    })
  }

  /** Bulk upload: creates parent directories, replaces existing files. */
  upload(files: { path: string; data: Uint8Array }[]): void {
    if (!Array.isArray(files)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'files must be an array')
    const resolved = files.map((f) => {
      if (!(f?.data instanceof Uint8Array)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'file data must be bytes', { path: String(f?.path) })
      if (f.data.byteLength > this.#maxFileBytes) {
        throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `file is larger than the ${this.#maxFileBytes}-byte limit`, { path: f.path, size: f.data.byteLength })
      }
      return { abs: this.#abs(f.path, 'destination'), data: f.data }
    })
    for (const { abs, data } of resolved) {
      this.#try(abs, () => {
        const parent = dirname(abs)
        if (!this.#vfs.exists(parent)) this.#vfs.mkdir(parent, { recursive: true, mode: 0o755 })
        // The bytes were transferred to this worker and belong to no one else: the VFS keeps them.
        this.#vfs.writeFile(abs, data, { adopt: true })
      })
    }
  }

  /** Bulk download: the bytes of each path, or a per-path error (Daytona's `downloadFiles`). */
  download(paths: string[]): DownloadItem[] {
    if (!Array.isArray(paths)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'paths must be an array')
    return paths.map((path): DownloadItem => {
      try {
        const abs = this.#abs(path)
        const stats = this.#try(abs, () => this.#vfs.stat(abs))
        if (stats.kind === 'dir') throw new SandboxError(SandboxErrorCode.FILE_OPERATION_FAILED, `is a directory: ${path}`, { path, errno: 'EISDIR' })
        if (stats.size > this.#maxFileBytes) throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `file is larger than the ${this.#maxFileBytes}-byte limit`, { path })
        // One copy, into a buffer of its own that is then transferred to the host.
        const bytes = this.#try(abs, () => this.#vfs.readFileView(abs))
        const data = new Uint8Array(bytes.byteLength)
        data.set(bytes)
        return { path, data }
      } catch (error) {
        const e = error instanceof SandboxError ? error : fileError(error, String(path))
        return { path: String(path), error: { code: e.code, message: e.message } }
      }
    })
  }
}

/** Parses an octal mode string such as `'755'` or `'0644'`. */
export function parseMode(mode: string): number {
  if (typeof mode !== 'string' || !/^[0-7]{1,4}$/.test(mode)) {
    const shown = typeof mode === 'string' ? JSON.stringify(mode) : typeof mode
    throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `invalid mode ${shown}: expected octal digits such as '755'`, { mode: shown })
  }
  return parseInt(mode, 8)
}
