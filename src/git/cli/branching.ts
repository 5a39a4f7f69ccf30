/**
 * `git branch`, `checkout`, `switch`, `restore`, `reset`, `merge`, `tag` and `stash`.
 */
import { checkout, createBranch, deleteBranch, renameBranch } from '../branch.js'
import { comparePaths } from '../diff.js'
import { GitError, GitErrorCode } from '../errors.js'
import { type MergeResult, merge } from '../merge.js'
import { commitFiles, formatSignature, readCommit, subject, writeObject } from '../objects.js'
import { compilePathspecs } from '../pathspec.js'
import { type Repo, checkRefName, deleteRef, editConfig, headState, identity, listBranches, listRemoteBranches, listTags, readText, refOid, writeRef } from '../repo.js'
import { type ResetMode, reset, restore } from '../reset.js'
import { resolveCommit, resolveRevision } from '../rev.js'
import { listStash, stashApply, stashClear, stashDrop, stashPush } from '../stash.js'
import { status } from '../status.js'
import { flag, opt, parseArgs, str, usage } from './args.js'
import { type Cli, CliExit, cwdIn, repoOf } from './context.js'
import { blobReader, formatChangeStat, formatLongStatus, short, tracking, trackingText } from './format.js'

// ── branch ──────────────────────────────────────────────────────────────────────────────

/** `git branch` (list, create, -d/-D, -m/-M, --show-current, -a/-r, -v/-vv, -u/--set-upstream-to, --unset-upstream) */
export async function branch(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('branch', argv, [
    opt('all', 'flag', '-a', '--all'),
    opt('remotes', 'flag', '-r', '--remotes'),
    opt('delete', 'flag', '-d', '--delete'),
    opt('forceDelete', 'flag', '-D'),
    opt('force', 'flag', '-f', '--force'),
    opt('move', 'flag', '-m', '--move'),
    opt('forceMove', 'flag', '-M'),
    opt('showCurrent', 'flag', '--show-current'),
    opt('verbose', 'flag', '-v', '--verbose'),
    opt('list', 'flag', '-l', '--list'),
    opt('upstream', 'value', '-u', '--set-upstream-to'),
    opt('unsetUpstream', 'flag', '--unset-upstream'),
    opt('track', 'optional', '-t', '--track'),
    opt('color', 'optional', '--color'),
    opt('noColor', 'flag', '--no-color'),
  ])
  const repo = repoOf(cli)
  const head = await headState(repo)
  if (flag(p, 'showCurrent')) {
    cli.io.out(head.detached ? '' : `${head.branch}\n`)
    return 0
  }
  if (flag(p, 'delete') || flag(p, 'forceDelete')) {
    if (p.args.length === 0) throw usage('branch name required')
    let status = 0
    for (const name of p.args) {
      try {
        const oid = await deleteBranch(repo, name, { force: flag(p, 'forceDelete') || flag(p, 'force') })
        cli.io.out(`Deleted branch ${name} (was ${short(oid)}).\n`)
      } catch (error) {
        if (error instanceof GitError) {
          cli.io.err(`error: ${error.message}\n`)
          status = 1
        } else throw error
      }
    }
    return status
  }
  if (flag(p, 'move') || flag(p, 'forceMove')) {
    const [a, b] = p.args
    if (!a) throw usage('branch name required')
    if (b === undefined) await renameBranch(repo, head.branch ?? '', a, flag(p, 'forceMove'))
    else await renameBranch(repo, a, b, flag(p, 'forceMove'))
    return 0
  }
  const upstream = str(p, 'upstream')
  if (upstream !== undefined || flag(p, 'unsetUpstream')) {
    const name = p.args[0] ?? head.branch
    if (!name) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'HEAD is not on a branch')
    if (flag(p, 'unsetUpstream')) {
      editConfig(repo.ctx, 'local', (c) => {
        c.unset(`branch.${name}.remote`)
        c.unset(`branch.${name}.merge`)
      }, repo)
      return 0
    }
    const up = upstream as string
    const slash = up.indexOf('/')
    if (slash > 0 && (await refOid(repo, `refs/remotes/${up}`))) {
      const remote = up.slice(0, slash)
      editConfig(repo.ctx, 'local', (c) => {
        c.set(`branch.${name}.remote`, remote)
        c.set(`branch.${name}.merge`, `refs/heads/${up.slice(slash + 1)}`)
      }, repo)
    } else if (await refOid(repo, `refs/heads/${up}`)) {
      editConfig(repo.ctx, 'local', (c) => {
        c.set(`branch.${name}.remote`, '.')
        c.set(`branch.${name}.merge`, `refs/heads/${up}`)
      }, repo)
    } else throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `the requested upstream branch '${up}' does not exist`, { ref: up })
    cli.io.out(`branch '${name}' set up to track '${up}'.\n`)
    return 0
  }
  const listing = p.args.length === 0 || flag(p, 'list')
  if (!listing) {
    const [name, start] = p.args as [string, string | undefined]
    let track: { remote: string; merge: string } | undefined
    if (start && p.opts.track !== undefined) {
      const slash = start.indexOf('/')
      if (slash > 0 && (await refOid(repo, `refs/remotes/${start}`))) track = { remote: start.slice(0, slash), merge: `refs/heads/${start.slice(slash + 1)}` }
    }
    await createBranch(repo, name, { ...(start ? { start } : {}), force: flag(p, 'force'), ...(track ? { track } : {}) })
    if (track) cli.io.out(`branch '${name}' set up to track '${start}'.\n`)
    return 0
  }
  const verbose = flag(p, 'verbose')
  const veryVerbose = argv.includes('-vv') || argv.filter((a) => a === '-v' || a === '--verbose').length >= 2
  const lines: { mark: string; name: string; oid: string; extra: string; text?: string }[] = []
  if (!flag(p, 'remotes')) {
    if (head.detached && head.oid) lines.push({ mark: '*', name: `(HEAD detached at ${short(head.oid)})`, oid: head.oid, extra: '' })
    for (const b of await listBranches(repo)) {
      const oid = (await refOid(repo, `refs/heads/${b}`)) ?? ''
      let extra = ''
      if (veryVerbose) {
        const t = await tracking(repo, { branch: b, oid, detached: false })
        if (t) extra = `[${t.upstream}${t.gone ? ': gone' : t.ahead || t.behind ? `: ${[t.ahead ? `ahead ${t.ahead}` : '', t.behind ? `behind ${t.behind}` : ''].filter(Boolean).join(', ')}` : ''}] `
      }
      lines.push({ mark: !head.detached && b === head.branch ? '*' : ' ', name: b, oid, extra })
    }
  }
  if (flag(p, 'all') || flag(p, 'remotes')) {
    for (const r of await listRemoteBranches(repo)) {
      const display = flag(p, 'all') ? `remotes/${r}` : r
      if (r.endsWith('/HEAD')) {
        const text = readText(repo.ctx.vfs, `${repo.gitdir}/refs/remotes/${r}`) ?? ''
        const target = /^ref: refs\/remotes\/(.*)$/m.exec(text)?.[1]
        if (target) {
          lines.push({ mark: ' ', name: display, oid: (await refOid(repo, `refs/remotes/${r}`)) ?? '', extra: '', text: `${display} -> ${target}` })
          continue
        }
      }
      lines.push({ mark: ' ', name: display, oid: (await refOid(repo, `refs/remotes/${r}`)) ?? '', extra: '' })
    }
  }
  const width = Math.max(0, ...lines.filter((l) => !l.text).map((l) => l.name.length))
  let out = ''
  for (const l of lines) {
    if (l.text) {
      out += `${l.mark} ${l.text}\n`
      continue
    }
    if (verbose) {
      const c = l.oid ? await readCommit(repo, l.oid).catch(() => undefined) : undefined
      out += `${l.mark} ${l.name.padEnd(width)} ${short(l.oid)} ${l.extra}${c ? subject(c.message) : ''}\n`
    } else out += `${l.mark} ${l.name}\n`
  }
  cli.io.out(out)
  return 0
}

// ── checkout / switch ───────────────────────────────────────────────────────────────────

const DETACHED_ADVICE = `You are in 'detached HEAD' state. You can look around, make experimental
changes and commit them, and you can discard any commits you make in this
state without impacting any branches by switching back to a branch.

If you want to create a new branch to retain commits you create, you may
do so (now or later) by using -c with the switch command. Example:

  git switch -c <new-branch-name>

Or undo this operation with:

  git switch -

Turn off this advice by setting config variable advice.detachedHead to false

`

async function reportSwitch(cli: Cli, repo: Repo, target: string, r: { branch: string | undefined; oid: string; same: boolean; trackedRemote?: string }, created: boolean, previousDetached: boolean, quiet = false): Promise<void> {
  if (quiet) return
  if (r.branch) {
    if (r.trackedRemote) cli.io.out(`branch '${r.branch}' set up to track '${r.trackedRemote}'.\n`)
    if (r.same && !created) cli.io.err(`Already on '${r.branch}'\n`)
    else cli.io.err(created || r.trackedRemote ? `Switched to a new branch '${r.branch}'\n` : `Switched to branch '${r.branch}'\n`)
    // git reports tracking for an existing branch, or one created from an explicit start point.
    if (r.trackedRemote && !created) return
    const t = await tracking(repo, await headState(repo))
    if (t) cli.io.out(trackingText(t))
    return
  }
  const c = await readCommit(repo, r.oid)
  if (!previousDetached) cli.io.err(`Note: switching to '${target}'.\n\n${DETACHED_ADVICE}`)
  cli.io.err(`HEAD is now at ${short(r.oid)} ${subject(c.message)}\n`)
}

/** `git checkout [-f] [-b|-B <new>] [--detach] <branch|commit> | [<tree-ish>] [--] <paths>...` */
export async function checkoutCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('checkout', argv, [
    opt('create', 'value', '-b'),
    opt('forceCreate', 'value', '-B'),
    opt('force', 'flag', '-f', '--force'),
    opt('detach', 'flag', '--detach'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('track', 'optional', '-t', '--track'),
  ])
  const repo = repoOf(cli)
  const head = await headState(repo)
  const newBranch = str(p, 'create') ?? str(p, 'forceCreate')
  if (newBranch) {
    const start = p.args[0]
    const r = await checkout(repo, newBranch, { create: true, force: str(p, 'forceCreate') !== undefined, ...(start ? { start } : {}) })
    await reportSwitch(cli, repo, newBranch, { ...r }, true, head.detached, flag(p, 'quiet'))
    return 0
  }
  // Paths: after `--`, or arguments that are not revisions.
  if (p.dashdash || p.args.length > 1) {
    const source = p.args.length > 0 && p.dashdash ? p.args[0] : p.args.length > 1 ? p.args[0] : undefined
    const paths = p.dashdash ? p.paths : p.args.slice(1)
    if (paths.length === 0) throw usage('you must specify path(s) to restore')
    const specs = compilePathspecs(repo, cli.cwd, paths)
    const restored = await restore(repo, specs, source ? { source, staged: true, worktree: true } : { worktree: true })
    // git counts the paths only when they were not given after `--`.
    if (!p.dashdash && !flag(p, 'quiet')) cli.io.err(`Updated ${restored.length} path${restored.length === 1 ? '' : 's'} from ${source ? short(await resolveCommit(repo, source)) : 'the index'}\n`)
    return 0
  }
  const target = p.args[0]
  if (!target) throw usage("you must specify a branch to checkout")
  const isRev = await resolveRevision(repo, target).then(
    () => true,
    () => false,
  )
  const isBranch = (await refOid(repo, `refs/heads/${target}`)) !== undefined
  const remoteHit = !isBranch && (await listRemoteBranches(repo)).some((r) => r.slice(r.indexOf('/') + 1) === target)
  if (!isRev && !remoteHit) {
    // A path, as `git checkout file` restores it from the index.
    const specs = compilePathspecs(repo, cli.cwd, [target])
    const restored = await restore(repo, specs, { worktree: true })
    if (!flag(p, 'quiet')) cli.io.err(`Updated ${restored.length} path${restored.length === 1 ? '' : 's'} from the index\n`)
    return 0
  }
  const r = await checkout(repo, target, { force: flag(p, 'force'), detach: flag(p, 'detach') || (!isBranch && !remoteHit), allowDetach: true })
  await reportSwitch(cli, repo, target, r, false, head.detached, flag(p, 'quiet'))
  return 0
}

/** `git switch [-c|-C <new>] [--detach] [-f] <branch>` */
export async function switchCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('switch', argv, [
    opt('create', 'value', '-c', '--create'),
    opt('forceCreate', 'value', '-C', '--force-create'),
    opt('detach', 'flag', '-d', '--detach'),
    opt('force', 'flag', '-f', '--force', '--discard-changes'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('track', 'optional', '-t', '--track'),
  ])
  const repo = repoOf(cli)
  const head = await headState(repo)
  const newBranch = str(p, 'create') ?? str(p, 'forceCreate')
  if (newBranch) {
    const start = p.args[0]
    const r = await checkout(repo, newBranch, { create: true, force: str(p, 'forceCreate') !== undefined, ...(start ? { start } : {}) })
    await reportSwitch(cli, repo, newBranch, r, true, head.detached, flag(p, 'quiet'))
    return 0
  }
  const target = p.args[0]
  if (!target) throw usage('missing branch or commit argument')
  if (target === '-') throw usage("'git switch -' is not supported by daylite's git (it keeps no reflog): name the branch")
  if (!flag(p, 'detach') && !(await refOid(repo, `refs/heads/${target}`))) {
    const remoteHit = (await listRemoteBranches(repo)).some((r) => r.slice(r.indexOf('/') + 1) === target)
    if (!remoteHit) {
      const isRev = await resolveRevision(repo, target).then(
        () => true,
        () => false,
      )
      if (isRev) throw new GitError(GitErrorCode.INVALID_ARGUMENT, `a branch is expected, got '${target}'\nhint: If you want to detach HEAD at the commit, try again with the --detach option.`, { ref: target })
      throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `invalid reference: ${target}`, { ref: target })
    }
  }
  const r = await checkout(repo, target, { force: flag(p, 'force'), detach: flag(p, 'detach'), allowDetach: flag(p, 'detach') })
  await reportSwitch(cli, repo, target, r, false, head.detached, flag(p, 'quiet'))
  return 0
}

/** `git restore [--staged] [--worktree] [--source=<tree>] [--] <pathspec>...` */
export async function restoreCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('restore', argv, [opt('staged', 'flag', '-S', '--staged'), opt('worktree', 'flag', '-W', '--worktree'), opt('source', 'value', '-s', '--source'), opt('quiet', 'flag', '-q', '--quiet')])
  const repo = repoOf(cli)
  const paths = [...p.args, ...p.paths]
  if (paths.length === 0) throw usage('you must specify path(s) to restore')
  const staged = flag(p, 'staged')
  const worktree = flag(p, 'worktree') || !staged
  const source = str(p, 'source')
  await restore(repo, compilePathspecs(repo, cli.cwd, paths), { staged, worktree, ...(source ? { source } : {}) })
  return 0
}

/** `git reset [--soft|--mixed|--hard|--keep|--merge] [<commit>] [[--] <paths>...]` */
export async function resetCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('reset', argv, [
    opt('soft', 'flag', '--soft'),
    opt('mixed', 'flag', '--mixed'),
    opt('hard', 'flag', '--hard'),
    opt('keep', 'flag', '--keep'),
    opt('merge', 'flag', '--merge'),
    opt('quiet', 'flag', '-q', '--quiet'),
  ])
  const repo = repoOf(cli)
  const modes = (['soft', 'mixed', 'hard', 'keep', 'merge'] as ResetMode[]).filter((m) => flag(p, m))
  if (modes.length > 1) throw usage(`--${modes[0]} and --${modes[1]} cannot be used together`)
  const mode = modes[0] ?? 'mixed'
  let target = 'HEAD'
  let paths = p.paths
  if (p.args.length) {
    const first = p.args[0] as string
    const isRev = await resolveRevision(repo, first).then(
      () => true,
      () => false,
    )
    if (isRev) {
      target = first
      paths = [...p.args.slice(1), ...paths]
    } else paths = [...p.args, ...paths]
  }
  const specs = compilePathspecs(repo, cli.cwd, paths)
  const r = await reset(repo, mode, target, specs)
  if (flag(p, 'quiet')) return 0
  if (mode === 'hard' && r.oid) {
    const c = await readCommit(repo, r.oid)
    cli.io.out(`HEAD is now at ${short(r.oid)} ${subject(c.message)}\n`)
  } else if (mode === 'mixed') {
    const st = await status(repo, { untracked: false })
    const unstaged = st.changes.filter((c) => c.unstaged)
    if (unstaged.length) cli.io.out(`Unstaged changes after reset:\n${unstaged.map((c) => `${c.unstaged}\t${c.path}\n`).join('')}`)
  }
  return 0
}

// ── merge ───────────────────────────────────────────────────────────────────────────────

/** Prints a merge's outcome as git does. */
export async function reportMerge(cli: Cli, repo: Repo, r: MergeResult): Promise<void> {
  if (r.kind === 'up-to-date') {
    cli.io.out('Already up to date.\n')
    return
  }
  const changes = comparePaths(await commitFiles(repo, r.from), await commitFiles(repo, r.to))
  const stat = await formatChangeStat(changes, blobReader(repo))
  if (r.kind === 'fast-forward') cli.io.out(`${r.from ? `Updating ${short(r.from)}..${short(r.to)}\n` : ''}Fast-forward\n${stat}`)
  else cli.io.out(`Merge made by the 'ort' strategy.\n${stat}`)
  for (const c of changes) {
    if (c.status === 'A') cli.io.out(` create mode ${(c.newMode ?? 0).toString(8)} ${c.path}\n`)
    else if (c.status === 'D') cli.io.out(` delete mode ${(c.oldMode ?? 0).toString(8)} ${c.path}\n`)
  }
}

/** `git merge [--ff-only|--no-ff] [-m <msg>] <commit>` */
export async function mergeCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('merge', argv, [
    opt('ffOnly', 'flag', '--ff-only'),
    opt('ff', 'negatable', '--ff'),
    opt('message', 'value', '-m', '--message'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('edit', 'negatable', '--edit', '-e'),
    opt('abort', 'flag', '--abort'),
    opt('stat', 'negatable', '--stat'),
  ])
  if (flag(p, 'abort')) throw new GitError(GitErrorCode.INVALID_ARGUMENT, 'There is no merge to abort (MERGE_HEAD missing).')
  const repo = repoOf(cli)
  const target = p.args[0]
  if (!target) throw usage('No remote for the current branch.')
  if (p.args.length > 1) throw usage("daylite's git merges one commit at a time (no octopus merges)")
  let oid: string
  try {
    oid = await resolveCommit(repo, target)
  } catch {
    throw new CliExit(1, `merge: ${target} - not something we can merge\n`)
  }
  const isBranch = (await refOid(repo, `refs/heads/${target}`)) !== undefined
  const isRemote = !isBranch && (await refOid(repo, `refs/remotes/${target}`)) !== undefined
  const label = isBranch ? `branch '${target}'` : isRemote ? `remote-tracking branch '${target}'` : `commit '${short(oid)}'`
  const message = str(p, 'message')
  try {
    const r = await merge(repo, oid, { ffOnly: flag(p, 'ffOnly'), noFf: p.opts.ff === false, theirsLabel: label, ...(message ? { message: `${message}\n` } : {}) })
    if (!flag(p, 'quiet')) await reportMerge(cli, repo, r)
  } catch (error) {
    if (error instanceof GitError && error.code === GitErrorCode.MERGE_CONFLICT) throw new CliExit(1, `${error.message}\n`, true)
    if (error instanceof GitError && error.data.ff === false) throw new CliExit(128, 'hint: Diverging branches can\'t be fast-forwarded, you need to either:\nhint: \nhint: \tgit merge --no-ff\nhint: \nhint: or:\nhint: \nhint: \tgit rebase\nhint: \nhint: Disable this message with "git config advice.diverging false"\nfatal: Not possible to fast-forward, aborting.\n')
    throw error
  }
  return 0
}

// ── tag ─────────────────────────────────────────────────────────────────────────────────

/** `git tag [-l [<pattern>]] | <name> [<commit>] | -a <name> -m <msg> | -d <name>...` */
export async function tagCmd(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('tag', argv, [
    opt('list', 'flag', '-l', '--list'),
    opt('delete', 'flag', '-d', '--delete'),
    opt('annotate', 'flag', '-a', '--annotate'),
    opt('message', 'value', '-m', '--message'),
    opt('force', 'flag', '-f', '--force'),
    opt('n', 'optional', '-n'),
  ])
  const repo = repoOf(cli)
  if (flag(p, 'delete')) {
    for (const name of p.args) {
      const oid = await refOid(repo, `refs/tags/${name}`)
      if (!oid) {
        cli.io.err(`error: tag '${name}' not found.\n`)
        return 1
      }
      await deleteRef(repo, `refs/tags/${name}`)
      cli.io.out(`Deleted tag '${name}' (was ${short(oid)})\n`)
    }
    return 0
  }
  if (p.args.length === 0 || flag(p, 'list')) {
    const pattern = p.args[0]
    const re = pattern ? new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`) : undefined
    cli.io.out((await listTags(repo)).filter((t) => !re || re.test(t)).map((t) => `${t}\n`).join(''))
    return 0
  }
  const [name, rev] = p.args as [string, string | undefined]
  checkRefName(name, 'tag')
  if ((await refOid(repo, `refs/tags/${name}`)) && !flag(p, 'force')) throw new GitError(GitErrorCode.BRANCH_EXISTS, `tag '${name}' already exists`, { tag: name })
  const oid = await resolveCommit(repo, rev ?? 'HEAD')
  const message = str(p, 'message')
  if (flag(p, 'annotate') || message !== undefined) {
    if (message === undefined) throw new CliExit(1, "error: daylite's git has no editor: give the tag message with -m <msg>\n")
    const tagger = identity(repo, 'committer')
    const text = `object ${oid}\ntype commit\ntag ${name}\ntagger ${formatSignature(tagger)}\n\n${message.replace(/\n*$/, '\n')}`
    const tagOid = writeObject(repo, 'tag', new TextEncoder().encode(text))
    writeRef(repo, `refs/tags/${name}`, tagOid)
  } else writeRef(repo, `refs/tags/${name}`, oid)
  return 0
}

// ── stash ───────────────────────────────────────────────────────────────────────────────

function stashIndex(arg: string | undefined): number {
  if (arg === undefined) return 0
  const m = /^(?:stash@\{)?(\d+)\}?$/.exec(arg)
  if (!m) throw usage(`'${arg}' is not a stash reference`)
  return Number(m[1])
}

/** `git stash [push [-m <msg>]] | save <msg> | list | pop | apply | drop [<stash>] | clear | show` */
export async function stashCmd(cli: Cli, argv: string[]): Promise<number> {
  const sub = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'push'
  const rest = argv[0] && !argv[0].startsWith('-') ? argv.slice(1) : argv
  const repo = repoOf(cli)
  switch (sub) {
    case 'push':
    case 'save': {
      const p = parseArgs('stash', rest, [opt('message', 'value', '-m', '--message'), opt('quiet', 'flag', '-q', '--quiet'), opt('untracked', 'flag', '-u', '--include-untracked')])
      if (flag(p, 'untracked')) throw usage("stash -u (untracked files) is not supported by daylite's git")
      const message = sub === 'save' ? p.args.join(' ') || undefined : str(p, 'message')
      if (sub === 'push' && (p.args.length || p.paths.length)) throw usage("daylite's git stash saves the whole work tree (no pathspecs)")
      const text = await stashPush(repo, message)
      if (!text) {
        cli.io.out('No local changes to save\n')
        return 0
      }
      if (!flag(p, 'quiet')) cli.io.out(`Saved working directory and index state ${text}\n`)
      return 0
    }
    case 'list':
      cli.io.out(listStash(repo).map((e) => `stash@{${e.index}}: ${e.message}\n`).join(''))
      return 0
    case 'apply':
    case 'pop': {
      const n = stashIndex(rest.find((a) => !a.startsWith('-')))
      let entry
      try {
        entry = await stashApply(repo, n)
      } catch (error) {
        if (error instanceof GitError && error.code === GitErrorCode.DIRTY_WORKTREE) throw new CliExit(1, `error: ${error.message}\n`)
        if (error instanceof GitError && error.code === GitErrorCode.MERGE_CONFLICT) throw new CliExit(1, `${error.message}\n`, true)
        throw error
      }
      cli.io.out(await formatLongStatus(repo, await status(repo), cwdIn(repo, cli)))
      if (sub === 'pop') {
        await stashDrop(repo, n)
        cli.io.out(`Dropped refs/stash@{${n}} (${entry.oid})\n`)
      }
      return 0
    }
    case 'drop': {
      const n = stashIndex(rest[0])
      const e = await stashDrop(repo, n)
      cli.io.out(`Dropped refs/stash@{${n}} (${e.oid})\n`)
      return 0
    }
    case 'clear':
      await stashClear(repo)
      return 0
    case 'show': {
      const n = stashIndex(rest.find((a) => !a.startsWith('-')))
      const e = listStash(repo)[n]
      if (!e) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, 'No stash entries found.')
      const c = await readCommit(repo, e.oid)
      const changes = comparePaths(await commitFiles(repo, c.parents[0]), await commitFiles(repo, c.oid))
      cli.io.out(await formatChangeStat(changes, blobReader(repo)))
      return 0
    }
    default:
      throw usage(`unknown stash subcommand '${sub}' (daylite's git: push, save, list, show, pop, apply, drop, clear)`)
  }
}

