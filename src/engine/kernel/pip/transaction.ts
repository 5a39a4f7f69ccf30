/**
 * All-or-nothing file changes for pip: every file written or removed is recorded (removed and
 * overwritten files keep their bytes and mode in memory) so that a failure part-way (disk full,
 * a path that is a directory) puts the tree back as it was.
 */
import type { SyncVfs } from '../../../vfs/types.js'
import { normalizePath } from '../../../vfs/path.js'

interface Backup {
  path: string
  data: Uint8Array
  mode: number
}

/**
 * A set of file changes that can be rolled back until it is committed.
 *
 * @example
 * ```ts
 * const tx = new FileTransaction(vfs)
 * try { tx.write('/a/b.py', bytes, 0o644); tx.remove('/a/old.py'); tx.commit() } catch (e) { tx.rollback(); throw e }
 * ```
 */
export class FileTransaction {
  readonly #vfs: SyncVfs
  readonly #createdFiles: string[] = []
  readonly #created = new Set<string>()
  readonly #createdDirs: string[] = []
  readonly #backups = new Map<string, Backup>()
  #done = false

  /** @param vfs - the sandbox filesystem */
  constructor(vfs: SyncVfs) {
    this.#vfs = vfs
  }

  #isDir(path: string): boolean {
    try {
      return this.#vfs.stat(path).kind === 'dir'
    } catch {
      return false
    }
  }

  /** Creates `dir` and its missing parents, remembering the ones it made. */
  mkdirp(dir: string): void {
    const parts = normalizePath(dir).split('/').filter(Boolean)
    let path = ''
    for (const part of parts) {
      path += `/${part}`
      if (this.#isDir(path)) continue
      this.#vfs.mkdir(path, { mode: 0o755 })
      this.#createdDirs.push(path)
    }
  }

  #backup(path: string): boolean {
    let st
    try {
      st = this.#vfs.lstat(path)
    } catch {
      return false
    }
    if (st.kind === 'dir') return true
    if (!this.#backups.has(path) && !this.#created.has(path)) {
      const data = st.kind === 'symlink' ? new TextEncoder().encode(this.#vfs.readlink(path)) : this.#vfs.readFile(path).slice()
      this.#backups.set(path, { path, data, mode: st.kind === 'symlink' ? -1 : st.mode & 0o7777 })
    }
    return true
  }

  /** Writes `data` to `path` (creating its directory), replacing a file that is there. */
  write(path: string, data: Uint8Array, mode: number): void {
    const slash = path.lastIndexOf('/')
    this.mkdirp(path.slice(0, slash) || '/')
    const existed = this.#backup(path)
    if (existed) {
      if (this.#isDir(path)) throw Object.assign(new Error(`cannot replace the directory ${path} with a file`), { code: 'EISDIR', path })
      this.#vfs.unlink(path)
    }
    if (!this.#backups.has(path) && !this.#created.has(path)) {
      this.#createdFiles.push(path)
      this.#created.add(path)
    }
    this.#vfs.writeFile(path, data, { mode })
    this.#vfs.chmod(path, mode)
  }

  /** Removes the file or symlink at `path` if it exists (directories: see {@link pruneDirs}). */
  remove(path: string): boolean {
    let st
    try {
      st = this.#vfs.lstat(path)
    } catch {
      return false
    }
    if (st.kind === 'dir') return false
    this.#backup(path)
    this.#vfs.unlink(path)
    return true
  }

  /** Removes `dirs` (deepest first) when they are empty; never those in `keep`. */
  pruneDirs(dirs: Iterable<string>, keep: Set<string>): void {
    const sorted = [...new Set(dirs)].sort((a, b) => b.split('/').length - a.split('/').length)
    for (const d of sorted) {
      if (keep.has(d)) continue
      try {
        if (this.#vfs.readdir(d).length === 0) this.#vfs.rmdir(d)
      } catch {
        // gone or not empty
      }
    }
  }

  /** Keeps the changes. */
  commit(): void {
    this.#done = true
    this.#backups.clear()
  }

  /** Undoes every change made so far (best effort: keeps going past individual failures). */
  rollback(): void {
    if (this.#done) return
    this.#done = true
    for (const path of this.#createdFiles.reverse()) {
      if (this.#backups.has(path)) continue
      try {
        this.#vfs.unlink(path)
      } catch {
        // already gone
      }
    }
    for (const b of this.#backups.values()) {
      try {
        const dir = b.path.slice(0, b.path.lastIndexOf('/')) || '/'
        if (!this.#isDir(dir)) this.#vfs.mkdir(dir, { recursive: true })
        try {
          this.#vfs.unlink(b.path)
        } catch {
          // not there
        }
        if (b.mode === -1) this.#vfs.symlink(new TextDecoder().decode(b.data), b.path)
        else {
          this.#vfs.writeFile(b.path, b.data, { mode: b.mode })
          this.#vfs.chmod(b.path, b.mode)
        }
      } catch {
        // best effort
      }
    }
    for (const dir of this.#createdDirs.reverse()) {
      try {
        this.#vfs.rmdir(dir)
      } catch {
        // not empty (a restored file) or gone
      }
    }
  }
}
