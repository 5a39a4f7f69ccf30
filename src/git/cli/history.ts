/**
 * `git log`, `show` and `diff`.
 */
import * as iso from 'isomorphic-git'
import { type PathChange, comparePaths, countChanges, shortStat } from '../diff.js'
import { modeOf } from '../index-file.js'
import { GitError, GitErrorCode } from '../errors.js'
import { walkCommits } from '../log.js'
import { type Commit, type TreeFile, commitFiles, parseTree, readBlob, readCommit, readObject, subject } from '../objects.js'
import { type Pathspec, compilePathspecs, matchesAny } from '../pathspec.js'
import { type Repo, headState, listBranches as branchNames, listRemoteBranches, listTags, readIndex, refOid } from '../repo.js'
import { resolveCommit, resolveRevision } from '../rev.js'
import { hashWorktreeFile, status } from '../status.js'
import { flag, opt, parseArgs, str, usage } from './args.js'
import { type Cli, cwdIn, repoOf } from './context.js'
import { type ContentReader, blobReader, formatChangeStat, formatDate, formatIsoDate, formatPatch, relativeDate, showPath, short, sumChanges, worktreeReader } from './format.js'

// ── decorations ─────────────────────────────────────────────────────────────────────────

async function decorations(repo: Repo): Promise<Map<string, string[]>> {
  // git prepends each ref's label as it iterates refs in name order, so the labels of one commit
  // come out in reverse name order; the current branch comes first, as `HEAD -> branch`.
  const map = new Map<string, string[]>()
  const head = await headState(repo)
  const refs: { name: string; label: string }[] = []
  for (const b of await branchNames(repo)) refs.push({ name: `refs/heads/${b}`, label: b })
  for (const r of await listRemoteBranches(repo)) refs.push({ name: `refs/remotes/${r}`, label: r })
  for (const t of await listTags(repo)) refs.push({ name: `refs/tags/${t}`, label: `tag: ${t}` })
  refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  let current: string | undefined
  for (const r of refs) {
    const oid = r.name.startsWith('refs/tags/') ? await resolveCommit(repo, r.name).catch(() => undefined) : await refOid(repo, r.name)
    if (!oid) continue
    if (!head.detached && r.name === `refs/heads/${head.branch}`) {
      current = oid
      continue
    }
    const list = map.get(oid) ?? []
    list.unshift(r.label)
    map.set(oid, list)
  }
  if (head.oid) {
    const list = map.get(head.oid) ?? []
    if (head.detached) list.unshift('HEAD')
    else if (current === head.oid) list.unshift(`HEAD -> ${head.branch}`)
    map.set(head.oid, list)
  }
  if (current && current !== head.oid) {
    const list = map.get(current) ?? []
    list.unshift(head.branch as string)
    map.set(current, list)
  }
  return map
}

function decorationText(map: Map<string, string[]> | undefined, oid: string, bare = false): string {
  const list = map?.get(oid)
  if (!list || list.length === 0) return ''
  return bare ? list.join(', ') : ` (${list.join(', ')})`
}

// ── formats ─────────────────────────────────────────────────────────────────────────────

function body(message: string): string {
  const i = message.indexOf('\n\n')
  return i < 0 ? '' : message.slice(i + 2)
}

/** Expands `--format` placeholders. */
function expand(fmt: string, c: Commit, deco: Map<string, string[]> | undefined, now: number): string {
  return fmt.replace(/%(H|h|T|t|P|p|an|ae|ad|ar|at|ai|aI|cn|ce|cd|cr|ct|ci|s|b|B|n|%|d|D|x[0-9a-fA-F]{2})/g, (_, k: string) => {
    switch (k) {
      case 'H':
        return c.oid
      case 'h':
        return short(c.oid)
      case 'T':
        return c.tree
      case 't':
        return short(c.tree)
      case 'P':
        return c.parents.join(' ')
      case 'p':
        return c.parents.map(short).join(' ')
      case 'an':
        return c.author.name
      case 'ae':
        return c.author.email
      case 'ad':
        return formatDate(c.author)
      case 'ar':
        return relativeDate(c.author.timestamp, now)
      case 'at':
        return String(c.author.timestamp)
      case 'ai':
        return formatIsoDate(c.author)
      case 'aI':
        return formatIsoDate(c.author).replace(' ', 'T').replace(/ ([+-]\d\d)(\d\d)$/, '$1:$2')
      case 'cn':
        return c.committer.name
      case 'ce':
        return c.committer.email
      case 'cd':
        return formatDate(c.committer)
      case 'cr':
        return relativeDate(c.committer.timestamp, now)
      case 'ct':
        return String(c.committer.timestamp)
      case 'ci':
        return formatIsoDate(c.committer)
      case 's':
        return subject(c.message)
      case 'b':
        return body(c.message)
      case 'B':
        return c.message
      case 'n':
        return '\n'
      case '%':
        return '%'
      case 'd':
        return decorationText(deco, c.oid)
      case 'D':
        return decorationText(deco, c.oid, true)
      default:
        return String.fromCharCode(Number.parseInt(k.slice(1), 16))
    }
  })
}

type Pretty = { kind: 'medium' | 'oneline' | 'short' | 'full' | 'fuller' | 'raw' } | { kind: 'format'; fmt: string; terminator: boolean }

function parsePretty(value: string | undefined, oneline: boolean): Pretty {
  if (oneline && !value) return { kind: 'oneline' }
  if (!value || value === 'medium') return { kind: 'medium' }
  if (['oneline', 'short', 'full', 'fuller', 'raw'].includes(value)) return { kind: value as 'oneline' }
  if (value.startsWith('format:')) return { kind: 'format', fmt: value.slice(7), terminator: false }
  if (value.startsWith('tformat:')) return { kind: 'format', fmt: value.slice(8), terminator: true }
  if (value.includes('%')) return { kind: 'format', fmt: value, terminator: true }
  throw usage(`invalid --pretty format: ${value}`)
}

function indent(message: string): string {
  const text = message.replace(/\n+$/, '')
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')
}

/** One commit in a log format (without the separator). */
function formatCommit(c: Commit, pretty: Pretty, deco: Map<string, string[]> | undefined, now: number): string {
  switch (pretty.kind) {
    case 'oneline':
      return `${short(c.oid)}${decorationText(deco, c.oid)} ${subject(c.message)}\n`
    case 'format':
      return expand(pretty.fmt, c, deco, now) + (pretty.terminator ? '\n' : '')
    default: {
      let s = `commit ${c.oid}${decorationText(deco, c.oid)}\n`
      if (c.parents.length > 1) s += `Merge: ${c.parents.map(short).join(' ')}\n`
      s += `Author: ${c.author.name} <${c.author.email}>\n`
      if (pretty.kind === 'medium') s += `Date:   ${formatDate(c.author)}\n`
      if (pretty.kind === 'full' || pretty.kind === 'fuller') {
        if (pretty.kind === 'fuller') s += `AuthorDate: ${formatDate(c.author)}\n`
        s += `${pretty.kind === 'fuller' ? 'Commit:     ' : 'Commit: '}${c.committer.name} <${c.committer.email}>\n`
        if (pretty.kind === 'fuller') s += `CommitDate: ${formatDate(c.committer)}\n`
      }
      if (pretty.kind === 'short') return `${s}\n    ${subject(c.message)}\n`
      return `${s}\n${indent(c.message)}\n`
    }
  }
}

/** The paths a commit changed against its first parent. */
async function commitChanges(repo: Repo, c: Commit): Promise<PathChange[]> {
  const before = await commitFiles(repo, c.parents[0])
  const after = await commitFiles(repo, c.oid)
  return comparePaths(before, after)
}

// ── log ─────────────────────────────────────────────────────────────────────────────────

/** Splits `A..B`, `^A` and plain revisions into includes and excludes. */
async function revisionRange(repo: Repo, revs: string[]): Promise<{ include: string[]; exclude: string[] }> {
  const include: string[] = []
  const exclude: string[] = []
  for (const r of revs) {
    const dots = r.indexOf('..')
    if (dots >= 0 && !r.includes('...')) {
      const a = r.slice(0, dots) || 'HEAD'
      const b = r.slice(dots + 2) || 'HEAD'
      exclude.push(await resolveCommit(repo, a))
      include.push(await resolveCommit(repo, b))
    } else if (r.startsWith('^')) exclude.push(await resolveCommit(repo, r.slice(1)))
    else include.push(await resolveCommit(repo, r))
  }
  return { include, exclude }
}

/** Separates revisions from paths in `git log A B file` (paths exist; revisions resolve). */
async function splitRevsAndPaths(repo: Repo, cli: Cli, args: string[], paths: string[]): Promise<{ revs: string[]; specs: Pathspec[] }> {
  const revs: string[] = []
  const extra: string[] = []
  for (const a of args) {
    const looksRange = a.includes('..') || a.startsWith('^')
    if (looksRange) {
      revs.push(a)
      continue
    }
    const ok = await resolveRevision(repo, a).then(
      () => true,
      () => false,
    )
    if (ok && extra.length === 0) revs.push(a)
    else if (cli.ctx.vfs.exists(a.startsWith('/') ? a : `${cli.cwd}/${a}`)) extra.push(a)
    else throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `ambiguous argument '${a}': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n'git <command> [<revision>...] -- [<file>...]'`, { ref: a })
  }
  return { revs, specs: compilePathspecs(repo, cli.cwd, [...extra, ...paths]) }
}

async function touches(repo: Repo, c: Commit, specs: Pathspec[]): Promise<boolean> {
  if (specs.length === 0) return true
  const changes = await commitChanges(repo, c)
  return changes.some((ch) => matchesAny(specs, ch.path))
}

/** `git log [<options>] [<revision range>] [[--] <path>...]` */
export async function log(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('log', argv, [
    opt('n', 'value', '-n', '--max-count'),
    opt('oneline', 'flag', '--oneline'),
    opt('pretty', 'optional', '--pretty', '--format'),
    opt('graph', 'flag', '--graph'),
    opt('reverse', 'flag', '--reverse'),
    opt('firstParent', 'flag', '--first-parent'),
    opt('all', 'flag', '--all'),
    opt('decorate', 'optional', '--decorate'),
    opt('stat', 'flag', '--stat'),
    opt('shortstat', 'flag', '--shortstat'),
    opt('nameOnly', 'flag', '--name-only'),
    opt('nameStatus', 'flag', '--name-status'),
    opt('patch', 'flag', '-p', '--patch', '-u'),
    opt('noMerges', 'flag', '--no-merges'),
    opt('merges', 'flag', '--merges'),
    opt('skip', 'value', '--skip'),
    opt('abbrevCommit', 'flag', '--abbrev-commit'),
    opt('color', 'optional', '--color'),
    opt('noColor', 'flag', '--no-color'),
  ])
  const repo = repoOf(cli)
  const head = await headState(repo)
  const { revs, specs } = await splitRevsAndPaths(repo, cli, p.args, p.paths)
  let range = await revisionRange(repo, revs)
  if (flag(p, 'all')) {
    const all: string[] = []
    for (const b of await branchNames(repo)) {
      const o = await refOid(repo, `refs/heads/${b}`)
      if (o) all.push(o)
    }
    for (const r of await listRemoteBranches(repo)) {
      const o = await refOid(repo, `refs/remotes/${r}`)
      if (o) all.push(o)
    }
    if (head.oid) all.push(head.oid)
    range = { include: [...range.include, ...all], exclude: range.exclude }
  }
  if (range.include.length === 0) {
    if (!head.oid) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `your current branch '${head.branch}' does not have any commits yet`, { ref: 'HEAD' })
    range.include.push(head.oid)
  }
  const nText = str(p, 'n')
  const max = nText !== undefined ? Number.parseInt(nText, 10) : Infinity
  if (Number.isNaN(max)) throw usage(`'${nText}' is not a number`)
  const skip = Number.parseInt(str(p, 'skip') ?? '0', 10) || 0
  const pretty = parsePretty(typeof p.opts.pretty === 'string' ? p.opts.pretty : undefined, flag(p, 'oneline'))
  const wantDeco = p.opts.decorate !== undefined && p.opts.decorate !== 'no'
  const needDeco = wantDeco || (pretty.kind === 'format' && /%[dD]/.test(pretty.fmt))
  const deco = needDeco ? await decorations(repo) : undefined
  const shownDeco = wantDeco || pretty.kind === 'format' ? deco : undefined
  const limit = specs.length || flag(p, 'noMerges') || flag(p, 'merges') ? Infinity : max + skip
  let commits = await walkCommits(repo, range.include, { exclude: range.exclude, max: limit, firstParent: flag(p, 'firstParent') })
  const filtered: Commit[] = []
  for (const c of commits) {
    if (flag(p, 'noMerges') && c.parents.length > 1) continue
    if (flag(p, 'merges') && c.parents.length < 2) continue
    if (!(await touches(repo, c, specs))) continue
    filtered.push(c)
  }
  commits = filtered.slice(skip, skip + max)
  if (flag(p, 'reverse')) commits.reverse()
  const now = (cli.ctx.now ?? Date.now)()
  const graph = flag(p, 'graph')
  const rel = cwdIn(repo, cli)
  const reader = blobReader(repo)
  let out = ''
  for (let i = 0; i < commits.length; i++) {
    const c = commits[i] as Commit
    let text = formatCommit(c, pretty, shownDeco, now)
    const multiline = pretty.kind !== 'oneline' && pretty.kind !== 'format'
    const diffs = flag(p, 'stat') || flag(p, 'shortstat') || flag(p, 'nameOnly') || flag(p, 'nameStatus') || flag(p, 'patch')
    if (diffs && c.parents.length <= 1) {
      const changes = (await commitChanges(repo, c)).filter((ch) => matchesAny(specs, ch.path))
      let extra = ''
      if (flag(p, 'stat')) extra += await formatChangeStat(changes, reader, rel)
      else if (flag(p, 'shortstat')) {
        const s = await sumChanges(changes, reader)
        extra += shortStat(s.files, s.added, s.deleted)
      } else if (flag(p, 'nameOnly')) extra += changes.map((ch) => `${showPath(ch.path, rel)}\n`).join('')
      else if (flag(p, 'nameStatus')) extra += changes.map((ch) => `${ch.status}\t${showPath(ch.path, rel)}\n`).join('')
      if (flag(p, 'patch')) extra += (extra ? '\n' : '') + (await formatPatch(changes, reader))
      if (extra) text += pretty.kind === 'oneline' ? extra : `\n${extra}`
    }
    if (graph) {
      const cont = i + 1 < commits.length ? '| ' : '  '
      const lines = text.replace(/\n$/, '').split('\n')
      text = `${lines.map((l, j) => (j === 0 ? `* ${l}` : `${cont}${l}`)).join('\n')}\n`
      if (multiline && i + 1 < commits.length) text += '| \n'
    } else if (multiline && i + 1 < commits.length) text += '\n'
    // `format:` separates commits with a newline; `tformat:` ends each one with it.
    if (pretty.kind === 'format' && !pretty.terminator && i + 1 < commits.length) text += '\n'
    out += text
  }
  cli.io.out(out)
  return 0
}

// ── show ────────────────────────────────────────────────────────────────────────────────

/** `git show [<options>] [<object>...]` (commits, `rev:path` blobs, trees, tags). */
export async function show(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('show', argv, [
    opt('pretty', 'optional', '--pretty', '--format'),
    opt('oneline', 'flag', '--oneline'),
    opt('stat', 'flag', '--stat'),
    opt('nameOnly', 'flag', '--name-only'),
    opt('nameStatus', 'flag', '--name-status'),
    opt('noPatch', 'flag', '-s', '--no-patch'),
    opt('quiet', 'flag', '-q', '--quiet'),
    opt('decorate', 'optional', '--decorate'),
    opt('color', 'optional', '--color'),
    opt('noColor', 'flag', '--no-color'),
  ])
  const repo = repoOf(cli)
  const targets = p.args.length ? p.args : ['HEAD']
  const now = (cli.ctx.now ?? Date.now)()
  const pretty = parsePretty(typeof p.opts.pretty === 'string' ? p.opts.pretty : undefined, flag(p, 'oneline'))
  const deco = p.opts.decorate !== undefined || (pretty.kind === 'format' && /%[dD]/.test(pretty.fmt)) ? await decorations(repo) : undefined
  const rel = cwdIn(repo, cli)
  let out = ''
  for (const target of targets) {
    const colon = target.indexOf(':')
    if (colon >= 0) {
      // rev:path → the blob (or tree listing).
      const rev = target.slice(0, colon) || 'HEAD'
      let path = target.slice(colon + 1)
      if (path.startsWith('./') || path.startsWith('../')) path = compilePathspecs(repo, cli.cwd, [path])[0]?.path ?? path
      const files = await commitFiles(repo, await resolveCommit(repo, rev))
      const file = files.get(path)
      if (!file) {
        const under = [...files.keys()].filter((f) => f.startsWith(`${path}/`) || path === '')
        if (under.length === 0) throw new GitError(GitErrorCode.PATHSPEC, `path '${path}' does not exist in '${rev}'`, { path })
        const names = new Set(under.map((f) => f.slice(path ? path.length + 1 : 0).split('/')[0] + (f.slice(path ? path.length + 1 : 0).includes('/') ? '/' : '')))
        out += `tree ${target}\n\n${[...names].sort().join('\n')}\n`
        continue
      }
      const bytes = await readBlob(repo, file.oid)
      out += new TextDecoder().decode(bytes)
      continue
    }
    const oid = await resolveRevision(repo, target, { peelTags: false })
    const obj = await readObject(repo, oid)
    if (obj.type === 'blob') {
      out += new TextDecoder().decode(obj.content)
      continue
    }
    if (obj.type === 'tree') {
      out += `tree ${target}\n\n${parseTree(obj.content).map((e) => (e.mode === 0o040000 ? `${e.name}/` : e.name)).join('\n')}\n`
      continue
    }
    if (obj.type === 'tag') {
      const text = new TextDecoder().decode(obj.content)
      const tagger = /^tagger (.*) <(.*)> (\d+) ([+-]\d{4})$/m.exec(text)
      const name = /^tag (.*)$/m.exec(text)?.[1] ?? target
      const msg = text.slice(text.indexOf('\n\n') + 2)
      out += `tag ${name}\n`
      if (tagger) {
        const tz = Number(tagger[4]?.slice(1, 3)) * 60 + Number(tagger[4]?.slice(3))
        out += `Tagger: ${tagger[1]} <${tagger[2]}>\nDate:   ${formatDate({ timestamp: Number(tagger[3]), tzOffset: tagger[4]?.startsWith('-') ? -tz : tz })}\n`
      }
      out += `\n${msg.replace(/\n+$/, '')}\n\n`
    }
    const c = await readCommit(repo, oid)
    out += formatCommit(c, pretty, deco, now)
    if (flag(p, 'noPatch') || flag(p, 'quiet') || c.parents.length > 1) continue
    const changes = await commitChanges(repo, c)
    const reader = blobReader(repo)
    // git puts a blank line between the commit and its diff, except after --oneline.
    const sep = pretty.kind === 'oneline' ? '' : '\n'
    if (flag(p, 'stat')) out += sep + (await formatChangeStat(changes, reader, rel))
    else if (flag(p, 'nameOnly')) out += sep + changes.map((ch) => `${showPath(ch.path, rel)}\n`).join('')
    else if (flag(p, 'nameStatus')) out += sep + changes.map((ch) => `${ch.status}\t${showPath(ch.path, rel)}\n`).join('')
    else if (changes.length) out += sep + (await formatPatch(changes, reader))
  }
  cli.io.out(out)
  return 0
}

// ── diff ────────────────────────────────────────────────────────────────────────────────

function indexFiles(repo: Repo): Map<string, TreeFile> {
  const index = readIndex(repo)
  return new Map([...index.entries].map(([path, e]) => [path, { oid: e.oid, mode: e.mode }]))
}

/** The work tree as a side: index entries, replaced by what status found changed. */
async function worktreeFiles(repo: Repo): Promise<Map<string, TreeFile>> {
  const files = indexFiles(repo)
  const st = await status(repo, { untracked: false })
  for (const c of st.changes) {
    if (c.unstaged === 'D') files.delete(c.path)
    else if (c.unstaged) {
      const abs = repo.dir === '/' ? `/${c.path}` : `${repo.dir}/${c.path}`
      const stats = repo.ctx.vfs.lstat(abs)
      files.set(c.path, { oid: hashWorktreeFile(repo.ctx.vfs, abs, stats), mode: modeOf(stats) })
    }
  }
  return files
}

/** `git diff [--cached] [<commit> [<commit>]] [--stat|--name-only|--name-status|--shortstat|--numstat] [-U<n>] [-- <path>...]` */
export async function diff(cli: Cli, argv: string[]): Promise<number> {
  const p = parseArgs('diff', argv, [
    opt('cached', 'flag', '--cached', '--staged'),
    opt('stat', 'flag', '--stat'),
    opt('shortstat', 'flag', '--shortstat'),
    opt('numstat', 'flag', '--numstat'),
    opt('nameOnly', 'flag', '--name-only'),
    opt('nameStatus', 'flag', '--name-status'),
    opt('unified', 'value', '-U', '--unified'),
    opt('quiet', 'flag', '--quiet', '--exit-code'),
    opt('patch', 'flag', '-p', '--patch', '-u'),
    opt('color', 'optional', '--color'),
    opt('noColor', 'flag', '--no-color'),
  ])
  const repo = repoOf(cli)
  const head = await headState(repo)
  const { revs, specs } = await splitRevsAndPaths(repo, cli, p.args, p.paths)
  let before: Map<string, TreeFile>
  let after: Map<string, TreeFile>
  let reader: ContentReader = blobReader(repo)
  const rangeArg = revs.length === 1 && (revs[0] as string).includes('..') ? (revs[0] as string) : undefined
  if (rangeArg) {
    const three = rangeArg.includes('...')
    const [a, b] = rangeArg.split(three ? '...' : '..') as [string, string]
    let from = await resolveCommit(repo, a || 'HEAD')
    const to = await resolveCommit(repo, b || 'HEAD')
    if (three) {
      const bases = await iso.findMergeBase({ fs: repo.fs, gitdir: repo.gitdir, oids: [from, to], cache: repo.cache })
      from = (bases[0] as string | undefined) ?? from
    }
    before = await commitFiles(repo, from)
    after = await commitFiles(repo, to)
  } else if (revs.length === 2) {
    before = await commitFiles(repo, await resolveCommit(repo, revs[0] as string))
    after = await commitFiles(repo, await resolveCommit(repo, revs[1] as string))
  } else if (revs.length === 1) {
    before = await commitFiles(repo, await resolveCommit(repo, revs[0] as string))
    if (flag(p, 'cached')) after = indexFiles(repo)
    else {
      after = await worktreeFiles(repo)
      reader = worktreeReader(repo)
    }
  } else if (revs.length > 2) throw usage('daylite\'s git diff compares at most two commits')
  else if (flag(p, 'cached')) {
    before = await commitFiles(repo, head.oid)
    after = indexFiles(repo)
  } else {
    before = indexFiles(repo)
    after = await worktreeFiles(repo)
    reader = worktreeReader(repo)
  }
  const changes = comparePaths(before, after).filter((c) => matchesAny(specs, c.path))
  if (flag(p, 'quiet')) return changes.length ? 1 : 0
  const rel = cwdIn(repo, cli)
  const contextText = str(p, 'unified')
  const context = contextText !== undefined ? Number.parseInt(contextText, 10) : 3
  let out = ''
  if (flag(p, 'nameOnly')) out = changes.map((c) => `${showPath(c.path, rel)}\n`).join('')
  else if (flag(p, 'nameStatus')) out = changes.map((c) => `${c.status}\t${showPath(c.path, rel)}\n`).join('')
  else if (flag(p, 'numstat')) {
    for (const c of changes) {
      const n = countChanges(await reader('old', c), await reader('new', c))
      out += n ? `${n.added}\t${n.deleted}\t${showPath(c.path, rel)}\n` : `-\t-\t${showPath(c.path, rel)}\n`
    }
  } else if (flag(p, 'stat')) out = await formatChangeStat(changes, reader, rel)
  else if (flag(p, 'shortstat')) {
    if (changes.length) {
      const s = await sumChanges(changes, reader)
      out = shortStat(s.files, s.added, s.deleted)
    }
  } else out = await formatPatch(changes, reader, Number.isNaN(context) ? 3 : context)
  cli.io.out(out)
  return 0
}
