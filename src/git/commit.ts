/**
 * `commit`: writes the index as trees and a commit, and moves the current branch (or a
 * detached HEAD) to it.
 */
import { GitError, GitErrorCode } from './errors.js'
import { commitFiles, readCommit, writeCommit, writeTreeFromFiles } from './objects.js'
import { type Repo, type Signature, headState, identity, readIndex, updateHead } from './repo.js'
import { comparePaths, type PathChange } from './diff.js'

/** Options of {@link commit}. */
export interface CommitOptions {
  message: string
  /** Author (default: the configured identity). */
  author?: { name?: string; email?: string }
  /** Commit even when nothing changed. */
  allowEmpty?: boolean
  /** Replace the current commit (its parents are kept; its message when `message` is empty). */
  amend?: boolean
  /** Keep the message exactly as given (no whitespace clean-up). */
  verbatim?: boolean
}

/** What {@link commit} made. */
export interface CommitResult {
  oid: string
  /** The branch it went on (undefined when HEAD is detached). */
  branch: string | undefined
  /** True when it is the first commit of its branch. */
  root: boolean
  /** The paths it changed, against its first parent. */
  changes: PathChange[]
  author: Signature
  message: string
}

/** git's `whitespace` clean-up of a message: no trailing spaces, no leading or trailing blank lines, single blank lines. */
export function cleanupMessage(message: string): string {
  const lines = message.split('\n').map((l) => l.replace(/\s+$/, ''))
  const out: string[] = []
  for (const l of lines) {
    if (l === '' && (out.length === 0 || out[out.length - 1] === '')) continue
    out.push(l)
  }
  while (out.length && out[out.length - 1] === '') out.pop()
  return out.length ? `${out.join('\n')}\n` : ''
}

/**
 * Commits the index.
 * @throws GitError NOTHING_TO_COMMIT when the tree equals the parent's and `allowEmpty` is not
 *   set; INVALID_ARGUMENT for an empty message or an unknown identity
 */
export async function commit(repo: Repo, options: CommitOptions): Promise<CommitResult> {
  const head = await headState(repo)
  const index = readIndex(repo)
  if (index.unmerged.size > 0) {
    throw new GitError(GitErrorCode.MERGE_CONFLICT, 'Committing is not possible because you have unmerged files.', { files: [...index.unmerged.keys()] })
  }
  let parents: string[] = head.oid ? [head.oid] : []
  let message = options.verbatim ? options.message : cleanupMessage(options.message)
  let authorOverride = options.author
  if (options.amend) {
    if (!head.oid) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'You have nothing to amend.')
    const current = await readCommit(repo, head.oid)
    parents = current.parents
    if (!message) message = current.message
    if (!authorOverride) authorOverride = { name: current.author.name, email: current.author.email }
  }
  if (!message) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'Aborting commit due to empty commit message.')
  const tree = writeTreeFromFiles(repo, index.entries.values())
  const parentFiles = await commitFiles(repo, parents[0])
  const parentTree = parents[0] ? (await readCommit(repo, parents[0])).tree : undefined
  if (!options.allowEmpty && !options.amend && parents.length <= 1 && (parentTree === tree || (!parentTree && index.entries.size === 0))) {
    throw new GitError(GitErrorCode.NOTHING_TO_COMMIT, 'nothing to commit, working tree clean', { tree })
  }
  const author = identity(repo, 'author', authorOverride)
  if (options.amend && !options.author) {
    // Amending keeps the original author date.
    const current = await readCommit(repo, head.oid as string)
    author.timestamp = current.author.timestamp
    author.tzOffset = current.author.tzOffset
  }
  const committer = identity(repo, 'committer', options.author && !repo.ctx.env?.GIT_COMMITTER_NAME ? { ...options.author } : undefined)
  const oid = writeCommit(repo, { tree, parents, author, committer, message })
  await updateHead(repo, oid)
  const newFiles = new Map([...index.entries.values()].map((e) => [e.path, { oid: e.oid, mode: e.mode }]))
  return { oid, branch: head.detached ? undefined : head.branch, root: parents.length === 0, changes: comparePaths(parentFiles, newFiles), author, message }
}
