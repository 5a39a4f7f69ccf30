/**
 * `merge`: fast-forwards, and three-way merges without conflicts (isomorphic-git merges the
 * trees; this moves the work tree and the branch). A merge with conflicts changes nothing and
 * says which files conflict.
 */
import * as iso from 'isomorphic-git'
import { GitError, GitErrorCode } from './errors.js'
import { commitFiles, readCommit } from './objects.js'
import { type Repo, headState, identity, isoArgs, updateHead } from './repo.js'
import { switchTrees } from './worktree.js'

/** Options of {@link merge}. */
export interface MergeOptions {
  /** Refuse anything but a fast-forward (`--ff-only`). */
  ffOnly?: boolean
  /** Always make a merge commit (`--no-ff`). */
  noFf?: boolean
  /** The merge commit's message (default: git's `Merge branch 'x'`). */
  message?: string
  /** How `theirs` is named in the default message (`branch 'x'`, `commit 'abc'`…). */
  theirsLabel?: string
  /** Verb for messages about local changes. */
  verb?: string
}

/** What {@link merge} did. */
export interface MergeResult {
  kind: 'up-to-date' | 'fast-forward' | 'merge'
  /** HEAD before. */
  from: string | undefined
  /** HEAD after. */
  to: string
}

/** True when `ancestor` is `oid` or one of its ancestors. */
export async function isAncestor(repo: Repo, ancestor: string, oid: string): Promise<boolean> {
  if (ancestor === oid) return true
  try {
    return await iso.isDescendent({ fs: repo.fs, gitdir: repo.gitdir, oid, ancestor, depth: -1, cache: repo.cache })
  } catch {
    return false
  }
}

/** The default merge message. */
export function mergeMessage(theirsLabel: string, branch: string | undefined): string {
  const into = branch && branch !== 'main' && branch !== 'master' ? ` into ${branch}` : ''
  return `Merge ${theirsLabel}${into}\n`
}

/**
 * Merges commit `theirs` into HEAD.
 * @throws GitError MERGE_CONFLICT (nothing changed), DIRTY_WORKTREE, or INVALID_ARGUMENT
 *   (`--ff-only` and the histories diverged)
 */
export async function merge(repo: Repo, theirs: string, options: MergeOptions = {}): Promise<MergeResult> {
  const head = await headState(repo)
  if (!head.oid) {
    // Unborn branch: the merge is a checkout of theirs.
    await switchTrees(repo, new Map(), await commitFiles(repo, theirs), { verb: options.verb ?? 'merge' })
    await updateHead(repo, theirs)
    return { kind: 'fast-forward', from: undefined, to: theirs }
  }
  if (await isAncestor(repo, theirs, head.oid)) return { kind: 'up-to-date', from: head.oid, to: head.oid }
  const ff = await isAncestor(repo, head.oid, theirs)
  if (ff && !options.noFf) {
    await switchTrees(repo, await commitFiles(repo, head.oid), await commitFiles(repo, theirs), { verb: options.verb ?? 'merge' })
    await updateHead(repo, theirs)
    return { kind: 'fast-forward', from: head.oid, to: theirs }
  }
  if (options.ffOnly) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'Not possible to fast-forward, aborting.', { ff: false })
  const author = identity(repo, 'author')
  const committer = identity(repo, 'committer')
  const message = options.message ?? mergeMessage(options.theirsLabel ?? `commit '${theirs.slice(0, 7)}'`, head.branch)
  let merged: string
  try {
    const r = await iso.merge({
      ...isoArgs(repo),
      ours: head.detached ? head.oid : head.branch,
      theirs,
      fastForward: false,
      noUpdateBranch: true,
      abortOnConflict: true,
      message,
      author: { name: author.name, email: author.email, timestamp: author.timestamp, timezoneOffset: author.tzOffset === 0 ? 0 : -author.tzOffset },
      committer: { name: committer.name, email: committer.email, timestamp: committer.timestamp, timezoneOffset: committer.tzOffset === 0 ? 0 : -committer.tzOffset },
    })
    if (!r.oid) throw new GitError(GitErrorCode.INTERNAL, 'merge produced no commit')
    merged = r.oid
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'MergeConflictError' || code === 'MergeNotSupportedError') {
      const data = (error as { data?: { filepaths?: string[]; bothModified?: string[]; deleteByUs?: string[]; deleteByTheirs?: string[] } }).data ?? {}
      const files = data.filepaths ?? []
      const lines = [
        ...(data.bothModified ?? files).map((f) => `CONFLICT (content): Merge conflict in ${f}`),
        ...(data.deleteByUs ?? []).map((f) => `CONFLICT (modify/delete): ${f} deleted in HEAD and modified in ${options.theirsLabel ?? theirs.slice(0, 7)}.`),
        ...(data.deleteByTheirs ?? []).map((f) => `CONFLICT (modify/delete): ${f} deleted in ${options.theirsLabel ?? theirs.slice(0, 7)} and modified in HEAD.`),
      ]
      throw new GitError(
        GitErrorCode.MERGE_CONFLICT,
        `${lines.join('\n') || 'CONFLICT: the merge has conflicts'}\nAutomatic merge failed; nothing was changed (daylite's git does not write conflict markers). Resolve the conflicting changes by hand on one side, commit, and merge again.`,
        { files },
      )
    }
    throw error
  }
  const mergedCommit = await readCommit(repo, merged)
  await switchTrees(repo, await commitFiles(repo, head.oid), await commitFiles(repo, mergedCommit.oid), { verb: options.verb ?? 'merge' })
  await updateHead(repo, merged)
  return { kind: 'merge', from: head.oid, to: merged }
}
