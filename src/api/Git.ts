/**
 * Daytona's `Git` (`sandbox.git`): repositories in the sandbox, cloned, committed and pushed
 * over HTTP(S) from the host (the sandbox's network settings apply). Relative paths resolve
 * against the sandbox's work dir; file paths are relative to the repository.
 */
import type { SandboxBackend } from '../engine/backend.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { GitFileStatusName, GitProgressEvent, GitReplies, GitRequest } from '../engine/protocol.js'
import { daytonaCall } from './errors.js'

/** A backend that runs Git API calls (the in-process engine's `SandboxHost` does). */
interface GitBackend {
  git<R extends GitRequest>(req: R, onProgress?: (p: GitProgressEvent) => void): Promise<GitReplies[R['op']]>
}

function hasGit(backend: SandboxBackend): backend is SandboxBackend & GitBackend {
  return typeof (backend as Partial<GitBackend>).git === 'function'
}

/** Daytona's status names for a file (`Status` in the SDK). */
export type GitFileStatus = GitFileStatusName

/** One changed file in {@link GitStatus}. */
export interface FileStatus {
  /** The path, relative to the repository. */
  name: string
  /** Between HEAD and the index. */
  staging: GitFileStatus
  /** Between the index and the work tree. */
  worktree: GitFileStatus
  /** Always empty (go-git's rename source). */
  extra: string
}

/** Daytona's `GitStatus`. */
export interface GitStatus {
  /** The current branch (`HEAD` when detached). */
  currentBranch: string
  fileStatus: FileStatus[]
  /** Commits on the branch that its upstream lacks. */
  ahead?: number
  /** Commits on the upstream that the branch lacks. */
  behind?: number
  /** The branch has an upstream. */
  branchPublished?: boolean
  /** The upstream (`origin/main`), empty when unset. */
  upstream?: string
  /** HEAD is not on a branch. */
  detached?: boolean
}

/** Daytona's `ListBranchResponse`. */
export interface ListBranchResponse {
  branches: string[]
  /** The checked-out branch (empty when HEAD is detached). */
  current?: string
}

/** Daytona's `GitRemote`. */
export interface GitRemote {
  name: string
  url: string
}

/** Daytona's `ListRemotesResponse`. */
export interface ListRemotesResponse {
  remotes: GitRemote[]
}

/** Daytona's `GitCommitResponse`. */
export interface GitCommitResponse {
  /** The new commit's id. */
  sha: string
}

/**
 * Progress of a clone, pull or push.
 * @remarks Extension
 */
export interface GitProgress {
  /** `Counting objects`, `Receiving objects`, `Resolving deltas`, `Updating workdir`… */
  phase: string
  loaded: number
  /** Absent when not known. */
  total?: number
}

/**
 * Options of the network methods.
 * @remarks Extension
 */
export interface GitProgressOptions {
  /** Called as the operation advances. */
  onProgress?: (progress: GitProgress) => void
}

function progressOf(options: GitProgressOptions | undefined): ((e: GitProgressEvent) => void) | undefined {
  const report = options?.onProgress
  if (!report) return undefined
  return (e) => report({ phase: e.phase, loaded: e.loaded, ...(e.total !== undefined ? { total: e.total } : {}) })
}

/**
 * Git operations on repositories in the sandbox.
 * @example
 * ```ts
 * await sandbox.git.clone('https://github.com/org/repo.git', 'repo', 'main', undefined, 'user', 'token')
 * await sandbox.fs.uploadFile(Buffer.from('x'), 'repo/new.txt')
 * await sandbox.git.add('repo', ['new.txt'])
 * const { sha } = await sandbox.git.commit('repo', 'Add new.txt', 'Ada', 'ada@example.com')
 * await sandbox.git.push('repo', 'user', 'token')
 * ```
 */
export class Git {
  #backend: SandboxBackend

  /** @internal */
  constructor(backend: SandboxBackend) {
    this.#backend = backend
  }

  /** The backend's git, or a clear error when this sandbox's backend has none. */
  get #host(): GitBackend {
    let b: SandboxBackend | undefined = this.#backend
    while (b && !hasGit(b)) b = b.inner?.()
    if (!b) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, `git is not available for sandbox ${this.#backend.id} where it runs now (${this.#backend.placement ?? 'wasm'})`)
    return b as GitBackend
  }

  /**
   * Stages files (paths or directories relative to the repository; `.` for everything, deletions
   * included).
   * @example
   * ```ts
   * await sandbox.git.add('repo', ['.'])
   * ```
   */
  add(path: string, files: string[]): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'add', path, files }))
  }

  /**
   * The local branches and the current one.
   * @example
   * ```ts
   * const { branches, current } = await sandbox.git.branches('repo')
   * ```
   */
  branches(path: string): Promise<ListBranchResponse> {
    return daytonaCall(() => this.#host.git({ op: 'branches', path }))
  }

  /**
   * Creates a branch at HEAD and checks it out (as Daytona does; local changes are kept).
   * @example
   * ```ts
   * await sandbox.git.createBranch('repo', 'feature')
   * ```
   */
  createBranch(path: string, name: string): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'createBranch', path, name }))
  }

  /**
   * Deletes a local branch (merged or not; not the checked-out one).
   * @example
   * ```ts
   * await sandbox.git.deleteBranch('repo', 'feature')
   * ```
   */
  deleteBranch(path: string, name: string): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'deleteBranch', path, name }))
  }

  /**
   * Checks out a branch, or a commit by its id (detached HEAD). Local changes to files that
   * differ between the two raise `DaytonaGitDirtyWorktreeError`; an unknown branch
   * `DaytonaGitBranchNotFoundError`.
   * @example
   * ```ts
   * await sandbox.git.checkoutBranch('repo', 'feature')
   * ```
   */
  checkoutBranch(path: string, branch: string): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'checkout', path, branch }))
  }

  /**
   * Clones a repository over HTTP(S) (only `branch`, or the default branch, is fetched, as
   * Daytona does). `insecureSkipTls` is accepted and ignored: the host's `fetch` verifies TLS.
   * @param options - extension: `onProgress` receives clone progress
   * @example
   * ```ts
   * await sandbox.git.clone('https://github.com/org/repo.git', 'repo', undefined, undefined, 'user', 'token', undefined, 1)
   * ```
   */
  clone(url: string, path: string, branch?: string, commitId?: string, username?: string, password?: string, _insecureSkipTls?: boolean, depth?: number, options?: GitProgressOptions): Promise<void> {
    return daytonaCall(() =>
      this.#host.git(
        {
          op: 'clone',
          url,
          path,
          ...(branch !== undefined ? { branch } : {}),
          ...(commitId !== undefined ? { commitId } : {}),
          ...(username !== undefined ? { username } : {}),
          ...(password !== undefined ? { password } : {}),
          ...(depth !== undefined ? { depth } : {}),
        },
        progressOf(options),
      ),
    )
  }

  /**
   * Commits the staged changes.
   * @example
   * ```ts
   * const { sha } = await sandbox.git.commit('repo', 'Fix the bug', 'Ada', 'ada@example.com')
   * ```
   */
  commit(path: string, message: string, author: string, email: string, allowEmpty?: boolean): Promise<GitCommitResponse> {
    return daytonaCall(() => this.#host.git({ op: 'commit', path, message, author, email, ...(allowEmpty !== undefined ? { allowEmpty } : {}) }))
  }

  /**
   * Pushes the current branch (or `branch`) to `remote` (default `origin`). A non-fast-forward
   * raises `DaytonaGitPushRejectedError`.
   * @param options - extension: `onProgress`
   * @example
   * ```ts
   * await sandbox.git.push('repo', 'user', 'token', 'feature', undefined, true)
   * ```
   */
  push(path: string, username?: string, password?: string, branch?: string, remote?: string, setUpstream?: boolean, options?: GitProgressOptions): Promise<void> {
    return daytonaCall(() =>
      this.#host.git(
        {
          op: 'push',
          path,
          ...(username !== undefined ? { username } : {}),
          ...(password !== undefined ? { password } : {}),
          ...(branch !== undefined ? { branch } : {}),
          ...(remote !== undefined ? { remote } : {}),
          ...(setUpstream !== undefined ? { setUpstream } : {}),
        },
        progressOf(options),
      ),
    )
  }

  /**
   * Fetches and merges the upstream (fast-forward, or a merge commit when there are no
   * conflicts; conflicts raise `DaytonaGitMergeConflictError` and change nothing).
   * @param options - extension: `onProgress`
   * @example
   * ```ts
   * await sandbox.git.pull('repo', 'user', 'token')
   * ```
   */
  pull(path: string, username?: string, password?: string, branch?: string, remote?: string, options?: GitProgressOptions): Promise<void> {
    return daytonaCall(() =>
      this.#host.git(
        {
          op: 'pull',
          path,
          ...(username !== undefined ? { username } : {}),
          ...(password !== undefined ? { password } : {}),
          ...(branch !== undefined ? { branch } : {}),
          ...(remote !== undefined ? { remote } : {}),
        },
        progressOf(options),
      ),
    )
  }

  /**
   * The branch, its upstream and the changed files, with Daytona's status names.
   * @example
   * ```ts
   * const s = await sandbox.git.status('repo')
   * console.log(s.currentBranch, s.ahead, s.fileStatus.map((f) => `${f.staging}/${f.worktree} ${f.name}`))
   * ```
   */
  status(path: string): Promise<GitStatus> {
    return daytonaCall(() => this.#host.git({ op: 'status', path }))
  }

  /**
   * Creates a repository (`initialBranch` defaults to `init.defaultBranch`, else `master`).
   * @example
   * ```ts
   * await sandbox.git.init('repo', false, 'main')
   * ```
   */
  init(path: string, bare?: boolean, initialBranch?: string): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'init', path, ...(bare !== undefined ? { bare } : {}), ...(initialBranch !== undefined ? { initialBranch } : {}) }))
  }

  /**
   * Resets HEAD to `target` (default HEAD): `soft`, `mixed` (default), `hard`, `merge` or `keep`;
   * with `files`, only those index entries.
   * @example
   * ```ts
   * await sandbox.git.reset('repo', 'hard', 'HEAD~1')
   * ```
   */
  reset(path: string, mode?: string, target?: string, files?: string[]): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'reset', path, ...(mode !== undefined ? { mode } : {}), ...(target !== undefined ? { target } : {}), ...(files !== undefined ? { files } : {}) }))
  }

  /**
   * Restores files in the work tree (default) and/or the index, from the index or `source`.
   * @example
   * ```ts
   * await sandbox.git.restore('repo', ['file.txt'], true) // unstage
   * ```
   */
  restore(path: string, files: string[], staged?: boolean, worktree?: boolean, source?: string): Promise<void> {
    return daytonaCall(() =>
      this.#host.git({ op: 'restore', path, files, ...(staged !== undefined ? { staged } : {}), ...(worktree !== undefined ? { worktree } : {}), ...(source !== undefined ? { source } : {}) }),
    )
  }

  /**
   * Adds a remote (replacing one of the same name with `overwrite`; fetching it with `fetch`).
   * @example
   * ```ts
   * await sandbox.git.remoteAdd('repo', 'upstream', 'https://github.com/org/repo.git')
   * ```
   */
  remoteAdd(path: string, name: string, url: string, fetch?: boolean, overwrite?: boolean): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'remoteAdd', path, name, url, ...(fetch !== undefined ? { fetch } : {}), ...(overwrite !== undefined ? { overwrite } : {}) }))
  }

  /**
   * The remotes (URLs without their passwords).
   * @example
   * ```ts
   * const { remotes } = await sandbox.git.remotes('repo')
   * ```
   */
  remotes(path: string): Promise<ListRemotesResponse> {
    return daytonaCall(() => this.#host.git({ op: 'remotes', path }))
  }

  /**
   * The URL of a remote, or undefined.
   * @example
   * ```ts
   * const url = await sandbox.git.remoteGet('repo', 'origin')
   * ```
   */
  remoteGet(path: string, name: string): Promise<string | undefined> {
    return daytonaCall(async () => (await this.#host.git({ op: 'remotes', path })).remotes.find((r) => r.name === name)?.url)
  }

  /**
   * Sets a config value: `global` (`~/.gitconfig` in the sandbox, the default), `local` (needs
   * `path`) or `system`.
   * @example
   * ```ts
   * await sandbox.git.setConfig('pull.rebase', 'false')
   * ```
   */
  setConfig(key: string, value: string, scope = 'global', path?: string): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'setConfig', key, value, scope, ...(path !== undefined ? { path } : {}) }))
  }

  /**
   * A config value at one scope, or undefined.
   * @example
   * ```ts
   * const name = await sandbox.git.getConfig('user.name')
   * ```
   */
  getConfig(key: string, scope = 'global', path?: string): Promise<string | undefined> {
    return daytonaCall(async () => (await this.#host.git({ op: 'getConfig', key, scope, ...(path !== undefined ? { path } : {}) })).value)
  }

  /**
   * Sets `user.name` and `user.email`.
   * @example
   * ```ts
   * await sandbox.git.configureUser('Ada Lovelace', 'ada@example.com')
   * ```
   */
  configureUser(name: string, email: string, scope = 'global', path?: string): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'configureUser', name, email, scope, ...(path !== undefined ? { path } : {}) }))
  }

  /**
   * Stores credentials for a host (git's `store` helper: `~/.git-credentials` in the sandbox, in
   * plain text), used by later clones, pulls and pushes, the shell's `git` included.
   * @example
   * ```ts
   * await sandbox.git.dangerouslyAuthenticate('user', 'token', 'github.com')
   * ```
   */
  dangerouslyAuthenticate(username: string, password: string, host?: string, protocol?: string): Promise<void> {
    return daytonaCall(() => this.#host.git({ op: 'authenticate', username, password, ...(host !== undefined ? { host } : {}), ...(protocol !== undefined ? { protocol } : {}) }))
  }
}
