/**
 * `status`: HEAD against the index against the work tree. The index's stat data decides which
 * files are unchanged without reading them; only files whose stat data differs (or that were
 * written in the same millisecond as the index: "racy git") are hashed, and their refreshed
 * stat data is written back so that the next status need not hash them again.
 */
import type { SyncVfs, VfsStats } from '../vfs/types.js'
import { type GitIndex, type IndexEntry, entryFor, isRacy, modeOf, statMatches } from './index-file.js'
import { IgnoreMatcher } from './ignore.js'
import { commitFiles } from './objects.js'
import { type HeadState, type Repo, getConfig, headState, join, readIndex, readText, writeIndex } from './repo.js'
import { objectId } from './sha1.js'

const encoder = new TextEncoder()

/** How a path differs: between HEAD and the index (`staged`), the index and the work tree (`unstaged`). */
export interface FileChange {
  path: string
  /** Added, Modified, Deleted, or Type changed (file ↔ symlink) in the index. */
  staged?: 'A' | 'M' | 'D' | 'T'
  /** Modified, Deleted or Type changed in the work tree. */
  unstaged?: 'M' | 'D' | 'T'
  /** Not in the index (nor HEAD). A nested repository is listed as `dir/`. */
  untracked?: boolean
  /** The path has unmerged entries (a conflict). */
  unmerged?: boolean
}

/** The result of {@link status}. */
export interface StatusResult {
  head: HeadState
  /** Changed paths, sorted. */
  changes: FileChange[]
  /** Directories that hold tracked files (`a`, `a/b`), for collapsing untracked directories. */
  trackedDirs: Set<string>
}

/** The blob id of a work tree file (a symlink's target for symlinks). */
export function hashWorktreeFile(vfs: SyncVfs, abs: string, stats: VfsStats): string {
  const content = stats.kind === 'symlink' ? encoder.encode(vfs.readlink(abs)) : vfs.readFile(abs)
  return objectId('blob', content)
}

/** The ignore rules of a work tree. */
export function ignoreMatcher(repo: Repo): IgnoreMatcher {
  const extra: string[] = []
  const global = getConfig(repo.ctx, 'core.excludesFile', repo)
  const globalPath = global ? global.replace(/^~(?=\/)/, repo.ctx.home) : join(repo.ctx.env?.XDG_CONFIG_HOME || join(repo.ctx.home, '.config'), 'git/ignore')
  const g = readText(repo.ctx.vfs, globalPath)
  if (g) extra.push(g)
  const exclude = readText(repo.ctx.vfs, join(repo.gitdir, 'info/exclude'))
  if (exclude) extra.push(exclude)
  return new IgnoreMatcher(repo.ctx.vfs, repo.dir, extra)
}

/** A file found in the work tree. */
export interface WorktreeFile {
  path: string
  /** A nested repository (listed as a directory). */
  nested?: boolean
}

/**
 * The files of the work tree under `start` (relative; `''` for all), skipping `.git`,
 * ignored paths (unless `tracked` has them) and the insides of nested repositories.
 */
export function walkWorktree(
  repo: Repo,
  start: string,
  matcher: IgnoreMatcher,
  trackedDirs: Set<string>,
  isTracked: (path: string) => boolean,
  options: { includeIgnored?: boolean } = {},
): WorktreeFile[] {
  const vfs = repo.ctx.vfs
  const out: WorktreeFile[] = []
  const check = !options.includeIgnored
  const visit = (rel: string, ignoredParent: boolean): void => {
    let entries
    try {
      entries = vfs.readdirWithTypes(join(repo.dir, rel))
    } catch {
      return
    }
    for (const e of entries) {
      if (e.name === '.git') continue
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.kind === 'dir') {
        const ignored = ignoredParent || (check && matcher.ignoredHere(path, true))
        if (!trackedDirs.has(path)) {
          if (ignored) continue
          if (vfs.exists(join(repo.dir, `${path}/.git`))) {
            out.push({ path: `${path}/`, nested: true })
            continue
          }
        }
        visit(path, ignored)
        continue
      }
      if (e.kind !== 'file' && e.kind !== 'symlink') continue
      if (!isTracked(path) && (ignoredParent || (check && matcher.ignoredHere(path, false)))) continue
      out.push({ path })
    }
  }
  if (start !== '') {
    // The start may be a file.
    let kind: string | undefined
    try {
      kind = vfs.lstat(join(repo.dir, start)).kind
    } catch {
      return out
    }
    if (kind !== 'dir') {
      if (isTracked(start) || !check || !matcher.ignored(start, false)) out.push({ path: start })
      return out
    }
  }
  // Parents of the start directory are checked once, as a whole.
  const startIgnored = start !== '' && check && matcher.ignored(start, true)
  if (startIgnored && !trackedDirs.has(start)) return out
  visit(start, startIgnored)
  return out
}

/** Every directory that holds an index entry (`a/b/c.txt` → `a`, `a/b`). */
export function dirsOf(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>()
  for (const p of paths) {
    let i = p.lastIndexOf('/')
    while (i > 0) {
      const d = p.slice(0, i)
      if (dirs.has(d)) break
      dirs.add(d)
      i = d.lastIndexOf('/')
    }
  }
  return dirs
}

/** Compares one index entry with the work tree; refreshes its stat data when it is clean. */
export function worktreeState(repo: Repo, index: GitIndex, entry: IndexEntry): { state: 'clean' | 'M' | 'D' | 'T'; refreshed?: IndexEntry } {
  const abs = join(repo.dir, entry.path)
  let stats: VfsStats
  try {
    stats = repo.ctx.vfs.lstat(abs)
  } catch {
    return { state: 'D' }
  }
  if (stats.kind === 'dir') return { state: entry.mode === 0o160000 ? 'clean' : 'D' }
  if (entry.mode === 0o160000) return { state: 'clean' }
  if (statMatches(entry, stats) && !isRacy(entry, index)) return { state: 'clean' }
  const mode = modeOf(stats)
  if ((mode === 0o120000) !== (entry.mode === 0o120000)) return { state: 'T' }
  const oid = hashWorktreeFile(repo.ctx.vfs, abs, stats)
  if (oid !== entry.oid) return { state: 'M' }
  if (mode !== entry.mode) return { state: 'M' }
  return { state: 'clean', refreshed: entryFor(entry.path, oid, stats) }
}

/** Options of {@link status}. */
export interface StatusOptions {
  /** Look for untracked files (default true). */
  untracked?: boolean
  /** Only paths under this directory (relative to the work tree). */
  under?: string
}

/**
 * The status of the work tree.
 *
 * @example
 * ```ts
 * const { head, changes } = await status(repo)
 * ```
 */
export async function status(repo: Repo, options: StatusOptions = {}): Promise<StatusResult> {
  const head = await headState(repo)
  const headFiles = await commitFiles(repo, head.oid)
  const index = readIndex(repo)
  const byPath = new Map<string, FileChange>()
  const change = (path: string): FileChange => {
    let c = byPath.get(path)
    if (!c) {
      c = { path }
      byPath.set(path, c)
    }
    return c
  }
  let refreshed = false
  for (const entry of index.entries.values()) {
    const h = headFiles.get(entry.path)
    if (!h) change(entry.path).staged = 'A'
    else if (h.oid !== entry.oid || h.mode !== entry.mode) change(entry.path).staged = (h.mode === 0o120000) !== (entry.mode === 0o120000) ? 'T' : 'M'
    const w = worktreeState(repo, index, entry)
    if (w.state !== 'clean') change(entry.path).unstaged = w.state
    else if (w.refreshed) {
      index.entries.set(entry.path, w.refreshed)
      refreshed = true
    }
  }
  for (const path of index.unmerged.keys()) change(path).unmerged = true
  for (const path of headFiles.keys()) {
    if (!index.entries.has(path) && !index.unmerged.has(path)) change(path).staged = 'D'
  }
  const trackedDirs = dirsOf([...index.entries.keys(), ...index.unmerged.keys()])
  if (options.untracked !== false && !repo.bare) {
    const tracked = (p: string): boolean => index.entries.has(p) || index.unmerged.has(p)
    for (const f of walkWorktree(repo, options.under ?? '', ignoreMatcher(repo), trackedDirs, tracked)) {
      // Kept apart from a tracked change of the same path (a file removed from the index only).
      if (!index.entries.has(f.path) && !index.unmerged.has(f.path)) byPath.set(`?${f.path}`, { path: f.path, untracked: true })
    }
  }
  if (refreshed) {
    try {
      writeIndex(repo, index)
    } catch {
      // A read-only or full disk: the refresh is only an optimisation.
    }
  }
  let changes = [...byPath.values()]
  if (options.under) changes = changes.filter((c) => c.path === options.under || c.path.startsWith(`${options.under}/`))
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { head, changes, trackedDirs }
}

/** True when nothing is staged or modified (untracked files do not count). */
export function isClean(result: StatusResult): boolean {
  return result.changes.every((c) => c.untracked)
}
