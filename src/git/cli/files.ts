/**
 * `git init`, `add`, `rm`, `mv`, `status`, `commit` and `ls-files`.
 */
import { add, remove } from '../add.js'
import { commit } from '../commit.js'
import { GitError, GitErrorCode } from '../errors.js'
import { initRepo } from '../init.js'
import { compilePathspecs, matchesAny } from '../pathspec.js'
import { getConfig, identity, join, readIndex, readText, writeIndex } from '../repo.js'
import { resolvePath as resolveSafe } from '../../vfs/path.js'
import { status } from '../status.js'
import { flag, list, opt, parseArgs, str, usage } from './args.js'
import { type Cli, CliExit, cwdIn, repoOf } from './context.js'
import { blobReader, formatDate, formatLongStatus, formatShortStatus, short, showPath, sumChanges } from './format.js'
import { shortStat } from '../diff.js'
import { readCommit, subject } from '../objects.js'
import { entryFor } from '../index-file.js'

/** `git init [--bare] [-b <branch>] [-q] [<dir>]` */
export async function init(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('init', argv, [opt('bare', 'flag', '--bare'), opt('branch', 'value', '-b', '--initial-branch'), opt('quiet', 'flag', '-q', '--quiet'), opt('template', 'value', '--template')])
  const dir = resolveSafe(cli.cwd, p.args[0] ?? '.')
  const branch = str(p, 'branch')
  const r = await initRepo(cli.ctx, dir, { bare: flag(p, 'bare'), ...(branch ? { initialBranch: branch } : {}) })
  if (!r.reinitialized && !branch && !flag(p, 'quiet') && !getConfig(cli.ctx, 'init.defaultBranch')) {
    cli.io.err(
      "hint: Using 'master' as the name for the initial branch. This default branch name\nhint: is subject to change. To configure the initial branch name to use in all\nhint: of your new repositories, which will suppress this warning, call:\nhint: \nhint: \tgit config --global init.defaultBranch <name>\nhint: \nhint: Names commonly chosen instead of 'master' are 'main', 'trunk' and\nhint: 'development'. The just-created branch can be renamed via this command:\nhint: \nhint: \tgit branch -m <name>\n",
    )
  }
  if (!flag(p, 'quiet')) cli.io.out(`${r.reinitialized ? 'Reinitialized existing' : 'Initialized empty'} Git repository in ${r.gitdir}/\n`)
  return 0
}

/** `git add [-A|-u] [-f] [-n] [-v] [--] <pathspec>...` */
export async function addCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('add', argv, [
    opt('all', 'flag', '-A', '--all'),
    opt('update', 'flag', '-u', '--update'),
    opt('force', 'flag', '-f', '--force'),
    opt('dryRun', 'flag', '-n', '--dry-run'),
    opt('verbose', 'flag', '-v', '--verbose'),
    opt('ignoreRemoval', 'flag', '--ignore-removal'),
  ])
  const repo = repoOf(cli)
  const specsText = [...p.args, ...p.paths]
  if (specsText.length === 0 && !flag(p, 'all') && !flag(p, 'update')) {
    cli.io.err("Nothing specified, nothing added.\nhint: Maybe you wanted to say 'git add .'?\nhint: Turn this message off by running\nhint: \"git config advice.addEmptyPathspec false\"\n")
    return 0
  }
  const specs = compilePathspecs(repo, cli.cwd, specsText)
  try {
    const r = add(repo, specs, { all: flag(p, 'all'), update: flag(p, 'update'), force: flag(p, 'force'), dryRun: flag(p, 'dryRun') })
    if (flag(p, 'verbose') || flag(p, 'dryRun')) {
      const rel = cwdIn(repo, cli)
      for (const f of r.added) cli.io.out(`add '${showPath(f, rel)}'\n`)
      for (const f of r.removed) cli.io.out(`remove '${showPath(f, rel)}'\n`)
    }
  } catch (error) {
    if (error instanceof GitError && error.data.ignored) throw new CliExit(1, `${error.message}\nhint: Turn this message off by running\nhint: "git config advice.addIgnoredFile false"\n`)
    throw error
  }
  return 0
}

/** `git rm [--cached] [-r] [-f] [-q] <pathspec>...` */
export async function rmCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('rm', argv, [opt('cached', 'flag', '--cached'), opt('recursive', 'flag', '-r'), opt('force', 'flag', '-f', '--force'), opt('quiet', 'flag', '-q', '--quiet')])
  const repo = repoOf(cli)
  const specsText = [...p.args, ...p.paths]
  if (specsText.length === 0) throw usage('No pathspec was given. Which files should I remove?')
  const removed = remove(repo, compilePathspecs(repo, cli.cwd, specsText), { cached: flag(p, 'cached'), recursive: flag(p, 'recursive'), force: flag(p, 'force') })
  if (!flag(p, 'quiet')) for (const f of removed) cli.io.out(`rm '${f}'\n`)
  return 0
}

/** `git mv <source> <destination>` */
export async function mvCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('mv', argv, [opt('force', 'flag', '-f', '--force')])
  const repo = repoOf(cli)
  if (p.args.length !== 2) throw usage('usage: git mv [<options>] <source> <destination>')
  const [from, to] = compilePathspecs(repo, cli.cwd, p.args) as [{ path: string; raw: string }, { path: string; raw: string }]
  const index = readIndex(repo)
  const entry = index.entries.get(from.path)
  if (!entry) throw new GitError(GitErrorCode.PATHSPEC, `not under version control, source=${from.raw}, destination=${to.raw}`)
  let dest = to.path
  try {
    if (cli.ctx.vfs.stat(join(repo.dir, dest)).kind === 'dir') dest = `${dest}/${from.path.split('/').pop()}`
  } catch {
    // a new name
  }
  if (cli.ctx.vfs.exists(join(repo.dir, dest)) && !flag(p, 'force')) throw new GitError(GitErrorCode.INVALID_ARGUMENT, `destination exists, source=${from.raw}, destination=${to.raw}`)
  cli.ctx.vfs.rename(join(repo.dir, from.path), join(repo.dir, dest))
  index.entries.delete(from.path)
  index.entries.set(dest, { ...entryFor(dest, entry.oid, cli.ctx.vfs.lstat(join(repo.dir, dest))), mode: entry.mode })
  writeIndex(repo, index)
  return 0
}

/** `git status [-s] [--porcelain] [-b] [-u[no]] [--] [<pathspec>]` */
export async function statusCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('status', argv, [
    opt('short', 'flag', '-s', '--short'),
    opt('porcelain', 'optional', '--porcelain'),
    opt('branch', 'flag', '-b', '--branch'),
    opt('long', 'flag', '--long'),
    opt('untracked', 'optional', '-u', '--untracked-files'),
    opt('ignored', 'flag', '--ignored'),
  ])
  const repo = repoOf(cli)
  const porcelain = p.opts.porcelain
  if (typeof porcelain === 'string' && porcelain !== 'v1' && porcelain !== '1') throw usage(`unsupported porcelain version '${porcelain}' (daylite's git prints v1)`)
  const untrackedMode = str(p, 'untracked')
  if (untrackedMode && !['no', 'normal', 'all'].includes(untrackedMode)) throw usage(`Invalid untracked files mode '${untrackedMode}'`)
  const showUntracked = untrackedMode !== 'no'
  const specs = [...p.args, ...p.paths]
  const under = specs.length === 1 ? (compilePathspecs(repo, cli.cwd, specs)[0]?.path ?? '') : ''
  if (specs.length > 1) throw usage('daylite\'s git status takes at most one path')
  const result = await status(repo, { untracked: showUntracked, ...(under ? { under } : {}) })
  if (untrackedMode === 'all') result.trackedDirs = new Set(result.changes.filter((c) => c.untracked).flatMap((c) => dirChain(c.path)))
  const rel = cwdIn(repo, cli)
  if (porcelain !== undefined || flag(p, 'short')) {
    cli.io.out(await formatShortStatus(repo, result, rel, { porcelain: porcelain !== undefined, branch: flag(p, 'branch'), untracked: showUntracked }))
  } else cli.io.out(await formatLongStatus(repo, result, rel, { untracked: showUntracked }))
  return 0
}

function dirChain(path: string): string[] {
  const parts = path.split('/')
  const out: string[] = []
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'))
  return out
}

/** Parses `Name <email>` (`--author`). */
function parseAuthor(text: string): { name: string; email: string } {
  const m = /^\s*(.*?)\s*<([^>]*)>\s*$/.exec(text)
  if (!m) throw usage(`--author '${text}' is not 'Name <email>' (daylite's git does not look authors up)`)
  return { name: m[1] as string, email: m[2] as string }
}

/** `git commit [-a] [-m <msg>]... [-F <file>] [--amend [--no-edit]] [--allow-empty] [--author=<a>] [-q]` */
export async function commitCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('commit', argv, [
    opt('message', 'list', '-m', '--message'),
    opt('file', 'value', '-F', '--file'),
    opt('all', 'flag', '-a', '--all'),
    opt('amend', 'flag', '--amend'),
    opt('allowEmpty', 'flag', '--allow-empty'),
    opt('allowEmptyMessage', 'flag', '--allow-empty-message'),
    opt('edit', 'negatable', '-e', '--edit'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('author', 'value', '--author'),
    opt('verify', 'negatable', '--verify'),
    opt('noVerifyShort', 'flag', '-n'),
    opt('signoff', 'flag', '-s', '--signoff'),
    opt('cleanup', 'value', '--cleanup'),
  ])
  const repo = repoOf(cli)
  if (p.args.length || p.paths.length) throw usage("daylite's git commit does not take paths: add them first (git add <paths>), then commit")
  let message: string | undefined
  const msgs = list(p, 'message')
  if (msgs.length) message = msgs.join('\n\n')
  const file = str(p, 'file')
  if (file !== undefined) {
    const text = file === '-' ? undefined : readText(cli.ctx.vfs, resolveSafe(cli.cwd, file))
    if (text === undefined) throw new GitError(GitErrorCode.INVALID_ARGUMENT, `could not read log file '${file}'`)
    message = text
  }
  const amend = flag(p, 'amend')
  if (message === undefined && !(amend && p.opts.edit === false)) {
    if (amend) message = ''
    else throw new CliExit(1, "error: daylite's git has no editor: give the message with -m <msg> (or -F <file>)\n")
  }
  if (flag(p, 'all')) {
    add(repo, [], { update: true })
  }
  let text = message ?? ''
  if (flag(p, 'signoff')) {
    const me = identity(repo, 'committer')
    text = `${text.replace(/\s+$/, '')}\n\nSigned-off-by: ${me.name} <${me.email}>`
  }
  if (!text.trim() && !amend && !flag(p, 'allowEmptyMessage')) throw new CliExit(1, 'Aborting commit due to empty commit message.\n')
  const author = str(p, 'author')
  let r
  try {
    r = await commit(repo, { message: text, amend, allowEmpty: flag(p, 'allowEmpty'), ...(author ? { author: parseAuthor(author) } : {}), verbatim: str(p, 'cleanup') === 'verbatim' })
  } catch (error) {
    if (error instanceof GitError && error.code === GitErrorCode.NOTHING_TO_COMMIT) {
      const st = await status(repo)
      const long = await formatLongStatus(repo, st, cwdIn(repo, cli))
      throw new CliExit(1, long, true)
    }
    throw error
  }
  if (flag(p, 'quiet')) return 0
  const where = r.branch ? `${r.branch}${r.root ? ' (root-commit)' : ''}` : 'detached HEAD'
  let out = `[${where} ${short(r.oid)}] ${subject(r.message)}\n`
  if (amend) {
    out += ` Date: ${formatDate(r.author)}\n`
  }
  const sums = await sumChanges(r.changes, blobReader(repo))
  if (r.changes.length) out += shortStat(sums.files, sums.added, sums.deleted)
  for (const c of r.changes) {
    if (c.status === 'A') out += ` create mode ${(c.newMode ?? 0).toString(8)} ${c.path}\n`
    else if (c.status === 'D') out += ` delete mode ${(c.oldMode ?? 0).toString(8)} ${c.path}\n`
    else if (c.oldMode !== c.newMode) out += ` mode change ${(c.oldMode ?? 0).toString(8)} => ${(c.newMode ?? 0).toString(8)} ${c.path}\n`
  }
  cli.io.out(out)
  return 0
}

/** `git ls-files [-s] [-m] [-o] [-d] [--exclude-standard] [--] [<path>...]` */
export async function lsFiles(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('ls-files', argv, [
    opt('stage', 'flag', '-s', '--stage'),
    opt('cached', 'flag', '-c', '--cached'),
    opt('modified', 'flag', '-m', '--modified'),
    opt('others', 'flag', '-o', '--others'),
    opt('deleted', 'flag', '-d', '--deleted'),
    opt('excludeStandard', 'flag', '--exclude-standard'),
  ])
  const repo = repoOf(cli)
  const rel = cwdIn(repo, cli)
  const specs = compilePathspecs(repo, cli.cwd, [...p.args, ...p.paths])
  const index = readIndex(repo)
  const inScope = (path: string): boolean => (rel === '' || path.startsWith(`${rel}/`)) && matchesAny(specs, path)
  let out = ''
  const others = flag(p, 'others')
  const modified = flag(p, 'modified') || flag(p, 'deleted')
  if (!others && !modified) {
    for (const e of [...index.entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      if (!inScope(e.path)) continue
      out += flag(p, 'stage') ? `${e.mode.toString(8)} ${e.oid} ${e.stage}\t${showPath(e.path, rel)}\n` : `${showPath(e.path, rel)}\n`
    }
  } else {
    const st = await status(repo, { untracked: others })
    for (const c of st.changes) {
      if (!inScope(c.path)) continue
      if (others && c.untracked) out += `${showPath(c.path, rel)}\n`
      if (flag(p, 'modified') && c.unstaged) out += `${showPath(c.path, rel)}\n`
      else if (flag(p, 'deleted') && c.unstaged === 'D') out += `${showPath(c.path, rel)}\n`
    }
  }
  cli.io.out(out)
  return 0
}

/** Used by `show` and friends: the subject of a commit. */
export async function commitSubject(cli: Cli, oid: string): Promise<string> {
  const repo = repoOf(cli)
  return subject((await readCommit(repo, oid)).message)
}
