/**
 * The text formats inside a `.dist-info`: core metadata (`METADATA`, `WHEEL`: email-style headers
 * and a body), `entry_points.txt` (INI sections of `name = module:attr`) and `RECORD` (CSV).
 */

/**
 * Parsed email-style headers (core metadata, PEP 566/643).
 *
 * @example
 * ```ts
 * const m = parseMetadata('Metadata-Version: 2.1\nName: a\nRequires-Dist: b>=1\n')
 * m.get('name') // 'a'; m.getAll('requires-dist') // ['b>=1']
 * ```
 */
export class Metadata {
  readonly #fields: [string, string][]
  /** The body (the long description), if any. */
  readonly body: string

  constructor(fields: [string, string][], body = '') {
    this.#fields = fields
    this.body = body
  }

  /** The first value of header `name` (case-insensitive). */
  get(name: string): string | undefined {
    const n = name.toLowerCase()
    return this.#fields.find(([k]) => k.toLowerCase() === n)?.[1]
  }

  /** Every value of header `name`, in order. */
  getAll(name: string): string[] {
    const n = name.toLowerCase()
    return this.#fields.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v)
  }
}

/** Parses core metadata text. Continuation lines (leading whitespace) join the previous header. */
export function parseMetadata(text: string): Metadata {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const fields: [string, string][] = []
  let i = 0
  for (; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') {
      i++
      break
    }
    if (/^[ \t]/.test(line)) {
      const last = fields[fields.length - 1]
      if (last) last[1] += `\n${/^[ \t]+\|/.test(line) ? line.replace(/^[ \t]+\|/, '') : line.trimStart()}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  }
  return new Metadata(fields, lines.slice(i).join('\n'))
}

/** Writes headers (in order; array values repeat the header) and an optional body. */
export function formatMetadata(fields: [string, string | string[] | undefined][], body?: string): string {
  let out = ''
  for (const [k, v] of fields) {
    if (v === undefined) continue
    for (const value of Array.isArray(v) ? v : [v]) out += `${k}: ${value.replace(/\n/g, '\n        ')}\n`
  }
  if (body) out += `\n${body}${body.endsWith('\n') ? '' : '\n'}`
  return out
}

/** One entry point (`name = module:attr [extras]`). */
export interface EntryPoint {
  name: string
  module: string
  /** The dotted attribute path after `:`, if any. */
  attr: string | undefined
}

/** Parses `entry_points.txt` into groups of entry points. */
export function parseEntryPoints(text: string): Map<string, EntryPoint[]> {
  const groups = new Map<string, EntryPoint[]>()
  let current: EntryPoint[] | undefined
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[(.+)\]$/.exec(line)
    if (section) {
      const name = (section[1] ?? '').trim()
      current = groups.get(name) ?? []
      groups.set(name, current)
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0 || !current) continue
    const name = line.slice(0, eq).trim()
    const value = line
      .slice(eq + 1)
      .replace(/\[.*\]\s*$/, '')
      .trim()
    const [module = '', attr] = value.split(':').map((s) => s.trim())
    if (!/^[A-Za-z_][\w.]*$/.test(module) || (attr !== undefined && !/^[A-Za-z_][\w.]*$/.test(attr))) continue
    current.push({ name, module, attr })
  }
  return groups
}

/** Formats entry-point groups as `entry_points.txt`. */
export function formatEntryPoints(groups: Map<string, EntryPoint[]>): string {
  let out = ''
  for (const [group, eps] of groups) {
    if (eps.length === 0) continue
    out += `[${group}]\n`
    for (const ep of eps) out += `${ep.name} = ${ep.module}${ep.attr ? `:${ep.attr}` : ''}\n`
    out += '\n'
  }
  return out
}

/** One row of a RECORD file. */
export interface RecordRow {
  path: string
  /** `sha256=<urlsafe-b64>` or ''. */
  hash: string
  size: string
}

/** Parses a RECORD (CSV with `"`-quoting). */
export function parseRecord(text: string): RecordRow[] {
  const rows: RecordRow[] = []
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (!line.trim()) continue
    const cells: string[] = []
    let cell = ''
    let quoted = false
    for (let i = 0; i < line.length; i++) {
      const c = line[i]
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cell += '"'
          i++
        } else if (c === '"') quoted = false
        else cell += c
      } else if (c === '"') quoted = true
      else if (c === ',') {
        cells.push(cell)
        cell = ''
      } else cell += c
    }
    cells.push(cell)
    rows.push({ path: cells[0] ?? '', hash: cells[1] ?? '', size: cells[2] ?? '' })
  }
  return rows
}

/** Formats RECORD rows as CSV. */
export function formatRecord(rows: RecordRow[]): string {
  const cell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  return rows.map((r) => `${cell(r.path)},${cell(r.hash)},${cell(r.size)}\n`).join('')
}
