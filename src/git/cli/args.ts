/**
 * Option parsing for the `git` command: each subcommand declares its options; anything else
 * fails with a message that names the option (git's `error: unknown option`).
 */
import { GitError, GitErrorCode } from '../errors.js'

/** How an option takes its value. */
export type OptKind = 'flag' | 'value' | 'optional' | 'list' | 'negatable'

/** One option: its names (`-m`, `--message`) and how it takes a value. */
export interface OptSpec {
  key: string
  kind: OptKind
  names: string[]
}

/** Declares an option. */
export function opt(key: string, kind: OptKind, ...names: string[]): OptSpec {
  return { key, kind, names }
}

/** Parsed arguments. */
export interface Parsed {
  /** Option values by key: true for flags, strings for values, string[] for lists. */
  opts: Record<string, string | boolean | string[] | undefined>
  /** Positional arguments before `--`. */
  args: string[]
  /** Arguments after `--`. */
  paths: string[]
  /** `--` was given. */
  dashdash: boolean
}

/** A usage error (exit 129), naming what was wrong. */
export function usage(message: string): GitError {
  return new GitError(GitErrorCode.INVALID_ARGUMENT, message, { usage: true })
}

/**
 * Parses `args` against `specs`. Numeric short options (`-3` for `-n 3`) are accepted when a
 * `number` option exists.
 * @throws GitError INVALID_ARGUMENT (usage) naming an unknown option or a missing value
 */
export function parseArgs(command: string, args: string[], specs: OptSpec[], options: { stopAtFirstPositional?: boolean } = {}): Parsed {
  const parsed: Parsed = { opts: {}, args: [], paths: [], dashdash: false }
  const long = new Map<string, OptSpec>()
  const short = new Map<string, OptSpec>()
  for (const s of specs) {
    for (const n of s.names) {
      if (n.startsWith('--')) long.set(n.slice(2), s)
      else short.set(n.slice(1), s)
    }
  }
  const set = (spec: OptSpec, value: string | boolean): void => {
    if (spec.kind === 'list') {
      const list = (parsed.opts[spec.key] as string[] | undefined) ?? []
      list.push(String(value))
      parsed.opts[spec.key] = list
    } else parsed.opts[spec.key] = value
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--') {
      parsed.dashdash = true
      parsed.paths.push(...args.slice(i + 1))
      break
    }
    if (options.stopAtFirstPositional && parsed.args.length > 0) {
      parsed.args.push(a)
      continue
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=')
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2)
      let spec = long.get(name)
      let negated = false
      if (!spec && name.startsWith('no-')) {
        const base = long.get(name.slice(3))
        if (base && (base.kind === 'negatable' || base.kind === 'flag')) {
          spec = base
          negated = true
        }
      }
      if (!spec) throw usage(`unknown option \`${name}' (not supported by daylite's git ${command})`)
      if (spec.kind === 'flag' || spec.kind === 'negatable') {
        if (eq >= 0) throw usage(`option \`${name}' takes no value`)
        parsed.opts[spec.key] = !negated
      } else if (spec.kind === 'optional') {
        set(spec, eq >= 0 ? a.slice(eq + 1) : true)
      } else {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i]
        if (value === undefined) throw usage(`option \`${name}' requires a value`)
        set(spec, value)
      }
      continue
    }
    if (a.startsWith('-') && a.length > 1 && a !== '-') {
      if (/^-\d+$/.test(a) && short.has('n')) {
        parsed.opts[(short.get('n') as OptSpec).key] = a.slice(1)
        continue
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string
        const spec = short.get(c)
        if (!spec) throw usage(`unknown switch \`${c}' (not supported by daylite's git ${command})`)
        if (spec.kind === 'flag' || spec.kind === 'negatable') {
          parsed.opts[spec.key] = true
          continue
        }
        const rest = a.slice(j + 1)
        if (spec.kind === 'optional') {
          set(spec, rest || true)
          break
        }
        const value = rest !== '' ? rest : args[++i]
        if (value === undefined) throw usage(`switch \`${c}' requires a value`)
        set(spec, value)
        break
      }
      continue
    }
    parsed.args.push(a)
  }
  return parsed
}

/** A string option's value. */
export function str(p: Parsed, key: string): string | undefined {
  const v = p.opts[key]
  return typeof v === 'string' ? v : Array.isArray(v) ? v[v.length - 1] : undefined
}

/** A flag's value. */
export function flag(p: Parsed, key: string): boolean {
  return p.opts[key] === true
}

/** A list option's values. */
export function list(p: Parsed, key: string): string[] {
  const v = p.opts[key]
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
}
