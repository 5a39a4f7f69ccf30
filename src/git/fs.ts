/**
 * isomorphic-git's view of a sandbox's files: the promise fs interface it asks for (readFile,
 * writeFile, unlink, readdir, mkdir, rmdir, stat, lstat, readlink, symlink, chmod) over a
 * {@link SyncVfs}. Errors are the VFS's own, which already look like Node's (`code: 'ENOENT'`…).
 */
import type { SyncVfs, VfsStats } from '../vfs/types.js'

/** A Node-like `fs.Stats` built from {@link VfsStats}. */
export interface GitFsStats {
  dev: number
  ino: number
  mode: number
  uid: number
  gid: number
  size: number
  mtimeMs: number
  ctimeMs: number
  isFile(): boolean
  isDirectory(): boolean
  isSymbolicLink(): boolean
}

/** The promise fs interface isomorphic-git uses. */
export interface GitFsPromises {
  readFile(path: string, options?: { encoding?: string } | string): Promise<Uint8Array | string>
  writeFile(path: string, data: Uint8Array | string, options?: { mode?: number; encoding?: string } | string): Promise<void>
  unlink(path: string): Promise<void>
  readdir(path: string): Promise<string[]>
  mkdir(path: string, options?: { mode?: number } | number): Promise<void>
  rmdir(path: string): Promise<void>
  stat(path: string): Promise<GitFsStats>
  lstat(path: string): Promise<GitFsStats>
  readlink(path: string, options?: unknown): Promise<string>
  symlink(target: string, path: string): Promise<void>
  chmod(path: string, mode: number): Promise<void>
}

/** What isomorphic-git takes as `fs`: an object whose enumerable `promises` is the interface. */
export interface GitFs {
  promises: GitFsPromises
}

/** Wraps {@link VfsStats} as Node-like stats. */
export function toGitStats(s: VfsStats): GitFsStats {
  return {
    dev: 0,
    ino: s.ino,
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    mtimeMs: s.mtimeMs,
    ctimeMs: s.ctimeMs,
    isFile: () => s.kind === 'file',
    isDirectory: () => s.kind === 'dir',
    isSymbolicLink: () => s.kind === 'symlink',
  }
}

function encodingOf(options: unknown): string | undefined {
  if (typeof options === 'string') return options
  if (typeof options === 'object' && options !== null && typeof (options as { encoding?: unknown }).encoding === 'string') return (options as { encoding: string }).encoding
  return undefined
}

/** Runs a synchronous VFS call as a settled promise (a thrown `VfsError` becomes the rejection). */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn())
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * The fs adapter isomorphic-git is given for a sandbox.
 *
 * @example
 * ```ts
 * await git.init({ fs: gitFs(vfs), dir: '/home/daytona/repo' })
 * ```
 */
export function gitFs(vfs: SyncVfs): GitFs {
  const promises: GitFsPromises = {
    readFile: (path, options) =>
      settle(() => {
        const data = vfs.readFile(path)
        const enc = encodingOf(options)
        return enc === 'utf8' || enc === 'utf-8' ? new TextDecoder().decode(data) : data
      }),
    writeFile: (path, data, options) =>
      settle(() => {
        const mode = typeof options === 'object' && options !== null ? options.mode : undefined
        const existed = mode !== undefined && vfs.exists(path)
        vfs.writeFile(path, data, mode !== undefined ? { mode: mode & 0o7777 } : {})
        if (existed && mode !== undefined) vfs.chmod(path, mode & 0o7777)
      }),
    unlink: (path) => settle(() => vfs.unlink(path)),
    readdir: (path) => settle(() => vfs.readdir(path)),
    mkdir: (path, options) =>
      settle(() => {
        const mode = typeof options === 'number' ? options : options?.mode
        vfs.mkdir(path, mode !== undefined ? { mode } : {})
      }),
    rmdir: (path) => settle(() => vfs.rmdir(path)),
    stat: (path) => settle(() => toGitStats(vfs.stat(path))),
    lstat: (path) => settle(() => toGitStats(vfs.lstat(path))),
    readlink: (path) => settle(() => vfs.readlink(path)),
    symlink: (target, path) => settle(() => vfs.symlink(target, path)),
    chmod: (path, mode) => settle(() => vfs.chmod(path, mode & 0o7777)),
  }
  // isomorphic-git looks for an enumerable `promises` property.
  return { promises }
}
