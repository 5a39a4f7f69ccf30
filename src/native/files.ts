/**
 * Daytona's file API on a real directory, with the toolbox daemon's semantics (the same as the
 * engine's `kernel/files.ts`): relative paths resolve against the work dir, `getFileDetails`
 * follows symlinks, `findFiles` is a substring search that skips binary files, `searchFiles`
 * matches a doublestar glob against paths relative to the search root. Absolute paths are host
 * paths: the native backend is not isolated.
 */
import { promises as fs, type Stats } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { goModeString, rfc3339 } from '../engine/kernel/files.js'
import { globToRegExp } from '../engine/kernel/glob.js'
import type { DownloadItem, FileInfoDto, FsReplies, FsRequest, MatchDto, ReplaceResultDto } from '../engine/protocol.js'

/** A host file error (it has a POSIX `code`) as an engine error. */
export function nativeFileError(error: unknown, path: string): SandboxError {
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

async function attempt<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw nativeFileError(error, path)
  }
}

/** Go's `FileMode.String()` for host stats (the engine's formatter, on the host's kind and mode). */
function goMode(st: Stats): string {
  return goModeString({ kind: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file', mode: st.mode })
}

function parseMode(mode: string): number {
  if (typeof mode !== 'string' || !/^[0-7]{1,4}$/.test(mode)) {
    throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `invalid mode ${JSON.stringify(mode)}: expected octal digits such as '755'`, { mode })
  }
  return parseInt(mode, 8)
}

/** The file API of one native sandbox. */
export class NativeFiles {
  #workDir: string
  #maxFileBytes: number
  #names: { user: (uid: number) => string; group: (gid: number) => string }

  constructor(workDir: string, maxFileBytes: number, names: { user: (uid: number) => string; group: (gid: number) => string }) {
    this.#workDir = workDir
    this.#maxFileBytes = maxFileBytes
    this.#names = names
  }

  #abs(path: unknown, what = 'path'): string {
    if (typeof path !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, `${what} must be a string`)
    if (path.includes('\0')) throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, `${what} contains a NUL byte`, { path })
    return isAbsolute(path) ? resolve(path) : resolve(this.#workDir, path === '' ? '.' : path)
  }

  #info(path: string, st: Stats, withPath: boolean): FileInfoDto {
    const time = rfc3339(st.mtimeMs)
    const info: FileInfoDto = {
      name: basename(path),
      isDir: st.isDirectory(),
      size: st.size,
      mode: goMode(st),
      permissions: (st.mode & 0o777).toString(8).padStart(4, '0'),
      owner: this.#names.user(st.uid),
      group: this.#names.group(st.gid),
      modTime: time,
      modifiedAt: time,
    }
    if (withPath) info.path = path
    return info
  }

  /** Runs one request. */
  async run(req: FsRequest): Promise<FsReplies[FsRequest['op']]> {
    switch (req.op) {
      case 'list':
        return this.list(req.path, req.depth)
      case 'info': {
        const abs = this.#abs(req.path)
        return this.#info(abs, await attempt(abs, () => fs.stat(abs)), true)
      }
      case 'mkdir': {
        const abs = this.#abs(req.path)
        await attempt(abs, () => fs.mkdir(abs, { recursive: true, mode: parseMode(req.mode ?? '755') }))
        return
      }
      case 'delete': {
        const abs = this.#abs(req.path)
        if (abs === '/') throw new SandboxError(SandboxErrorCode.INVALID_FILE_PATH, 'refusing to delete /', { path: abs })
        const st = await attempt(abs, () => fs.lstat(abs))
        if (st.isDirectory() && req.recursive !== true) await attempt(abs, () => fs.rmdir(abs))
        else await attempt(abs, () => fs.rm(abs, { recursive: req.recursive === true }))
        return
      }
      case 'move': {
        const from = this.#abs(req.source, 'source')
        const to = this.#abs(req.destination, 'destination')
        await attempt(from, () => fs.lstat(from))
        await attempt(to, () => fs.rename(from, to))
        return
      }
      case 'permissions': {
        const abs = this.#abs(req.path)
        await attempt(abs, () => fs.stat(abs))
        if (req.mode) {
          const bits = parseMode(req.mode)
          await attempt(abs, () => fs.chmod(abs, bits))
        }
        // Owners: the native backend runs as one host user; owner/group are accepted and not changed.
        return
      }
      case 'search':
        return this.search(req.path, req.pattern)
      case 'find':
        return this.find(req.path, req.pattern)
      case 'replace':
        return this.replace(req.files, req.pattern, req.newValue)
      case 'upload':
        for (const f of req.files) {
          if (!(f?.data instanceof Uint8Array)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'file data must be bytes', { path: String(f?.path) })
          if (f.data.byteLength > this.#maxFileBytes) throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `file is larger than the ${this.#maxFileBytes}-byte limit`, { path: f.path })
          const abs = this.#abs(f.path, 'destination')
          await attempt(abs, async () => {
            await fs.mkdir(dirname(abs), { recursive: true })
            await fs.writeFile(abs, f.data)
          })
        }
        return
      case 'download':
        return Promise.all(req.paths.map((p) => this.#download(p)))
      default:
        throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `unknown file operation ${String((req as { op?: unknown }).op)}`)
    }
  }

  async list(path: string, depth?: number): Promise<FileInfoDto[]> {
    if (depth !== undefined && (!Number.isInteger(depth) || depth < 1)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'depth must be an integer >= 1', { depth })
    const root = this.#abs(path)
    const st = await attempt(root, () => fs.stat(root))
    if (!st.isDirectory()) throw new SandboxError(SandboxErrorCode.FILE_OPERATION_FAILED, `not a directory: ${root}`, { path: root, errno: 'ENOTDIR' })
    const out: FileInfoDto[] = []
    const walk = async (dir: string, level: number): Promise<void> => {
      const names = (await attempt(dir, () => fs.readdir(dir))).sort()
      for (const name of names) {
        const child = join(dir, name)
        let cst: Stats
        try {
          cst = await fs.stat(child)
        } catch {
          continue // a dangling symlink: skipped, as Daytona does
        }
        out.push(this.#info(child, cst, true))
        if (cst.isDirectory() && level < (depth ?? 1)) await walk(child, level + 1)
      }
    }
    await walk(root, 1)
    return out
  }

  async #walkFiles(root: string, visit: (path: string, st: Stats) => Promise<void> | void): Promise<void> {
    const st = await attempt(root, () => fs.stat(root))
    if (!st.isDirectory()) {
      await visit(root, st)
      return
    }
    const stack = [root]
    while (stack.length > 0) {
      const dir = stack.pop() as string
      let names: string[]
      try {
        names = await fs.readdir(dir)
      } catch {
        continue
      }
      for (const name of names.sort().reverse()) {
        const child = join(dir, name)
        let cst: Stats
        try {
          cst = await fs.lstat(child)
        } catch {
          continue
        }
        if (cst.isDirectory()) stack.push(child)
        else await visit(child, cst)
      }
    }
  }

  async search(path: string, pattern: string): Promise<{ files: string[] }> {
    if (typeof pattern !== 'string' || pattern === '') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'pattern is required')
    const root = this.#abs(path)
    const re = globToRegExp(pattern)
    const prefix = path.startsWith('/') ? root : path.replace(/\/+$/, '')
    const files: string[] = []
    await this.#walkFiles(root, (file) => {
      const rel = file === root ? basename(file) : file.slice(root === '/' ? 1 : root.length + 1)
      if (re.test(rel)) files.push(prefix === root ? file : join(prefix, rel))
    })
    return { files }
  }

  async find(path: string, pattern: string): Promise<MatchDto[]> {
    if (typeof pattern !== 'string' || pattern === '') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'pattern is required')
    const root = this.#abs(path)
    const matches: MatchDto[] = []
    await this.#walkFiles(root, async (file, st) => {
      if (!st.isFile() || st.size > this.#maxFileBytes) return
      let bytes: Buffer
      try {
        bytes = await fs.readFile(file)
      } catch {
        return
      }
      if (bytes.subarray(0, 512).includes(0)) return
      const lines = bytes.toString('utf8').split('\n')
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
      lines.forEach((raw, i) => {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
        if (line.includes(pattern)) matches.push({ file, line: i + 1, content: line })
      })
    })
    return matches
  }

  async replace(files: string[], pattern: string, newValue: string): Promise<ReplaceResultDto[]> {
    if (!Array.isArray(files)) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'files must be an array')
    if (typeof pattern !== 'string' || pattern === '') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'pattern is required')
    const out: ReplaceResultDto[] = []
    for (const file of files) {
      try {
        const abs = this.#abs(file)
        const text = await attempt(abs, () => fs.readFile(abs, 'utf8'))
        await attempt(abs, () => fs.writeFile(abs, text.split(pattern).join(newValue)))
        out.push({ file, success: true })
      } catch (error) {
        out.push({ file, success: false, error: error instanceof Error ? error.message : String(error) })
      }
    }
    return out
  }

  async #download(path: string): Promise<DownloadItem> {
    try {
      const abs = this.#abs(path)
      const st = await attempt(abs, () => fs.stat(abs))
      if (st.isDirectory()) throw new SandboxError(SandboxErrorCode.FILE_OPERATION_FAILED, `is a directory: ${path}`, { path, errno: 'EISDIR' })
      if (st.size > this.#maxFileBytes) throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `file is larger than the ${this.#maxFileBytes}-byte limit`, { path })
      const data = await attempt(abs, () => fs.readFile(abs))
      return { path, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
    } catch (error) {
      const e = nativeFileError(error, String(path))
      return { path: String(path), error: { code: e.code, message: e.message } }
    }
  }
}
