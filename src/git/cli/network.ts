/**
 * `git clone`, `fetch`, `pull`, `push` and `remote`.
 */
import { GitError, GitErrorCode } from '../errors.js'
import { redactUrl } from '../http.js'
import { type FetchResult, type RefUpdate, addRemote, clone, fetch, listRemotes, pull, push, removeRemote } from '../remote.js'
import { editConfig, getConfig, headState, readConfig, refOid, upstreamOf } from '../repo.js'
import { resolvePath } from '../../vfs/path.js'
import { flag, opt, parseArgs, str, usage } from './args.js'
import { type Cli, CliExit, repoOf } from './context.js'
import { reportMerge } from './branching.js'
import { short } from './format.js'
import type { GitProgress } from '../repo.js'

/** Prints progress as git does when it finishes each phase (`Receiving objects: 100% (5/5), done.`). */
function progressPrinter(cli: Cli, quiet: boolean): { onProgress?: (p: GitProgress) => void; onMessage?: (m: string) => void; flush: () => void } {
  if (quiet) return { flush: () => {} }
  let current: GitProgress | undefined
  const done = (p: GitProgress): void => {
    if (p.total) {
      const pct = Math.floor((p.loaded / p.total) * 100)
      cli.io.err(`${p.phase}: ${String(pct).padStart(3)}% (${p.loaded}/${p.total}), done.\n`)
    } else cli.io.err(`${p.phase}: ${p.loaded}, done.\n`)
  }
  return {
    onProgress: (p) => {
      // Remote phases arrive as "remote:" messages; local ones are reported when they end.
      if (/^(Counting|Compressing|Enumerating) objects/.test(p.phase)) return
      const phase = p.phase === 'Updating workdir' ? 'Updating files' : p.phase
      if (current && current.phase !== phase) done(current)
      current = { ...p, phase }
    },
    onMessage: (m) => {
      for (const line of m.split(/[\r\n]+/)) {
        const t = line.trim()
        if (t && (/done\.$/.test(t) || /^Total /.test(t) || !/\d+%/.test(t))) cli.io.err(`remote: ${t}\n`)
      }
    },
    flush: () => {
      if (current && current.phase !== 'Analyzing workdir') done(current)
      current = undefined
    },
  }
}

/** `git clone [-b <branch>] [--depth <n>] [--single-branch] [--no-checkout] [-o <name>] [-q] <url> [<dir>]` */
export async function cloneCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('clone', argv, [
    opt('branch', 'value', '-b', '--branch'),
    opt('depth', 'value', '--depth'),
    opt('singleBranch', 'negatable', '--single-branch'),
    opt('noCheckout', 'flag', '-n', '--no-checkout'),
    opt('origin', 'value', '-o', '--origin'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('progress', 'flag', '--progress'),
    opt('verbose', 'flag', '-v', '--verbose'),
    opt('tags', 'negatable', '--tags'),
    opt('recurse', 'flag', '--recurse-submodules', '--recursive'),
  ])
  const url = p.args[0]
  if (!url) throw usage('You must specify a repository to clone.')
  if (flag(p, 'recurse')) throw usage("--recurse-submodules is not supported by daylite's git")
  let name = p.args[1]
  if (!name) {
    const stripped = url.replace(/\/+$/, '').replace(/\/\.git$/, '').replace(/\.git$/, '')
    name = stripped.slice(stripped.search(/[^/:]+$/)) || 'repo'
  }
  const dir = resolvePath(cli.cwd, name)
  const quiet = flag(p, 'quiet')
  if (!quiet) cli.io.err(`Cloning into '${name}'...\n`)
  const progress = progressPrinter(cli, quiet)
  const depthText = str(p, 'depth')
  const depth = depthText ? Number.parseInt(depthText, 10) : undefined
  if (depthText && !(depth && depth > 0)) throw new GitError(GitErrorCode.INVALID_ARGUMENT, `depth ${depthText} is not a positive number`)
  const r = await clone(
    { ...cli.ctx, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}), ...(progress.onMessage ? { onMessage: progress.onMessage } : {}) },
    {
      url,
      dir,
      branch: str(p, 'branch'),
      depth,
      singleBranch: p.opts.singleBranch === true || (depth !== undefined && p.opts.singleBranch !== false),
      noCheckout: flag(p, 'noCheckout'),
      remote: str(p, 'origin'),
      noTags: p.opts.tags === false,
    },
  )
  progress.flush()
  if (r.empty) cli.io.err('warning: You appear to have cloned an empty repository.\n')
  return 0
}

/** `   abc1234..def5678  main       -> origin/main` lines (git's fetch summary). */
function fetchLines(r: FetchResult): string {
  if (r.updates.length === 0) return ''
  const width = Math.max(10, ...r.updates.map((u) => u.name.length))
  const line = (u: RefUpdate): string => {
    const target = u.local.replace(/^refs\/remotes\//, '')
    if (!u.from) return ` * ${'[new branch]'.padEnd(17)} ${u.name.padEnd(width)} -> ${target}\n`
    return `   ${`${short(u.from)}..${short(u.to)}`.padEnd(17)} ${u.name.padEnd(width)} -> ${target}\n`
  }
  return `From ${redactUrl(r.url)}\n${r.updates.map(line).join('')}`
}

/** `git fetch [<remote>] [<branch>] [--prune] [--depth <n>] [--tags] [--all] [-q]` */
export async function fetchCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('fetch', argv, [
    opt('prune', 'flag', '-p', '--prune'),
    opt('depth', 'value', '--depth'),
    opt('tags', 'flag', '-t', '--tags'),
    opt('all', 'flag', '--all'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('verbose', 'flag', '-v', '--verbose'),
    opt('progress', 'flag', '--progress'),
  ])
  const repo = repoOf(cli)
  const quiet = flag(p, 'quiet')
  const remotes = flag(p, 'all') ? listRemotes(repo).map((r) => r.name) : [p.args[0] ?? (await defaultRemote(cli))]
  for (const remote of remotes) {
    const progress = progressPrinter(cli, quiet)
    const depthText = str(p, 'depth')
    const r = await fetch({ ...repo, ctx: { ...repo.ctx, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}), ...(progress.onMessage ? { onMessage: progress.onMessage } : {}) } }, {
      remote,
      ref: flag(p, 'all') ? undefined : p.args[1],
      prune: flag(p, 'prune'),
      tags: flag(p, 'tags'),
      ...(depthText ? { depth: Number.parseInt(depthText, 10) } : {}),
    })
    progress.flush()
    if (!quiet) cli.io.err(fetchLines(r))
  }
  return 0
}

async function defaultRemote(cli: Cli): Promise<string> {
  const repo = repoOf(cli)
  const head = await headState(repo)
  const local = readConfig(repo.ctx, 'local', repo)
  return (head.branch && local.get(`branch.${head.branch}.remote`)) || 'origin'
}

/** `git pull [--ff-only|--no-ff|--rebase=false] [-q] [<remote> [<branch>]]` */
export async function pullCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('pull', argv, [
    opt('ffOnly', 'flag', '--ff-only'),
    opt('ff', 'negatable', '--ff'),
    opt('rebase', 'optional', '-r', '--rebase'),
    opt('noRebase', 'flag', '--no-rebase'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('verbose', 'flag', '-v', '--verbose'),
    opt('progress', 'flag', '--progress'),
    opt('edit', 'negatable', '--edit'),
  ])
  const rebase = p.opts.rebase
  if (rebase !== undefined && rebase !== 'false') throw usage("pull --rebase is not supported by daylite's git (it merges: fast-forward, or a merge commit)")
  const repo = repoOf(cli)
  const quiet = flag(p, 'quiet')
  const progress = progressPrinter(cli, quiet)
  try {
    const r = await pull({ ...repo, ctx: { ...repo.ctx, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}), ...(progress.onMessage ? { onMessage: progress.onMessage } : {}) } }, {
      remote: p.args[0],
      branch: p.args[1],
      ffOnly: flag(p, 'ffOnly'),
      noFf: p.opts.ff === false,
    })
    progress.flush()
    if (!quiet) {
      cli.io.err(fetchLines(r.fetch))
      await reportMerge(cli, repo, r.merge)
    }
  } catch (error) {
    if (error instanceof GitError && error.code === GitErrorCode.MERGE_CONFLICT) throw new CliExit(1, `${error.message}\n`, true)
    if (error instanceof GitError && error.data.ff === false) throw new CliExit(128, 'fatal: Not possible to fast-forward, aborting.\n')
    throw error
  }
  return 0
}

/** `git push [-u] [-f] [-d] [--tags] [<remote> [<branch>[:<remote-branch>]]]` */
export async function pushCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('push', argv, [
    opt('setUpstream', 'flag', '-u', '--set-upstream'),
    opt('force', 'flag', '-f', '--force', '--force-with-lease'),
    opt('delete', 'flag', '-d', '--delete'),
    opt('tags', 'flag', '--tags'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('verbose', 'flag', '-v', '--verbose'),
    opt('progress', 'flag', '--progress'),
    opt('all', 'flag', '--all'),
    opt('noVerify', 'flag', '--no-verify'),
  ])
  const repo = repoOf(cli)
  const head = await headState(repo)
  const remote = p.args[0]
  const refspecs = p.args.slice(1)
  if (flag(p, 'all') || flag(p, 'tags')) throw usage(`push --${flag(p, 'all') ? 'all' : 'tags'} is not supported by daylite's git: push one branch (or tag) at a time`)
  if (refspecs.length > 1) throw usage("daylite's git pushes one branch at a time")
  let branch: string | undefined
  let remoteBranch: string | undefined
  let tag: string | undefined
  const spec = refspecs[0]
  if (spec) {
    const force = spec.startsWith('+')
    const s = force ? spec.slice(1) : spec
    const colon = s.indexOf(':')
    const local = colon >= 0 ? s.slice(0, colon) : s
    remoteBranch = colon >= 0 ? s.slice(colon + 1).replace(/^refs\/heads\//, '') : undefined
    if (local === 'HEAD' || local === '') branch = head.branch
    else if (local.startsWith('refs/tags/')) tag = local.slice('refs/tags/'.length)
    else {
      if (!(await refOid(repo, `refs/heads/${local.replace(/^refs\/heads\//, '')}`)) && (await refOid(repo, `refs/tags/${local}`))) tag = local
      else branch = local.replace(/^refs\/heads\//, '')
    }
    if (force) p.opts.force = true
  }
  if (!remote && listRemotes(repo).length === 0) {
    throw new CliExit(
      128,
      'fatal: No configured push destination.\nEither specify the URL from the command-line or configure a remote repository using\n\n    git remote add <name> <url>\n\nand then push using the remote name\n\n    git push <name>\n\n',
    )
  }
  if (!remote && !spec && head.branch && !head.detached) {
    // push.default=simple: a branch without an upstream needs one named (or push.autoSetupRemote).
    if (!upstreamOf(repo, head.branch) && getConfig(repo.ctx, 'push.autoSetupRemote', repo) !== 'true' && !flag(p, 'setUpstream')) {
      throw new CliExit(
        128,
        `fatal: The current branch ${head.branch} has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream origin ${head.branch}\n\nTo have this happen automatically for branches without a tracking\nupstream, see 'push.autoSetupRemote' in 'git help config'.\n\n`,
      )
    }
  }
  if (!branch && !tag && head.detached) throw new CliExit(128, 'fatal: You are not currently on a branch.\nTo push the history leading to the current (detached HEAD)\nstate now, use\n\n    git push origin HEAD:<name-of-remote-branch>\n\n')
  const quiet = flag(p, 'quiet')
  const progress = progressPrinter(cli, quiet)
  let r
  try {
    r = await push({ ...repo, ctx: { ...repo.ctx, ...(progress.onMessage ? { onMessage: progress.onMessage } : {}) } }, {
      remote,
      branch,
      remoteBranch,
      tag,
      setUpstream: flag(p, 'setUpstream'),
      force: flag(p, 'force'),
      delete: flag(p, 'delete'),
    })
  } catch (error) {
    if (error instanceof GitError && error.code === GitErrorCode.PUSH_REJECTED) {
      const url = redactUrl(String(error.data.url ?? ''))
      const name = branch ?? head.branch ?? ''
      const target = remoteBranch ?? name
      const fetchFirst = error.data.reason === 'fetch first'
      throw new CliExit(
        1,
        `To ${url}\n ! [rejected]        ${name} -> ${target} (${fetchFirst ? 'fetch first' : 'non-fast-forward'})\nerror: failed to push some refs to '${url}'\n` +
          (fetchFirst
            ? "hint: Updates were rejected because the remote contains work that you do\nhint: not have locally. This is usually caused by another repository pushing\nhint: to the same ref. You may want to first integrate the remote changes\nhint: (e.g., 'git pull ...') before pushing again.\nhint: See the 'Note about fast-forwards' in 'git push --help' for details.\n"
            : "hint: Updates were rejected because the tip of your current branch is behind\nhint: its remote counterpart. Integrate the remote changes (e.g.\nhint: 'git pull ...') before pushing again.\nhint: See the 'Note about fast-forwards' in 'git push --help' for details.\n"),
      )
    }
    throw error
  }
  if (quiet) return 0
  const localName = r.local.replace(/^refs\/(heads|tags)\//, '')
  const remoteName = r.remoteRef.replace(/^refs\/(heads|tags)\//, '')
  let line: string
  if (flag(p, 'delete')) line = ` - ${'[deleted]'.padEnd(17)} ${remoteName}`
  else if (r.upToDate) {
    cli.io.err('Everything up-to-date\n')
    line = ''
  } else if (!r.from) line = ` * ${(tag ? '[new tag]' : '[new branch]').padEnd(17)} ${localName} -> ${remoteName}`
  else line = `${flag(p, 'force') ? ' + ' : '   '}${`${short(r.from)}${flag(p, 'force') ? '...' : '..'}${short(r.to)}`.padEnd(17)} ${localName} -> ${remoteName}${flag(p, 'force') ? ' (forced update)' : ''}`
  if (line) cli.io.err(`To ${redactUrl(r.url)}\n${line}\n`)
  if (flag(p, 'setUpstream') && !flag(p, 'delete') && !tag) cli.io.out(`branch '${localName}' set up to track '${r.remote}/${remoteName}'.\n`)
  return 0
}

/** `git remote [-v] | add <name> <url> | remove|rm <name> | get-url <name> | set-url <name> <url> | rename <old> <new>` */
export async function remoteCmd(cli: Cli, argv: string[]): Promise<number> {
  const verbose = argv[0] === '-v' || argv[0] === '--verbose'
  const args = verbose ? argv.slice(1) : argv
  const sub = args[0]
  const repo = repoOf(cli)
  if (!sub) {
    let out = ''
    for (const r of listRemotes(repo)) out += verbose ? `${r.name}\t${r.url} (fetch)\n${r.name}\t${r.url} (push)\n` : `${r.name}\n`
    cli.io.out(out)
    return 0
  }
  switch (sub) {
    case 'add': {
      const p = parseArgs('remote add', args.slice(1), [opt('fetch', 'flag', '-f', '--fetch'), opt('track', 'list', '-t', '--track')])
      const [name, url] = p.args
      if (!name || !url) throw usage('usage: git remote add [<options>] <name> <url>')
      const existing = readConfig(repo.ctx, 'local', repo).hasSection('remote', name)
      if (existing) throw new CliExit(3, `error: remote ${name} already exists.\n`)
      addRemote(repo, name, url)
      if (flag(p, 'fetch')) await fetchCmd(cli, [name])
      return 0
    }
    case 'remove':
    case 'rm': {
      const name = args[1]
      if (!name) throw usage('usage: git remote remove <name>')
      try {
        await removeRemote(repo, name)
      } catch (error) {
        if (error instanceof GitError && error.code === GitErrorCode.BRANCH_NOT_FOUND) throw new CliExit(2, `error: No such remote: '${name}'\n`)
        throw error
      }
      return 0
    }
    case 'get-url': {
      const name = args[1] ?? ''
      const r = listRemotes(repo).find((x) => x.name === name)
      if (!r) throw new CliExit(2, `error: No such remote '${name}'\n`)
      cli.io.out(`${r.url}\n`)
      return 0
    }
    case 'set-url': {
      const [name, url] = [args[1], args[2]]
      if (!name || !url) throw usage('usage: git remote set-url <name> <newurl>')
      if (!listRemotes(repo).some((x) => x.name === name)) throw new CliExit(2, `error: No such remote '${name}'\n`)
      editConfig(repo.ctx, 'local', (c) => c.set(`remote.${name}.url`, url), repo)
      return 0
    }
    case 'rename': {
      const [from, to] = [args[1], args[2]]
      if (!from || !to) throw usage('usage: git remote rename <old> <new>')
      const r = listRemotes(repo).find((x) => x.name === from)
      if (!r) throw new CliExit(2, `error: No such remote: '${from}'\n`)
      await removeRemote(repo, from)
      addRemote(repo, to, r.url)
      return 0
    }
    default:
      throw usage(`unknown subcommand: ${sub} (daylite's git remote: add, remove, rename, get-url, set-url, -v)`)
  }
}
