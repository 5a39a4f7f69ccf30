/**
 * Remotes and the network: `remote` add/remove/list, credentials (given per call, embedded in
 * the URL, or kept by the `store` helper in `~/.git-credentials`), and clone, fetch, push and
 * pull over smart HTTP through isomorphic-git. isomorphic-git's errors become
 * {@link GitError}s with Daytona's codes.
 */
import * as iso from 'isomorphic-git'
import { GitError, GitErrorCode, isGitError } from './errors.js'
import { redactUrl } from './http.js'
import { type MergeResult, merge } from './merge.js'
import { commitFiles, hasObject } from './objects.js'
import {
  type GitAuth,
  type GitContext,
  type Repo,
  editConfig,
  getConfig,
  headState,
  httpOf,
  isoArgs,
  join,
  readConfig,
  readText,
  refOid,
  repoAt,
  setHead,
  upstreamOf,
  writeText,
} from './repo.js'
import { resolveCommit } from './rev.js'
import { switchTrees } from './worktree.js'
import { initRepo } from './init.js'

/** A remote's name and URL. */
export interface RemoteInfo {
  name: string
  url: string
}

/** The remotes of a repository, in config order. */
export function listRemotes(repo: Repo): RemoteInfo[] {
  const config = readConfig(repo.ctx, 'local', repo)
  return config.subsections('remote').map((name) => ({ name, url: config.get(`remote.${name}.url`) ?? '' }))
}

/** The URL of a remote, or undefined. */
export function remoteUrl(repo: Repo, name: string): string | undefined {
  return readConfig(repo.ctx, 'local', repo).get(`remote.${name}.url`)
}

/**
 * Adds a remote with git's default fetch refspec.
 * @throws GitError BRANCH_EXISTS when it exists (unless `overwrite`)
 */
export function addRemote(repo: Repo, name: string, url: string, overwrite = false): void {
  if (!/^[A-Za-z0-9._/-]+$/.test(name) || name.startsWith('-')) throw new GitError(GitErrorCode.INVALID_ARGUMENT, `'${name}' is not a valid remote name`, { name })
  if (!url) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'the remote URL must not be empty')
  editConfig(
    repo.ctx,
    'local',
    (c) => {
      if (c.hasSection('remote', name)) {
        if (!overwrite) throw new GitError(GitErrorCode.BRANCH_EXISTS, `remote ${name} already exists.`, { name })
        c.removeSection('remote', name)
      }
      c.set(`remote.${name}.url`, url)
      c.add(`remote.${name}.fetch`, `+refs/heads/*:refs/remotes/${name}/*`)
    },
    repo,
  )
}

/**
 * Removes a remote, its remote-tracking branches and the upstream settings that name it.
 * @throws GitError BRANCH_NOT_FOUND when there is no such remote
 */
export async function removeRemote(repo: Repo, name: string): Promise<void> {
  editConfig(
    repo.ctx,
    'local',
    (c) => {
      if (!c.removeSection('remote', name)) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `No such remote: '${name}'`, { name })
      for (const branch of c.subsections('branch')) {
        if (c.get(`branch.${branch}.remote`) === name) {
          c.unset(`branch.${branch}.remote`)
          c.unset(`branch.${branch}.merge`)
        }
      }
    },
    repo,
  )
  const names = await iso.listBranches({ fs: repo.fs, gitdir: repo.gitdir, remote: name }).catch(() => [] as string[])
  for (const n of names) await iso.deleteRef({ fs: repo.fs, gitdir: repo.gitdir, ref: `refs/remotes/${name}/${n}` }).catch(() => {})
}

// ── credentials ─────────────────────────────────────────────────────────────────────────

/** Stores credentials for a host with git's `store` helper format (`~/.git-credentials`). */
export function storeCredentials(ctx: GitContext, username: string, password: string, host: string, protocol: string): void {
  const path = join(ctx.home, '.git-credentials')
  const lines = (readText(ctx.vfs, path) ?? '').split('\n').filter(Boolean)
  const entry = `${protocol}://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}`
  const kept = lines.filter((l) => {
    try {
      const u = new URL(l)
      return !(u.protocol === `${protocol}:` && u.host === host)
    } catch {
      return true
    }
  })
  kept.push(entry)
  writeText(ctx.vfs, path, `${kept.join('\n')}\n`)
  ctx.vfs.chmod(path, 0o600)
  editConfig(ctx, 'global', (c) => c.set('credential.helper', 'store'))
}

/** Stored credentials for a URL (when the `store` helper is configured), or undefined. */
export function storedCredentials(ctx: GitContext, url: string, repo?: Repo): GitAuth | undefined {
  const helper = getConfig(ctx, 'credential.helper', repo)
  if (!helper || !/^store\b/.test(helper)) return undefined
  const fileArg = /--file[= ](\S+)/.exec(helper)?.[1]
  const path = fileArg ? fileArg.replace(/^~(?=\/)/, ctx.home) : join(ctx.home, '.git-credentials')
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return undefined
  }
  for (const line of (readText(ctx.vfs, path) ?? '').split('\n')) {
    if (!line.trim()) continue
    try {
      const u = new URL(line.trim())
      if (u.protocol === target.protocol && u.host === target.host) return { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }
    } catch {
      // not a URL line
    }
  }
  return undefined
}

interface AuthState {
  given: GitAuth | undefined
  tried: boolean
  url: string
}

/** isomorphic-git's auth callbacks for one operation. */
function authCallbacks(ctx: GitContext, url: string, repo?: Repo) {
  const state: AuthState = { given: undefined, tried: false, url }
  const pick = (): GitAuth | undefined => {
    if (ctx.auth && (ctx.auth.username || ctx.auth.password)) {
      // A token alone (no user name) is sent as GitHub, GitLab and Gitea accept it.
      return { username: ctx.auth.username || 'x-access-token', password: ctx.auth.password ?? '' }
    }
    return storedCredentials(ctx, url, repo)
  }
  return {
    state,
    onAuth: () => {
      state.tried = true
      state.given = pick()
      return state.given ? { username: state.given.username ?? '', password: state.given.password ?? '' } : { cancel: true }
    },
    onAuthFailure: () => ({ cancel: true }),
  }
}

/** Maps an isomorphic-git (or transport) failure to a {@link GitError} with Daytona's code. */
export function mapNetworkError(error: unknown, url: string, auth?: AuthState): GitError | unknown {
  if (isGitError(error)) return error
  const e = error as { code?: string; message?: string; data?: Record<string, unknown> }
  const shown = redactUrl(url)
  const inUrl = /^[a-z]+:\/\/[^/@]+@/i.test(url)
  if (auth && inUrl && !auth.given) auth.given = {}
  switch (e.code) {
    case 'HttpError': {
      const status = Number(e.data?.statusCode ?? 0)
      if (status === 401 || status === 403) {
        return new GitError(
          GitErrorCode.AUTH_FAILED,
          auth?.given ? `Authentication failed for '${shown}'` : `could not read Username for '${shown}': no credentials (pass a username and password or token, or store them with git credential helper 'store')`,
          { url: shown, status },
        )
      }
      if (status === 404) return new GitError(GitErrorCode.REPO_NOT_FOUND, `repository '${shown}' not found`, { url: shown, status })
      return new GitError(GitErrorCode.TRANSPORT_FAILED, `unable to access '${shown}': The requested URL returned error: ${status}`, { url: shown, status })
    }
    case 'UserCanceledError':
      return new GitError(
        GitErrorCode.AUTH_FAILED,
        auth?.given ? `Authentication failed for '${shown}'` : `could not read Username for '${shown}': no credentials (pass a username and password or token, or store them with git credential helper 'store')`,
        { url: shown },
      )
    case 'SmartHttpError':
    case 'ParseError':
    case 'UnknownTransportError':
      return new GitError(GitErrorCode.REPO_NOT_FOUND, `repository '${shown}' not found (the server did not answer as a git smart HTTP server)`, { url: shown })
    case 'UrlParseError':
      return new GitError(GitErrorCode.INVALID_ARGUMENT, `invalid URL '${shown}'`, { url: shown })
    case 'PushRejectedError':
      return new GitError(GitErrorCode.PUSH_REJECTED, `Updates were rejected because ${e.data?.reason === 'tag-exists' ? 'the tag already exists in the remote' : 'the tip of your current branch is behind its remote counterpart (non-fast-forward)'}; pull (fetch and merge) the remote changes before pushing again`, {
        url: shown,
        reason: e.data?.reason,
      })
    case 'GitPushError': {
      const details = String(e.message ?? '')
      if (/non-fast-forward|fetch first|stale/i.test(details)) return new GitError(GitErrorCode.PUSH_REJECTED, `the remote rejected the push (non-fast-forward): ${details.trim()}`, { url: shown })
      return new GitError(GitErrorCode.REMOTE_REJECTED, `the remote rejected the push: ${details.trim()}`, { url: shown })
    }
    case 'EmptyServerResponseError':
      return new GitError(GitErrorCode.TRANSPORT_FAILED, `empty reply from '${shown}'`, { url: shown })
    default:
      return error
  }
}

function reporters(ctx: GitContext) {
  return {
    ...(ctx.onProgress ? { onProgress: (p: { phase: string; loaded: number; total?: number }) => ctx.onProgress?.({ phase: p.phase, loaded: p.loaded, ...(p.total ? { total: p.total } : {}) }) } : {}),
    ...(ctx.onMessage ? { onMessage: (m: string) => ctx.onMessage?.(m) } : {}),
  }
}

function corsProxyOf(ctx: GitContext, repo?: Repo): string | undefined {
  return ctx.env?.GIT_CORS_PROXY || getConfig(ctx, 'http.corsProxy', repo) || undefined
}

// ── clone ───────────────────────────────────────────────────────────────────────────────

/** Options of {@link clone}. */
export interface CloneOptions {
  url: string
  /** Absolute destination. */
  dir: string
  /** The branch (or tag) to check out. */
  branch?: string | undefined
  /** Check out this commit (detached HEAD) after cloning. */
  commitId?: string | undefined
  /** Shallow clone of this many commits. */
  depth?: number | undefined
  /** Fetch only the branch checked out. */
  singleBranch?: boolean | undefined
  noCheckout?: boolean | undefined
  /** The remote's name (default `origin`). */
  remote?: string | undefined
  noTags?: boolean | undefined
}

/** What {@link clone} did. */
export interface CloneResult {
  repo: Repo
  /** The branch checked out (undefined for a detached HEAD or an empty repository). */
  branch: string | undefined
  empty: boolean
}

/**
 * Clones a repository into `options.dir`.
 * @throws GitError INVALID_ARGUMENT when the destination exists and is not empty; the network
 *   codes (AUTH_FAILED, REPO_NOT_FOUND, TRANSPORT_FAILED); BRANCH_NOT_FOUND for an unknown branch
 *   or commit (the partial clone is removed)
 */
export async function clone(ctx: GitContext, options: CloneOptions): Promise<CloneResult> {
  const vfs = ctx.vfs
  let existed = false
  try {
    const st = vfs.stat(options.dir)
    existed = true
    if (st.kind !== 'dir' || vfs.readdir(options.dir).length > 0) {
      throw new GitError(GitErrorCode.INVALID_ARGUMENT, `destination path '${options.dir}' already exists and is not an empty directory.`, { path: options.dir })
    }
  } catch (error) {
    if (isGitError(error)) throw error
  }
  const repo = repoAt(ctx, options.dir, join(options.dir, '.git'))
  const auth = authCallbacks(ctx, options.url)
  const remote = options.remote ?? 'origin'
  try {
    await iso.clone({
      ...isoArgs(repo),
      http: httpOf(ctx, corsProxyOf(ctx)),
      url: options.url,
      ...(options.branch ? { ref: options.branch } : {}),
      singleBranch: options.singleBranch ?? false,
      ...(options.depth ? { depth: options.depth } : {}),
      noCheckout: true,
      noTags: options.noTags ?? false,
      remote,
      onAuth: auth.onAuth,
      onAuthFailure: auth.onAuthFailure,
      ...reporters(ctx),
    })
  } catch (error) {
    const code = (error as { code?: string }).code
    const emptyRepo = code === 'NotFoundError' && !options.branch && /HEAD|refs/.test(String((error as Error).message))
    if (emptyRepo) {
      // An empty repository: git clones it with a warning.
      const info = await iso.getRemoteInfo2({ http: httpOf(ctx, corsProxyOf(ctx)), url: options.url, protocolVersion: 1, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure }).catch(() => undefined)
      if (info && (!info.refs || info.refs.length === 0)) {
        cleanup(ctx, options.dir, existed)
        await initRepo(ctx, options.dir, { initialBranch: getConfig(ctx, 'init.defaultBranch') ?? 'master' })
        editConfig(ctx, 'local', (c) => {
          c.set(`remote.${remote}.url`, options.url)
          c.add(`remote.${remote}.fetch`, `+refs/heads/*:refs/remotes/${remote}/*`)
        }, repo)
        return { repo, branch: undefined, empty: true }
      }
    }
    cleanup(ctx, options.dir, existed)
    if (code === 'NotFoundError' && options.branch) {
      throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `Remote branch ${options.branch} not found in upstream ${remote}`, { branch: options.branch })
    }
    throw mapNetworkError(error, options.url, auth.state)
  }
  // Check out (our own checkout: the index gets the stat data status relies on).
  const head = await headState(repo)
  if (!head.oid && !options.commitId) return { repo, branch: head.branch, empty: true }
  let branch = head.branch
  try {
    if (options.commitId) {
      const oid = await resolveCommit(repo, options.commitId).catch(() => {
        throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `reference is not a tree: ${options.commitId}`, { commit: options.commitId })
      })
      if (!options.noCheckout) await switchTrees(repo, new Map(), await commitFiles(repo, oid), { onProgress: progressOf(ctx) })
      setHead(repo, { oid })
      branch = undefined
    } else if (head.oid && !options.noCheckout) {
      await switchTrees(repo, new Map(), await commitFiles(repo, head.oid), { onProgress: progressOf(ctx) })
    }
  } catch (error) {
    cleanup(ctx, options.dir, existed)
    throw error
  }
  return { repo, branch: head.detached ? undefined : branch, empty: false }
}

function progressOf(ctx: GitContext): ((done: number, total: number) => void) | undefined {
  const report = ctx.onProgress
  if (!report) return undefined
  let last = 0
  return (done, total) => {
    const now = Date.now()
    if (done === total || now - last > 50) {
      last = now
      report({ phase: 'Updating workdir', loaded: done, total })
    }
  }
}

function cleanup(ctx: GitContext, dir: string, keepDir: boolean): void {
  try {
    if (keepDir) for (const name of ctx.vfs.readdir(dir)) ctx.vfs.rm(join(dir, name), { recursive: true, force: true })
    else ctx.vfs.rm(dir, { recursive: true, force: true })
  } catch {
    // nothing to clean
  }
}

// ── fetch ───────────────────────────────────────────────────────────────────────────────

/** One ref a fetch changed. */
export interface RefUpdate {
  /** The remote's branch name (`main`). */
  name: string
  /** The local ref it updates (`refs/remotes/origin/main`). */
  local: string
  from: string | undefined
  to: string
}

/** Options of {@link fetch}. */
export interface FetchOptions {
  remote?: string | undefined
  /** Only this branch. */
  ref?: string | undefined
  prune?: boolean | undefined
  depth?: number | undefined
  tags?: boolean | undefined
}

/** What {@link fetch} did. */
export interface FetchResult {
  remote: string
  url: string
  updates: RefUpdate[]
  /** The commit of the fetched branch (`FETCH_HEAD`). */
  fetchHead: string | undefined
}

async function remoteRefs(repo: Repo, remote: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const names = await iso.listBranches({ fs: repo.fs, gitdir: repo.gitdir, remote }).catch(() => [] as string[])
  for (const n of names) {
    if (n === 'HEAD') continue
    const oid = await refOid(repo, `refs/remotes/${remote}/${n}`)
    if (oid) out.set(n, oid)
  }
  return out
}

/**
 * Fetches from a remote (updating its remote-tracking branches).
 * @throws GitError BRANCH_NOT_FOUND for an unknown remote; the network codes
 */
export async function fetch(repo: Repo, options: FetchOptions = {}): Promise<FetchResult> {
  const remote = options.remote ?? 'origin'
  const url = remoteUrl(repo, remote)
  if (!url) {
    throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `'${remote}' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.`, { remote })
  }
  const before = await remoteRefs(repo, remote)
  const hadHead = repo.ctx.vfs.exists(join(repo.gitdir, `refs/remotes/${remote}/HEAD`))
  const auth = authCallbacks(repo.ctx, url, repo)
  let fetchHead: string | undefined
  try {
    const r = await iso.fetch({
      ...isoArgs(repo),
      http: httpOf(repo.ctx, corsProxyOf(repo.ctx, repo)),
      remote,
      ...(options.ref ? { ref: options.ref, singleBranch: true } : {}),
      ...(options.depth ? { depth: options.depth } : {}),
      tags: options.tags ?? false,
      prune: options.prune ?? false,
      onAuth: auth.onAuth,
      onAuthFailure: auth.onAuthFailure,
      ...reporters(repo.ctx),
    })
    fetchHead = r.fetchHead ?? undefined
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError' && options.ref) {
      throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `couldn't find remote ref ${options.ref}`, { ref: options.ref })
    }
    throw mapNetworkError(error, url, auth.state)
  }
  // isomorphic-git records the remote's HEAD; git fetch does not (only clone does).
  if (!hadHead) await iso.deleteRef({ fs: repo.fs, gitdir: repo.gitdir, ref: `refs/remotes/${remote}/HEAD` }).catch(() => {})
  const after = await remoteRefs(repo, remote)
  const updates: RefUpdate[] = []
  for (const [name, oid] of after) {
    const old = before.get(name)
    if (old !== oid) updates.push({ name, local: `refs/remotes/${remote}/${name}`, from: old, to: oid })
  }
  if (fetchHead) writeText(repo.ctx.vfs, join(repo.gitdir, 'FETCH_HEAD'), `${fetchHead}\t\t${options.ref ? `branch '${options.ref}' of ` : ''}${redactUrl(url)}\n`)
  return { remote, url, updates, fetchHead }
}

// ── push ────────────────────────────────────────────────────────────────────────────────

/** Options of {@link push}. */
export interface PushOptions {
  remote?: string | undefined
  /** The local branch (default: the current one). */
  branch?: string | undefined
  /** The remote branch (default: the same name, or the upstream's). */
  remoteBranch?: string | undefined
  /** Record the pushed branch as the upstream (`-u`). */
  setUpstream?: boolean | undefined
  force?: boolean | undefined
  /** Delete the remote branch. */
  delete?: boolean | undefined
  /** Push a tag instead of a branch. */
  tag?: string | undefined
}

/** What {@link push} did. */
export interface PushResult {
  remote: string
  url: string
  local: string
  remoteRef: string
  from: string | undefined
  to: string | undefined
  /** The remote already had this commit. */
  upToDate: boolean
}

/**
 * Pushes a branch.
 * @throws GitError PUSH_REJECTED (non-fast-forward), BRANCH_NOT_FOUND (detached HEAD, unknown
 *   branch or remote), the network codes
 */
export async function push(repo: Repo, options: PushOptions = {}): Promise<PushResult> {
  const head = await headState(repo)
  const branch = options.branch ?? head.branch
  if (!branch && !options.tag) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, 'You are not currently on a branch.', { detached: true })
  const upstream = branch ? upstreamOf(repo, branch) : undefined
  const remote = options.remote ?? upstream?.remote ?? (getConfig(repo.ctx, 'remote.pushDefault', repo) || 'origin')
  const url = remoteUrl(repo, remote)
  if (!url) {
    throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `'${remote}' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.`, { remote })
  }
  const local = options.tag ? `refs/tags/${options.tag}` : `refs/heads/${branch}`
  const localOid = await refOid(repo, local)
  if (!localOid && !options.delete) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `src refspec ${options.tag ?? branch} does not match any`, { ref: local })
  const remoteBranch = options.tag ? undefined : (options.remoteBranch ?? (upstream && upstream.remote === remote ? upstream.merge.replace(/^refs\/heads\//, '') : branch))
  const remoteRef = options.tag ? `refs/tags/${options.tag}` : `refs/heads/${remoteBranch}`
  const tracking = options.tag ? undefined : `refs/remotes/${remote}/${remoteBranch}`
  const from = tracking ? await refOid(repo, tracking) : undefined
  const auth = authCallbacks(repo.ctx, url, repo)
  let upToDate = false
  try {
    const r = await iso.push({
      ...isoArgs(repo),
      http: httpOf(repo.ctx, corsProxyOf(repo.ctx, repo)),
      remote,
      ref: local,
      remoteRef,
      force: options.force ?? false,
      delete: options.delete ?? false,
      onAuth: auth.onAuth,
      onAuthFailure: auth.onAuthFailure,
      ...reporters(repo.ctx),
    })
    upToDate = !r.ok ? false : from === localOid
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'PushRejectedError' && (error as { data?: { reason?: string } }).data?.reason === 'not-fast-forward') {
      // git says "fetch first" when the remote's tip is not in this repository.
      const info = await iso.getRemoteInfo2({ http: httpOf(repo.ctx, corsProxyOf(repo.ctx, repo)), url, protocolVersion: 1, onAuth: auth.onAuth, onAuthFailure: auth.onAuthFailure }).catch(() => undefined)
      const tip = info?.refs?.find((r) => r.ref === remoteRef)?.oid
      const known = tip ? await hasObject(repo, tip) : true
      throw new GitError(
        GitErrorCode.PUSH_REJECTED,
        known
          ? 'Updates were rejected because the tip of your current branch is behind its remote counterpart (non-fast-forward); pull (fetch and merge) the remote changes before pushing again'
          : 'Updates were rejected because the remote contains work that you do not have locally (fetch first); pull the remote changes before pushing again',
        { url: redactUrl(url), reason: known ? 'non-fast-forward' : 'fetch first' },
      )
    }
    if (code === 'NotFoundError') {
      // The remote's tip is not in our repository: someone else pushed first.
      throw new GitError(GitErrorCode.PUSH_REJECTED, `Updates were rejected because the remote contains work that you do not have locally (fetch first); pull the remote changes before pushing again`, { url: redactUrl(url), reason: 'fetch first' })
    }
    throw mapNetworkError(error, url, auth.state)
  }
  if (options.setUpstream && branch && !options.delete) {
    editConfig(
      repo.ctx,
      'local',
      (c) => {
        c.set(`branch.${branch}.remote`, remote)
        c.set(`branch.${branch}.merge`, remoteRef)
      },
      repo,
    )
  }
  return { remote, url, local, remoteRef, from, to: options.delete ? undefined : localOid, upToDate }
}

// ── pull ────────────────────────────────────────────────────────────────────────────────

/** Options of {@link pull}. */
export interface PullOptions {
  remote?: string | undefined
  /** The remote branch (default: the upstream's, else the same name). */
  branch?: string | undefined
  ffOnly?: boolean | undefined
  noFf?: boolean | undefined
}

/** What {@link pull} did. */
export interface PullResult {
  fetch: FetchResult
  merge: MergeResult
}

/**
 * Fetches and merges the upstream (or the given branch) into the current branch.
 * @throws GitError BRANCH_NOT_FOUND (detached HEAD, no upstream, unknown remote branch),
 *   MERGE_CONFLICT, DIRTY_WORKTREE, the network codes
 */
export async function pull(repo: Repo, options: PullOptions = {}): Promise<PullResult> {
  const head = await headState(repo)
  if (!head.branch || head.detached) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, 'You are not currently on a branch.', { detached: true })
  const upstream = upstreamOf(repo, head.branch)
  const remote = options.remote ?? upstream?.remote ?? 'origin'
  let remoteBranch = options.branch
  if (!remoteBranch) {
    if (upstream && upstream.remote === remote) remoteBranch = upstream.merge.replace(/^refs\/heads\//, '')
    else if (!options.remote && !upstream) {
      throw new GitError(
        GitErrorCode.BRANCH_NOT_FOUND,
        `There is no tracking information for the current branch.\nPlease specify which branch you want to merge with.\n\n    git pull <remote> <branch>\n\nIf you wish to set tracking information for this branch you can do so with:\n\n    git branch --set-upstream-to=${remote}/<branch> ${head.branch}\n`,
        { branch: head.branch },
      )
    } else remoteBranch = head.branch
  }
  const fetched = await fetch(repo, { remote, ref: remoteBranch })
  const tracking = await refOid(repo, `refs/remotes/${remote}/${remoteBranch}`)
  const theirs = fetched.fetchHead ?? tracking
  if (!theirs) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `couldn't find remote ref ${remoteBranch}`, { ref: remoteBranch })
  const merged = await merge(repo, theirs, {
    ffOnly: options.ffOnly,
    noFf: options.noFf,
    theirsLabel: `branch '${remoteBranch}' of ${redactUrl(fetched.url)}`,
    message: `Merge branch '${remoteBranch}' of ${redactUrl(fetched.url)}${head.branch !== 'main' && head.branch !== 'master' ? ` into ${head.branch}` : ''}\n`,
    verb: 'merge',
  })
  return { fetch: fetched, merge: merged }
}

