/**
 * `add` (and `rm --cached`'s inverse): stages work tree content. Files whose stat data matches
 * their index entry are skipped without being read, so adding a large tree where a few files
 * changed costs a stat per file, not a hash per file.
 */
import type { VfsStats } from '../vfs/types.js'
import { GitError, GitErrorCode } from './errors.js'
import { entryFor, isRacy, modeOf, statMatches } from './index-file.js'
import { writeObject } from './objects.js'
import { type Pathspec, matchesAny, matchesSpec, walkRoot } from './pathspec.js'
import { type Repo, join, readIndex, writeIndex } from './repo.js'
import { dirsOf, ignoreMatcher, walkWorktree } from './status.js'

const encoder = new TextEncoder()

/** Options of {@link add}. */
export interface AddOptions {
  /** Stage every change in the work tree (`-A`), also outside the pathspecs' directories. */
  all?: boolean
  /** Only tracked files (`-u`). */
  update?: boolean
  /** Add ignored files too (`-f`). */
  force?: boolean
  /** Report but do not stage (`-n`). */
  dryRun?: boolean
}

/** What {@link add} did. */
export interface AddResult {
  added: string[]
  removed: string[]
}

/**
 * Stages the files matched by `specs` (all of the work tree when `specs` is empty and
 * `options.all` is set): new and modified files are hashed and written as blobs, deleted
 * files leave the index.
 * @throws GitError PATHSPEC when a spec matches nothing; INVALID_ARGUMENT ("paths are ignored")
 *   when a spec names only ignored files
 */
export function add(repo: Repo, specs: Pathspec[], options: AddOptions = {}): AddResult {
  const vfs = repo.ctx.vfs
  const index = readIndex(repo)
  const matcher = ignoreMatcher(repo)
  const trackedDirs = dirsOf(index.entries.keys())
  const everything = specs.length === 0
  const roots = everything ? [''] : [...new Set(specs.map(walkRoot))]
  const tracked = (p: string): boolean => index.entries.has(p) || index.unmerged.has(p)
  const candidates = new Set<string>()
  if (!options.update) {
    for (const root of roots) {
      for (const f of walkWorktree(repo, root, matcher, trackedDirs, tracked, options.force ? { includeIgnored: true } : {})) {
        if (f.nested) continue
        if (everything || matchesAny(specs, f.path)) candidates.add(f.path)
      }
    }
  }
  for (const path of [...index.entries.keys(), ...index.unmerged.keys()]) {
    if (everything || matchesAny(specs, path)) candidates.add(path)
  }
  // Each spec must match something (tracked, or present in the work tree).
  const ignoredHits: string[] = []
  for (const spec of specs) {
    let hit = false
    for (const c of candidates) {
      if (matchesSpec(spec, c)) {
        hit = true
        break
      }
    }
    if (!hit) {
      // A file that exists but is ignored.
      let st: VfsStats | undefined
      try {
        st = vfs.lstat(join(repo.dir, spec.path))
      } catch {
        st = undefined
      }
      if (st && !options.force && matcher.ignored(spec.path, st.kind === 'dir')) {
        ignoredHits.push(spec.raw)
        continue
      }
      if (spec.path === '' && !spec.glob) continue
      throw new GitError(GitErrorCode.PATHSPEC, `pathspec '${spec.raw}' did not match any files`, { path: spec.raw })
    }
  }
  if (ignoredHits.length) {
    throw new GitError(
      GitErrorCode.INVALID_ARGUMENT,
      `The following paths are ignored by one of your .gitignore files:\n${ignoredHits.join('\n')}\nhint: Use -f if you really want to add them.`,
      { paths: ignoredHits, ignored: true },
    )
  }
  const result: AddResult = { added: [], removed: [] }
  let changed = false
  for (const path of [...candidates].sort()) {
    const abs = join(repo.dir, path)
    let st: VfsStats | undefined
    try {
      st = vfs.lstat(abs)
    } catch {
      st = undefined
    }
    const entry = index.entries.get(path)
    if (!st || st.kind === 'dir') {
      if (entry || index.unmerged.has(path)) {
        result.removed.push(path)
        if (!options.dryRun) {
          index.entries.delete(path)
          index.unmerged.delete(path)
          changed = true
        }
      }
      continue
    }
    if (entry && !index.unmerged.has(path) && statMatches(entry, st) && !isRacy(entry, index)) continue
    const content = st.kind === 'symlink' ? encoder.encode(vfs.readlink(abs)) : vfs.readFile(abs)
    if (options.dryRun) {
      result.added.push(path)
      continue
    }
    const oid = writeObject(repo, 'blob', content)
    const next = entryFor(path, oid, st)
    if (entry && entry.oid === oid && entry.mode === modeOf(st) && !index.unmerged.has(path)) {
      // Unchanged content: only the stat data is refreshed.
      index.entries.set(path, next)
      changed = true
      continue
    }
    index.unmerged.delete(path)
    index.entries.set(path, next)
    result.added.push(path)
    changed = true
  }
  if (changed) writeIndex(repo, index)
  return result
}

/** Removes paths from the index (`git rm --cached`), and from the work tree unless `cached`. */
export function remove(repo: Repo, specs: Pathspec[], options: { cached?: boolean; recursive?: boolean; force?: boolean } = {}): string[] {
  const index = readIndex(repo)
  const removed: string[] = []
  for (const spec of specs) {
    const hits = [...index.entries.keys()].filter((p) => matchesSpec(spec, p))
    if (hits.length === 0) throw new GitError(GitErrorCode.PATHSPEC, `pathspec '${spec.raw}' did not match any files`, { path: spec.raw })
    if (!options.recursive && !spec.glob && hits.some((p) => p !== spec.path)) {
      throw new GitError(GitErrorCode.INVALID_ARGUMENT, `not removing '${spec.raw}' recursively without -r`, { path: spec.raw })
    }
    for (const p of hits) {
      index.entries.delete(p)
      removed.push(p)
      if (!options.cached) {
        try {
          repo.ctx.vfs.unlink(join(repo.dir, p))
        } catch {
          // already gone
        }
      }
    }
  }
  writeIndex(repo, index)
  return removed.sort()
}
