/**
 * `src/git`: the git engine over a sandbox's VFS (isomorphic-git for objects, packs and the
 * network; daylite's own index, status, add, commit and work tree moves) and the `git` command.
 * Explicit named exports only.
 */
export { GitError, GitErrorCode, isGitError } from './errors.js'
export { gitFs, type GitFs, type GitFsPromises, type GitFsStats } from './fs.js'
export { gitHttp, corsProxify, redactUrl, type GitFetch, type GitHttpClient, type GitHttpOptions, type UrlPolicy } from './http.js'
export {
  openRepo,
  repoAt,
  headState,
  readConfig,
  editConfig,
  getConfig,
  listBranches,
  upstreamOf,
  refOid,
  type GitAuth,
  type GitContext,
  type GitProgress,
  type ConfigScope,
  type HeadState,
  type Repo,
} from './repo.js'
export { initRepo } from './init.js'
export { add, remove, type AddOptions, type AddResult } from './add.js'
export { commit, type CommitOptions, type CommitResult } from './commit.js'
export { status, type FileChange, type StatusResult } from './status.js'
export { createBranch, deleteBranch, checkout, type CheckoutResult } from './branch.js'
export { reset, restore, type ResetMode, type RestoreOptions } from './reset.js'
export { merge, type MergeOptions, type MergeResult } from './merge.js'
export { clone, fetch, push, pull, addRemote, removeRemote, listRemotes, remoteUrl, storeCredentials, type CloneOptions, type PushOptions, type PullOptions, type RemoteInfo } from './remote.js'
export { aheadBehind, walkCommits } from './log.js'
export { compilePathspecs, type Pathspec } from './pathspec.js'
export { runGit, GIT_VERSION, type RunGitOptions } from './cli/index.js'
export type { CliIo } from './cli/context.js'
