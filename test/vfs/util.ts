/** Test helpers for the VFS suite. */
import type { SyncVfs } from '../../src/vfs/index.js'

/**
 * Every reachable path with all of its metadata (ino, kind, mode, uid, gid, size, nlink, all
 * four times) plus content or target: a deep-equal view of a tree.
 */
export function fullListing(v: SyncVfs): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const walk = (dir: string): void => {
    for (const name of v.readdir(dir).sort()) {
      const p = dir === '/' ? `/${name}` : `${dir}/${name}`
      const s = v.lstat(p)
      const extra =
        s.kind === 'file'
          ? Buffer.from(v.readFile(p)).toString('hex')
          : s.kind === 'symlink'
            ? v.readlink(p)
            : undefined
      out[p] = { ...s, extra }
      if (s.kind === 'dir') walk(p)
    }
  }
  out['/'] = { ...v.lstat('/') }
  walk('/')
  return out
}
