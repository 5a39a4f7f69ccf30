/**
 * Branches: create, delete, rename, and switching to a branch or commit (`checkout`/`switch`).
 */
import { GitError, GitErrorCode } from './errors.js'
import { isAncestor } from './merge.js'
import { commitFiles } from './objects.js'
import { type Repo, checkRefName, deleteRef, editConfig, headState, listBranches, readConfig, refOid, setHead, upstreamOf, writeRef } from './repo.js'
import { resolveCommit } from './rev.js'
import { switchTrees } from './worktree.js'

/**
 * Creates a branch at `start` (default HEAD).
 * @throws GitError BRANCH_EXISTS, INVALID_ARGUMENT (bad name), BRANCH_NOT_FOUND (bad start)
 */
export async function createBranch(repo: Repo, name: string, options: { start?: string; force?: boolean; track?: { remote: string; merge: string } } = {}): Promise<string> {
  checkRefName(name)
  const existing = await refOid(repo, `refs/heads/${name}`)
  if (existing && !options.force) throw new GitError(GitErrorCode.BRANCH_EXISTS, `a branch named '${name}' already exists`, { branch: name })
  let oid: string
  if (options.start) oid = await resolveCommit(repo, options.start)
  else {
    const head = await headState(repo)
    if (!head.oid) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `not a valid object name: '${head.branch ?? 'HEAD'}'`, { ref: 'HEAD' })
    oid = head.oid
  }
  writeRef(repo, `refs/heads/${name}`, oid)
  if (options.track) {
    const track = options.track
    editConfig(
      repo.ctx,
      'local',
      (c) => {
        c.set(`branch.${name}.remote`, track.remote)
        c.set(`branch.${name}.merge`, track.merge)
      },
      repo,
    )
  }
  return oid
}

/**
 * Deletes a branch. Without `force`, refuses one that is not merged into HEAD (or its upstream).
 * @throws GitError BRANCH_NOT_FOUND; INVALID_ARGUMENT (the current branch, or not merged)
 */
export async function deleteBranch(repo: Repo, name: string, options: { force?: boolean } = {}): Promise<string> {
  const oid = await refOid(repo, `refs/heads/${name}`)
  if (!oid) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `branch '${name}' not found.`, { branch: name })
  const head = await headState(repo)
  if (!head.detached && head.branch === name) {
    throw new GitError(GitErrorCode.INVALID_ARGUMENT, `Cannot delete branch '${name}' checked out at '${repo.dir}'`, { branch: name })
  }
  if (!options.force) {
    const up = upstreamOf(repo, name)
    const base = (up ? await refOid(repo, up.tracking) : undefined) ?? head.oid
    if (base && !(await isAncestor(repo, oid, base))) {
      throw new GitError(GitErrorCode.INVALID_ARGUMENT, `The branch '${name}' is not fully merged.\nIf you are sure you want to delete it, run 'git branch -D ${name}'.`, { branch: name, unmerged: true })
    }
  }
  await deleteRef(repo, `refs/heads/${name}`)
  editConfig(repo.ctx, 'local', (c) => void c.removeSection('branch', name), repo)
  return oid
}

/** Renames a branch (and HEAD, when it is the current one). */
export async function renameBranch(repo: Repo, from: string, to: string, force = false): Promise<void> {
  checkRefName(to)
  const oid = await refOid(repo, `refs/heads/${from}`)
  const head = await headState(repo)
  if (!oid && !(head.branch === from && !head.oid)) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `no branch named '${from}'`, { branch: from })
  if ((await refOid(repo, `refs/heads/${to}`)) && !force) throw new GitError(GitErrorCode.BRANCH_EXISTS, `a branch named '${to}' already exists`, { branch: to })
  if (oid) {
    writeRef(repo, `refs/heads/${to}`, oid)
    await deleteRef(repo, `refs/heads/${from}`)
  }
  const config = readConfig(repo.ctx, 'local', repo)
  if (config.hasSection('branch', from)) editConfig(repo.ctx, 'local', (c) => c.renameSection('branch', from, to), repo)
  if (!head.detached && head.branch === from) setHead(repo, { branch: to })
}

/** What {@link checkout} did. */
export interface CheckoutResult {
  /** The branch now checked out (undefined: detached). */
  branch: string | undefined
  oid: string
  /** A branch was created from a remote-tracking branch of the same name. */
  trackedRemote?: string
  /** HEAD did not move. */
  same: boolean
}

/**
 * Switches to a branch, or to a commit (detached HEAD). A missing local branch is created from
 * a remote-tracking branch of the same name when exactly one remote has it (git's DWIM).
 * @throws GitError BRANCH_NOT_FOUND; DIRTY_WORKTREE when local changes would be lost
 */
export async function checkout(repo: Repo, target: string, options: { create?: boolean; force?: boolean; detach?: boolean; start?: string; allowDetach?: boolean } = {}): Promise<CheckoutResult> {
  const head = await headState(repo)
  const fromFiles = await commitFiles(repo, head.oid)
  if (options.create) {
    checkRefName(target)
    if (await refOid(repo, `refs/heads/${target}`)) {
      if (!options.force) throw new GitError(GitErrorCode.BRANCH_EXISTS, `a branch named '${target}' already exists`, { branch: target })
    }
    const start = options.start ? await resolveCommit(repo, options.start) : head.oid
    if (!start) {
      // On an unborn branch, -b just renames where HEAD points.
      setHead(repo, { branch: target })
      return { branch: target, oid: '', same: true }
    }
    await switchTrees(repo, fromFiles, await commitFiles(repo, start), { force: options.force })
    writeRef(repo, `refs/heads/${target}`, start)
    let trackedRemote: string | undefined
    if (options.start && /^[^/]+\/.+/.test(options.start) && (await refOid(repo, `refs/remotes/${options.start}`))) {
      const slash = options.start.indexOf('/')
      const remote = options.start.slice(0, slash)
      const merge = `refs/heads/${options.start.slice(slash + 1)}`
      editConfig(
        repo.ctx,
        'local',
        (c) => {
          c.set(`branch.${target}.remote`, remote)
          c.set(`branch.${target}.merge`, merge)
        },
        repo,
      )
      trackedRemote = options.start
    }
    setHead(repo, { branch: target })
    return { branch: target, oid: start, same: false, ...(trackedRemote ? { trackedRemote } : {}) }
  }
  let branchOid = options.detach ? undefined : await refOid(repo, `refs/heads/${target}`)
  let trackedRemote: string | undefined
  if (!branchOid && !options.detach && !target.startsWith('refs/')) {
    // DWIM: a remote-tracking branch of that name on exactly one remote.
    const remotes = readConfig(repo.ctx, 'local', repo).subsections('remote')
    const hits: string[] = []
    for (const r of remotes) if (await refOid(repo, `refs/remotes/${r}/${target}`)) hits.push(r)
    if (hits.length === 1) {
      const remote = hits[0] as string
      const oid = (await refOid(repo, `refs/remotes/${remote}/${target}`)) as string
      await switchTrees(repo, fromFiles, await commitFiles(repo, oid), { force: options.force })
      writeRef(repo, `refs/heads/${target}`, oid)
      editConfig(
        repo.ctx,
        'local',
        (c) => {
          c.set(`branch.${target}.remote`, remote)
          c.set(`branch.${target}.merge`, `refs/heads/${target}`)
        },
        repo,
      )
      setHead(repo, { branch: target })
      trackedRemote = `${remote}/${target}`
      return { branch: target, oid, same: false, trackedRemote }
    }
  }
  if (branchOid) {
    const same = !head.detached && head.branch === target
    if (!same) await switchTrees(repo, fromFiles, await commitFiles(repo, branchOid), { force: options.force })
    else if (options.force) await switchTrees(repo, fromFiles, fromFiles, { force: true, resetAll: true })
    setHead(repo, { branch: target })
    return { branch: target, oid: branchOid, same }
  }
  if (!options.detach && !options.allowDetach) {
    throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `invalid reference: ${target}`, { ref: target })
  }
  let oid: string
  try {
    oid = await resolveCommit(repo, target)
  } catch {
    throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `pathspec '${target}' did not match any file(s) known to git`, { ref: target })
  }
  await switchTrees(repo, fromFiles, await commitFiles(repo, oid), { force: options.force })
  setHead(repo, { oid })
  return { branch: undefined, oid, same: head.detached && head.oid === oid }
}

/** Branch names with their tip, for listings. */
export async function branchTips(repo: Repo): Promise<{ name: string; oid: string }[]> {
  const out: { name: string; oid: string }[] = []
  for (const name of await listBranches(repo)) {
    const oid = await refOid(repo, `refs/heads/${name}`)
    if (oid) out.push({ name, oid })
  }
  return out
}

