/**
 * What a `git` subcommand runs with: the engine context, the current directory and the two
 * output streams.
 */
import { GitError, GitErrorCode } from '../errors.js'
import { type GitContext, type Repo, openRepo, relativeTo } from '../repo.js'

/** Output of a run. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
}

/** One run of the `git` command. */
export interface Cli {
  ctx: GitContext
  /** Absolute current directory. */
  cwd: string
  io: CliIo
  /** `-c key=value` overrides. */
  overrides: Map<string, string>
}

/** A subcommand: resolves to the exit status. */
export type Subcommand = (cli: Cli, args: string[]) => Promise<number>

/** The repository of the current directory. */
export function repoOf(cli: Cli): Repo {
  try {
    return openRepo(cli.ctx, cli.cwd)
  } catch (error) {
    if (error instanceof GitError && error.code === GitErrorCode.NOT_A_REPO) {
      throw new GitError(GitErrorCode.NOT_A_REPO, 'not a git repository (or any of the parent directories): .git', { path: cli.cwd })
    }
    throw error
  }
}

/** The current directory relative to the work tree (`''` at its root). */
export function cwdIn(repo: Repo, cli: Cli): string {
  try {
    return relativeTo(repo, cli.cwd)
  } catch {
    return ''
  }
}

/** A fatal error that exits with `status` and prints `text` as is (no `fatal:` prefix). */
export class CliExit extends Error {
  constructor(
    readonly status: number,
    readonly text = '',
    readonly toStdout = false,
  ) {
    super(text)
  }
}
