/**
 * `.gitignore` rules (gitignore(5)): per-directory files, `.git/info/exclude` and
 * `core.excludesFile`, with negation, directory-only patterns, anchoring and `**`.
 */
import type { SyncVfs } from '../vfs/types.js'

interface Rule {
  re: RegExp
  negate: boolean
  dirOnly: boolean
  /** Matched against the basename only (no slash in the pattern). */
  basename: boolean
}

/** The rules of one source, relative to a base directory (`''` for the work tree root). */
export interface RuleSet {
  base: string
  rules: Rule[]
}

function escapeRe(c: string): string {
  return /[.+^${}()|\\]/.test(c) ? `\\${c}` : c
}

function globToRe(glob: string): string {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const before = i === 0 || glob[i - 1] === '/'
        const after = glob[i + 2] === '/' || i + 2 === glob.length
        if (before && after) {
          if (glob[i + 2] === '/') {
            re += '(?:.*/)?'
            i += 2
          } else {
            re += '.*'
            i += 1
          }
          continue
        }
      }
      re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) re += '\\['
      else {
        let body = glob.slice(i + 1, end)
        if (body.startsWith('!')) body = `^${body.slice(1)}`
        re += `[${body.replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else if (c === '\\' && i + 1 < glob.length) re += escapeRe(glob[++i] as string)
    else re += escapeRe(c)
  }
  return re
}

/** Parses the text of an ignore file whose patterns are relative to `base`. */
export function parseIgnore(text: string, base: string): RuleSet {
  const rules: Rule[] = []
  for (let line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue
    line = line.replace(/(?<!\\)\s+$/, '')
    if (line === '') continue
    let negate = false
    if (line.startsWith('!')) {
      negate = true
      line = line.slice(1)
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1)
    let dirOnly = false
    if (line.endsWith('/')) {
      dirOnly = true
      line = line.replace(/\/+$/, '')
    }
    if (line === '') continue
    const basename = !line.includes('/')
    if (line.startsWith('/')) line = line.slice(1)
    rules.push({ re: new RegExp(`^${globToRe(line)}$`), negate, dirOnly, basename })
  }
  return { base, rules }
}

/**
 * Decides whether paths are ignored. Sources are consulted lowest precedence first
 * (`core.excludesFile`, `.git/info/exclude`, then `.gitignore` files from the root down); the
 * last matching rule wins.
 */
export class IgnoreMatcher {
  readonly #vfs: SyncVfs
  readonly #root: string
  readonly #global: RuleSet[]
  readonly #perDir = new Map<string, RuleSet | null>()

  /**
   * @param vfs - the sandbox's files
   * @param root - the work tree (absolute)
   * @param extra - ignore file texts that apply to the whole tree (exclude files)
   */
  constructor(vfs: SyncVfs, root: string, extra: string[]) {
    this.#vfs = vfs
    this.#root = root
    this.#global = extra.map((t) => parseIgnore(t, ''))
  }

  #dirRules(dir: string): RuleSet | null {
    let set = this.#perDir.get(dir)
    if (set !== undefined) return set
    const path = `${this.#root === '/' ? '' : this.#root}/${dir ? `${dir}/` : ''}.gitignore`
    try {
      set = parseIgnore(new TextDecoder().decode(this.#vfs.readFile(path)), dir)
    } catch {
      set = null
    }
    this.#perDir.set(dir, set)
    return set
  }

  /** The verdict of the rules alone for `path` (undefined: no rule matched). */
  #match(path: string, isDir: boolean): boolean | undefined {
    let verdict: boolean | undefined
    const apply = (set: RuleSet): void => {
      const rel = set.base ? (path.startsWith(`${set.base}/`) ? path.slice(set.base.length + 1) : undefined) : path
      if (rel === undefined) return
      const name = rel.slice(rel.lastIndexOf('/') + 1)
      for (const r of set.rules) {
        if (r.dirOnly && !isDir) continue
        if (r.re.test(r.basename ? name : rel)) verdict = !r.negate
      }
    }
    for (const set of this.#global) apply(set)
    const parts = path.split('/')
    let dir = ''
    for (let i = 0; i < parts.length; i++) {
      const set = this.#dirRules(dir)
      if (set) apply(set)
      dir = dir ? `${dir}/${parts[i]}` : (parts[i] as string)
    }
    return verdict
  }

  /**
   * True when `path` (relative to the work tree) is ignored, itself or through an ignored
   * parent directory.
   */
  ignored(path: string, isDir: boolean): boolean {
    const parts = path.split('/')
    let prefix = ''
    for (let i = 0; i < parts.length - 1; i++) {
      prefix = prefix ? `${prefix}/${parts[i]}` : (parts[i] as string)
      if (this.#match(prefix, true)) return true
    }
    return this.#match(path, isDir) === true
  }

  /** True when `path` itself is ignored (its parents already checked by the caller's walk). */
  ignoredHere(path: string, isDir: boolean): boolean {
    return this.#match(path, isDir) === true
  }
}
