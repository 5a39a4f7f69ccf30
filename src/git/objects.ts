/**
 * Git objects: writing loose objects (hashed and compressed here, synchronously), reading any
 * object (loose or packed, through isomorphic-git), commits parsed into fields, and trees
 * flattened into path maps. Parsed commits and flattened trees are cached by object id: an id
 * names its content, so the caches hold across repositories and operations.
 */
import * as iso from 'isomorphic-git'
import { concatBytes } from '../vfs/index.js'
import { zlibDeflate } from './deflate.js'
import { GitError, GitErrorCode } from './errors.js'
import { type IndexEntry, comparePaths } from './index-file.js'
import { type Repo, type Signature, join } from './repo.js'
import { fromHex, objectId, toHex } from './sha1.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The object type names. */
export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag'

/** The loose path of an object. */
export function loosePath(repo: Repo, oid: string): string {
  return join(repo.gitdir, `objects/${oid.slice(0, 2)}/${oid.slice(2)}`)
}

/**
 * Writes an object (loose, zlib-compressed) unless a loose copy exists; returns its id.
 *
 * @example
 * ```ts
 * const oid = writeObject(repo, 'blob', new TextEncoder().encode('hi\n'))
 * ```
 */
export function writeObject(repo: Repo, type: ObjectType, content: Uint8Array): string {
  const oid = objectId(type, content)
  const path = loosePath(repo, oid)
  const vfs = repo.ctx.vfs
  if (vfs.exists(path)) return oid
  const header = encoder.encode(`${type} ${content.byteLength}\0`)
  const raw = new Uint8Array(header.byteLength + content.byteLength)
  raw.set(header, 0)
  raw.set(content, header.byteLength)
  const dir = path.slice(0, path.lastIndexOf('/'))
  if (!vfs.exists(dir)) vfs.mkdir(dir, { recursive: true })
  vfs.writeFile(path, zlibDeflate(raw), { mode: 0o444 })
  return oid
}

/**
 * Reads an object's type and content.
 * @throws GitError BRANCH_NOT_FOUND (an unknown object) when it does not exist
 */
export async function readObject(repo: Repo, oid: string): Promise<{ type: ObjectType; content: Uint8Array }> {
  try {
    const r = await iso.readObject({ fs: repo.fs, dir: repo.dir, gitdir: repo.gitdir, oid, format: 'content', cache: repo.cache })
    return { type: r.type as ObjectType, content: r.object as Uint8Array }
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError') throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `bad object ${oid}`, { oid })
    throw error
  }
}

/** True when the object exists (loose or packed). */
export async function hasObject(repo: Repo, oid: string): Promise<boolean> {
  if (repo.ctx.vfs.exists(loosePath(repo, oid))) return true
  try {
    await iso.readObject({ fs: repo.fs, dir: repo.dir, gitdir: repo.gitdir, oid, format: 'deflated', cache: repo.cache })
    return true
  } catch {
    return false
  }
}

/** Reads a blob's bytes. */
export async function readBlob(repo: Repo, oid: string): Promise<Uint8Array> {
  const o = await readObject(repo, oid)
  if (o.type !== 'blob') throw new GitError(GitErrorCode.INTERNAL, `object ${oid} is a ${o.type}, not a blob`, { oid })
  return o.content
}

// ── commits ─────────────────────────────────────────────────────────────────────────────

/** A parsed commit. */
export interface Commit {
  oid: string
  tree: string
  parents: string[]
  author: Signature
  committer: Signature
  /** The message, as stored (ends with a newline when git wrote it). */
  message: string
  /** Header lines other than tree/parent/author/committer (e.g. gpgsig, encoding). */
  extra?: string
}

function parseSignature(text: string): Signature {
  const m = /^(.*) <(.*)> (-?\d+) ([+-])(\d\d)(\d\d)$/.exec(text)
  if (!m) return { name: text, email: '', timestamp: 0, tzOffset: 0 }
  const sign = m[4] === '-' ? -1 : 1
  return { name: m[1] as string, email: m[2] as string, timestamp: Number(m[3]), tzOffset: sign * (Number(m[5]) * 60 + Number(m[6])) }
}

/** `Name <email> 1700000000 +0100` */
export function formatSignature(s: Signature): string {
  const sign = s.tzOffset < 0 ? '-' : '+'
  const abs = Math.abs(s.tzOffset)
  return `${s.name} <${s.email}> ${s.timestamp} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
}

/** Parses commit object text. */
export function parseCommit(oid: string, text: string): Commit {
  const split = text.indexOf('\n\n')
  const head = split >= 0 ? text.slice(0, split) : text
  const message = split >= 0 ? text.slice(split + 2) : ''
  let tree = ''
  const parents: string[] = []
  let author: Signature | undefined
  let committer: Signature | undefined
  const extra: string[] = []
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5)
    else if (line.startsWith('parent ')) parents.push(line.slice(7))
    else if (line.startsWith('author ')) author = parseSignature(line.slice(7))
    else if (line.startsWith('committer ')) committer = parseSignature(line.slice(10))
    else extra.push(line)
  }
  const fallback: Signature = { name: '', email: '', timestamp: 0, tzOffset: 0 }
  return { oid, tree, parents, author: author ?? fallback, committer: committer ?? author ?? fallback, message, ...(extra.length ? { extra: extra.join('\n') } : {}) }
}

const commitCache = new Map<string, Commit>()
const COMMIT_CACHE_MAX = 20000

/**
 * Reads a commit (following an annotated tag to its commit).
 * @throws GitError BRANCH_NOT_FOUND when the object does not exist or is not a commit
 */
export async function readCommit(repo: Repo, oid: string): Promise<Commit> {
  const cached = commitCache.get(oid)
  if (cached) return cached
  const o = await readObject(repo, oid)
  if (o.type === 'tag') {
    const m = /^object ([0-9a-f]{40})/m.exec(decoder.decode(o.content))
    if (m?.[1]) return readCommit(repo, m[1])
  }
  if (o.type !== 'commit') throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `object ${oid} is a ${o.type}, not a commit`, { oid })
  const commit = parseCommit(oid, decoder.decode(o.content))
  if (commitCache.size >= COMMIT_CACHE_MAX) commitCache.clear()
  commitCache.set(oid, commit)
  return commit
}

/** The text of a commit object. */
export function commitText(c: { tree: string; parents: string[]; author: Signature; committer: Signature; message: string }): string {
  let s = `tree ${c.tree}\n`
  for (const p of c.parents) s += `parent ${p}\n`
  s += `author ${formatSignature(c.author)}\ncommitter ${formatSignature(c.committer)}\n\n${c.message}`
  return s
}

/** Writes a commit object; returns its id. */
export function writeCommit(repo: Repo, c: { tree: string; parents: string[]; author: Signature; committer: Signature; message: string }): string {
  return writeObject(repo, 'commit', encoder.encode(commitText(c)))
}

/** The first line of a commit message. */
export function subject(message: string): string {
  const para = message.replace(/^\s+/, '').split('\n\n')[0] ?? ''
  return para.split('\n').map((l) => l.trim()).join(' ').trim()
}

// ── trees ───────────────────────────────────────────────────────────────────────────────

/** A file in a tree: its blob (or submodule commit) and mode. */
export interface TreeFile {
  oid: string
  /** 0o100644, 0o100755, 0o120000 or 0o160000. */
  mode: number
}

/** One entry of a tree object. */
export interface TreeEntry {
  name: string
  mode: number
  oid: string
}

/** The empty tree's id. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

/** Parses tree object bytes. */
export function parseTree(content: Uint8Array): TreeEntry[] {
  const out: TreeEntry[] = []
  let at = 0
  while (at < content.byteLength) {
    const space = content.indexOf(0x20, at)
    const nul = content.indexOf(0, space)
    const mode = Number.parseInt(decoder.decode(content.subarray(at, space)), 8)
    const name = decoder.decode(content.subarray(space + 1, nul))
    out.push({ name, mode, oid: toHex(content.subarray(nul + 1, nul + 21)) })
    at = nul + 21
  }
  return out
}

const treeCache = new Map<string, TreeEntry[]>()
const TREE_CACHE_MAX = 50000

/** Reads one tree object's entries. */
export async function readTreeEntries(repo: Repo, oid: string): Promise<TreeEntry[]> {
  if (oid === EMPTY_TREE) return []
  const cached = treeCache.get(oid)
  if (cached) return cached
  const o = await readObject(repo, oid)
  let entries: TreeEntry[]
  if (o.type === 'tree') entries = parseTree(o.content)
  else if (o.type === 'commit') return readTreeEntries(repo, parseCommit(oid, decoder.decode(o.content)).tree)
  else throw new GitError(GitErrorCode.INTERNAL, `object ${oid} is a ${o.type}, not a tree`, { oid })
  if (treeCache.size >= TREE_CACHE_MAX) treeCache.clear()
  treeCache.set(oid, entries)
  return entries
}

const flatCache = new Map<string, Map<string, TreeFile>>()
const FLAT_CACHE_MAX = 64

/**
 * Every file of a tree, by path (`src/a.ts` → blob and mode). The result is shared: do not
 * change it.
 */
export async function flattenTree(repo: Repo, treeOid: string | undefined): Promise<Map<string, TreeFile>> {
  if (!treeOid || treeOid === EMPTY_TREE) return new Map()
  const cached = flatCache.get(treeOid)
  if (cached) return cached
  const out = new Map<string, TreeFile>()
  const walk = async (oid: string, prefix: string): Promise<void> => {
    for (const e of await readTreeEntries(repo, oid)) {
      const path = prefix ? `${prefix}/${e.name}` : e.name
      if (e.mode === 0o040000) await walk(e.oid, path)
      else out.set(path, { oid: e.oid, mode: e.mode })
    }
  }
  await walk(treeOid, '')
  if (flatCache.size >= FLAT_CACHE_MAX) flatCache.delete(flatCache.keys().next().value as string)
  flatCache.set(treeOid, out)
  return out
}

/** The files of a commit's tree (empty for undefined: an unborn branch). */
export async function commitFiles(repo: Repo, commitOid: string | undefined): Promise<Map<string, TreeFile>> {
  if (!commitOid) return new Map()
  return flattenTree(repo, (await readCommit(repo, commitOid)).tree)
}

function treeSortKey(e: TreeEntry): string {
  return e.mode === 0o040000 ? `${e.name}/` : e.name
}

/** Serialises tree entries (sorted the way git sorts them). */
export function serializeTree(entries: TreeEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => comparePaths(treeSortKey(a), treeSortKey(b)))
  const parts: Uint8Array[] = []
  for (const e of sorted) parts.push(encoder.encode(`${e.mode.toString(8)} ${e.name}\0`), fromHex(e.oid))
  return concatBytes(parts)
}

/**
 * Writes the trees for a set of files (index entries or tree files by path); returns the root
 * tree's id.
 */
export function writeTreeFromFiles(repo: Repo, files: Iterable<[string, TreeFile]> | Iterable<IndexEntry>): string {
  interface Dir {
    files: TreeEntry[]
    dirs: Map<string, Dir>
  }
  const root: Dir = { files: [], dirs: new Map() }
  for (const item of files as Iterable<[string, TreeFile] | IndexEntry>) {
    const [path, file] = Array.isArray(item) ? item : [item.path, { oid: item.oid, mode: item.mode }]
    const parts = path.split('/')
    let dir = root
    for (let i = 0; i < parts.length - 1; i++) {
      const name = parts[i] as string
      let next = dir.dirs.get(name)
      if (!next) {
        next = { files: [], dirs: new Map() }
        dir.dirs.set(name, next)
      }
      dir = next
    }
    dir.files.push({ name: parts[parts.length - 1] as string, mode: file.mode, oid: file.oid })
  }
  const write = (dir: Dir): string => {
    const entries = [...dir.files]
    for (const [name, sub] of dir.dirs) entries.push({ name, mode: 0o040000, oid: write(sub) })
    const content = serializeTree(entries)
    const oid = objectId('tree', content)
    if (!treeCache.has(oid)) {
      writeObject(repo, 'tree', content)
      treeCache.set(oid, parseTree(content))
    }
    return oid
  }
  return write(root)
}
