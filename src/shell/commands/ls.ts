/**
 * `ls` with GNU coreutils output (non-tty, C locale, UTC): real modes, owners, sizes, mtimes,
 * symlinks as `name -> target`, `total` lines. Flags: -l -a -A -h -R -1 -t -S -r -d -F -n -p.
 */
import type { SyncVfs, VfsStats } from '../../vfs/types.js'
import { resolvePath as resolvePosix } from '../../vfs/path.js'
import { DEVICE_NAMES } from '../fs-adapter.js'
import { loadAccounts, type Accounts } from './accounts.js'
import type { BuiltinCommand, BuiltinContext } from './context.js'

interface Flags {
  long: boolean
  all: boolean
  almostAll: boolean
  human: boolean
  recursive: boolean
  time: boolean
  size: boolean
  reverse: boolean
  directory: boolean
  classify: boolean
  slash: boolean
  numeric: boolean
}

interface Entry {
  /** Name as displayed. */
  name: string
  /** Absolute path. */
  path: string
  /** lstat of the entry. */
  st: VfsStats
  /** Symlink target (for -l). */
  target?: string
  /** stat through the symlink, when it resolves. */
  resolved?: VfsStats
}

const SHORT: Readonly<Record<string, keyof Flags>> = {
  l: 'long',
  a: 'all',
  A: 'almostAll',
  h: 'human',
  R: 'recursive',
  t: 'time',
  S: 'size',
  r: 'reverse',
  d: 'directory',
  F: 'classify',
  p: 'slash',
  n: 'numeric',
}

const LONG: Readonly<Record<string, keyof Flags>> = {
  all: 'all',
  'almost-all': 'almostAll',
  'human-readable': 'human',
  recursive: 'recursive',
  reverse: 'reverse',
  directory: 'directory',
  classify: 'classify',
  'numeric-uid-gid': 'numeric',
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const SIX_MONTHS_MS = (31556952 / 2) * 1000

/** `drwxr-xr-x` for a full mode. */
export function modeString(mode: number): string {
  const type = mode & 0o170000
  const t =
    type === 0o040000 ? 'd' : type === 0o120000 ? 'l' : type === 0o020000 ? 'c' : type === 0o060000 ? 'b' : type === 0o010000 ? 'p' : type === 0o140000 ? 's' : '-'
  const bit = (m: number, c: string): string => (mode & m ? c : '-')
  const special = (x: boolean, s: boolean, on: string, off: string): string => (s ? (x ? on : off) : x ? 'x' : '-')
  return (
    t +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special((mode & 0o100) !== 0, (mode & 0o4000) !== 0, 's', 'S') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special((mode & 0o010) !== 0, (mode & 0o2000) !== 0, 's', 'S') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special((mode & 0o001) !== 0, (mode & 0o1000) !== 0, 't', 'T')
  )
}

/** GNU `-h` size: ceiling to one decimal below 10, integers above. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return String(bytes)
  const units = ['K', 'M', 'G', 'T', 'P', 'E']
  let v = bytes
  let i = -1
  do {
    v /= 1024
    i++
  } while (v >= 1024 && i < units.length - 1)
  if (v < 10) {
    const r = Math.ceil(v * 10) / 10
    return r >= 10 ? `10${units[i] ?? ''}` : `${r.toFixed(1)}${units[i] ?? ''}`
  }
  return `${Math.ceil(v)}${units[i] ?? ''}`
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** GNU ls date column (UTC). */
export function lsDate(mtimeMs: number, now: number): string {
  const d = new Date(mtimeMs)
  const day = String(d.getUTCDate()).padStart(2, ' ')
  const mon = MONTHS[d.getUTCMonth()] ?? 'Jan'
  const recent = mtimeMs <= now && now - mtimeMs < SIX_MONTHS_MS
  return recent ? `${mon} ${day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}` : `${mon} ${day}  ${d.getUTCFullYear()}`
}

/** 1K blocks a file occupies (4 KiB allocation units, like ext4/tmpfs). */
function blocksK(st: VfsStats): number {
  if (st.kind === 'symlink') return 0
  return Math.ceil(st.size / 4096) * 4
}

function isExec(st: VfsStats): boolean {
  return (st.mode & 0o111) !== 0
}

function cmpName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

class Lister {
  readonly #vfs: SyncVfs
  readonly #f: Flags
  readonly #now = Date.now()
  #accounts: Accounts | undefined
  out: string[] = []
  err: string[] = []
  status = 0

  constructor(vfs: SyncVfs, flags: Flags) {
    this.#vfs = vfs
    this.#f = flags
  }

  #acc(): Accounts {
    this.#accounts ??= loadAccounts(this.#vfs)
    return this.#accounts
  }

  entry(name: string, path: string): Entry | undefined {
    let st: VfsStats
    try {
      st = this.#vfs.lstat(path)
    } catch {
      const dev = /^\/dev\/([a-z]+)$/.exec(path)?.[1]
      if (dev === undefined || !DEVICE_NAMES.includes(dev)) return undefined
      st = { ino: 0, kind: 'file', mode: 0o020666, uid: 0, gid: 0, size: 0, nlink: 1, atimeMs: 0, mtimeMs: 0, ctimeMs: 0, birthtimeMs: 0 }
    }
    const e: Entry = { name, path, st }
    if (st.kind === 'symlink') {
      try {
        e.target = this.#vfs.readlink(path)
      } catch {
        e.target = ''
      }
      try {
        e.resolved = this.#vfs.stat(path)
      } catch {
        // dangling
      }
    }
    return e
  }

  sort(list: Entry[]): Entry[] {
    const f = this.#f
    list.sort((a, b) => {
      if (f.time) {
        const d = b.st.mtimeMs - a.st.mtimeMs
        if (d !== 0) return d
      } else if (f.size) {
        const d = b.st.size - a.st.size
        if (d !== 0) return d
      }
      return cmpName(a.name, b.name)
    })
    if (f.reverse) list.reverse()
    return list
  }

  #indicator(e: Entry): string {
    const f = this.#f
    if (e.st.kind === 'dir') return f.classify || f.slash ? '/' : ''
    if (!f.classify) return ''
    if (e.st.kind === 'symlink') return f.long ? '' : '@'
    return isExec(e.st) ? '*' : ''
  }

  #owner(uid: number): string {
    return this.#f.numeric ? String(uid) : (this.#acc().userName(uid) ?? String(uid))
  }

  #group(gid: number): string {
    return this.#f.numeric ? String(gid) : (this.#acc().groupName(gid) ?? String(gid))
  }

  /** Prints entries (files of one directory, or file operands). */
  print(list: Entry[], withTotal: boolean, alsoWidthOf: Entry[] = []): void {
    const f = this.#f
    if (!f.long) {
      for (const e of list) this.out.push(`${e.name}${this.#indicator(e)}\n`)
      return
    }
    const row = (e: Entry): { e: Entry; mode: string; nlink: string; owner: string; group: string; size: string; date: string } => ({
      e,
      mode: modeString(e.st.mode),
      nlink: String(e.st.nlink),
      owner: this.#owner(e.st.uid),
      group: this.#group(e.st.gid),
      size: f.human ? humanSize(e.st.size) : String(e.st.size),
      date: lsDate(e.st.mtimeMs, this.#now),
    })
    const rows = list.map(row)
    // GNU sizes the columns of the file operands before moving directory operands out.
    const measured = [...rows, ...alsoWidthOf.map(row)]
    if (withTotal) {
      const total = list.reduce((s, e) => s + blocksK(e.st), 0)
      this.out.push(`total ${f.human ? humanSize(total * 1024) : total}\n`)
    }
    const w = (k: 'nlink' | 'owner' | 'group' | 'size'): number => measured.reduce((m, r) => Math.max(m, r[k].length), 0)
    const wl = w('nlink')
    const wo = w('owner')
    const wg = w('group')
    const ws = w('size')
    for (const r of rows) {
      let name = r.e.name + this.#indicator(r.e)
      if (r.e.st.kind === 'symlink') {
        let suffix = ''
        if (f.classify && r.e.resolved) suffix = r.e.resolved.kind === 'dir' ? '/' : isExec(r.e.resolved) ? '*' : ''
        name += ` -> ${r.e.target ?? ''}${suffix}`
      }
      this.out.push(
        `${r.mode} ${r.nlink.padStart(wl)} ${r.owner.padEnd(wo)} ${r.group.padEnd(wg)} ${r.size.padStart(ws)} ${r.date} ${name}\n`,
      )
    }
  }

  /** Lists a directory's contents (and recurses with -R). */
  listDir(display: string, path: string, header: boolean, first: boolean): void {
    const f = this.#f
    let names: string[]
    try {
      names = this.#vfs.readdir(path)
    } catch (e) {
      this.err.push(`ls: cannot open directory '${display}': ${describe(e)}\n`)
      this.status = 2
      return
    }
    if (path === '/dev') names = [...new Set([...names, ...DEVICE_NAMES])].filter((n) => n !== '.daylite').sort(cmpName)
    if (header) this.out.push(`${first ? '' : '\n'}${display}:\n`)
    const entries: Entry[] = []
    if (f.all) {
      for (const dot of ['.', '..']) {
        const e = this.entry(dot, resolvePosix(path, dot))
        if (e) entries.push(e)
      }
    }
    for (const n of names) {
      if (n.startsWith('.') && !f.all && !f.almostAll) continue
      const e = this.entry(n, path === '/' ? `/${n}` : `${path}/${n}`)
      if (e) entries.push(e)
    }
    this.sort(entries)
    this.print(entries, true)
    if (f.recursive) {
      for (const e of entries) {
        if (e.st.kind !== 'dir' || e.name === '.' || e.name === '..') continue
        const sub = display.endsWith('/') ? `${display}${e.name}` : `${display}/${e.name}`
        this.listDir(sub, e.path, true, false)
      }
    }
  }
}

function describe(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : ''
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory'
    case 'EACCES':
      return 'Permission denied'
    case 'ENOTDIR':
      return 'Not a directory'
    case 'ELOOP':
      return 'Too many levels of symbolic links'
    default:
      return 'Input/output error'
  }
}

/** Parses argv; returns flags and operands or an error result. */
function parse(args: string[]): { flags: Flags; operands: string[] } | { error: string } {
  const flags: Flags = {
    long: false,
    all: false,
    almostAll: false,
    human: false,
    recursive: false,
    time: false,
    size: false,
    reverse: false,
    directory: false,
    classify: false,
    slash: false,
    numeric: false,
  }
  const operands: string[] = []
  let noMore = false
  for (const a of args) {
    if (noMore || a === '-' || !a.startsWith('-')) {
      operands.push(a)
      continue
    }
    if (a === '--') {
      noMore = true
      continue
    }
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0] ?? ''
      if (name === 'color' || name === 'colour' || name === 'group-directories-first' || name === 'quoting-style') continue
      const key = LONG[name]
      if (!key) return { error: `ls: unrecognized option '${a}'\nTry 'ls --help' for more information.\n` }
      flags[key] = true
      continue
    }
    for (const c of a.slice(1)) {
      if (c === '1' || c === 'C' || c === 'x' || c === 'G' || c === 'N') continue
      if (c === 'f') {
        flags.all = true
        continue
      }
      const key = SHORT[c]
      if (!key) return { error: `ls: invalid option -- '${c}'\nTry 'ls --help' for more information.\n` }
      flags[key] = true
      if (key === 'numeric') flags.long = true
      if (key === 'time') flags.size = false
      if (key === 'size') flags.time = false
    }
  }
  return { flags, operands }
}

/** Runs `ls`. */
export async function runLs(args: string[], ctx: Pick<BuiltinContext, 'vfs' | 'cwd'>): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const parsed = parse(args)
  if ('error' in parsed) return { stdout: '', stderr: parsed.error, exitCode: 2 }
  const { flags, operands } = parsed
  const l = new Lister(ctx.vfs, flags)
  const ops = operands.length > 0 ? operands : ['.']
  const files: Entry[] = []
  const dirs: Entry[] = []
  for (const op of ops) {
    const path = resolvePosix(ctx.cwd, op)
    const e = l.entry(op, path)
    if (!e) {
      l.err.push(`ls: cannot access '${op}': No such file or directory\n`)
      l.status = 2
      continue
    }
    const follow = !flags.directory && !flags.long && !flags.classify
    const isDir = e.st.kind === 'dir' || (e.st.kind === 'symlink' && e.resolved?.kind === 'dir' && (follow || op.endsWith('/')))
    if (isDir && !flags.directory) dirs.push(e)
    else files.push(e)
  }
  l.sort(files)
  l.sort(dirs)
  l.print(files, false, files.length > 0 ? dirs : [])
  const header = ops.length > 1 || flags.recursive
  dirs.forEach((d, i) => {
    l.listDir(d.name, d.path, header, i === 0 && files.length === 0)
  })
  return { stdout: l.out.join(''), stderr: l.err.join(''), exitCode: l.status }
}

/** `ls`. */
export const ls: BuiltinCommand = { run: runLs }
