/**
 * How the `git` command prints things, as git 2.39 does: dates, paths relative to the current
 * directory, status (long, short, porcelain), tracking information and diffs.
 */
import { type PathChange, countChanges, formatStat, isBinary, unifiedHunks } from '../diff.js'
import { aheadBehind } from '../log.js'
import { readBlob } from '../objects.js'
import { type HeadState, type Repo, type Signature, join, refOid, upstreamOf } from '../repo.js'
import type { FileChange, StatusResult } from '../status.js'

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `+0100` */
export function formatTz(minutes: number): string {
  const abs = Math.abs(minutes)
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
}

/** git's default date format: `Thu Jan 4 10:00:00 2024 +0100`, in the signature's own zone. */
export function formatDate(s: Pick<Signature, 'timestamp' | 'tzOffset'>): string {
  const d = new Date((s.timestamp + s.tzOffset * 60) * 1000)
  const hh = String(d.getUTCHours()).padStart(2, '0')
  const mm = String(d.getUTCMinutes()).padStart(2, '0')
  const ss = String(d.getUTCSeconds()).padStart(2, '0')
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${hh}:${mm}:${ss} ${d.getUTCFullYear()} ${formatTz(s.tzOffset)}`
}

/** ISO-like date (`%ai`): `2024-01-04 10:00:00 +0100`. */
export function formatIsoDate(s: Pick<Signature, 'timestamp' | 'tzOffset'>): string {
  const d = new Date((s.timestamp + s.tzOffset * 60) * 1000)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${formatTz(s.tzOffset)}`
}

/** `3 hours ago` (`%ar`). */
export function relativeDate(timestamp: number, now: number): string {
  const diff = Math.max(0, Math.floor(now / 1000) - timestamp)
  const unit = (n: number, u: string): string => `${n} ${u}${n === 1 ? '' : 's'} ago`
  if (diff < 90) return unit(diff, 'second')
  if (diff < 90 * 60) return unit(Math.round(diff / 60), 'minute')
  if (diff < 36 * 3600) return unit(Math.round(diff / 3600), 'hour')
  if (diff < 14 * 86400) return unit(Math.round(diff / 86400), 'day')
  if (diff < 70 * 86400) return unit(Math.round(diff / (7 * 86400)), 'week')
  if (diff < 365 * 86400) return unit(Math.round(diff / (30 * 86400)), 'month')
  return unit(Math.round(diff / (365 * 86400)), 'year')
}

/** A work tree path as seen from `cwdRel` (the current directory, relative to the work tree). */
export function showPath(path: string, cwdRel: string): string {
  if (!cwdRel) return path
  const from = cwdRel.split('/')
  const to = path.split('/')
  let i = 0
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++
  const up = from.length - i
  const rest = to.slice(i).join('/')
  return `${'../'.repeat(up)}${rest}`
}

/** The short id (7 hex digits). */
export function short(oid: string | undefined): string {
  return (oid ?? '').slice(0, 7)
}

// ── tracking ────────────────────────────────────────────────────────────────────────────

/** Upstream comparison of the current branch. */
export interface Tracking {
  upstream: string
  ahead: number
  behind: number
  gone: boolean
}

/** How the current branch compares with its upstream, or undefined when it has none. */
export async function tracking(repo: Repo, head: HeadState): Promise<Tracking | undefined> {
  if (!head.branch || head.detached) return undefined
  const up = upstreamOf(repo, head.branch)
  if (!up) return undefined
  const upstream = up.remote === '.' ? up.merge.replace(/^refs\/heads\//, '') : `${up.remote}/${up.merge.replace(/^refs\/heads\//, '')}`
  const upOid = await refOid(repo, up.tracking)
  if (!upOid) return { upstream, ahead: 0, behind: 0, gone: true }
  if (!head.oid) return { upstream, ahead: 0, behind: 0, gone: false }
  const { ahead, behind } = await aheadBehind(repo, head.oid, upOid)
  return { upstream, ahead, behind, gone: false }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** git's "Your branch is…" paragraph (without the trailing blank line). */
export function trackingText(t: Tracking): string {
  if (t.gone) return `Your branch is based on '${t.upstream}', but the upstream is gone.\n  (use "git branch --unset-upstream" to fixup)\n`
  if (t.ahead === 0 && t.behind === 0) return `Your branch is up to date with '${t.upstream}'.\n`
  if (t.behind === 0) return `Your branch is ahead of '${t.upstream}' by ${plural(t.ahead, 'commit')}.\n  (use "git push" to publish your local commits)\n`
  if (t.ahead === 0) return `Your branch is behind '${t.upstream}' by ${plural(t.behind, 'commit')}, and can be fast-forwarded.\n  (use "git pull" to update your local branch)\n`
  return `Your branch and '${t.upstream}' have diverged,\nand have ${t.ahead} and ${t.behind} different commits each, respectively.\n  (use "git pull" to merge the remote branch into yours)\n`
}

// ── status ──────────────────────────────────────────────────────────────────────────────

const LABEL: Record<string, string> = { A: 'new file:', M: 'modified:', D: 'deleted:', T: 'typechange:' }

/** Collapses untracked files into their shallowest wholly untracked directory (`dir/`). */
export function collapseUntracked(result: StatusResult): string[] {
  const out = new Set<string>()
  for (const c of result.changes) {
    if (!c.untracked) continue
    const parts = c.path.replace(/\/$/, '').split('/')
    let shown = c.path
    let prefix = ''
    for (let i = 0; i < parts.length - 1; i++) {
      prefix = prefix ? `${prefix}/${parts[i]}` : (parts[i] as string)
      if (!result.trackedDirs.has(prefix)) {
        shown = `${prefix}/`
        break
      }
    }
    out.add(shown)
  }
  return [...out].sort()
}

/** git status's long format. */
export async function formatLongStatus(repo: Repo, result: StatusResult, cwdRel: string, options: { untracked?: boolean } = {}): Promise<string> {
  const head = result.head
  let out = ''
  if (head.detached) out += `HEAD detached at ${short(head.oid)}\n`
  else out += `On branch ${head.branch}\n`
  const t = await tracking(repo, head)
  if (t) out += `${trackingText(t)}\n`
  if (!head.oid) out += `\nNo commits yet\n\n`
  const staged = result.changes.filter((c) => c.staged)
  const unmerged = result.changes.filter((c) => c.unmerged)
  const unstaged = result.changes.filter((c) => c.unstaged && !c.unmerged)
  const untracked = options.untracked === false ? [] : collapseUntracked(result)
  const line = (label: string, path: string): string => `\t${label.padEnd(12)}${showPath(path, cwdRel)}\n`
  if (staged.length) {
    out += `Changes to be committed:\n  (use "git ${head.oid ? 'restore --staged' : 'rm --cached'} <file>..." to unstage)\n`
    for (const c of staged) out += line(LABEL[c.staged as string] as string, c.path)
    out += '\n'
  }
  if (unmerged.length) {
    out += `Unmerged paths:\n  (use "git add <file>..." to mark resolution)\n`
    for (const c of unmerged) out += line('both modified:', c.path)
    out += '\n'
  }
  if (unstaged.length) {
    const deletions = unstaged.some((c) => c.unstaged === 'D')
    out += `Changes not staged for commit:\n  (use "git ${deletions ? 'add/rm' : 'add'} <file>..." to update what will be committed)\n  (use "git restore <file>..." to discard changes in working directory)\n`
    for (const c of unstaged) out += line(LABEL[c.unstaged as string] as string, c.path)
    out += '\n'
  }
  const showUntracked = options.untracked !== false
  if (untracked.length) {
    out += `Untracked files:\n  (use "git add <file>..." to include in what will be committed)\n`
    for (const p of untracked) out += `\t${showPath(p, cwdRel)}${p.endsWith('/') && !showPath(p, cwdRel).endsWith('/') ? '/' : ''}\n`
    out += '\n'
  } else if (!showUntracked && staged.length) out += 'Untracked files not listed (use -u option to show untracked files)\n'
  if (staged.length === 0) {
    if (unstaged.length) out += `no changes added to commit (use "git add" and/or "git commit -a")\n`
    else if (untracked.length) out += `nothing added to commit but untracked files present (use "git add" to track)\n`
    else if (!head.oid) out += `nothing to commit (create/copy files and use "git add" to track)\n`
    else if (!showUntracked) out += `nothing to commit (use -u to show untracked files)\n`
    else out += `nothing to commit, working tree clean\n`
  }
  return out
}

function code(c: FileChange): string {
  if (c.unmerged) return 'UU'
  return `${c.staged ?? ' '}${c.unstaged ?? ' '}`
}

/** git status's short (`-s`) and porcelain (v1) formats. */
export async function formatShortStatus(repo: Repo, result: StatusResult, cwdRel: string, options: { porcelain?: boolean; branch?: boolean; untracked?: boolean }): Promise<string> {
  let out = ''
  if (options.branch) {
    const head = result.head
    if (head.detached) out += '## HEAD (no branch)\n'
    else {
      const t = await tracking(repo, head)
      let line = `## ${!head.oid ? `No commits yet on ${head.branch}` : head.branch}`
      if (t) {
        line += `...${t.upstream}`
        if (t.gone) line += ' [gone]'
        else if (t.ahead && t.behind) line += ` [ahead ${t.ahead}, behind ${t.behind}]`
        else if (t.ahead) line += ` [ahead ${t.ahead}]`
        else if (t.behind) line += ` [behind ${t.behind}]`
      }
      out += `${line}\n`
    }
  }
  const rel = (p: string): string => (options.porcelain ? p : showPath(p, cwdRel))
  for (const c of result.changes) {
    if (c.untracked) continue
    out += `${code(c)} ${rel(c.path)}\n`
  }
  if (options.untracked !== false) for (const p of collapseUntracked(result)) out += `?? ${rel(p)}\n`
  return out
}

// ── diffs ───────────────────────────────────────────────────────────────────────────────

/** Reads one side of a change: a blob, or work tree bytes. */
export type ContentReader = (side: 'old' | 'new', change: PathChange) => Promise<Uint8Array>

/** A reader for changes whose sides are all blobs (trees and the index). */
export function blobReader(repo: Repo): ContentReader {
  return async (side, change) => {
    const oid = side === 'old' ? change.oldOid : change.newOid
    return oid ? readBlob(repo, oid) : new Uint8Array()
  }
}

/** A reader whose new side is the work tree (for `git diff` without `--cached`). */
export function worktreeReader(repo: Repo): ContentReader {
  const blobs = blobReader(repo)
  return async (side, change) => {
    if (side === 'old') return blobs(side, change)
    if (!change.newOid) return new Uint8Array()
    const abs = join(repo.dir, change.path)
    const st = repo.ctx.vfs.lstat(abs)
    return st.kind === 'symlink' ? new TextEncoder().encode(repo.ctx.vfs.readlink(abs)) : repo.ctx.vfs.readFile(abs)
  }
}

const decoder = new TextDecoder()
const ZERO7 = '0000000'

function modeText(mode: number | undefined): string {
  return (mode ?? 0).toString(8).padStart(6, '0')
}

/** The unified diff of a list of changes (`git diff` output). */
export async function formatPatch(changes: PathChange[], read: ContentReader, context = 3): Promise<string> {
  let out = ''
  for (const c of changes) {
    const a = `a/${c.path}`
    const b = `b/${c.path}`
    out += `diff --git ${a} ${b}\n`
    if (c.status === 'A') out += `new file mode ${modeText(c.newMode)}\nindex ${ZERO7}..${short(c.newOid)}\n`
    else if (c.status === 'D') out += `deleted file mode ${modeText(c.oldMode)}\nindex ${short(c.oldOid)}..${ZERO7}\n`
    else if (c.oldMode !== c.newMode) {
      out += `old mode ${modeText(c.oldMode)}\nnew mode ${modeText(c.newMode)}\n`
      if (c.oldOid !== c.newOid) out += `index ${short(c.oldOid)}..${short(c.newOid)}\n`
    } else out += `index ${short(c.oldOid)}..${short(c.newOid)} ${modeText(c.newMode)}\n`
    if (c.status !== 'A' && c.status !== 'D' && c.oldOid === c.newOid) continue
    const oldBytes = await read('old', c)
    const newBytes = await read('new', c)
    if (isBinary(oldBytes) || isBinary(newBytes)) {
      out += `Binary files ${c.status === 'A' ? '/dev/null' : a} and ${c.status === 'D' ? '/dev/null' : b} differ\n`
      continue
    }
    const hunks = unifiedHunks(decoder.decode(oldBytes), decoder.decode(newBytes), context)
    if (!hunks) continue
    out += `--- ${c.status === 'A' ? '/dev/null' : a}\n+++ ${c.status === 'D' ? '/dev/null' : b}\n${hunks}`
  }
  return out
}

/** `--stat` output for a list of changes. */
export async function formatChangeStat(changes: PathChange[], read: ContentReader, cwdRel = ''): Promise<string> {
  const lines = []
  for (const c of changes) {
    const a = await read('old', c)
    const b = await read('new', c)
    const counts = countChanges(a, b)
    lines.push({ path: showPath(c.path, cwdRel), counts, ...(counts ? {} : { sizes: { from: a.byteLength, to: b.byteLength } }) })
  }
  return formatStat(lines)
}

/** Line counts summed over changes (for `--shortstat` and commit summaries). */
export async function sumChanges(changes: PathChange[], read: ContentReader): Promise<{ files: number; added: number; deleted: number }> {
  let added = 0
  let deleted = 0
  for (const c of changes) {
    const counts = countChanges(await read('old', c), await read('new', c))
    if (counts) {
      added += counts.added
      deleted += counts.deleted
    }
  }
  return { files: changes.length, added, deleted }
}
