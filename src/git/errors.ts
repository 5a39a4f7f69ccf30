/**
 * The git engine's one error type: a stable code (Daytona's git error codes where Daytona has
 * one), a message for people, and structured data. `src/engine` maps the codes to Daytona's
 * error classes; the `git` command prints the message the way git does (`fatal: …`).
 */

/** What went wrong, as a stable code. */
export const GitErrorCode = {
  /** The remote refused the credentials, or asked for some and none were given. */
  AUTH_FAILED: 'GIT_AUTH_FAILED',
  /** The remote repository does not exist (HTTP 404). */
  REPO_NOT_FOUND: 'GIT_REPO_NOT_FOUND',
  /** A branch, ref, commit or remote does not exist. */
  BRANCH_NOT_FOUND: 'GIT_BRANCH_NOT_FOUND',
  /** The branch (or tag, or remote) already exists. */
  BRANCH_EXISTS: 'GIT_BRANCH_EXISTS',
  /** The remote rejected the push because it is not a fast-forward. */
  PUSH_REJECTED: 'GIT_PUSH_REJECTED',
  /** Local changes would be overwritten. */
  DIRTY_WORKTREE: 'GIT_DIRTY_WORKTREE',
  /** A merge has conflicts; nothing was changed. */
  MERGE_CONFLICT: 'GIT_MERGE_CONFLICT',
  /** The remote could not be reached (DNS, connection, TLS, a blocked network). */
  TRANSPORT_FAILED: 'GIT_TRANSPORT_FAILED',
  /** The remote refused the update for another reason (hooks, protection). */
  REMOTE_REJECTED: 'GIT_REMOTE_REJECTED',
  /** The path is not inside a git repository. */
  NOT_A_REPO: 'GIT_NOT_A_REPO',
  /** A path does not match any file. */
  PATHSPEC: 'GIT_PATHSPEC',
  /** Nothing to commit (and empty commits were not allowed). */
  NOTHING_TO_COMMIT: 'GIT_NOTHING_TO_COMMIT',
  /** Bad input: an invalid name, a missing argument, an unknown option. */
  INVALID_ARGUMENT: 'GIT_INVALID_ARGUMENT',
  /** Something git can do that daylite's git does not. */
  UNSUPPORTED: 'GIT_UNSUPPORTED',
  /** Anything else (a corrupt object, a bug). */
  INTERNAL: 'GIT_INTERNAL',
} as const
/** One of {@link GitErrorCode}. */
export type GitErrorCode = (typeof GitErrorCode)[keyof typeof GitErrorCode]

/**
 * An error of the git engine.
 *
 * @example
 * ```ts
 * throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, "pathspec 'nope' did not match any file(s) known to git", { ref: 'nope' })
 * ```
 */
export class GitError extends Error {
  override readonly name = 'GitError'
  /** The stable code. */
  readonly code: GitErrorCode
  /** Structured details (the ref, the URL, the files…). */
  readonly data: Record<string, unknown>

  /**
   * @param code - what went wrong
   * @param message - a sentence for people, without a `fatal:` prefix
   * @param data - structured details
   */
  constructor(code: GitErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message)
    this.code = code
    this.data = data
  }
}

/** True when `e` is a {@link GitError}. */
export function isGitError(e: unknown): e is GitError {
  return e instanceof GitError
}

/** A {@link GitErrorCode.INVALID_ARGUMENT} error. */
export function invalid(message: string, data: Record<string, unknown> = {}): GitError {
  return new GitError(GitErrorCode.INVALID_ARGUMENT, message, data)
}
