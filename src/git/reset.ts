/**
 * `reset` (soft, mixed, hard, keep, merge; whole tree or paths) and `restore` (work tree and/or
 * index, from the index or a commit).
 */
import { GitError, GitErrorCode } from './errors.js'
import { type TreeFile, commitFiles } from './objects.js'
import { type Pathspec, matchesSpec } from './pathspec.js'
import { type Repo, headState, readIndex, updateHead, writeIndex } from './repo.js'
import { resolveCommit } from './rev.js'
import { materialize, removeWorktreeFile, resetIndexTo, switchTrees } from './worktree.js'

/** Reset modes. */
export type ResetMode = 'soft' | 'mixed' | 'hard' | 'keep' | 'merge'

/**
 * Moves HEAD to `target` (default HEAD) and resets the index (mixed), also the work tree
 * (hard), or neither (soft). With pathspecs, only those index entries are reset.
 * @throws GitError INVALID_ARGUMENT (unknown mode, hard/soft with paths), BRANCH_NOT_FOUND,
 *   DIRTY_WORKTREE (keep/merge with local changes in the way)
 */
export async function reset(repo: Repo, mode: ResetMode = 'mixed', target = 'HEAD', specs: Pathspec[] = []): Promise<{ oid: string | undefined }> {
  if (!['soft', 'mixed', 'hard', 'keep', 'merge'].includes(mode)) {
    throw new GitError(GitErrorCode.INVALID_ARGUMENT, `unsupported reset mode '${mode}' (soft, mixed, hard, merge or keep)`, { mode })
  }
  const head = await headState(repo)
  const unborn = !head.oid && (target === 'HEAD' || target === '@')
  const oid = unborn ? undefined : await resolveCommit(repo, target)
  const targetFiles = await commitFiles(repo, oid)
  if (specs.length > 0) {
    if (mode !== 'mixed') throw new GitError(GitErrorCode.INVALID_ARGUMENT, `Cannot do ${mode} reset with paths.`, { mode })
    const index = readIndex(repo)
    const matched = new Set<string>()
    for (const p of [...index.entries.keys(), ...index.unmerged.keys(), ...targetFiles.keys()]) if (specs.some((s) => matchesSpec(s, p))) matched.add(p)
    resetIndexTo(repo, targetFiles, (p) => matched.has(p))
    return { oid }
  }
  if (mode === 'hard') await switchTrees(repo, await commitFiles(repo, head.oid), targetFiles, { force: true, resetAll: true })
  else if (mode === 'keep' || mode === 'merge') await switchTrees(repo, await commitFiles(repo, head.oid), targetFiles, { verb: 'reset' })
  else if (mode === 'mixed') resetIndexTo(repo, targetFiles)
  if (oid) await updateHead(repo, oid)
  return { oid }
}

/** Options of {@link restore}. */
export interface RestoreOptions {
  /** Restore the index (default false). */
  staged?: boolean
  /** Restore the work tree (default: true unless only `staged` is set). */
  worktree?: boolean
  /** Restore from this commit (default: the index for the work tree, HEAD for the index). */
  source?: string
}

/**
 * Restores paths in the work tree and/or the index.
 * @throws GitError PATHSPEC when a path matches nothing
 */
export async function restore(repo: Repo, specs: Pathspec[], options: RestoreOptions = {}): Promise<string[]> {
  if (specs.length === 0) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'you must specify path(s) to restore')
  const staged = options.staged === true
  const worktree = options.worktree ?? !staged
  const index = readIndex(repo)
  const head = await headState(repo)
  let source: Map<string, TreeFile> | undefined
  if (options.source !== undefined) source = await commitFiles(repo, await resolveCommit(repo, options.source))
  else if (staged) source = await commitFiles(repo, head.oid)
  const restored: string[] = []
  for (const spec of specs) {
    const candidates = new Set<string>()
    const from = source ?? new Map([...index.entries].map(([p, e]) => [p, { oid: e.oid, mode: e.mode }]))
    for (const p of from.keys()) if (matchesSpec(spec, p)) candidates.add(p)
    if (staged) for (const p of index.entries.keys()) if (matchesSpec(spec, p)) candidates.add(p)
    if (candidates.size === 0) throw new GitError(GitErrorCode.PATHSPEC, `pathspec '${spec.raw}' did not match any file(s) known to git`, { path: spec.raw })
    for (const path of [...candidates].sort()) {
      const file = from.get(path)
      if (staged) {
        if (file) {
          const old = index.entries.get(path)
          index.entries.set(path, old && old.oid === file.oid && old.mode === file.mode ? old : { path, oid: file.oid, mode: file.mode, stage: 0, ctimeMs: 0, mtimeMs: 0, dev: 0, ino: 0, uid: 0, gid: 0, size: 0 })
        } else index.entries.delete(path)
        index.unmerged.delete(path)
      }
      if (worktree) {
        if (file) {
          const written = await materialize(repo, path, file)
          const entry = index.entries.get(path)
          // The work tree now matches the index entry: refresh its stat data.
          if (entry && entry.oid === file.oid && entry.mode === file.mode) index.entries.set(path, { ...written, mode: entry.mode })
        } else if (options.source !== undefined) removeWorktreeFile(repo, path)
      }
      restored.push(path)
    }
  }
  writeIndex(repo, index)
  return restored
}
