/**
 * Git configuration files (`.git/config`, `~/.gitconfig`): parsed into lines so that an edit
 * keeps the rest of the file as it was, as `git config` does. Section and key names are
 * case-insensitive, subsection names are not (`remote "origin"`).
 */
import { invalid } from './errors.js'

interface Line {
  raw: string
  /** `section` or `section.subsection` (section lower-cased) for headers and entries. */
  section: string
  key?: string
  value?: string
  header?: boolean
}

/** A parsed key: section, optional subsection, name. */
export interface ConfigKey {
  section: string
  subsection: string | undefined
  name: string
}

/**
 * Splits `remote.origin.url` into its parts (`user.name` has no subsection).
 * @throws GitError INVALID_ARGUMENT for a key without a section or a name
 */
export function parseKey(key: string): ConfigKey {
  const first = key.indexOf('.')
  const last = key.lastIndexOf('.')
  if (first <= 0 || last === key.length - 1) throw invalid(`key does not contain a section: ${key}`, { key })
  const name = key.slice(last + 1)
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw invalid(`invalid key: ${key}`, { key })
  return {
    section: key.slice(0, first).toLowerCase(),
    subsection: first === last ? undefined : key.slice(first + 1, last),
    name: name.toLowerCase(),
  }
}

function sectionId(section: string, subsection: string | undefined): string {
  return subsection === undefined ? section.toLowerCase() : `${section.toLowerCase()}.${subsection}`
}

function unquote(text: string): string {
  let out = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '"') {
      quoted = !quoted
      continue
    }
    if (c === '\\' && i + 1 < text.length) {
      const n = text[++i] as string
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'b' ? '\b' : n
      continue
    }
    if (!quoted && (c === ';' || c === '#')) break
    out += c
  }
  return quoted ? out : out.replace(/\s+$/, '')
}

function quote(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')
  return /^\s|\s$|[;#]/.test(value) ? `"${escaped}"` : escaped
}

/**
 * One configuration file.
 *
 * @example
 * ```ts
 * const c = ConfigFile.parse('[user]\n\tname = Ada\n')
 * c.set('user.email', 'ada@example.com')
 * c.get('user.name') // 'Ada'
 * ```
 */
export class ConfigFile {
  #lines: Line[]

  private constructor(lines: Line[]) {
    this.#lines = lines
  }

  /** Parses the text of a config file. */
  static parse(text: string): ConfigFile {
    const lines: Line[] = []
    let section = ''
    const rows = text.split('\n')
    if (rows.length > 0 && rows[rows.length - 1] === '') rows.pop()
    for (let i = 0; i < rows.length; i++) {
      let raw = rows[i] as string
      // Continuation lines (a value ending in a backslash).
      while (/\\\r?$/.test(raw) && i + 1 < rows.length) raw = `${raw.replace(/\\\r?$/, '')}\n${rows[++i] as string}`
      const trimmed = raw.trim()
      const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(trimmed)
      if (header) {
        const name = header[1] as string
        const sub = header[2] !== undefined ? header[2].replace(/\\(.)/g, '$1') : undefined
        // The old `[section.sub]` form.
        const dot = sub === undefined ? name.indexOf('.') : -1
        section = dot > 0 ? sectionId(name.slice(0, dot), name.slice(dot + 1).toLowerCase()) : sectionId(name, sub)
        lines.push({ raw, section, header: true })
        const rest = (header[3] ?? '').trim()
        if (rest && !/^[;#]/.test(rest)) {
          const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(rest)
          if (kv) lines.push({ raw: '', section, key: (kv[1] as string).toLowerCase(), value: kv[2] === undefined ? 'true' : unquote(kv[2]) })
        }
        continue
      }
      const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*([\s\S]*))?$/.exec(trimmed)
      if (kv && section) {
        lines.push({ raw, section, key: (kv[1] as string).toLowerCase(), value: kv[2] === undefined ? 'true' : unquote(kv[2]) })
        continue
      }
      lines.push({ raw, section })
    }
    return new ConfigFile(lines)
  }

  /** An empty file. */
  static empty(): ConfigFile {
    return new ConfigFile([])
  }

  /** The text of the file. */
  toString(): string {
    return this.#lines
      .filter((l) => l.raw !== '' || l.key === undefined)
      .map((l) => l.raw)
      .join('\n')
      .concat(this.#lines.length ? '\n' : '')
  }

  /** The last value of `key`, or undefined. */
  get(key: string): string | undefined {
    const all = this.getAll(key)
    return all[all.length - 1]
  }

  /** Every value of `key`, in file order. */
  getAll(key: string): string[] {
    const k = parseKey(key)
    const id = sectionId(k.section, k.subsection)
    return this.#lines.filter((l) => l.section === id && l.key === k.name).map((l) => l.value ?? '')
  }

  /** `section.subsection.key=value` for every entry (git config --list). */
  list(): { key: string; value: string }[] {
    return this.#lines.filter((l) => l.key !== undefined).map((l) => ({ key: `${l.section}.${l.key}`, value: l.value ?? '' }))
  }

  /** The subsections of `section` (e.g. the remote names). */
  subsections(section: string): string[] {
    const prefix = `${section.toLowerCase()}.`
    const out: string[] = []
    for (const l of this.#lines) {
      if (l.header && l.section.startsWith(prefix)) {
        const sub = l.section.slice(prefix.length)
        if (!out.includes(sub)) out.push(sub)
      }
    }
    return out
  }

  /** True when the section (with subsection) exists. */
  hasSection(section: string, subsection?: string): boolean {
    const id = sectionId(section, subsection)
    return this.#lines.some((l) => l.header && l.section === id)
  }

  #entryLine(k: ConfigKey, value: string): Line {
    return { raw: `\t${k.name} = ${quote(value)}`, section: sectionId(k.section, k.subsection), key: k.name, value }
  }

  /** Sets `key` (replacing its last value, or adding it to its section, creating the section). */
  set(key: string, value: string): void {
    const k = parseKey(key)
    const id = sectionId(k.section, k.subsection)
    for (let i = this.#lines.length - 1; i >= 0; i--) {
      const l = this.#lines[i] as Line
      if (l.section === id && l.key === k.name) {
        this.#lines[i] = this.#entryLine(k, value)
        return
      }
    }
    this.add(key, value)
  }

  /** Adds a value for `key` (multi-valued keys such as `remote.origin.fetch`). */
  add(key: string, value: string): void {
    const k = parseKey(key)
    const id = sectionId(k.section, k.subsection)
    let last = -1
    for (let i = 0; i < this.#lines.length; i++) if ((this.#lines[i] as Line).section === id && ((this.#lines[i] as Line).key !== undefined || (this.#lines[i] as Line).header)) last = i
    const line = this.#entryLine(k, value)
    if (last >= 0) {
      this.#lines.splice(last + 1, 0, line)
      return
    }
    const header = k.subsection === undefined ? `[${k.section}]` : `[${k.section} "${k.subsection.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`
    this.#lines.push({ raw: header, section: id, header: true }, line)
  }

  /** Removes every value of `key`; returns how many were removed. */
  unset(key: string): number {
    const k = parseKey(key)
    const id = sectionId(k.section, k.subsection)
    const before = this.#lines.length
    this.#lines = this.#lines.filter((l) => !(l.section === id && l.key === k.name))
    const removed = before - this.#lines.length
    this.#dropEmptySection(id)
    return removed
  }

  #dropEmptySection(id: string): void {
    if (this.#lines.some((l) => l.section === id && l.key !== undefined)) return
    this.#lines = this.#lines.filter((l) => !(l.header && l.section === id))
  }

  /** Removes a whole section; returns false when it did not exist. */
  removeSection(section: string, subsection?: string): boolean {
    const id = sectionId(section, subsection)
    const before = this.#lines.length
    let inside = false
    this.#lines = this.#lines.filter((l) => {
      if (l.header) inside = l.section === id
      return !inside
    })
    return this.#lines.length !== before
  }

  /** Renames a section (`git remote rename`, `git branch -m`). */
  renameSection(section: string, from: string, to: string): void {
    const oldId = sectionId(section, from)
    const newId = sectionId(section, to)
    for (const l of this.#lines) {
      if (l.section !== oldId) continue
      l.section = newId
      if (l.header) l.raw = `[${section} "${to}"]`
    }
  }
}

/** A boolean config value as git reads it (`true`, `yes`, `on`, `1`). */
export function configBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined
  if (/^(true|yes|on|1)$/i.test(value)) return true
  if (/^(false|no|off|0|)$/i.test(value)) return false
  return undefined
}
