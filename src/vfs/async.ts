/**
 * The promise face of a {@link SyncVfs}, for isomorphic-git and the file API.
 */
import type { AsyncVfs, SyncVfs } from './types.js'

/** Every method of {@link SyncVfs}, in one list (the async face wraps exactly these). */
export const SYNC_VFS_METHODS = [
  'stat',
  'lstat',
  'exists',
  'readFile',
  'read',
  'writeFile',
  'write',
  'truncate',
  'mkdir',
  'readdir',
  'readdirWithTypes',
  'rmdir',
  'unlink',
  'rm',
  'rename',
  'copy',
  'symlink',
  'readlink',
  'link',
  'chmod',
  'chown',
  'utimes',
  'realpath',
  'usage',
] as const satisfies ReadonlyArray<keyof SyncVfs>

/**
 * Wraps a sync VFS: each method runs synchronously and returns a settled promise; a thrown
 * `VfsError` becomes the rejection (the very same object).
 *
 * @example
 * ```ts
 * const fs = toAsync(vfs)
 * await fs.writeFile('/tmp/a', 'x')
 * await fs.readFile('/nope').catch((e) => e.code) // 'ENOENT'
 * ```
 */
export function toAsync(vfs: SyncVfs): AsyncVfs {
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {}
  for (const name of SYNC_VFS_METHODS) {
    const fn = vfs[name] as (...args: unknown[]) => unknown
    out[name] = (...args: unknown[]): Promise<unknown> => {
      try {
        return Promise.resolve(fn.apply(vfs, args))
      } catch (e) {
        return Promise.reject(e)
      }
    }
  }
  return out as unknown as AsyncVfs
}
