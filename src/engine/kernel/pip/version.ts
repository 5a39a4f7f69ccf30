/**
 * PEP 440 versions and version specifiers: parsing with the spec's normalisations, the total
 * ordering (epochs, pre-, post- and dev-releases, local versions) and the specifier operators
 * (`==`, `!=`, `<=`, `>=`, `<`, `>`, `~=`, `===`, `.*` prefix matches), with pre-releases
 * excluded unless asked for or the only match, as `packaging` does.
 */
import { PipError, PipErrorCode } from './errors.js'

const VERSION_RE =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i

type PreKind = 'a' | 'b' | 'rc'

const PRE_NAMES: Record<string, PreKind> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', preview: 'rc', pre: 'rc', c: 'rc', rc: 'rc' }
const PRE_ORDER: Record<PreKind, number> = { a: 0, b: 1, rc: 2 }

/**
 * A PEP 440 version.
 *
 * @example
 * ```ts
 * Version.parse('1.0rc1')!.compare(Version.parse('1.0')!) // -1
 * ```
 */
export class Version {
  readonly epoch: number
  readonly release: readonly number[]
  readonly pre: readonly [PreKind, number] | undefined
  readonly post: number | undefined
  readonly dev: number | undefined
  readonly local: readonly (string | number)[] | undefined

  private constructor(epoch: number, release: number[], pre: [PreKind, number] | undefined, post: number | undefined, dev: number | undefined, local: (string | number)[] | undefined) {
    this.epoch = epoch
    this.release = release
    this.pre = pre
    this.post = post
    this.dev = dev
    this.local = local
  }

  /** Parses `text`, or returns `undefined` when it is not a PEP 440 version. */
  static parse(text: string): Version | undefined {
    const m = VERSION_RE.exec(text.trim())
    if (!m) return undefined
    const num = (s: string | undefined): number => Number.parseInt(s ?? '0', 10)
    const release = (m[2] ?? '0').split('.').map((p) => num(p))
    const preName = m[3]?.toLowerCase()
    const pre: [PreKind, number] | undefined = preName ? [PRE_NAMES[preName] ?? 'rc', num(m[4])] : undefined
    const post = m[5] !== undefined ? num(m[5]) : m[6] !== undefined ? num(m[7]) : undefined
    const dev = m[8] !== undefined ? num(m[9]) : undefined
    const local = m[10]?.toLowerCase().split(/[-_.]/).map((p) => (/^\d+$/.test(p) ? num(p) : p))
    return new Version(num(m[1]), release, pre, post, dev, local)
  }

  /** Parses `text` or throws an {@link PipErrorCode.INVALID_REQUIREMENT} error. */
  static strict(text: string): Version {
    const v = Version.parse(text)
    if (!v) throw new PipError(PipErrorCode.INVALID_REQUIREMENT, `Invalid version: '${text}'`)
    return v
  }

  /** A pre-release or a development release. */
  get isPrerelease(): boolean {
    return this.pre !== undefined || this.dev !== undefined
  }

  /** A post-release. */
  get isPostrelease(): boolean {
    return this.post !== undefined
  }

  /** The version without its local part. */
  get public(): string {
    return this.toString().split('+')[0] ?? ''
  }

  /** Epoch and release only (`1!2.0` of `1!2.0rc1.post3`). */
  get baseVersion(): string {
    return `${this.epoch ? `${this.epoch}!` : ''}${this.release.join('.')}`
  }

  /** The normalised form. */
  toString(): string {
    let s = this.baseVersion
    if (this.pre) s += `${this.pre[0]}${this.pre[1]}`
    if (this.post !== undefined) s += `.post${this.post}`
    if (this.dev !== undefined) s += `.dev${this.dev}`
    if (this.local) s += `+${this.local.join('.')}`
    return s
  }

  /** The same version without its local part. */
  withoutLocal(): Version {
    return this.local ? new Version(this.epoch, [...this.release], this.pre ? [this.pre[0], this.pre[1]] : undefined, this.post, this.dev, undefined) : this
  }

  /** -1, 0 or 1 as `this` sorts before, equal to or after `other`. */
  compare(other: Version): number {
    const c = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0)
    let r = c(this.epoch, other.epoch)
    if (r) return r
    const ra = trimZeros(this.release)
    const rb = trimZeros(other.release)
    for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
      r = c(ra[i] ?? -1, rb[i] ?? -1)
      if (r) return r
    }
    r = c(preKey(this), preKey(other))
    if (r) return r
    if (this.pre && other.pre) {
      r = c(this.pre[1], other.pre[1])
      if (r) return r
    }
    r = c(this.post ?? -Infinity, other.post ?? -Infinity)
    if (r) return r
    r = c(this.dev ?? Infinity, other.dev ?? Infinity)
    if (r) return r
    return compareLocal(this.local, other.local)
  }
}

function sameBase(a: Version, b: Version): boolean {
  const ra = trimZeros(a.release)
  const rb = trimZeros(b.release)
  return a.epoch === b.epoch && ra.length === rb.length && ra.every((n, i) => n === rb[i])
}

function trimZeros(release: readonly number[]): number[] {
  let n = release.length
  while (n > 1 && release[n - 1] === 0) n--
  return release.slice(0, n)
}

/** Sort rank of the pre-release part: a dev-only release sorts before every pre-release of the same version. */
function preKey(v: Version): number {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return -Infinity
  if (!v.pre) return Infinity
  return PRE_ORDER[v.pre[0]]
}

function compareLocal(a: readonly (string | number)[] | undefined, b: readonly (string | number)[] | undefined): number {
  if (!a && !b) return 0
  if (!a) return -1
  if (!b) return 1
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1
    } else if (typeof x === 'number') return 1
    else if (typeof y === 'number') return -1
    else if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/** The specifier operators. */
export type SpecifierOp = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '==='

const SPEC_RE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$/

/** `packaging`'s version split for prefix matching: epoch, release parts, suffix parts. */
function versionSplit(version: string): string[] {
  const bang = version.lastIndexOf('!')
  const out = [bang >= 0 ? version.slice(0, bang) : '0']
  for (const item of version.slice(bang + 1).split('.')) {
    const m = /^(\d+)((?:a|b|c|rc)\d+)$/.exec(item)
    if (m) out.push(m[1] ?? '', m[2] ?? '')
    else out.push(item)
  }
  return out
}

function padRelease(left: string[], right: string[]): string[] {
  const leftRel = [left[0] ?? '0']
  let i = 1
  while (i < left.length && /^\d+$/.test(left[i] ?? '')) leftRel.push(left[i++] ?? '')
  const leftRest = left.slice(i)
  let rightLen = 1
  while (rightLen < right.length && /^\d+$/.test(right[rightLen] ?? '')) rightLen++
  while (leftRel.length < rightLen) leftRel.push('0')
  return [...leftRel, ...leftRest]
}

/**
 * One clause of a specifier set (`>=1.0`).
 *
 * @example
 * ```ts
 * Specifier.parse('~=1.4.2').contains(Version.parse('1.4.9')!) // true
 * ```
 */
export class Specifier {
  readonly op: SpecifierOp
  /** The version text as written (may end in `.*` for `==`/`!=`). */
  readonly version: string
  readonly #parsed: Version | undefined
  readonly #prefix: boolean

  private constructor(op: SpecifierOp, version: string) {
    this.op = op
    this.version = version
    this.#prefix = version.endsWith('.*')
    if (op === '===') this.#parsed = undefined
    else {
      if (this.#prefix && op !== '==' && op !== '!=') throw invalidSpec(`${op}${version}`, "'.*' is only allowed with == and !=")
      const v = Version.parse(this.#prefix ? version.slice(0, -2) : version)
      if (!v) throw invalidSpec(`${op}${version}`, 'not a PEP 440 version')
      if (this.#prefix && v.local) throw invalidSpec(`${op}${version}`, 'a prefix match cannot have a local version')
      if ((op === '~=' || op === '<' || op === '>' || op === '<=' || op === '>=') && v.local) throw invalidSpec(`${op}${version}`, `${op} cannot have a local version`)
      if (op === '~=' && v.release.length < 2) throw invalidSpec(`${op}${version}`, '~= needs at least two release segments')
      this.#parsed = v
    }
  }

  /** Parses one clause; throws {@link PipErrorCode.INVALID_REQUIREMENT} when it is not valid. */
  static parse(text: string): Specifier {
    const m = SPEC_RE.exec(text)
    if (!m) throw invalidSpec(text, 'expected an operator and a version')
    return new Specifier(m[1] as SpecifierOp, m[2] ?? '')
  }

  /** Whether the clause names a pre-release (so it admits pre-releases). */
  get prereleases(): boolean {
    return this.op !== '!=' && this.#parsed !== undefined && this.#parsed.isPrerelease
  }

  /** The clause as text. */
  toString(): string {
    return `${this.op}${this.version}`
  }

  /** Whether `v` satisfies this clause (pre-release filtering is the set's job). */
  contains(v: Version): boolean {
    const spec = this.#parsed
    switch (this.op) {
      case '===':
        return v.toString().toLowerCase() === this.version.toLowerCase()
      case '==':
        return this.#equal(v)
      case '!=':
        return !this.#equal(v)
      case '~=': {
        if (!spec) return false
        const parts = versionSplit(spec.toString())
        const end = parts.findIndex((p) => /^(dev|a|b|c|rc|post)/.test(p))
        const prefix = (end < 0 ? parts : parts.slice(0, end)).slice(0, -1)
        return v.withoutLocal().compare(spec) >= 0 && this.#prefixMatch(v, prefix)
      }
      case '<=':
        return !!spec && v.withoutLocal().compare(spec) <= 0
      case '>=':
        return !!spec && v.withoutLocal().compare(spec) >= 0
      case '<': {
        if (!spec || v.compare(spec) >= 0) return false
        return !(!spec.isPrerelease && v.isPrerelease && sameBase(v, spec))
      }
      case '>': {
        if (!spec || v.compare(spec) <= 0) return false
        const same = sameBase(v, spec)
        if (!spec.isPostrelease && v.isPostrelease && same) return false
        return !(v.local && same)
      }
    }
  }

  #equal(v: Version): boolean {
    const spec = this.#parsed
    if (!spec) return false
    if (this.#prefix) return this.#prefixMatch(v, versionSplit(spec.toString()))
    if (spec.local) return v.compare(spec) === 0
    return v.withoutLocal().compare(spec) === 0
  }

  #prefixMatch(v: Version, prefix: string[]): boolean {
    const prospective = padRelease(versionSplit(v.public), prefix).slice(0, prefix.length)
    return prospective.length === prefix.length && prospective.every((p, i) => p === prefix[i])
  }
}

function invalidSpec(text: string, why: string): PipError {
  return new PipError(PipErrorCode.INVALID_REQUIREMENT, `Invalid version specifier '${text}': ${why}`)
}

/**
 * A comma-separated list of clauses, all of which must hold.
 *
 * @example
 * ```ts
 * SpecifierSet.parse('>=1.0,!=1.3.*,<2').filter(['1.0', '1.3.1', '2.0b1', '1.9']) // ['1.0', '1.9']
 * ```
 */
export class SpecifierSet {
  readonly specs: readonly Specifier[]

  constructor(specs: readonly Specifier[] = []) {
    this.specs = specs
  }

  /** Parses `>=1,<2` (empty text: no constraint). */
  static parse(text: string): SpecifierSet {
    const t = text.trim()
    if (!t) return new SpecifierSet()
    return new SpecifierSet(t.split(',').map((p) => Specifier.parse(p)))
  }

  /** Both sets' clauses. */
  and(other: SpecifierSet): SpecifierSet {
    return new SpecifierSet([...this.specs, ...other.specs])
  }

  /** Whether any clause names a pre-release. */
  get prereleases(): boolean {
    return this.specs.some((s) => s.prereleases)
  }

  /** Whether the set has no clause. */
  get empty(): boolean {
    return this.specs.length === 0
  }

  /** The set as text (`>=1,<2`). */
  toString(): string {
    return this.specs.map((s) => s.toString()).join(',')
  }

  /**
   * Whether `v` satisfies every clause.
   *
   * @param prereleases - admit pre-releases (default: only when a clause names one)
   */
  contains(v: Version, prereleases?: boolean): boolean {
    if (v.isPrerelease && !(prereleases ?? this.prereleases)) return false
    return this.specs.every((s) => s.contains(v))
  }

  /**
   * The versions that satisfy the set. Pre-releases are left out unless `prereleases` (or a
   * clause names one), or unless they are the only versions that satisfy it.
   */
  filter<T extends { version: Version }>(items: readonly T[], prereleases?: boolean): T[] {
    const allow = prereleases ?? this.prereleases
    const finals: T[] = []
    const pres: T[] = []
    for (const item of items) {
      if (!this.specs.every((s) => s.contains(item.version))) continue
      if (item.version.isPrerelease && !allow) pres.push(item)
      else finals.push(item)
    }
    return finals.length === 0 && prereleases === undefined ? pres : finals
  }
}
