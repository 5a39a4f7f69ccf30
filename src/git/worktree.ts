/**
 * Moving the index and work tree from one tree to another: what checkout, switch, reset
 * --hard, fast-forward merges, pull and stash share. Paths that are the same in both trees are
 * left alone (local changes to them are carried over); a path that changes must be clean, or
 * the whole move is refused before anything is written (unless forced).
 */
import type { SyncVfs } from '../vfs/types.js'
import { GitError, GitErrorCode } from './errors.js'
import { type GitIndex, type IndexEntry, entryFor } from './index-file.js'
import { type TreeFile, readBlob } from './objects.js'
import { type Repo, join, readIndex, writeIndex } from './repo.js'
import { ignoreMatcher, worktreeState } from './status.js'

const decoder = new TextDecoder()

function sameFile(a: TreeFile | undefined, b: { oid: string; mode: number } | undefined): boolean {
  if (!a || !b) return a === undefined && b === undefined
  return a.oid === b.oid && a.mode === b.mode
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

/** Removes `abs` and its parents up to (not including) `root` while they are empty. */
function pruneEmptyDirs(vfs: SyncVfs, root: string, rel: string): void {
  let dir = parentOf(rel)
  while (dir) {
    const abs = join(root, dir)
    try {
      if (vfs.readdir(abs).length > 0) return
      vfs.rmdir(abs)
    } catch {
      return
    }
    dir = parentOf(dir)
  }
}

/** Writes a blob to the work tree (file, executable or symlink); returns its stats. */
export async function materialize(repo: Repo, path: string, file: TreeFile): Promise<IndexEntry> {
  const vfs = repo.ctx.vfs
  const abs = join(repo.dir, path)
  if (file.mode === 0o160000) {
    vfs.mkdir(abs, { recursive: true })
    const st = vfs.stat(abs)
    return { ...entryFor(path, file.oid, st), mode: 0o160000 }
  }
  const content = await readBlob(repo, file.oid)
  // Make room: a directory (or a file where a directory must go) in the way.
  const parent = parentOf(path)
  if (parent) {
    let at = ''
    for (const part of parent.split('/')) {
      at = at ? `${at}/${part}` : part
      try {
        const st = vfs.lstat(join(repo.dir, at))
        if (st.kind !== 'dir') vfs.unlink(join(repo.dir, at))
      } catch {
        break
      }
    }
    vfs.mkdir(join(repo.dir, parent), { recursive: true })
  }
  try {
    const st = vfs.lstat(abs)
    if (st.kind === 'dir') vfs.rm(abs, { recursive: true })
    else if (st.kind === 'symlink' || file.mode === 0o120000) vfs.unlink(abs)
  } catch {
    // nothing there
  }
  if (file.mode === 0o120000) vfs.symlink(decoder.decode(content), abs)
  else {
    const mode = file.mode === 0o100755 ? 0o755 : 0o644
    const existed = vfs.exists(abs)
    vfs.writeFile(abs, content, { mode })
    if (existed) vfs.chmod(abs, mode)
  }
  const entry = entryFor(path, file.oid, vfs.lstat(abs))
  entry.mode = file.mode
  return entry
}

/** Removes a tracked file from the work tree (and its directories when they become empty). */
export function removeWorktreeFile(repo: Repo, path: string): void {
  const vfs = repo.ctx.vfs
  try {
    vfs.unlink(join(repo.dir, path))
  } catch {
    return
  }
  pruneEmptyDirs(vfs, repo.dir, path)
}

/** Options of {@link switchTrees}. */
export interface SwitchOptions {
  /** Overwrite local changes (reset --hard, checkout -f). */
  force?: boolean
  /** Also reset paths that are the same in both trees but differ in the index or work tree (reset --hard). */
  resetAll?: boolean
  /** The verb for the refusal message (`checkout`, `merge`…). */
  verb?: string
  /** Reports progress (paths written so far). */
  onProgress?: (done: number, total: number) => void
}

/**
 * Moves the index and work tree from `from` (the current HEAD's files) to `to`.
 * @throws GitError DIRTY_WORKTREE when a path that changes has local changes (nothing is written)
 */
export async function switchTrees(repo: Repo, from: Map<string, TreeFile>, to: Map<string, TreeFile>, options: SwitchOptions = {}): Promise<{ written: number; removed: number }> {
  const index = readIndex(repo)
  const changing: string[] = []
  const all = new Set<string>([...from.keys(), ...to.keys()])
  if (options.resetAll) for (const p of index.entries.keys()) all.add(p)
  for (const p of index.unmerged.keys()) all.add(p)
  const dirty: string[] = []
  const untracked: string[] = []
  for (const path of all) {
    const f = from.get(path)
    const t = to.get(path)
    const entry = index.entries.get(path)
    if (!options.resetAll && sameFile(f, t)) continue
    if (options.resetAll && sameFile(t, entry) && !index.unmerged.has(path)) {
      // The index agrees with the target: only a dirty work tree needs work.
      if (!entry || worktreeState(repo, index, entry).state === 'clean') continue
    }
    changing.push(path)
    if (options.force) continue
    if (index.unmerged.has(path)) {
      dirty.push(path)
      continue
    }
    // The index must match the current HEAD (or already match the target) for this path...
    if (!sameFile(f, entry) && !sameFile(t, entry)) {
      dirty.push(path)
      continue
    }
    // ...and the work tree must match the index.
    if (entry) {
      if (worktreeState(repo, index, entry).state !== 'clean') dirty.push(path)
    } else if (t) {
      // Not tracked here but in the target: an untracked file would be overwritten.
      try {
        const st = repo.ctx.vfs.lstat(join(repo.dir, path))
        if (st.kind !== 'dir') untracked.push(path)
      } catch {
        // free
      }
    }
  }
  if (dirty.length || untracked.length) {
    const verb = options.verb ?? 'checkout'
    let message = ''
    if (dirty.length) message += `Your local changes to the following files would be overwritten by ${verb}:\n${dirty.map((p) => `\t${p}\n`).join('')}Please commit your changes or stash them before you ${verb === 'checkout' ? 'switch branches' : verb}.\n`
    if (untracked.length) {
      const matcher = ignoreMatcher(repo)
      const shown = untracked.filter((p) => !matcher.ignored(p, false))
      if (shown.length) message += `The following untracked working tree files would be overwritten by ${verb}:\n${shown.map((p) => `\t${p}\n`).join('')}Please move or remove them before you ${verb === 'checkout' ? 'switch branches' : verb}.\n`
    }
    if (message) throw new GitError(GitErrorCode.DIRTY_WORKTREE, `${message}Aborting`, { files: [...dirty, ...untracked] })
  }
  let written = 0
  let removed = 0
  changing.sort()
  // Removals first (a file may be replaced by a directory of the same name).
  for (const path of changing) {
    if (to.has(path)) continue
    index.entries.delete(path)
    index.unmerged.delete(path)
    if (from.has(path) || options.resetAll) {
      removeWorktreeFile(repo, path)
      removed++
    }
  }
  const total = changing.length
  let done = 0
  for (const path of changing) {
    const t = to.get(path)
    done++
    if (!t) continue
    index.unmerged.delete(path)
    index.entries.set(path, await materialize(repo, path, t))
    written++
    options.onProgress?.(done, total)
  }
  writeIndex(repo, index)
  return { written, removed }
}

/** Sets the index to exactly the files of a tree, keeping stat data where the blob is unchanged. */
export function resetIndexTo(repo: Repo, to: Map<string, TreeFile>, only?: (path: string) => boolean): GitIndex {
  const index = readIndex(repo)
  const next = new Map<string, IndexEntry>()
  for (const [path, entry] of index.entries) {
    if (only && !only(path)) next.set(path, entry)
  }
  for (const [path, file] of to) {
    if (only && !only(path)) continue
    const old = index.entries.get(path)
    if (old && old.oid === file.oid && old.mode === file.mode) next.set(path, old)
    else {
      // Zero stat data: the next status hashes the file to compare it.
      next.set(path, { path, oid: file.oid, mode: file.mode, stage: 0, ctimeMs: 0, mtimeMs: 0, dev: 0, ino: 0, uid: 0, gid: 0, size: 0 })
    }
  }
  if (only) {
    for (const p of [...index.unmerged.keys()]) if (only(p)) index.unmerged.delete(p)
  } else index.unmerged.clear()
  index.entries = next
  writeIndex(repo, index)
  return index
}
