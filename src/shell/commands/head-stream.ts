/**
 * `head` reading a live pipe (the shell renames `head` to this when the stage before it runs
 * concurrently, see transform.ts): it reads only what it prints and returns, so the stage feeding
 * it gets EPIPE on its next write, as with a kernel pipe. `python3 gen.py | head -3` ends when the
 * three lines are there, whatever gen.py does next.
 *
 * GNU head's options for standard input: `-n`/`--lines`, `-c`/`--bytes` (with `-` for all but the
 * last NUM, and the size suffixes), `-NUM`, `-q`, `-v`, `-z`. With file operands, or an option it
 * does not know, it runs just-bash's `head` instead (on the whole input).
 */
import type { PipeReader } from '../pipe.js'
import type { BuiltinCommand, BuiltinContext } from './context.js'
import type { ShellCommandResult } from '../types.js'
import { shellQuote } from '../quote.js'
import { concatBytes } from '../../vfs/index.js'
import { readAllFrom, tooMuchInput } from '../stage.js'

/** What to print. */
interface HeadSpec {
  unit: 'lines' | 'bytes'
  count: number
  /** All but the last `count`. */
  allBut: boolean
  /** Lines end with NUL (`-z`). */
  zero: boolean
  /** Print the `==> standard input <==` header (`-v`). */
  header: boolean
}

const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  b: 512,
  kB: 1000,
  KB: 1000,
  K: 1024,
  KiB: 1024,
  MB: 1000 ** 2,
  M: 1024 ** 2,
  MiB: 1024 ** 2,
  GB: 1000 ** 3,
  G: 1024 ** 3,
  GiB: 1024 ** 3,
}

/** A count with an optional leading `-` and size suffix; null when malformed. */
function parseCount(text: string): { count: number; allBut: boolean } | null {
  const m = /^(-?)(\d+)([A-Za-z]*)$/.exec(text)
  const unit = m ? SUFFIXES[m[3] ?? ''] : undefined
  if (!m || unit === undefined) return null
  return { count: Number(m[2]) * unit, allBut: m[1] === '-' }
}

/** The spec for standard input alone, or null when just-bash's head must handle these arguments. */
export function parseHead(args: readonly string[]): HeadSpec | null {
  const spec: HeadSpec = { unit: 'lines', count: 10, allBut: false, zero: false, header: false }
  const set = (unit: HeadSpec['unit'], text: string | undefined): boolean => {
    const c = text === undefined ? null : parseCount(text)
    if (!c) return false
    spec.unit = unit
    spec.count = c.count
    spec.allBut = c.allBut
    return true
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--') return i + 1 === args.length ? spec : null
    if (a === '-' || !a.startsWith('-')) return null
    if (a.startsWith('--')) {
      const [name, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
      if (name === '--lines' || name === '--bytes') {
        const v = value ?? args[++i]
        if (!set(name === '--lines' ? 'lines' : 'bytes', v)) return null
      } else if (name === '--quiet' || name === '--silent') spec.header = false
      else if (name === '--verbose') spec.header = true
      else if (name === '--zero-terminated') spec.zero = true
      else return null
      continue
    }
    if (/^-\d+$/.test(a)) {
      if (!set('lines', a.slice(1))) return null
      continue
    }
    // Clustered short options: -qv, -n5, -zn 3.
    for (let j = 1; j < a.length; j++) {
      const o = a[j]
      if (o === 'q') spec.header = false
      else if (o === 'v') spec.header = true
      else if (o === 'z') spec.zero = true
      else if (o === 'n' || o === 'c') {
        const rest = a.slice(j + 1)
        const v = rest !== '' ? rest : args[++i]
        if (!set(o === 'n' ? 'lines' : 'bytes', v)) return null
        break
      } else return null
    }
  }
  return spec
}

/** Reads `pipe` until `enough(total)` says stop or it ends; chunks in order. */
async function readUntil(pipe: PipeReader, signal: AbortSignal | undefined, enough: (chunk: Uint8Array) => boolean): Promise<void> {
  for (;;) {
    if (signal?.aborted) return
    const r = pipe.read(64 * 1024)
    const chunk = r instanceof Promise ? await abortable(r, signal) : r
    if (!chunk || chunk.byteLength === 0) return
    if (enough(chunk)) return
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return p
  return new Promise((resolve, reject) => {
    const stop = (): void => resolve(undefined)
    signal.addEventListener('abort', stop, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
  })
}

/** The first `count` units of `pipe`'s bytes, reading no further than that. */
async function first(pipe: PipeReader, spec: HeadSpec, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const kept: Uint8Array[] = []
  let left = spec.count
  if (left === 0) return new Uint8Array(0)
  const delim = spec.zero ? 0 : 10
  await readUntil(pipe, signal, (chunk) => {
    if (spec.unit === 'bytes') {
      const part = chunk.subarray(0, left)
      kept.push(part)
      left -= part.byteLength
      return left === 0
    }
    for (let i = 0; i < chunk.byteLength; i++) {
      if (chunk[i] === delim && --left === 0) {
        kept.push(chunk.subarray(0, i + 1))
        return true
      }
    }
    kept.push(chunk)
    return false
  })
  return concatBytes(kept)
}

/** All but the last `count` units of `all`. */
function allBut(all: Uint8Array, spec: HeadSpec): Uint8Array {
  if (spec.unit === 'bytes') return all.subarray(0, Math.max(0, all.byteLength - spec.count))
  const delim = spec.zero ? 0 : 10
  // Walk back over `count` lines; a last line without its delimiter counts as a line.
  let drop = spec.count
  if (drop === 0) return all
  let i = all.byteLength - 1
  if (i >= 0 && all[i] === delim) i--
  for (; i >= 0; i--) {
    if (all[i] === delim && --drop === 0) return all.subarray(0, i + 1)
  }
  return all.subarray(0, 0)
}

const dec = new TextDecoder()
const enc = new TextEncoder()

/** `__daylite_head ARGS…`: head over a live pipe. */
export const streamHead: BuiltinCommand = {
  async run(args: string[], ctx: BuiltinContext): Promise<ShellCommandResult> {
    const spec = parseHead(args)
    const pipe = ctx.stdinPipe
    const whole = spec?.allBut || !spec ? (pipe ? await readAllFrom(pipe, ctx.maxCapturedBytes) : ctx.stdinBytes) : undefined
    if (whole === null) return { stdout: '', stderr: `head: ${tooMuchInput(ctx.maxCapturedBytes)}\n`, exitCode: 1 }
    // File operands or options of its own: just-bash's head, on the whole input.
    if (!spec || !pipe) return ctx.exec(['head', ...args].map(shellQuote).join(' '), { stdinBytes: whole ?? ctx.stdinBytes })
    const bytes = whole ? allBut(whole, spec) : await first(pipe, spec, ctx.signal)
    const header = spec.header ? '==> standard input <==\n' : ''
    const exitCode = ctx.signal?.aborted ? 130 : 0
    if (ctx.stdout) {
      // Straight to the exec's output, before the stage feeding it learns that head is gone.
      ctx.stdout(concatBytes([enc.encode(header), bytes]))
      return { stdout: '', stderr: '', exitCode }
    }
    return { stdout: header + dec.decode(bytes), stderr: '', exitCode }
  },
}
