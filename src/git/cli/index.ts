/**
 * The `git` command: global options (`-C`, `-c`, `--version`), subcommand dispatch, and errors
 * printed as git prints them (`fatal: …` and exit 128, `error: …` and exit 1, usage errors and
 * exit 129).
 */
import { GitError, GitErrorCode } from '../errors.js'
import type { GitContext } from '../repo.js'
import { resolvePath } from '../../vfs/path.js'
import { isVfsError } from '../../vfs/errors.js'
import { branch, checkoutCmd, mergeCmd, resetCmd, restoreCmd, stashCmd, switchCmd, tagCmd } from './branching.js'
import { type Cli, CliExit, type CliIo, type Subcommand } from './context.js'
import { addCmd, commitCmd, init, lsFiles, mvCmd, rmCmd, statusCmd } from './files.js'
import { diff, log, show } from './history.js'
import { HELP, configCmd, revParse } from './misc.js'
import { cloneCmd, fetchCmd, pullCmd, pushCmd, remoteCmd } from './network.js'

/** The version `git --version` reports. */
export const GIT_VERSION = '2.39.5 (daylite; isomorphic-git 1.44.19)'

const COMMANDS: Record<string, Subcommand> = {
  init,
  clone: cloneCmd,
  add: addCmd,
  rm: rmCmd,
  mv: mvCmd,
  status: statusCmd,
  commit: commitCmd,
  log,
  show,
  diff,
  branch,
  checkout: checkoutCmd,
  switch: switchCmd,
  restore: restoreCmd,
  reset: resetCmd,
  merge: mergeCmd,
  tag: tagCmd,
  stash: stashCmd,
  fetch: fetchCmd,
  pull: pullCmd,
  push: pushCmd,
  remote: remoteCmd,
  config: configCmd,
  'rev-parse': revParse,
  'ls-files': lsFiles,
}

/** Commands git has that this one does not, with what to do instead. */
const MISSING: Record<string, string> = {
  rebase: 'use merge',
  'cherry-pick': 'use merge, or apply the change by hand',
  revert: 'reset or restore the files, then commit',
  bisect: '',
  submodule: '',
  worktree: '',
  gc: 'nothing to do: the sandbox has no loose-object limit',
  am: '',
  apply: '',
  blame: '',
  grep: 'use grep -r in the shell',
  reflog: '',
  'ls-remote': '',
  archive: '',
  clean: 'use rm in the shell',
}

/** Where the output of a run goes, and the environment it runs in. */
export interface RunGitOptions {
  /** Absolute working directory. */
  cwd: string
  io: CliIo
}

/**
 * Runs `git <args>`; resolves to the exit status. Never rejects for a git failure: it is
 * printed on stderr.
 *
 * @example
 * ```ts
 * const code = await runGit(['status', '-s'], ctx, { cwd: '/home/daytona/repo', io: { out: (t) => (stdout += t), err: (t) => (stderr += t) } })
 * ```
 */
export async function runGit(args: string[], ctx: GitContext, options: RunGitOptions): Promise<number> {
  const cli: Cli = { ctx, cwd: options.cwd, io: options.io, overrides: new Map() }
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i] as string
    if (a === '-C') {
      const dir = args[++i]
      if (dir === undefined) return fail(cli, usage('option requires an argument -- C'))
      cli.cwd = resolvePath(cli.cwd, dir)
    } else if (a === '-c') {
      const kv = args[++i] ?? ''
      const eq = kv.indexOf('=')
      cli.overrides.set(eq >= 0 ? kv.slice(0, eq) : kv, eq >= 0 ? kv.slice(eq + 1) : 'true')
    } else if (a === '--no-pager' || a === '-P' || a === '--no-replace-objects' || a === '--literal-pathspecs') continue
    else if (a === '--version' || a === 'version') {
      cli.io.out(`git version ${GIT_VERSION}\n`)
      return 0
    } else if (a === '--help' || a === '-h' || a === 'help') {
      cli.io.out(HELP)
      return 0
    } else if (a.startsWith('-')) return fail(cli, usage(`unknown option: ${a}`))
    else break
  }
  const name = args[i]
  if (!name) {
    cli.io.out(HELP)
    return 1
  }
  const rest = args.slice(i + 1)
  if (rest.includes('--help') || rest.includes('-h')) {
    cli.io.out(HELP)
    return 0
  }
  const command = COMMANDS[name]
  if (!command) {
    if (name in MISSING) {
      const hint = MISSING[name]
      cli.io.err(`git: '${name}' is not supported by daylite's git${hint ? ` (${hint})` : ''}. See 'git help'.\n`)
      return 1
    }
    cli.io.err(`git: '${name}' is not a git command. See 'git --help'.\n`)
    return 1
  }
  if (cli.overrides.size) {
    // `-c user.name=…` and friends: visible to identity and config lookups through the environment.
    const env = { ...(ctx.env ?? {}) }
    const name2 = cli.overrides.get('user.name')
    const email = cli.overrides.get('user.email')
    if (name2 !== undefined) env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = name2
    if (email !== undefined) env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = email
    cli.ctx = { ...ctx, env }
  }
  try {
    return await command(cli, rest)
  } catch (error) {
    return fail(cli, error)
  }
}

function usage(message: string): GitError {
  return new GitError(GitErrorCode.INVALID_ARGUMENT, message, { usage: true })
}

/** Prints a failure the way git does and returns its exit status. */
function fail(cli: Cli, error: unknown): number {
  if (error instanceof CliExit) {
    if (error.text) (error.toStdout ? cli.io.out : cli.io.err)(error.text)
    return error.status
  }
  if (error instanceof GitError) {
    if (error.data.role) {
      // "Author identity unknown": git prints the advice first and ends with its own fatal line.
      cli.io.err(`${error.message}\n`)
      return 128
    }
    switch (error.code) {
      case GitErrorCode.INVALID_ARGUMENT:
        if (error.data.usage) {
          cli.io.err(`error: ${error.message}\n`)
          return 129
        }
        cli.io.err(`fatal: ${error.message}\n`)
        return 128
      case GitErrorCode.DIRTY_WORKTREE:
        cli.io.err(`error: ${error.message}\n`)
        return 1
      case GitErrorCode.MERGE_CONFLICT:
        cli.io.out(`${error.message}\n`)
        return 1
      case GitErrorCode.PATHSPEC:
        cli.io.err(/did not match any file\(s\) known/.test(error.message) ? `error: ${error.message}\n` : `fatal: ${error.message}\n`)
        return /did not match any file\(s\) known/.test(error.message) ? 1 : 128
      case GitErrorCode.UNSUPPORTED:
        cli.io.err(`fatal: ${error.message}\n`)
        return 128
      default:
        cli.io.err(`fatal: ${error.message}\n`)
        return 128
    }
  }
  if (isVfsError(error)) {
    cli.io.err(`fatal: ${error.code === 'ENOSPC' || error.code === 'EDQUOT' ? 'No space left on device' : error.message}\n`)
    return 128
  }
  if (cli.ctx.signal?.aborted) {
    cli.io.err('fatal: interrupted\n')
    return 130
  }
  cli.io.err(`fatal: ${error instanceof Error ? error.message : String(error)}\n`)
  return 128
}
