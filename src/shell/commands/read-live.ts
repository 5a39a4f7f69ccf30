/**
 * `read` for a command whose stdin is live (input sent while it runs, Daytona's
 * `sendSessionCommandInput`): the shell renames a `read` that reads the command's own stdin to
 * this (see transform.ts). Like bash reading a pipe, it takes one byte at a time, so what follows
 * the line stays for the next reader (another `read`, or a program). Options: `-r`, `-d DELIM`,
 * `-n N`, `-N N`, `-t SECONDS`, `-a ARRAY`, and `-p PROMPT`/`-s`, which do nothing when the input is
 * not a terminal (as in bash). Words are split on `IFS`; the last name gets the rest of the line.
 */
import type { PipeReader } from '../pipe.js'
import type { ShellCommandResult } from '../types.js'
import type { BuiltinCommand, BuiltinContext } from './context.js'

/** What `read`'s options ask for; null when they are not understood. */
export interface ReadSpec {
  raw: boolean
  delim: number
  /** Stop after this many bytes (`-n`: also at the delimiter; `-N`: only then). */
  count: number
  exact: boolean
  timeoutMs: number
  array: string | undefined
  names: string[]
}

/** Parses `read`'s arguments. */
export function parseRead(args: readonly string[]): ReadSpec | string {
  const spec: ReadSpec = { raw: false, delim: 10, count: Infinity, exact: false, timeoutMs: Infinity, array: undefined, names: [] }
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--') {
      i++
      break
    }
    if (!a.startsWith('-') || a === '-') break
    for (let j = 1; j < a.length; j++) {
      const o = a[j] as string
      if (o === 'r') spec.raw = true
      else if (o === 's' || o === 'e') continue
      else if ('pdntNai'.includes(o)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i]
        if (v === undefined) return `read: -${o}: option requires an argument`
        if (o === 'd') spec.delim = v === '' ? 0 : v.charCodeAt(0) & 0xff
        else if (o === 'n' || o === 'N') {
          if (!/^\d+$/.test(v)) return `read: ${v}: invalid number`
          spec.count = Number(v)
          spec.exact = o === 'N'
        } else if (o === 't') {
          if (!/^\d+(\.\d+)?$/.test(v)) return `read: ${v}: invalid timeout specification`
          spec.timeoutMs = Number(v) * 1000
        } else if (o === 'a') spec.array = v
        else if (o === 'i') return 'read: -i: not supported here'
        break
      } else return `read: -${o}: invalid option`
    }
  }
  spec.names = args.slice(i)
  for (const n of [...spec.names, ...(spec.array ? [spec.array] : [])]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) return `read: \`${n}': not a valid identifier`
  }
  return spec
}

const TIMED_OUT = Symbol('timeout')

/**
 * One byte of `pipe`, waiting for it without taking anything else (the rest stays for the next
 * reader); null at end of input, TIMED_OUT past `deadline` or on abort.
 */
async function byte(pipe: PipeReader, deadline: number, signal: AbortSignal | undefined): Promise<number | null | typeof TIMED_OUT> {
  if (pipe.buffered === 0) {
    let timer: ReturnType<typeof setTimeout> | undefined
    let stop = (): void => {}
    const gaveUp = new Promise<typeof TIMED_OUT>((resolve) => {
      stop = () => resolve(TIMED_OUT)
      if (deadline !== Infinity) timer = setTimeout(stop, Math.max(0, deadline - Date.now()))
      signal?.addEventListener('abort', stop, { once: true })
    })
    const first = await Promise.race([pipe.readable(), gaveUp])
    clearTimeout(timer)
    signal?.removeEventListener('abort', stop)
    if (first === TIMED_OUT) return TIMED_OUT
  }
  const r = pipe.read(1)
  const b = r instanceof Promise ? await r : r
  return b.byteLength === 0 ? null : (b[0] as number)
}

/** Splits `line` into `names.length` fields on IFS (the last field keeps the rest), as bash's read. */
export function splitFields(line: string, ifs: string, count: number): string[] {
  const white = [...ifs].filter((c) => c === ' ' || c === '\t' || c === '\n').join('')
  const isWhite = (c: string): boolean => white.includes(c)
  const isIfs = (c: string): boolean => ifs.includes(c)
  let s = line
  // Leading and trailing IFS whitespace is not part of any field.
  let a = 0
  while (a < s.length && isWhite(s[a] as string)) a++
  let b = s.length
  while (b > a && isWhite(s[b - 1] as string)) b--
  s = s.slice(a, b)
  const out: string[] = []
  let at = 0
  while (out.length < count - 1 && at < s.length) {
    let end = at
    while (end < s.length && !isIfs(s[end] as string)) end++
    out.push(s.slice(at, end))
    // One IFS character (plus the IFS whitespace around it) ends the field.
    at = end
    while (at < s.length && isWhite(s[at] as string)) at++
    if (at < s.length && isIfs(s[at] as string) && !isWhite(s[at] as string)) {
      at++
      while (at < s.length && isWhite(s[at] as string)) at++
    }
  }
  if (at <= s.length && (out.length < count || count === 0)) out.push(s.slice(at))
  while (out.length < count) out.push('')
  return out
}

/** `__daylite_read ARGS…`: read from a live stdin. */
export const readLive: BuiltinCommand = {
  async run(args: string[], ctx: BuiltinContext): Promise<ShellCommandResult> {
    const spec = parseRead(args)
    if (typeof spec === 'string') return { stdout: '', stderr: `bash: ${spec}\n`, exitCode: spec.includes('usage') ? 2 : 1 }
    const pipe = ctx.stdinPipe
    const assign = ctx.assign
    if (!pipe || !assign) return { stdout: '', stderr: 'bash: read: no input\n', exitCode: 1 }
    const deadline = spec.timeoutMs === Infinity ? Infinity : Date.now() + spec.timeoutMs
    const bytes: number[] = []
    let status = 0
    let escaped = false
    while (bytes.length < spec.count) {
      const b = await byte(pipe, deadline, ctx.signal)
      if (b === TIMED_OUT) {
        status = 142
        break
      }
      if (b === null) {
        status = 1
        break
      }
      if (!spec.raw && escaped) {
        escaped = false
        if (b === 10) continue // a backslash-newline joins the lines
        bytes.push(b)
        continue
      }
      if (!spec.raw && b === 92) {
        escaped = true
        continue
      }
      if (b === spec.delim && !spec.exact) break
      bytes.push(b)
    }
    const line = new TextDecoder().decode(new Uint8Array(bytes))
    if (status === 142 && bytes.length === 0) return { stdout: '', stderr: '', exitCode: status }
    const ifs = ctx.shellVar?.('IFS') ?? ' \t\n'
    if (spec.array !== undefined) {
      const words = line === '' ? [] : splitFields(line, ifs, Number.MAX_SAFE_INTEGER).filter((w, i, all) => w !== '' || i < all.length - 1)
      await assign(spec.array, '')
      for (const [i, w] of words.entries()) await assign(spec.array, w, String(i))
    } else if (spec.names.length === 0) {
      await assign('REPLY', line)
    } else {
      const fields = splitFields(line, ifs, spec.names.length)
      for (const [i, name] of spec.names.entries()) await assign(name, fields[i] ?? '')
    }
    return { stdout: '', stderr: '', exitCode: status }
  },
}
