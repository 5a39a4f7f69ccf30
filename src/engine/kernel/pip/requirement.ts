/**
 * PEP 508 dependency specifiers (`name[extra]>=1,<2; python_version >= "3.8"`, `name @ url`),
 * environment markers evaluated for daylite's CPython (3.13 on wasm32-wasi), and project-name
 * normalisation (PEP 503).
 */
import { PipError, PipErrorCode } from './errors.js'
import { Specifier, SpecifierSet, Version } from './version.js'

/** A parsed requirement. */
export interface Requirement {
  /** The project name as written. */
  name: string
  /** Its normalised form (PEP 503): lower case, runs of `-_.` as `-`. */
  key: string
  /** Requested extras, normalised. */
  extras: string[]
  specifier: SpecifierSet
  /** A direct reference (`name @ https://…/x.whl`, `name @ file:///…`). */
  url: string | undefined
  marker: Marker | undefined
  /** The requirement as written. */
  text: string
}

/** An environment-marker expression. */
export type Marker =
  | { kind: 'and' | 'or'; left: Marker; right: Marker }
  | { kind: 'compare'; left: MarkerValue; op: string; right: MarkerValue }

/** One side of a marker comparison. */
export type MarkerValue = { kind: 'var'; name: string } | { kind: 'str'; value: string }

/** The values of the marker variables (PEP 508), plus `extra`. */
export type MarkerEnvironment = Record<string, string>

/**
 * The marker environment of daylite's Python: CPython 3.13.5 compiled to wasm32-wasi (what
 * `platform`, `sys` and `os` report inside a sandbox).
 */
export const SANDBOX_MARKER_ENVIRONMENT: Readonly<MarkerEnvironment> = Object.freeze({
  implementation_name: 'cpython',
  implementation_version: '3.13.5',
  os_name: 'posix',
  platform_machine: 'wasm32',
  platform_python_implementation: 'CPython',
  platform_release: '0.0.0',
  platform_system: 'wasi',
  platform_version: '0.0.0',
  python_full_version: '3.13.5',
  python_version: '3.13',
  sys_platform: 'wasi',
})

/** The interpreter version requirements are checked against (`Requires-Python`). */
export const SANDBOX_PYTHON_VERSION = '3.13.5'

const LEGACY_VARS: Record<string, string> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
}

const MARKER_VARS = new Set([...Object.keys(SANDBOX_MARKER_ENVIRONMENT), 'extra', 'dependency_groups', 'extras', ...Object.keys(LEGACY_VARS)])

/** PEP 503 normalisation of a project (or extra) name. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

/** A name that PEP 508 accepts. */
export function isValidName(name: string): boolean {
  return /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name)
}

function invalid(text: string, why: string, at?: number): PipError {
  const where = at !== undefined ? `\n    ${text}\n    ${' '.repeat(at)}^` : ''
  return new PipError(PipErrorCode.INVALID_REQUIREMENT, `Invalid requirement: '${text}': ${why}${where}`)
}

/** A cursor over a requirement's text. */
class Scanner {
  pos = 0
  constructor(readonly text: string) {}
  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++
  }
  peek(s: string): boolean {
    return this.text.startsWith(s, this.pos)
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false
    this.pos += s.length
    return true
  }
  match(re: RegExp): string | undefined {
    const m = re.exec(this.text.slice(this.pos))
    if (!m || m.index !== 0) return undefined
    this.pos += m[0].length
    return m[0]
  }
  get done(): boolean {
    return this.pos >= this.text.length
  }
  fail(why: string): PipError {
    return invalid(this.text, why, this.pos)
  }
}

/**
 * Parses a PEP 508 requirement.
 *
 * @example
 * ```ts
 * parseRequirement('Requests[socks]>=2.8.1,==2.8.*; python_version < "3.14"').key // 'requests'
 * ```
 */
export function parseRequirement(text: string): Requirement {
  const s = new Scanner(text)
  s.ws()
  const name = s.match(/[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/)
  if (!name) throw s.fail('expected a package name at the start')
  s.ws()
  const extras: string[] = []
  if (s.eat('[')) {
    s.ws()
    if (!s.eat(']')) {
      for (;;) {
        s.ws()
        const extra = s.match(/[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/)
        if (!extra) throw s.fail('expected an extra name')
        extras.push(normalizeName(extra))
        s.ws()
        if (s.eat(']')) break
        if (!s.eat(',')) throw s.fail("expected ',' or ']' after an extra")
      }
    }
    s.ws()
  }
  let url: string | undefined
  let specifier = new SpecifierSet()
  if (s.eat('@')) {
    s.ws()
    url = s.match(/[^\s;]+/)
    if (!url) throw s.fail('expected a URL after @')
    s.ws()
  } else {
    const paren = s.eat('(')
    s.ws()
    const specs: Specifier[] = []
    while (!s.done && /[<>=!~]/.test(s.text[s.pos] ?? '')) {
      const clause = s.match(/(~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9_.*+!-]+/)
      if (!clause) throw s.fail('expected a version after the operator')
      specs.push(Specifier.parse(clause))
      s.ws()
      if (!s.eat(',')) break
      s.ws()
    }
    if (paren) {
      s.ws()
      if (!s.eat(')')) throw s.fail("expected ')'")
      s.ws()
    }
    specifier = new SpecifierSet(specs)
  }
  let marker: Marker | undefined
  if (s.eat(';')) {
    s.ws()
    marker = parseMarkerAt(s)
    s.ws()
  }
  if (!s.done) throw s.fail(s.peek('#') ? 'comments are not allowed here' : 'unexpected text')
  return { name, key: normalizeName(name), extras, specifier, url, marker, text: text.trim() }
}

/** Parses a marker expression on its own (`python_version >= "3.8" and os_name == "posix"`). */
export function parseMarker(text: string): Marker {
  const s = new Scanner(text)
  s.ws()
  const m = parseMarkerAt(s)
  s.ws()
  if (!s.done) throw s.fail('unexpected text after the marker')
  return m
}

function parseMarkerAt(s: Scanner): Marker {
  let left = parseMarkerAnd(s)
  for (;;) {
    s.ws()
    if (!s.match(/or(?![A-Za-z0-9_])/)) return left
    s.ws()
    left = { kind: 'or', left, right: parseMarkerAnd(s) }
  }
}

function parseMarkerAnd(s: Scanner): Marker {
  let left = parseMarkerAtom(s)
  for (;;) {
    s.ws()
    if (!s.match(/and(?![A-Za-z0-9_])/)) return left
    s.ws()
    left = { kind: 'and', left, right: parseMarkerAtom(s) }
  }
}

function parseMarkerAtom(s: Scanner): Marker {
  s.ws()
  if (s.eat('(')) {
    const inner = parseMarkerAt(s)
    s.ws()
    if (!s.eat(')')) throw s.fail("expected ')' in the marker")
    return inner
  }
  const left = parseMarkerValue(s)
  s.ws()
  const op = s.match(/(~=|===|==|!=|<=|>=|<|>|not\s+in(?![A-Za-z0-9_])|in(?![A-Za-z0-9_]))/)
  if (!op) throw s.fail('expected a marker operator')
  s.ws()
  const right = parseMarkerValue(s)
  return { kind: 'compare', left, op: op.replace(/\s+/g, ' '), right }
}

function parseMarkerValue(s: Scanner): MarkerValue {
  const quote = s.text[s.pos]
  if (quote === '"' || quote === "'") {
    const end = s.text.indexOf(quote, s.pos + 1)
    if (end < 0) throw s.fail('unterminated string in the marker')
    const value = s.text.slice(s.pos + 1, end)
    s.pos = end + 1
    return { kind: 'str', value }
  }
  const name = s.match(/[A-Za-z_][A-Za-z0-9_.]*/)
  if (!name || !MARKER_VARS.has(name)) throw s.fail(name ? `unknown marker variable ${name}` : 'expected a marker variable or a quoted string')
  return { kind: 'var', name: LEGACY_VARS[name] ?? name }
}

function compareStrings(left: string, op: string, right: string): boolean {
  switch (op) {
    case '==':
    case '===':
      return left === right
    case '!=':
      return left !== right
    case '<':
      return left < right
    case '<=':
      return left <= right
    case '>':
      return left > right
    case '>=':
      return left >= right
    case 'in':
      return right.includes(left)
    case 'not in':
      return !right.includes(left)
    default:
      return false
  }
}

/**
 * Evaluates a marker in `env` (default {@link SANDBOX_MARKER_ENVIRONMENT} with `extra` = '').
 * Version operators compare as PEP 440 versions when both sides are versions, as strings otherwise.
 */
export function evaluateMarker(marker: Marker, env: MarkerEnvironment = SANDBOX_MARKER_ENVIRONMENT): boolean {
  if (marker.kind !== 'compare') {
    return marker.kind === 'and' ? evaluateMarker(marker.left, env) && evaluateMarker(marker.right, env) : evaluateMarker(marker.left, env) || evaluateMarker(marker.right, env)
  }
  const isExtra = (v: MarkerValue): boolean => v.kind === 'var' && v.name === 'extra'
  const norm = isExtra(marker.left) || isExtra(marker.right)
  const value = (v: MarkerValue): string => {
    const raw = v.kind === 'str' ? v.value : (env[v.name] ?? '')
    return norm ? normalizeName(raw) : raw
  }
  const left = value(marker.left)
  const right = value(marker.right)
  if (marker.op !== 'in' && marker.op !== 'not in' && marker.op !== '===') {
    let spec: Specifier | undefined
    try {
      spec = Specifier.parse(`${marker.op}${right}`)
    } catch {
      spec = undefined
    }
    const lv = Version.parse(left)
    if (spec && lv) return spec.contains(lv)
  }
  return compareStrings(left, marker.op, right)
}

/**
 * Whether a dependency applies when its parent is installed with `extras`: the marker holds with
 * `extra` set to one of them, or to '' (no extra).
 */
export function markerApplies(marker: Marker | undefined, extras: Iterable<string> = [], base: MarkerEnvironment = SANDBOX_MARKER_ENVIRONMENT): boolean {
  if (!marker) return true
  for (const extra of ['', ...extras]) if (evaluateMarker(marker, { ...base, extra })) return true
  return false
}

/** The requirement as text without its marker (`name[extra]>=1`), for messages. */
export function requirementLabel(req: Requirement): string {
  const extras = req.extras.length ? `[${req.extras.join(',')}]` : ''
  if (req.url) return `${req.name}${extras} @ ${req.url}`
  return `${req.name}${extras}${req.specifier.toString()}`
}
