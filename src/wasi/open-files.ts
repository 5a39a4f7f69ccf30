/**
 * The files one WASI process holds open, so that an fd follows its file rather than the path it
 * was opened with, although the VFS is reached by path (across the process channel).
 *
 * NFS-style "silly rename": when this process unlinks a file it holds open, the name is renamed
 * to a hidden orphan path under {@link ORPHAN_DIR} instead, and every fd on that file follows it;
 * when it renames another file over one it holds open, the replaced file first gets a hard link
 * there. The orphan is deleted when the last fd on it closes, when the process exits, and — for a
 * process that is killed — by the host's channel server (`src/proc/channel-server.ts`). When this
 * process renames a file (or a directory) it holds open, its fds move to the new name. See
 * docs/decisions/0004, "Open files follow the file".
 */
import { VfsError } from '../vfs/index.js'
import type { SyncVfs, VfsStats } from '../vfs/index.js'

/**
 * Where orphans live: under `/dev/.daylite`, the sandbox's private device namespace that the
 * shell already hides from `ls /dev`, so no user directory ever shows them. One flat directory;
 * names are `<random process id>-<n>`.
 */
export const ORPHAN_DIR = '/dev/.daylite/orphans'

const ORPHAN_PREFIX = `${ORPHAN_DIR}/`

/** True for a path inside {@link ORPHAN_DIR}. */
export function isOrphanPath(path: string): boolean {
  return path.startsWith(ORPHAN_PREFIX)
}

/** An open regular file as the registry sees it. */
export interface OpenFile {
  /** The VFS path the fd reaches its file by. */
  readonly path: string
  /** The file's inode number, when known (files created by `path_open` learn it on demand). */
  ino: number | undefined
  /** Points the fd at another name of the same file. */
  moveTo(path: string): void
}

/** An open directory (other than the preopen) as the registry sees it. */
export interface OpenDir {
  readonly path: string
  moveTo(path: string): void
}

/** Repeated slashes, `.` components and a trailing slash removed (`..` is kept: symlinks). */
function tidy(path: string): string {
  let p = path.replace(/\/{2,}/g, '/').replace(/\/(\.\/)+/g, '/')
  if (p.endsWith('/.')) p = p.slice(0, -2)
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1)
  return p === '' ? '/' : p
}

function vfsError(e: unknown): e is VfsError {
  return e instanceof VfsError
}

function randomId(): string {
  const b = new Uint8Array(6)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

/** The open files of one process and the unlink/rename that keep them reachable. */
export class OpenFiles {
  readonly vfs: SyncVfs
  readonly #files = new Set<OpenFile>()
  readonly #dirs = new Set<OpenDir>()
  /** Orphan paths this process made and that some fd still uses. */
  readonly #orphans = new Set<string>()
  readonly #id = randomId()
  #next = 0

  constructor(vfs: SyncVfs) {
    this.vfs = vfs
  }

  /** Number of open files and directories tracked (for tests). */
  get size(): number {
    return this.#files.size + this.#dirs.size
  }

  /** Orphans this process holds (for tests). */
  get orphans(): readonly string[] {
    return [...this.#orphans]
  }

  addFile(file: OpenFile): void {
    this.#files.add(file)
  }

  addDir(dir: OpenDir): void {
    this.#dirs.add(dir)
  }

  closeDir(dir: OpenDir): void {
    this.#dirs.delete(dir)
  }

  /** Forgets `file`; the last fd on an orphan deletes it. */
  closeFile(file: OpenFile): void {
    if (!this.#files.delete(file)) return
    const path = file.path
    if (!this.#orphans.has(path)) return
    for (const f of this.#files) if (f.path === path) return
    this.#release(path)
  }

  /** `unlink(path)` for the guest: EISDIR on a directory; a file this process holds open becomes an orphan. */
  unlink(path: string): void {
    const vfs = this.vfs
    const st = vfs.lstat(path)
    if (st.kind === 'dir') throw new VfsError('EISDIR', 'unlink', path)
    const holders = st.kind === 'file' ? this.#holders(st.ino) : []
    if (holders.length > 0) {
      // Already kept alive by an orphan (reached before through another name): just drop this name.
      const kept = holders.find((h) => this.#orphans.has(h.path) && h.path !== path)?.path
      if (kept !== undefined) {
        vfs.unlink(path)
        for (const h of holders) h.moveTo(kept)
        return
      }
      const orphan = this.#newOrphan((o) => vfs.rename(path, o))
      if (orphan !== undefined) {
        for (const h of holders) h.moveTo(orphan)
        if (this.#orphans.has(path)) this.#orphans.delete(path)
        return
      }
    }
    vfs.unlink(path)
  }

  /**
   * `rename(from, to)` for the guest. A file this process holds open at `to` keeps an orphan
   * link (made before the rename, so other processes never see `to` missing); fds on the moved
   * file, or on anything inside a moved directory, follow it to its new name.
   */
  rename(from: string, to: string): void {
    const vfs = this.vfs
    if (this.#files.size === 0 && this.#dirs.size === 0) return vfs.rename(from, to)
    let src: VfsStats
    let dst: VfsStats | undefined
    try {
      src = vfs.lstat(from)
    } catch (e) {
      if (vfsError(e)) return vfs.rename(from, to) // the VFS gives the right error
      throw e
    }
    try {
      dst = vfs.lstat(to)
    } catch (e) {
      if (!vfsError(e)) throw e
    }
    if (dst !== undefined && dst.ino === src.ino) return vfs.rename(from, to)
    // Look the holders up before anything moves (a file created by this process learns its inode by path).
    const moving = src.kind === 'file' ? this.#holders(src.ino) : []
    const replacedHolders = dst?.kind === 'file' ? this.#holders(dst.ino) : []
    let replaced: { orphan: string; fresh: boolean } | undefined
    if (replacedHolders.length > 0) {
      const kept = replacedHolders.find((h) => this.#orphans.has(h.path) && h.path !== to)?.path
      const orphan = kept ?? this.#newOrphan((o) => vfs.link(to, o))
      if (orphan !== undefined) replaced = { orphan, fresh: kept === undefined }
    }
    try {
      vfs.rename(from, to)
    } catch (e) {
      if (replaced?.fresh) this.#release(replaced.orphan)
      throw e
    }
    if (replaced !== undefined) for (const h of replacedHolders) h.moveTo(replaced.orphan)
    if (src.kind === 'file') {
      for (const h of moving) if (!this.#orphans.has(h.path) || h.path === from) h.moveTo(to)
      this.#orphans.delete(from)
    } else if (src.kind === 'dir') {
      const old = tidy(from)
      const now = tidy(to)
      const moveUnder = (x: OpenFile | OpenDir): void => {
        const p = tidy(x.path)
        if (p === old || p.startsWith(`${old}/`)) x.moveTo(now + p.slice(old.length))
      }
      this.#files.forEach(moveUnder)
      this.#dirs.forEach(moveUnder)
    }
  }

  /** The process ended: deletes every orphan it still holds. */
  exit(): void {
    for (const orphan of [...this.#orphans]) this.#release(orphan)
    this.#files.clear()
    this.#dirs.clear()
  }

  /** Open files on inode `ino` (learning the inode of files that do not know theirs yet). */
  #holders(ino: number): OpenFile[] {
    const out: OpenFile[] = []
    for (const f of this.#files) {
      if (f.ino === undefined) {
        try {
          f.ino = this.vfs.stat(f.path).ino
        } catch (e) {
          if (!vfsError(e)) throw e
          continue
        }
      }
      if (f.ino === ino) out.push(f)
    }
    return out
  }

  /**
   * Makes a new orphan name with `make(orphan)` (a rename or a link), creating {@link ORPHAN_DIR}
   * on the way. Undefined when that fails (quota, read-only): the caller falls back to the plain
   * operation, and the fd loses its file as before.
   */
  #newOrphan(make: (orphan: string) => void): string | undefined {
    const orphan = `${ORPHAN_PREFIX}${this.#id}-${++this.#next}`
    try {
      try {
        make(orphan)
      } catch (e) {
        if (!vfsError(e) || e.code !== 'ENOENT') throw e
        this.vfs.mkdir(ORPHAN_DIR, { recursive: true })
        make(orphan)
      }
    } catch (e) {
      if (vfsError(e)) return undefined
      throw e
    }
    this.#orphans.add(orphan)
    return orphan
  }

  /** Deletes an orphan; the last one also removes the (then empty) orphan directories. */
  #release(orphan: string): void {
    this.#orphans.delete(orphan)
    try {
      this.vfs.unlink(orphan)
    } catch (e) {
      if (!vfsError(e)) throw e
    }
    if (this.#orphans.size === 0) removeOrphanDirs(this.vfs)
  }
}

/**
 * Removes {@link ORPHAN_DIR} and its parent when they are empty (another process's orphans keep
 * them). VFS errors are ignored.
 */
export function removeOrphanDirs(vfs: SyncVfs): void {
  for (const dir of [ORPHAN_DIR, ORPHAN_DIR.slice(0, ORPHAN_DIR.lastIndexOf('/'))]) {
    try {
      vfs.rmdir(dir)
    } catch (e) {
      if (!vfsError(e)) throw e
      return
    }
  }
}
