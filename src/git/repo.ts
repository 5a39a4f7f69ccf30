/**
 * A repository as the git engine sees it: where its work tree and `.git` are, the context it
 * runs in (the sandbox's files, home directory, environment and network), and the small reads
 * every operation needs (config, HEAD, refs, the index).
 */
import * as iso from 'isomorphic-git'
import type { SyncVfs } from '../vfs/types.js'
import { ConfigFile } from './config.js'
import { GitError, GitErrorCode, invalid } from './errors.js'
import { type GitFs, gitFs } from './fs.js'
import { type GitFetch, type GitHttpClient, type UrlPolicy, gitHttp } from './http.js'
import { type GitIndex, emptyIndex, parseIndex, serializeIndex } from './index-file.js'

/** A progress report of a network operation, as isomorphic-git gives it. */
export interface GitProgress {
  /** What is happening (`Receiving objects`, `Resolving deltas`, `Updating workdir`…). */
  phase: string
  loaded: number
  /** Absent when the total is not known. */
  total?: number
}

/** Credentials for one operation. */
export interface GitAuth {
  username?: string | undefined
  password?: string | undefined
}

/** Where and how the git engine runs: one sandbox's files and settings. */
export interface GitContext {
  /** The sandbox's filesystem. */
  vfs: SyncVfs
  /** The user's home directory (`~/.gitconfig`, `~/.git-credentials`). */
  home: string
  /** Environment variables (`GIT_AUTHOR_NAME`, `GIT_AUTHOR_DATE`…). */
  env?: Record<string, string> | undefined
  /** The platform's fetch (default: the global one). */
  fetch?: GitFetch | undefined
  /** The sandbox's network policy. */
  policy?: UrlPolicy | undefined
  /** Cancels network operations. */
  signal?: AbortSignal | undefined
  /** Progress of clone, fetch, pull and push. */
  onProgress?: ((p: GitProgress) => void) | undefined
  /** Messages from the remote (`remote: …` lines). */
  onMessage?: ((text: string) => void) | undefined
  /** Credentials given for this operation (they win over stored ones). */
  auth?: GitAuth | undefined
  /** The clock, epoch milliseconds (default `Date.now`). */
  now?: (() => number) | undefined
}

/** An opened repository. */
export interface Repo {
  ctx: GitContext
  /** The work tree (absolute); for a bare repository, the repository itself. */
  dir: string
  /** The `.git` directory (absolute). */
  gitdir: string
  bare: boolean
  /** isomorphic-git's fs adapter over the sandbox's files. */
  fs: GitFs
  /** isomorphic-git's object cache, for this operation. */
  cache: object
}

/** Joins absolute `dir` and a relative path. */
export function join(dir: string, rel: string): string {
  if (rel === '' || rel === '.') return dir
  return dir === '/' ? `/${rel}` : `${dir}/${rel}`
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

function isGitDir(vfs: SyncVfs, path: string): boolean {
  try {
    return vfs.stat(`${path}/HEAD`).kind === 'file' && vfs.stat(`${path}/objects`).kind === 'dir' && vfs.stat(`${path}/refs`).kind === 'dir'
  } catch {
    return false
  }
}

/** Builds a {@link Repo} for a known work tree and git dir. */
export function repoAt(ctx: GitContext, dir: string, gitdir: string, bare = false): Repo {
  return { ctx, dir, gitdir, bare, fs: gitFs(ctx.vfs), cache: {} }
}

/**
 * Finds the repository that contains `path` (walking up as git does).
 * @throws GitError NOT_A_REPO when there is none
 */
export function openRepo(ctx: GitContext, path: string): Repo {
  let dir = path
  for (;;) {
    const dotgit = join(dir, '.git')
    let kind: string | undefined
    try {
      kind = ctx.vfs.stat(dotgit).kind
    } catch {
      kind = undefined
    }
    if (kind === 'dir' && isGitDir(ctx.vfs, dotgit)) return repoAt(ctx, dir, dotgit)
    if (kind === 'file') {
      const text = new TextDecoder().decode(ctx.vfs.readFile(dotgit))
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(text)
      if (m?.[1]) {
        const target = m[1].startsWith('/') ? m[1] : join(dir, m[1])
        return repoAt(ctx, dir, target)
      }
    }
    if (isGitDir(ctx.vfs, dir) && !dir.endsWith('/.git')) return repoAt(ctx, dir, dir, true)
    if (dir === '/') break
    dir = parentOf(dir)
  }
  throw new GitError(GitErrorCode.NOT_A_REPO, `not a git repository (or any of the parent directories): ${path}`, { path })
}

/** The directory relative to the work tree (`''` for its root, `src/lib` below it). */
export function relativeTo(repo: Repo, abs: string): string {
  if (abs === repo.dir) return ''
  const prefix = repo.dir === '/' ? '/' : `${repo.dir}/`
  if (!abs.startsWith(prefix)) throw new GitError(GitErrorCode.PATHSPEC, `'${abs}' is outside repository at '${repo.dir}'`, { path: abs })
  return abs.slice(prefix.length)
}

/** The isomorphic-git arguments every call takes. */
export function isoArgs(repo: Repo): { fs: GitFs; dir: string; gitdir: string; cache: object } {
  return { fs: repo.fs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache }
}

/** The HTTP client for a repository's network operations. */
export function httpOf(ctx: GitContext, corsProxy?: string): GitHttpClient {
  return gitHttp({ fetch: ctx.fetch, policy: ctx.policy, signal: ctx.signal, corsProxy })
}

const decoder = new TextDecoder()

/** Reads a text file, or undefined when it does not exist. */
export function readText(vfs: SyncVfs, path: string): string | undefined {
  try {
    return decoder.decode(vfs.readFile(path))
  } catch {
    return undefined
  }
}

/** Writes a text file, creating its directory. */
export function writeText(vfs: SyncVfs, path: string, text: string): void {
  vfs.mkdir(parentOf(path), { recursive: true })
  vfs.writeFile(path, text)
}

// ── config ──────────────────────────────────────────────────────────────────────────────

/** Config scopes, lowest precedence first. */
export type ConfigScope = 'system' | 'global' | 'local'

/** The path of a scope's config file. */
export function configPath(ctx: GitContext, scope: ConfigScope, repo?: Repo): string {
  if (scope === 'system') return ctx.env?.GIT_CONFIG_SYSTEM || '/etc/gitconfig'
  if (scope === 'global') {
    if (ctx.env?.GIT_CONFIG_GLOBAL) return ctx.env.GIT_CONFIG_GLOBAL
    const main = join(ctx.home, '.gitconfig')
    const xdg = join(ctx.env?.XDG_CONFIG_HOME || join(ctx.home, '.config'), 'git/config')
    if (!ctx.vfs.exists(main) && ctx.vfs.exists(xdg)) return xdg
    return main
  }
  if (!repo) throw invalid('--local can only be used inside a git repository')
  return join(repo.gitdir, 'config')
}

/** A scope's config file (empty when it does not exist). */
export function readConfig(ctx: GitContext, scope: ConfigScope, repo?: Repo): ConfigFile {
  const text = readText(ctx.vfs, configPath(ctx, scope, repo))
  return text === undefined ? ConfigFile.empty() : ConfigFile.parse(text)
}

/** Writes a scope's config file. */
export function writeConfig(ctx: GitContext, scope: ConfigScope, file: ConfigFile, repo?: Repo): void {
  writeText(ctx.vfs, configPath(ctx, scope, repo), file.toString())
}

/** Edits a scope's config file in place. */
export function editConfig(ctx: GitContext, scope: ConfigScope, edit: (c: ConfigFile) => void, repo?: Repo): void {
  const file = readConfig(ctx, scope, repo)
  edit(file)
  writeConfig(ctx, scope, file, repo)
}

/** The effective value of `key` (local over global over system). */
export function getConfig(ctx: GitContext, key: string, repo?: Repo): string | undefined {
  const scopes: ConfigScope[] = repo ? ['local', 'global', 'system'] : ['global', 'system']
  for (const s of scopes) {
    const v = readConfig(ctx, s, repo).get(key)
    if (v !== undefined) return v
  }
  return undefined
}

// ── identity ────────────────────────────────────────────────────────────────────────────

/** A commit author or committer. */
export interface Signature {
  name: string
  email: string
  /** Seconds since the epoch. */
  timestamp: number
  /** Minutes east of UTC. */
  tzOffset: number
}

/** Parses `GIT_AUTHOR_DATE`-style dates: `@<unix> [+hhmm]`, `<unix> +hhmm`, or ISO 8601. */
export function parseGitDate(text: string): { timestamp: number; tzOffset: number } | undefined {
  const t = text.trim()
  const raw = /^@?(\d+)(?:\s+([+-])(\d\d)(\d\d))?$/.exec(t)
  if (raw) {
    const sign = raw[2] === '-' ? -1 : 1
    return { timestamp: Number(raw[1]), tzOffset: raw[2] ? sign * (Number(raw[3]) * 60 + Number(raw[4])) : 0 }
  }
  const iso = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\s*(Z|[+-]\d\d:?\d\d))?$/.exec(t)
  if (iso) {
    const zone = iso[3] ?? 'Z'
    const ms = Date.parse(`${iso[1]}T${iso[2]}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`)
    if (Number.isNaN(ms)) return undefined
    const tz = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.replace(':', '').slice(3, 5)))
    return { timestamp: Math.floor(ms / 1000), tzOffset: tz }
  }
  const parsed = Date.parse(t)
  if (!Number.isNaN(parsed)) return { timestamp: Math.floor(parsed / 1000), tzOffset: 0 }
  return undefined
}

/**
 * The author or committer identity: the environment (`GIT_AUTHOR_NAME`…), then `user.name` and
 * `user.email` from the config.
 * @throws GitError INVALID_ARGUMENT ("Author identity unknown") when there is none
 */
export function identity(repo: Repo, role: 'author' | 'committer', override?: { name?: string; email?: string }): Signature {
  const env = repo.ctx.env ?? {}
  const upper = role.toUpperCase()
  const name = override?.name ?? env[`GIT_${upper}_NAME`] ?? getConfig(repo.ctx, 'user.name', repo)
  const email = override?.email ?? env[`GIT_${upper}_EMAIL`] ?? getConfig(repo.ctx, 'user.email', repo)
  if (!name || email === undefined) {
    throw new GitError(
      GitErrorCode.INVALID_ARGUMENT,
      `${role === 'author' ? 'Author' : 'Committer'} identity unknown\n\n*** Please tell me who you are.\n\nRun\n\n  git config --global user.email "you@example.com"\n  git config --global user.name "Your Name"\n\nto set your account's default identity.\nOmit --global to set the identity only in this repository.\n\nfatal: unable to auto-detect email address`,
      { role },
    )
  }
  const dateText = env[`GIT_${upper}_DATE`]
  const date = dateText ? parseGitDate(dateText) : undefined
  const now = (repo.ctx.now ?? Date.now)()
  return { name, email, timestamp: date?.timestamp ?? Math.floor(now / 1000), tzOffset: date?.tzOffset ?? 0 }
}

// ── index ───────────────────────────────────────────────────────────────────────────────

/** Reads the index (empty when there is none). */
export function readIndex(repo: Repo): GitIndex {
  const path = join(repo.gitdir, 'index')
  let bytes: Uint8Array
  let mtimeMs = 0
  try {
    mtimeMs = Math.floor(repo.ctx.vfs.stat(path).mtimeMs)
    bytes = repo.ctx.vfs.readFile(path)
  } catch {
    return emptyIndex()
  }
  return parseIndex(bytes, mtimeMs)
}

/** Writes the index. */
export function writeIndex(repo: Repo, index: GitIndex): void {
  const path = join(repo.gitdir, 'index')
  repo.ctx.vfs.writeFile(path, serializeIndex(index))
  index.mtimeMs = Math.floor(repo.ctx.vfs.stat(path).mtimeMs)
}

// ── refs ────────────────────────────────────────────────────────────────────────────────

/** Where HEAD points. */
export interface HeadState {
  /** The branch's short name, when HEAD is on a branch (even an unborn one). */
  branch: string | undefined
  /** The commit HEAD resolves to, undefined for an unborn branch. */
  oid: string | undefined
  detached: boolean
}

/** Reads HEAD. */
export async function headState(repo: Repo): Promise<HeadState> {
  const text = (readText(repo.ctx.vfs, join(repo.gitdir, 'HEAD')) ?? '').trim()
  if (text.startsWith('ref:')) {
    const ref = text.slice(4).trim()
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref
    let oid: string | undefined
    try {
      oid = await iso.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref })
    } catch {
      oid = undefined
    }
    return { branch, oid, detached: false }
  }
  return { branch: undefined, oid: /^[0-9a-f]{40}$/.test(text) ? text : undefined, detached: true }
}

/** The oid of a full ref name (`refs/heads/main`), or undefined. */
export async function refOid(repo: Repo, ref: string): Promise<string | undefined> {
  try {
    return await iso.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref })
  } catch {
    return undefined
  }
}

/** Writes a loose ref (`refs/heads/main`, `HEAD` when detached). */
export function writeRef(repo: Repo, ref: string, oid: string): void {
  writeText(repo.ctx.vfs, join(repo.gitdir, ref), `${oid}\n`)
}

/** Points HEAD at a branch (symbolic) or a commit (detached). */
export function setHead(repo: Repo, target: { branch: string } | { oid: string }): void {
  const text = 'branch' in target ? `ref: refs/heads/${target.branch}\n` : `${target.oid}\n`
  writeText(repo.ctx.vfs, join(repo.gitdir, 'HEAD'), text)
}

/** Moves the current branch (or a detached HEAD) to `oid`. */
export async function updateHead(repo: Repo, oid: string): Promise<void> {
  const head = await headState(repo)
  if (head.detached) setHead(repo, { oid })
  else writeRef(repo, `refs/heads/${head.branch}`, oid)
  // ORIG_HEAD is what `reset` and `merge` leave behind for an undo.
  if (head.oid && head.oid !== oid) writeText(repo.ctx.vfs, join(repo.gitdir, 'ORIG_HEAD'), `${head.oid}\n`)
}

/** Deletes a ref, loose and packed. */
export async function deleteRef(repo: Repo, ref: string): Promise<void> {
  await iso.deleteRef({ fs: repo.fs, gitdir: repo.gitdir, ref })
}

/** Local branch names, sorted. */
export async function listBranches(repo: Repo): Promise<string[]> {
  const names = await iso.listBranches({ fs: repo.fs, gitdir: repo.gitdir })
  return names.filter((n) => n !== 'HEAD').sort()
}

/** Remote-tracking branch names (`origin/main`), sorted. */
export async function listRemoteBranches(repo: Repo): Promise<string[]> {
  const out: string[] = []
  for (const remote of readConfig(repo.ctx, 'local', repo).subsections('remote')) {
    const names = await iso.listBranches({ fs: repo.fs, gitdir: repo.gitdir, remote }).catch(() => [] as string[])
    for (const n of names) out.push(`${remote}/${n}`)
  }
  return out.sort()
}

/** Tag names, sorted. */
export async function listTags(repo: Repo): Promise<string[]> {
  return (await iso.listTags({ fs: repo.fs, gitdir: repo.gitdir })).sort()
}

/** A valid branch or tag name (git's check-ref-format rules, simplified). */
export function checkRefName(name: string, what = 'branch'): void {
  if (
    name === '' ||
    name === 'HEAD' ||
    name.startsWith('-') ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.includes('..') ||
    name.includes('//') ||
    name.includes('@{') ||
    /[\x00-\x20~^:?*[\\\x7f]/.test(name) ||
    name.split('/').some((c) => c.startsWith('.'))
  ) {
    throw invalid(`'${name}' is not a valid ${what} name`, { name })
  }
}

/** The upstream of a branch (`origin/main`), from `branch.<name>.remote` and `.merge`. */
export function upstreamOf(repo: Repo, branch: string): { remote: string; merge: string; tracking: string } | undefined {
  const local = readConfig(repo.ctx, 'local', repo)
  const remote = local.get(`branch.${branch}.remote`)
  const merge = local.get(`branch.${branch}.merge`)
  if (!remote || !merge) return undefined
  const short = merge.replace(/^refs\/heads\//, '')
  if (remote === '.') return { remote, merge, tracking: `refs/heads/${short}` }
  return { remote, merge, tracking: `refs/remotes/${remote}/${short}` }
}

/** Reads, edits and writes the index in one step. */
export function withIndex<T>(repo: Repo, fn: (index: GitIndex) => T): T {
  const index = readIndex(repo)
  const result = fn(index)
  writeIndex(repo, index)
  return result
}
