/**
 * `grep` reading a live pipe (the shell renames `grep` to this when the stage before it runs
 * concurrently, see transform.ts): it runs just-bash's own grep on each run of complete lines as
 * they arrive, so matches reach the output while the producer runs (`python3 app.py | grep ERROR`),
 * and `grep -q` / `grep -m N` stop reading as soon as they have their answer (the producer then
 * gets EPIPE, as with a kernel pipe).
 *
 * That is exact only where grep's answer for the whole input is the concatenation of its answers
 * for consecutive runs of lines: patterns and matching options, `-o`, `-h/-H`, `-s`, `-q`, `-m`.
 * Counts, line or byte numbers, context lines, `-l/-L`, `-z` and file operands get the whole input
 * and one grep, as before (up to the shell's capture cap).
 */
import type { PipeReader } from '../pipe.js'
import { readAllFrom, tooMuchInput } from '../stage.js'
import { shellQuote } from '../quote.js'
import { concatBytes } from '../../vfs/index.js'
import type { ShellCommandResult } from '../types.js'
import type { BuiltinCommand, BuiltinContext } from './context.js'

/** How grep may run on runs of lines. */
export interface GrepPlan {
  /** `-q`: stop at the first selected line, print nothing. */
  quiet: boolean
  /** `-m N`: stop after N selected lines. */
  maxCount: number
}

/** Short flags that keep grep line-by-line (no argument). */
const LINE_FLAGS = new Set(['i', 'y', 'v', 'w', 'x', 'E', 'F', 'G', 'P', 'o', 's', 'a', 'h', 'H', 'U'])
/** Long flags that keep grep line-by-line (no argument). */
const LINE_LONG = new Set([
  '--ignore-case',
  '--no-ignore-case',
  '--invert-match',
  '--word-regexp',
  '--line-regexp',
  '--extended-regexp',
  '--fixed-strings',
  '--basic-regexp',
  '--perl-regexp',
  '--only-matching',
  '--no-messages',
  '--text',
  '--no-filename',
  '--with-filename',
  '--binary',
  '--line-buffered',
])

/**
 * The plan for grep's arguments on standard input alone, or null when grep must see the whole
 * input at once (or reads files, not its input).
 */
export function planGrep(args: readonly string[]): GrepPlan | null {
  const plan: GrepPlan = { quiet: false, maxCount: Infinity }
  let patternGiven = false
  let only = false
  const operands: string[] = []
  const setMax = (v: string | undefined): boolean => {
    if (v === undefined || !/^\d+$/.test(v)) return false
    plan.maxCount = Number(v)
    return true
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--') {
      operands.push(...args.slice(i + 1))
      break
    }
    if (a === '-' || !a.startsWith('-')) {
      operands.push(a)
      continue
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = eq === -1 ? a : a.slice(0, eq)
      const value = eq === -1 ? undefined : a.slice(eq + 1)
      if (LINE_LONG.has(name) && value === undefined) {
        if (name === '--only-matching') only = true
      } else if (name === '--quiet' || name === '--silent') plan.quiet = true
      else if (name === '--color' || name === '--colour') {
        if (value !== undefined && value !== 'never' && value !== 'auto') return null
      } else if (name === '--regexp' || name === '--file') {
        if ((value ?? args[++i]) === undefined) return null
        patternGiven = true
      } else if (name === '--max-count') {
        if (!setMax(value ?? args[++i])) return null
      } else return null
      continue
    }
    for (let j = 1; j < a.length; j++) {
      const o = a[j] as string
      if (LINE_FLAGS.has(o)) {
        if (o === 'o') only = true
      } else if (o === 'q') plan.quiet = true
      else if (o === 'e' || o === 'f' || o === 'm') {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i]
        if (v === undefined) return null
        if (o === 'm') {
          if (!setMax(v)) return null
        } else patternGiven = true
        break
      } else return null
    }
  }
  // The pattern is the first operand unless -e/-f gave it; any other operand is a file.
  const files = patternGiven ? operands : operands.slice(1)
  if (!patternGiven && operands.length === 0) return null
  if (files.some((f) => f !== '-')) return null
  if (only && plan.maxCount !== Infinity) return null
  return plan
}

const enc = new TextEncoder()

/** Index just past the `n`th newline of `text`, or -1 when it has fewer. */
function afterLine(text: string, n: number): number {
  let at = 0
  for (let k = 0; k < n; k++) {
    const nl = text.indexOf('\n', at)
    if (nl === -1) return -1
    at = nl + 1
  }
  return at
}

function countLines(text: string): number {
  let n = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++
  return n
}

/**
 * Complete lines from `pipe` in runs, as they come (everything already buffered is taken at once,
 * up to 256 KiB); the last run may lack its newline. Ends at end of input or abort.
 */
async function* lineRuns(pipe: PipeReader, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array = new Uint8Array(0)
  for (;;) {
    if (signal?.aborted) return
    const parts: Uint8Array[] = pending.byteLength > 0 ? [pending] : []
    let size = pending.byteLength
    const first = pipe.read(64 * 1024)
    let chunk = first instanceof Promise ? await first : first
    if (chunk.byteLength === 0) {
      if (pending.byteLength > 0) yield pending
      return
    }
    parts.push(chunk)
    size += chunk.byteLength
    // Take what is already there without waiting: fewer, larger runs.
    while (size < 256 * 1024 && pipe.buffered > 0) {
      const more = pipe.read(64 * 1024)
      if (more instanceof Promise || more.byteLength === 0) break
      parts.push(more)
      size += more.byteLength
    }
    chunk = concatBytes(parts)
    const cut = chunk.lastIndexOf(10) + 1
    if (cut === 0) {
      pending = chunk
      continue
    }
    pending = chunk.subarray(cut)
    yield chunk.subarray(0, cut)
  }
}

/** `__daylite_grep ARGS…`: grep over a live pipe. */
export const streamGrep: BuiltinCommand = {
  async run(args: string[], ctx: BuiltinContext): Promise<ShellCommandResult> {
    const command = ['grep', ...args].map(shellQuote).join(' ')
    const plan = planGrep(args)
    const pipe = ctx.stdinPipe
    if (!plan || !pipe) {
      // Counts, numbers, context, files: one grep over the whole input.
      const input = pipe ? await readAllFrom(pipe, ctx.maxCapturedBytes) : ctx.stdinBytes
      if (input === null) return { stdout: '', stderr: `grep: ${tooMuchInput(ctx.maxCapturedBytes)}\n`, exitCode: 2 }
      return ctx.exec(command, { stdinBytes: input, env: ctx.env })
    }
    let out = ''
    let err = ''
    let selected = 0
    let matched = false
    const emit = (text: string): void => {
      if (text === '') return
      if (ctx.stdout) ctx.stdout(enc.encode(text))
      else out += text
    }
    for await (const run of lineRuns(pipe, ctx.signal)) {
      const r = await ctx.exec(command, { stdinBytes: run, env: ctx.env })
      if (r.stderr) err += r.stderr
      if (r.exitCode > 1) return { stdout: out, stderr: err, exitCode: r.exitCode }
      if (r.exitCode !== 0) continue
      matched = true
      if (plan.quiet) break
      if (plan.maxCount !== Infinity) {
        const lines = countLines(r.stdout)
        if (selected + lines >= plan.maxCount) {
          const end = afterLine(r.stdout, plan.maxCount - selected)
          emit(end === -1 ? r.stdout : r.stdout.slice(0, end))
          break
        }
        selected += lines
      }
      emit(r.stdout)
    }
    if (ctx.signal?.aborted) return { stdout: out, stderr: err, exitCode: 130 }
    return { stdout: out, stderr: err, exitCode: matched ? 0 : 1 }
  },
}
