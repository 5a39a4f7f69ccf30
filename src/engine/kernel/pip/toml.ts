/**
 * A strict TOML 1.0 parser for `pyproject.toml`: every construct of the spec that a pyproject can
 * hold in any of its tables (basic, literal and multi-line strings with escapes, integers in
 * every base, floats, booleans, dates and times (kept as their text), arrays, inline tables,
 * dotted and quoted keys, tables and arrays of tables), with the spec's rules on redefinition.
 * Errors name the line and column.
 */
import { PipError, PipErrorCode } from './errors.js'

/** A TOML value. Dates and times are kept as their text. */
export type TomlValue = string | number | bigint | boolean | TomlValue[] | TomlTable
/** A TOML table. */
export interface TomlTable {
  [key: string]: TomlValue
}

/** How a table came to exist, for the redefinition rules. */
const Origin = {
  /** Made implicitly by a header's parent path (`[a.b]` makes `a`). */
  Implicit: 0,
  /** Made by a `[header]`. */
  Header: 1,
  /** Made by dotted keys inside a table body. */
  Dotted: 2,
  /** An inline table: closed. */
  Closed: 3,
} as const
type Origin = (typeof Origin)[keyof typeof Origin]

/**
 * Parses TOML text into plain objects.
 *
 * @param text - the document
 * @param file - the name errors mention
 * @example
 * ```ts
 * parseToml('[project]\nname = "demo"\nversion = "1.0"\n').project // { name: 'demo', version: '1.0' }
 * ```
 */
export function parseToml(text: string, file = 'pyproject.toml'): TomlTable {
  return new TomlParser(text, file).parse()
}

class TomlParser {
  #pos = 0
  readonly #text: string
  readonly #file: string
  readonly #origin = new WeakMap<object, Origin>()
  /** Arrays made by `[[…]]` (only those may be appended to by a header). */
  readonly #tableArrays = new WeakSet<object>()

  constructor(text: string, file: string) {
    this.#text = text.replace(/^\uFEFF/, '')
    this.#file = file
  }

  #fail(message: string, at = this.#pos): PipError {
    const before = this.#text.slice(0, at)
    const line = before.split('\n').length
    const col = at - before.lastIndexOf('\n')
    return new PipError(PipErrorCode.BAD_PROJECT, `${this.#file}:${line}:${col}: invalid TOML: ${message}`)
  }

  #ch(): string {
    return this.#text[this.#pos] ?? ''
  }

  #skipWs(): void {
    while (this.#ch() === ' ' || this.#ch() === '\t') this.#pos++
  }

  #skipComment(): void {
    if (this.#ch() !== '#') return
    while (this.#pos < this.#text.length && this.#ch() !== '\n') {
      const c = this.#text.charCodeAt(this.#pos)
      if ((c < 0x20 && c !== 0x09 && c !== 0x0d) || c === 0x7f) throw this.#fail('control character in a comment')
      if (c === 0x0d && this.#text[this.#pos + 1] !== '\n') throw this.#fail('bare carriage return')
      this.#pos++
    }
  }

  /** Whitespace, newlines and comments (inside arrays). */
  #skipAll(): void {
    for (;;) {
      this.#skipWs()
      if (this.#ch() === '#') this.#skipComment()
      else if (this.#ch() === '\n') this.#pos++
      else if (this.#ch() === '\r' && this.#text[this.#pos + 1] === '\n') this.#pos += 2
      else return
    }
  }

  /** Expects the end of a line (after optional whitespace and a comment). */
  #endOfLine(): void {
    this.#skipWs()
    this.#skipComment()
    if (this.#pos >= this.#text.length) return
    if (this.#ch() === '\n') {
      this.#pos++
      return
    }
    if (this.#ch() === '\r' && this.#text[this.#pos + 1] === '\n') {
      this.#pos += 2
      return
    }
    throw this.#fail(`expected the end of the line, found ${JSON.stringify(this.#ch())}`)
  }

  #table(origin: Origin): TomlTable {
    const t: TomlTable = Object.create(null) as TomlTable
    this.#origin.set(t, origin)
    return t
  }

  parse(): TomlTable {
    const root = this.#table(Origin.Header)
    let current = root
    const defined = new WeakSet<object>([root])
    while (this.#pos < this.#text.length) {
      this.#skipAll()
      if (this.#pos >= this.#text.length) break
      if (this.#ch() === '[') {
        const start = this.#pos
        const isArray = this.#text[this.#pos + 1] === '['
        this.#pos += isArray ? 2 : 1
        this.#skipWs()
        const key = this.#key()
        this.#skipWs()
        if (isArray ? !this.#text.startsWith(']]', this.#pos) : this.#ch() !== ']') throw this.#fail(`expected '${isArray ? ']]' : ']'}' to close the table header`)
        this.#pos += isArray ? 2 : 1
        current = isArray ? this.#appendTableArray(root, key, start) : this.#openTable(root, key, start, defined)
        this.#endOfLine()
      } else {
        this.#keyValue(current)
        this.#endOfLine()
      }
    }
    return root
  }

  /** Walks (creating implicitly) the tables of `path` from `root`. */
  #walk(root: TomlTable, path: string[], at: number): TomlTable {
    let t = root
    for (const part of path) {
      let next = t[part]
      if (next === undefined) {
        next = this.#table(Origin.Implicit)
        t[part] = next
      } else if (Array.isArray(next)) {
        if (!this.#tableArrays.has(next)) throw this.#fail(`'${part}' is an array, not a table`, at)
        next = next[next.length - 1]
      }
      if (!isTable(next)) throw this.#fail(`'${part}' is already a value, not a table`, at)
      if (this.#origin.get(next) === Origin.Closed) throw this.#fail(`'${part}' is an inline table and cannot be extended`, at)
      t = next
    }
    return t
  }

  #openTable(root: TomlTable, key: string[], at: number, defined: WeakSet<object>): TomlTable {
    const parent = this.#walk(root, key.slice(0, -1), at)
    const last = key[key.length - 1] ?? ''
    const existing = parent[last]
    if (existing === undefined) {
      const t = this.#table(Origin.Header)
      parent[last] = t
      defined.add(t)
      return t
    }
    if (!isTable(existing) || defined.has(existing) || this.#origin.get(existing) !== Origin.Implicit) {
      throw this.#fail(`table [${key.join('.')}] is defined twice`, at)
    }
    this.#origin.set(existing, Origin.Header)
    defined.add(existing)
    return existing
  }

  #appendTableArray(root: TomlTable, key: string[], at: number): TomlTable {
    const parent = this.#walk(root, key.slice(0, -1), at)
    const last = key[key.length - 1] ?? ''
    let arr = parent[last]
    if (arr === undefined) {
      arr = []
      this.#tableArrays.add(arr)
      parent[last] = arr
    } else if (!Array.isArray(arr) || !this.#tableArrays.has(arr)) throw this.#fail(`[[${key.join('.')}]] redefines a value that is not an array of tables`, at)
    const t = this.#table(Origin.Header)
    arr.push(t)
    return t
  }

  #keyValue(table: TomlTable): void {
    const at = this.#pos
    const key = this.#key()
    this.#skipWs()
    if (this.#ch() !== '=') throw this.#fail("expected '=' after the key")
    this.#pos++
    this.#skipWs()
    const value = this.#value()
    let t = table
    for (const part of key.slice(0, -1)) {
      let next = t[part]
      if (next === undefined) {
        next = this.#table(Origin.Dotted)
        t[part] = next
      }
      if (!isTable(next) || this.#origin.get(next) === Origin.Closed) throw this.#fail(`'${part}' is already defined and cannot take dotted keys`, at)
      if (this.#origin.get(next) !== Origin.Dotted) throw this.#fail(`table '${part}' is already defined`, at)
      t = next
    }
    const last = key[key.length - 1] ?? ''
    if (Object.prototype.hasOwnProperty.call(t, last)) throw this.#fail(`key '${key.join('.')}' is defined twice`, at)
    t[last] = value
  }

  #key(): string[] {
    const parts: string[] = []
    for (;;) {
      this.#skipWs()
      if (this.#ch() === '"') {
        if (this.#text.startsWith('"""', this.#pos)) throw this.#fail('a key cannot be a multi-line string')
        parts.push(this.#basicString())
      } else if (this.#ch() === "'") {
        if (this.#text.startsWith("'''", this.#pos)) throw this.#fail('a key cannot be a multi-line string')
        parts.push(this.#literalString())
      } else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.#text.slice(this.#pos, this.#pos + 256))
        if (!m) throw this.#fail('expected a key')
        parts.push(m[0])
        this.#pos += m[0].length
      }
      this.#skipWs()
      if (this.#ch() !== '.') return parts
      this.#pos++
    }
  }

  #value(): TomlValue {
    const c = this.#ch()
    if (c === '"') return this.#text.startsWith('"""', this.#pos) ? this.#multiBasic() : this.#basicString()
    if (c === "'") return this.#text.startsWith("'''", this.#pos) ? this.#multiLiteral() : this.#literalString()
    if (c === '[') return this.#array()
    if (c === '{') return this.#inlineTable()
    if (this.#text.startsWith('true', this.#pos) && !/[A-Za-z0-9_-]/.test(this.#text[this.#pos + 4] ?? '')) {
      this.#pos += 4
      return true
    }
    if (this.#text.startsWith('false', this.#pos) && !/[A-Za-z0-9_-]/.test(this.#text[this.#pos + 5] ?? '')) {
      this.#pos += 5
      return false
    }
    return this.#scalar()
  }

  #scalar(): TomlValue {
    const rest = this.#text.slice(this.#pos, this.#pos + 128)
    const date = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?/.exec(rest)
    if (date) {
      this.#pos += date[0].length
      return date[0]
    }
    const time = /^\d{2}:\d{2}:\d{2}(?:\.\d+)?/.exec(rest)
    if (time) {
      this.#pos += time[0].length
      return time[0]
    }
    const m = /^[+-]?[A-Za-z0-9_.+-]+/.exec(rest)
    if (!m) throw this.#fail(`expected a value, found ${JSON.stringify(this.#ch() || 'end of file')}`)
    const tok = m[0]
    const at = this.#pos
    this.#pos += tok.length
    if (/^[+-]?(inf|nan)$/.test(tok)) return tok.endsWith('nan') ? Number.NaN : tok.startsWith('-') ? -Infinity : Infinity
    if (/^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$/.test(tok)) return toInt(tok.slice(2).replace(/_/g, ''), 16)
    if (/^0o[0-7](_?[0-7])*$/.test(tok)) return toInt(tok.slice(2).replace(/_/g, ''), 8)
    if (/^0b[01](_?[01])*$/.test(tok)) return toInt(tok.slice(2).replace(/_/g, ''), 2)
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(tok)) {
      const digits = tok.replace(/_/g, '')
      const n = Number(digits)
      return Number.isSafeInteger(n) ? n : BigInt(digits)
    }
    if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(tok) && /[.eE]/.test(tok)) return Number(tok.replace(/_/g, ''))
    throw this.#fail(`invalid value ${JSON.stringify(tok)} (strings need quotes)`, at)
  }

  #array(): TomlValue[] {
    this.#pos++
    const out: TomlValue[] = []
    for (;;) {
      this.#skipAll()
      if (this.#ch() === ']') {
        this.#pos++
        return out
      }
      if (this.#pos >= this.#text.length) throw this.#fail("unterminated array (expected ']')")
      out.push(this.#value())
      this.#skipAll()
      if (this.#pos >= this.#text.length) throw this.#fail("unterminated array (expected ']')")
      if (this.#ch() === ',') this.#pos++
      else if (this.#ch() !== ']') throw this.#fail("expected ',' or ']' in the array")
    }
  }

  #inlineTable(): TomlTable {
    this.#pos++
    const t = this.#table(Origin.Closed)
    this.#skipWs()
    if (this.#ch() === '}') {
      this.#pos++
      return t
    }
    // Dotted keys inside an inline table build (closed) sub-tables.
    const scratch = this.#table(Origin.Header)
    for (;;) {
      this.#skipWs()
      this.#keyValue(scratch)
      this.#skipWs()
      if (this.#ch() === '}') {
        this.#pos++
        break
      }
      if (this.#ch() !== ',') throw this.#fail("expected ',' or '}' in the inline table (inline tables are one line)")
      this.#pos++
    }
    Object.assign(t, scratch)
    this.#closeTree(t)
    return t
  }

  #closeTree(t: TomlTable): void {
    this.#origin.set(t, Origin.Closed)
    for (const v of Object.values(t)) if (isTable(v)) this.#closeTree(v)
  }

  #basicString(): string {
    this.#pos++
    let out = ''
    for (;;) {
      const c = this.#ch()
      if (c === '') throw this.#fail('unterminated string')
      if (c === '"') {
        this.#pos++
        return out
      }
      if (c === '\n' || c === '\r') throw this.#fail('newline in a single-line string')
      if (c === '\\') out += this.#escape()
      else {
        this.#checkControl()
        out += c
        this.#pos++
      }
    }
  }

  #literalString(): string {
    this.#pos++
    const start = this.#pos
    for (;;) {
      const c = this.#ch()
      if (c === '') throw this.#fail('unterminated literal string')
      if (c === "'") break
      if (c === '\n' || c === '\r') throw this.#fail('newline in a single-line string')
      this.#checkControl()
      this.#pos++
    }
    const s = this.#text.slice(start, this.#pos)
    this.#pos++
    return s
  }

  #multiBasic(): string {
    this.#pos += 3
    if (this.#ch() === '\n') this.#pos++
    else if (this.#ch() === '\r' && this.#text[this.#pos + 1] === '\n') this.#pos += 2
    let out = ''
    for (;;) {
      if (this.#pos >= this.#text.length) throw this.#fail('unterminated multi-line string')
      if (this.#text.startsWith('"""', this.#pos)) {
        // Up to two quotes may end the content right before the closing delimiter.
        let n = 3
        while (this.#text[this.#pos + n] === '"' && n < 5) n++
        out += '"'.repeat(n - 3)
        this.#pos += n
        return out
      }
      const c = this.#ch()
      if (c === '\\') {
        const after = /^\\[ \t]*\r?\n/.exec(this.#text.slice(this.#pos, this.#pos + 64))
        if (after) {
          this.#pos += after[0].length
          while (/[ \t\r\n]/.test(this.#ch()) && this.#ch() !== '') this.#pos++
          continue
        }
        out += this.#escape()
      } else {
        if (c !== '\n' && !(c === '\r' && this.#text[this.#pos + 1] === '\n')) this.#checkControl()
        out += c
        this.#pos++
      }
    }
  }

  #multiLiteral(): string {
    this.#pos += 3
    if (this.#ch() === '\n') this.#pos++
    else if (this.#ch() === '\r' && this.#text[this.#pos + 1] === '\n') this.#pos += 2
    const start = this.#pos
    for (;;) {
      if (this.#pos >= this.#text.length) throw this.#fail('unterminated multi-line literal string')
      if (this.#text.startsWith("'''", this.#pos)) {
        let n = 3
        while (this.#text[this.#pos + n] === "'" && n < 5) n++
        const s = this.#text.slice(start, this.#pos + n - 3)
        this.#pos += n
        return s
      }
      const c = this.#ch()
      if (c !== '\n' && !(c === '\r' && this.#text[this.#pos + 1] === '\n')) this.#checkControl()
      this.#pos++
    }
  }

  #checkControl(): void {
    const c = this.#text.charCodeAt(this.#pos)
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw this.#fail('control character in a string')
  }

  #escape(): string {
    const e = this.#text[this.#pos + 1] ?? ''
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' }
    const s = simple[e]
    if (s !== undefined) {
      this.#pos += 2
      return s
    }
    if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8
      const hex = this.#text.slice(this.#pos + 2, this.#pos + 2 + len)
      if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) throw this.#fail(`invalid \\${e} escape`)
      const cp = Number.parseInt(hex, 16)
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw this.#fail(`\\${e}${hex} is not a Unicode scalar value`)
      this.#pos += 2 + len
      return String.fromCodePoint(cp)
    }
    throw this.#fail(`invalid escape \\${e}`)
  }
}

function toInt(digits: string, base: number): number | bigint {
  const n = Number.parseInt(digits, base)
  if (Number.isSafeInteger(n)) return n
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : '0b'
  return BigInt(prefix + digits)
}

/** Whether `v` is a table (not an array or a scalar). */
export function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
