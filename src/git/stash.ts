/**
 * `stash`: push, list, apply, pop, drop and clear, in git's format (`refs/stash` and its
 * reflog; a stash is a commit of the work tree whose parents are HEAD and a commit of the
 * index), so that native git reads what daylite stashed and the other way round. Applying onto
 * a HEAD that moved works when the stashed paths did not change in between.
 */
import { GitError, GitErrorCode } from './errors.js'
import { type TreeFile, commitFiles, formatSignature, readCommit, subject, writeCommit, writeObject, writeTreeFromFiles } from './objects.js'
import { type Repo, headState, identity, join, readIndex, readText, writeIndex, writeText } from './repo.js'
import { status, worktreeState } from './status.js'
import { materialize, removeWorktreeFile, switchTrees } from './worktree.js'
import { deleteRef } from './repo.js'

const encoder = new TextEncoder()
const ZERO = '0'.repeat(40)

/** A stash entry. */
export interface StashEntry {
  index: number
  oid: string
  message: string
}

function logPath(repo: Repo): string {
  return join(repo.gitdir, 'logs/refs/stash')
}

/** The stash entries, newest first (`stash@{0}` first). */
export function listStash(repo: Repo): StashEntry[] {
  const lines = (readText(repo.ctx.vfs, logPath(repo)) ?? '').split('\n').filter(Boolean)
  return lines
    .reverse()
    .map((line, index) => {
      const [meta = '', message = ''] = line.split('\t')
      return { index, oid: meta.split(' ')[1] ?? '', message }
    })
}

function writeLog(repo: Repo, entries: StashEntry[], ident: string): void {
  // Entries are stored oldest first; each line records the previous tip.
  const lines: string[] = []
  const oldest = [...entries].reverse()
  let prev = ZERO
  for (const e of oldest) {
    lines.push(`${prev} ${e.oid} ${ident}\t${e.message}`)
    prev = e.oid
  }
  if (lines.length === 0) {
    try {
      repo.ctx.vfs.unlink(logPath(repo))
    } catch {
      // none
    }
    return
  }
  writeText(repo.ctx.vfs, logPath(repo), `${lines.join('\n')}\n`)
}

/**
 * Saves local changes (staged and not) and resets the work tree to HEAD.
 * @returns the stash message, or undefined when there was nothing to save
 */
export async function stashPush(repo: Repo, message?: string): Promise<string | undefined> {
  const head = await headState(repo)
  if (!head.oid) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'You do not have the initial commit yet')
  const st = await status(repo, { untracked: false })
  if (st.changes.length === 0) return undefined
  const headCommit = await readCommit(repo, head.oid)
  const branch = head.detached ? '(no branch)' : (head.branch as string)
  const desc = `${head.oid.slice(0, 7)} ${subject(headCommit.message)}`
  const index = readIndex(repo)
  const author = identity(repo, 'author')
  const committer = identity(repo, 'committer')
  const indexTree = writeTreeFromFiles(repo, index.entries.values())
  const indexCommit = writeCommit(repo, { tree: indexTree, parents: [head.oid], author, committer, message: `index on ${branch}: ${desc}\n` })
  const work = new Map<string, TreeFile>([...index.entries].map(([p, e]) => [p, { oid: e.oid, mode: e.mode }]))
  for (const entry of index.entries.values()) {
    const w = worktreeState(repo, index, entry)
    if (w.state === 'D') work.delete(entry.path)
    else if (w.state !== 'clean') {
      const abs = join(repo.dir, entry.path)
      const stats = repo.ctx.vfs.lstat(abs)
      const content = stats.kind === 'symlink' ? encoder.encode(repo.ctx.vfs.readlink(abs)) : repo.ctx.vfs.readFile(abs)
      const oid = writeObject(repo, 'blob', content)
      work.set(entry.path, { oid, mode: stats.kind === 'symlink' ? 0o120000 : stats.mode & 0o111 ? 0o100755 : 0o100644 })
    }
  }
  const workTree = writeTreeFromFiles(repo, work)
  const text = message ? `On ${branch}: ${message}` : `WIP on ${branch}: ${desc}`
  const stashOid = writeCommit(repo, { tree: workTree, parents: [head.oid, indexCommit], author, committer, message: text })
  const entries = listStash(repo)
  entries.unshift({ index: 0, oid: stashOid, message: text })
  writeLog(repo, entries, formatSignature(committer))
  writeText(repo.ctx.vfs, join(repo.gitdir, 'refs/stash'), `${stashOid}\n`)
  // Back to HEAD.
  await switchTrees(repo, await commitFiles(repo, head.oid), await commitFiles(repo, head.oid), { force: true, resetAll: true })
  return text
}

function entryAt(repo: Repo, n: number): StashEntry {
  const entries = listStash(repo)
  const e = entries[n]
  if (!e) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, entries.length === 0 ? 'No stash entries found.' : `stash@{${n}} is not a valid reference`, { stash: n })
  return e
}

/**
 * Applies stash entry `n` to the work tree (new files it had staged are staged again).
 * @throws GitError DIRTY_WORKTREE (local changes in the way), MERGE_CONFLICT (HEAD changed the
 *   same paths), BRANCH_NOT_FOUND (no such entry); nothing is changed then
 */
export async function stashApply(repo: Repo, n = 0): Promise<StashEntry> {
  const entry = entryAt(repo, n)
  const stash = await readCommit(repo, entry.oid)
  const base = await commitFiles(repo, stash.parents[0])
  const staged = await commitFiles(repo, stash.parents[1])
  const saved = await commitFiles(repo, stash.oid)
  const head = await headState(repo)
  const current = await commitFiles(repo, head.oid)
  const index = readIndex(repo)
  const same = (a: TreeFile | undefined, b: TreeFile | undefined): boolean => (a && b ? a.oid === b.oid && a.mode === b.mode : a === b)
  const paths = new Set([...base.keys(), ...saved.keys(), ...staged.keys()])
  const changes: string[] = []
  const conflicts: string[] = []
  const dirty: string[] = []
  for (const p of paths) {
    if (same(base.get(p), saved.get(p)) && same(base.get(p), staged.get(p))) continue
    changes.push(p)
    const h = current.get(p)
    if (!same(h, base.get(p)) && !same(h, saved.get(p))) conflicts.push(p)
    const e = index.entries.get(p)
    if (e ? !same(h, e) || worktreeState(repo, index, e).state !== 'clean' : repo.ctx.vfs.exists(join(repo.dir, p)) && !h) dirty.push(p)
  }
  if (dirty.length) {
    throw new GitError(GitErrorCode.DIRTY_WORKTREE, `Your local changes to the following files would be overwritten by merge:\n${dirty.map((p) => `\t${p}\n`).join('')}Please commit your changes or stash them before you merge.\nAborting`, { files: dirty })
  }
  if (conflicts.length) {
    throw new GitError(GitErrorCode.MERGE_CONFLICT, `${conflicts.map((p) => `CONFLICT (content): Merge conflict in ${p}`).join('\n')}\nThe stash was not applied (nothing was changed): these files changed since it was made.`, { files: conflicts })
  }
  for (const p of changes.sort()) {
    const file = saved.get(p)
    if (file) {
      const written = await materialize(repo, p, file)
      if (!base.has(p) && staged.has(p)) index.entries.set(p, written)
    } else {
      removeWorktreeFile(repo, p)
      if (!staged.has(p)) index.entries.delete(p)
    }
  }
  writeIndex(repo, index)
  return entry
}

/** Removes stash entry `n`. */
export async function stashDrop(repo: Repo, n = 0): Promise<StashEntry> {
  const entry = entryAt(repo, n)
  const entries = listStash(repo).filter((e) => e.index !== n)
  const ident = (readText(repo.ctx.vfs, logPath(repo)) ?? '').split('\n')[0]?.split('\t')[0]?.split(' ').slice(2).join(' ') ?? ''
  writeLog(repo, entries, ident)
  const top = entries[0]
  if (top) writeText(repo.ctx.vfs, join(repo.gitdir, 'refs/stash'), `${top.oid}\n`)
  else await deleteRef(repo, 'refs/stash').catch(() => {})
  return entry
}

/** Removes every stash entry. */
export async function stashClear(repo: Repo): Promise<void> {
  writeLog(repo, [], '')
  await deleteRef(repo, 'refs/stash').catch(() => {})
}
