/**
 * Git in the kernel: the `git` shell command and Daytona's Git API, both over `src/git` and the
 * attached sandbox's VFS. Network access goes through the platform's `fetch` under the
 * sandbox's network settings (the same rules as pip: `networkBlockAll`, `networkAllowList`,
 * `domainAllowList`), checked for every request and redirect.
 */
import type { ShellCommand } from '../../shell/index.js'
import type { SyncVfs } from '../../vfs/types.js'
import { isVfsError } from '../../vfs/errors.js'
import {
  GitError,
  GitErrorCode,
  type GitContext,
  type GitFetch,
  type GitProgress,
  type Repo,
  type ResetMode,
  add,
  addRemote,
  aheadBehind,
  checkout,
  clone,
  commit,
  compilePathspecs,
  deleteBranch,
  editConfig,
  headState,
  initRepo,
  listBranches,
  listRemotes,
  openRepo,
  pull,
  push,
  readConfig,
  redactUrl,
  refOid,
  reset,
  restore,
  runGit,
  status,
  storeCredentials,
  upstreamOf,
  fetch as gitFetch,
} from '../../git/index.js'
import { SandboxError, SandboxErrorCode } from '../errors.js'
import type { AttachInit, GitFileStatusName, GitReplies, GitRequest, GitStatusDto } from '../protocol.js'
import { resolveUserPath } from './paths.js'
import { type NetworkPolicy, checkUrl } from './pip/network.js'
import { PipError } from './pip/errors.js'

/** The sandbox's network settings as a URL check with git's wording. */
export function gitPolicy(policy: NetworkPolicy): (url: URL) => void {
  return (url) => {
    if (policy.networkBlockAll) {
      throw new Error(`network access is blocked for this sandbox (networkBlockAll), so git cannot reach ${url.host}; create the sandbox without networkBlockAll, or allow the host in networkAllowList/domainAllowList`)
    }
    try {
      checkUrl(url, policy)
    } catch (error) {
      if (error instanceof PipError) throw new Error(error.message.replace(/; pip cannot fetch .*$/, `: git cannot reach ${redactUrl(url.href)}`))
      throw error
    }
  }
}

/** How git reaches the sandbox and the world. */
export interface GitHostOptions {
  /** The attached sandbox's filesystem. */
  vfs: () => SyncVfs
  /** The sandbox's network settings (read at each run). */
  network?: (() => NetworkPolicy) | undefined
  /** The platform's fetch (default: the global one). */
  fetch?: GitFetch | undefined
}

/**
 * The `git` shell command.
 *
 * @example
 * ```ts
 * Object.assign(commands, gitCommands({ vfs: () => vfs, network: () => init }))
 * ```
 */
export function gitCommands(host: GitHostOptions): Record<string, ShellCommand> {
  const git: ShellCommand = {
    streams: true,
    async run(args, ctx) {
      const encoder = new TextEncoder()
      let stdout = ''
      let stderr = ''
      const out = ctx.stdout
      const err = ctx.stderr
      const code = await runGit(
        args,
        {
          vfs: host.vfs(),
          home: ctx.env.HOME || ctx.user.home,
          env: ctx.env,
          fetch: host.fetch,
          policy: gitPolicy(host.network?.() ?? {}),
          signal: ctx.signal,
        },
        {
          cwd: ctx.cwd,
          io: {
            out: (t) => (out ? out(encoder.encode(t)) : (stdout += t)),
            err: (t) => (err ? err(encoder.encode(t)) : (stderr += t)),
          },
        },
      )
      return { stdout, stderr, exitCode: code }
    },
  }
  return { git }
}

// ── the Git API ─────────────────────────────────────────────────────────────────────────

/** Turns a git engine failure into an engine error that keeps Daytona's git code. */
export function toSandboxGitError(error: unknown): unknown {
  if (isVfsError(error)) {
    if (error.code === 'ENOSPC' || error.code === 'EDQUOT') return new SandboxError(SandboxErrorCode.NO_SPACE, `git: ${error.message} (the sandbox's disk quota is full)`, { path: error.path })
    return new SandboxError(SandboxErrorCode.FILE_OPERATION_FAILED, `git: ${error.message}`, { path: error.path, errno: error.code })
  }
  if (!(error instanceof GitError)) return error
  const code: SandboxErrorCode =
    error.code === GitErrorCode.INVALID_ARGUMENT || error.code === GitErrorCode.PATHSPEC || error.code === GitErrorCode.NOTHING_TO_COMMIT
      ? SandboxErrorCode.INVALID_ARGUMENT
      : error.code === GitErrorCode.NOT_A_REPO || error.code === GitErrorCode.BRANCH_NOT_FOUND || error.code === GitErrorCode.REPO_NOT_FOUND
        ? SandboxErrorCode.NOT_FOUND
        : error.code === GitErrorCode.UNSUPPORTED
          ? SandboxErrorCode.UNSUPPORTED
          : error.code === GitErrorCode.INTERNAL
            ? SandboxErrorCode.INTERNAL
            : SandboxErrorCode.CONFLICT
  return new SandboxError(code, error.message, { ...error.data, gitCode: error.code })
}

const STATUS_NAME: Record<string, GitFileStatusName> = { A: 'Added', M: 'Modified', D: 'Deleted', T: 'Modified' }

function scopeOf(scope: string): 'global' | 'local' | 'system' {
  const s = scope || 'global'
  if (s !== 'global' && s !== 'local' && s !== 'system') {
    throw new GitError(GitErrorCode.INVALID_ARGUMENT, `unsupported config scope "${scope}" (supported: global, local, system)`, { scope })
  }
  return s
}

function strings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new GitError(GitErrorCode.INVALID_ARGUMENT, `${what} must be an array of strings`)
  return value as string[]
}

function required(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new GitError(GitErrorCode.INVALID_ARGUMENT, `${what} is required`)
  return value
}

/**
 * Runs one Git API call against the attached sandbox.
 * @throws SandboxError with `data.gitCode` set to Daytona's git error code when git fails
 */
export async function gitApi(vfs: SyncVfs, init: AttachInit, req: GitRequest, options: { fetch?: GitFetch; onProgress?: (p: GitProgress) => void } = {}): Promise<GitReplies[GitRequest['op']]> {
  const env = { ...init.env, HOME: init.user.home }
  const base: GitContext = {
    vfs,
    home: init.user.home,
    env,
    fetch: options.fetch,
    policy: gitPolicy(init),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  }
  const path = (p: unknown): string => resolveUserPath(init.workDir, p)
  const open = (p: unknown, ctx: GitContext = base): Repo => {
    const abs = path(p)
    return openRepo(ctx, abs)
  }
  const withAuth = (username: unknown, password: unknown): GitContext => ({
    ...base,
    auth: { username: typeof username === 'string' ? username : undefined, password: typeof password === 'string' ? password : undefined },
  })
  try {
    switch (req.op) {
      case 'clone': {
        const url = required(req.url, 'url')
        const dir = path(req.path)
        await clone(withAuth(req.username, req.password), {
          url,
          dir,
          branch: req.branch || undefined,
          commitId: req.commitId || undefined,
          depth: req.depth && req.depth > 0 ? req.depth : undefined,
          singleBranch: true,
        })
        return undefined
      }
      case 'init': {
        await initRepo(base, path(req.path), { bare: req.bare === true, ...(req.initialBranch ? { initialBranch: req.initialBranch } : {}) })
        return undefined
      }
      case 'add': {
        const repo = open(req.path)
        const files = strings(req.files, 'files')
        add(repo, compilePathspecs(repo, repo.dir, files.length ? files : ['.']))
        return undefined
      }
      case 'commit': {
        const repo = open(req.path)
        const r = await commit(repo, { message: required(req.message, 'message'), author: { name: required(req.author, 'author'), email: required(req.email, 'email') }, allowEmpty: req.allowEmpty === true })
        return { sha: r.oid }
      }
      case 'status': {
        const repo = open(req.path)
        const st = await status(repo)
        const dto: GitStatusDto = {
          currentBranch: st.head.detached ? 'HEAD' : (st.head.branch ?? ''),
          fileStatus: st.changes.filter((c) => !c.untracked || !st.changes.some((o) => o !== c && o.path === c.path)).map((c) => {
            if (c.untracked) return { name: c.path, staging: 'Untracked', worktree: 'Untracked', extra: '' }
            if (c.staged === 'D' && st.changes.some((o) => o.untracked && o.path === c.path)) return { name: c.path, staging: 'Deleted', worktree: 'Untracked', extra: '' }
            if (c.unmerged) return { name: c.path, staging: 'Updated but unmerged', worktree: 'Updated but unmerged', extra: '' }
            return { name: c.path, staging: c.staged ? (STATUS_NAME[c.staged] as GitFileStatusName) : 'Unmodified', worktree: c.unstaged ? (STATUS_NAME[c.unstaged] as GitFileStatusName) : 'Unmodified', extra: '' }
          }),
          detached: st.head.detached,
          ahead: 0,
          behind: 0,
          branchPublished: false,
          upstream: '',
        }
        if (st.head.branch && !st.head.detached) {
          const up = upstreamOf(repo, st.head.branch)
          const upOid = up ? await refOid(repo, up.tracking) : undefined
          if (up && upOid) {
            dto.upstream = up.remote === '.' ? up.merge.replace(/^refs\/heads\//, '') : `${up.remote}/${up.merge.replace(/^refs\/heads\//, '')}`
            dto.branchPublished = true
            if (st.head.oid) Object.assign(dto, await aheadBehind(repo, st.head.oid, upOid))
          }
        }
        return dto
      }
      case 'branches': {
        const repo = open(req.path)
        const head = await headState(repo)
        const branches = await listBranches(repo)
        return { branches, current: head.detached ? '' : (head.branch ?? '') }
      }
      case 'createBranch': {
        // Daytona creates the branch and checks it out.
        const repo = open(req.path)
        await checkout(repo, required(req.name, 'name'), { create: true })
        return undefined
      }
      case 'deleteBranch': {
        const repo = open(req.path)
        await deleteBranch(repo, required(req.name, 'name'), { force: true })
        return undefined
      }
      case 'checkout': {
        const repo = open(req.path)
        const target = required(req.branch, 'branch')
        const isBranch = (await refOid(repo, `refs/heads/${target}`)) !== undefined
        const looksLikeHash = /^[0-9a-f]{4,64}$/i.test(target)
        try {
          await checkout(repo, target, { detach: !isBranch && looksLikeHash, allowDetach: looksLikeHash })
        } catch (error) {
          if (error instanceof GitError && error.code === GitErrorCode.BRANCH_NOT_FOUND) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `branch "${target}" not found`, { branch: target })
          throw error
        }
        return undefined
      }
      case 'push': {
        const repo = open(req.path, withAuth(req.username, req.password))
        await push(repo, { branch: req.branch || undefined, remote: req.remote || undefined, setUpstream: req.setUpstream === true })
        return undefined
      }
      case 'pull': {
        const repo = open(req.path, withAuth(req.username, req.password))
        await pull(repo, { branch: req.branch || undefined, remote: req.remote || undefined })
        return undefined
      }
      case 'reset': {
        const repo = open(req.path)
        const files = req.files ? strings(req.files, 'files') : []
        await reset(repo, (req.mode || 'mixed') as ResetMode, req.target || 'HEAD', compilePathspecs(repo, repo.dir, files))
        return undefined
      }
      case 'restore': {
        const repo = open(req.path)
        const files = strings(req.files, 'files')
        if (files.length === 0) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'at least one path is required')
        // Daytona's defaults: neither given → the work tree; one given → only that one.
        const staged = req.staged === true
        const worktree = req.staged === undefined && req.worktree === undefined ? true : req.worktree === true
        if (!staged && !worktree) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'at least one of staged or worktree must be true')
        await restore(repo, compilePathspecs(repo, repo.dir, files), { staged, worktree, ...(req.source ? { source: req.source } : {}) })
        return undefined
      }
      case 'remoteAdd': {
        const repo = open(req.path)
        addRemote(repo, required(req.name, 'name'), required(req.url, 'url'), req.overwrite === true)
        if (req.fetch) await gitFetch(repo, { remote: req.name })
        return undefined
      }
      case 'remotes': {
        const repo = open(req.path)
        return { remotes: listRemotes(repo).map((r) => ({ name: r.name, url: redactPassword(r.url) })) }
      }
      case 'setConfig':
      case 'getConfig':
      case 'configureUser': {
        const scope = scopeOf(req.scope)
        if (scope === 'local' && !req.path) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'local config scope requires a repository path')
        const repo = scope === 'local' ? open(req.path) : req.path ? tryOpen(base, path(req.path)) : undefined
        if (req.op === 'getConfig') {
          const value = readConfig(base, scope, repo).get(required(req.key, 'key'))
          return value === undefined ? {} : { value }
        }
        const pairs: [string, string][] = req.op === 'setConfig' ? [[required(req.key, 'key'), String(req.value ?? '')]] : [['user.name', required(req.name, 'name')], ['user.email', required(req.email, 'email')]]
        editConfig(base, scope, (c) => {
          for (const [k, v] of pairs) c.set(k, v)
        }, repo)
        return undefined
      }
      case 'authenticate': {
        storeCredentials(base, required(req.username, 'username'), String(req.password ?? ''), req.host || 'github.com', req.protocol || 'https')
        return undefined
      }
      default:
        throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `unknown git operation ${(req as { op?: unknown }).op as string}`)
    }
  } catch (error) {
    throw toSandboxGitError(error)
  }
}

function tryOpen(ctx: GitContext, abs: string): Repo | undefined {
  try {
    return openRepo(ctx, abs)
  } catch {
    return undefined
  }
}

/** A remote URL without its password (as Daytona lists remotes). */
function redactPassword(url: string): string {
  try {
    const u = new URL(url)
    if (!u.password) return url
    u.password = ''
    return u.href
  } catch {
    return url
  }
}
