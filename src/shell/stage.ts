/**
 * Running a command as a stage of a concurrent pipeline (transform.ts, point 4): the producer
 * side (a live pipe to the next stage, detaching) and the consumer side (reading a live pipe,
 * then waiting for every stage before it, like bash waits for a whole pipeline).
 *
 * just-bash still runs the stages one after another: a producer that detaches returns to it at
 * once with no output and status 0, and the last linked stage returns the pipeline's real outcome:
 * the stderr the detached stages kept for the pipeline, its own status or, under `pipefail`, the
 * rightmost failure, and the PIPESTATUS of the whole pipeline when every stage was linked.
 */
import { concatBytes } from '../vfs/index.js'
import { Pipe, PIPE_CAPACITY, type PipeReader } from './pipe.js'
import { EXEC_STDIN, PIPE_IN_ARG, PIPE_OUT_ARG, STREAM_ARG } from './transform.js'
import type { ShellCommandContext, ShellCommandResult } from './types.js'


/** The markers the transform put before a command's arguments. */
export interface StageMarks {
  /** {@link STREAM_ARG}'s two flags: stdout, stderr reach the exec's output unchanged. */
  stream?: { out: boolean; err: boolean }
  /** This stage reads live pipe `id`; `whole`: it is the last stage and all before it are linked. */
  pipeIn?: { id: string; whole: boolean }
  /** This stage writes live pipe `id`; `mode`: where its stderr goes (see PIPE_OUT_ARG). */
  pipeOut?: { id: string; mode: 'p' | 'n' | 'd' }
}

/** Splits the leading markers off a command's arguments (a shell word cannot hold NUL, so no user argument is one). */
export function takeMarks(args: string[]): { args: string[]; marks: StageMarks } {
  const marks: StageMarks = {}
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i] as string
    if (!a.startsWith('\0')) break
    if (a.startsWith(STREAM_ARG)) marks.stream = { out: a[STREAM_ARG.length] === '1', err: a[STREAM_ARG.length + 1] === '1' }
    else if (a.startsWith(PIPE_IN_ARG)) {
      const [id = '', whole] = a.slice(PIPE_IN_ARG.length).split(':')
      marks.pipeIn = { id, whole: whole === '1' }
    } else if (a.startsWith(PIPE_OUT_ARG)) {
      const [id = '', mode] = a.slice(PIPE_OUT_ARG.length).split(':')
      marks.pipeOut = { id, mode: mode === 'p' || mode === 'n' ? mode : 'd' }
    }
  }
  return { args: i === 0 ? args : args.slice(i), marks }
}

/** What a pipe carries to the stage after the one that fed it, beyond bytes. */
interface PipeEnd {
  /** Exit statuses of the linked stages so far, in pipeline order. */
  statuses: number[]
  /** stderr the detached stages kept for the pipeline's own stderr. */
  stderr: string
}

/** A pipe with the end-of-stages record of the detached stages writing it. */
class StagePipeImpl extends Pipe {
  readonly ended: Promise<PipeEnd>
  #end!: (end: PipeEnd) => void
  constructor() {
    super()
    this.ended = new Promise((resolve) => (this.#end = resolve))
  }
  end(e: PipeEnd): void {
    this.#end(e)
  }
}

/**
 * The live pipes of one exec, by the id the transform gave them: a producer puts its pipe, the next
 * stage takes it. One whose consumer never ran (an error before it) is closed at the end of the exec.
 */
export class PipeTable {
  readonly #pipes = new Map<string, StagePipeImpl>()

  /** @param execStdin - the exec's live stdin, if it has one (read by the programs marked {@link EXEC_STDIN}) */
  constructor(readonly execStdin?: PipeReader) {}

  /** Live pipes not taken yet. */
  get size(): number {
    return this.#pipes.size
  }

  put(id: string, pipe: StagePipeImpl): void {
    this.#pipes.get(id)?.closeRead()
    this.#pipes.set(id, pipe)
  }

  take(id: string): StagePipeImpl | undefined {
    const p = this.#pipes.get(id)
    this.#pipes.delete(id)
    return p
  }

  /** Closes the read end of every pipe left (their writers get EPIPE) and waits for their stages. */
  async closeAll(): Promise<void> {
    const left = [...this.#pipes.values()]
    this.#pipes.clear()
    for (const p of left) p.closeRead()
    await Promise.all(left.map((p) => p.ended))
  }
}

const dec = new TextDecoder()
const enc = new TextEncoder()

/** What {@link runStage} returns to just-bash. */
export interface StageResult extends ShellCommandResult {
  /** The whole pipeline's PIPESTATUS (the last stage of a fully linked pipeline). */
  pipeStatus?: number[]
}

/** How {@link runStage} runs the command and learns the shell's state. */
export interface StageHost {
  /** The command's name (for messages). */
  name: string
  /** Runs the command with the stage's context. */
  run(ctx: ShellCommandContext): Promise<ShellCommandResult>
  /** The command reads live pipes and can detach ({@link ShellCommand.pipes}). */
  pipes: boolean
  /** The exec's live pipes. */
  table: PipeTable
  /** `set -o pipefail` is on. */
  pipefail(): boolean
  /** Turns an exception of the command into a result (as the shell does for any command). */
  failed(error: unknown): ShellCommandResult
  /**
   * The exec's signal. A linked stage uses it instead of the one just-bash gives the command,
   * which just-bash aborts when the command returns to it (a detached stage returns at once).
   */
  signal: AbortSignal
}

/**
 * Runs one linked pipeline stage. `context` already has the exec's stdout/stderr writers when
 * the stream marker said so.
 */
export async function runStage(host: StageHost, context: ShellCommandContext, marks: StageMarks): Promise<StageResult> {
  // The exec's own live stdin is shared by every program that reads it, one after another: it is
  // neither taken nor closed here, and nothing before it has a status.
  const execStdin = marks.pipeIn?.id === EXEC_STDIN ? host.table.execStdin : undefined
  const upstream = marks.pipeIn && marks.pipeIn.id !== EXEC_STDIN ? host.table.take(marks.pipeIn.id) : undefined
  let whole: Uint8Array | null = new Uint8Array(0)
  if (upstream && !host.pipes) {
    // A command that cannot read a live pipe gets the whole input, as just-bash would give it.
    whole = await readAllFrom(upstream, context.maxCapturedBytes)
    if (whole === null) {
      upstream.closeRead()
      const before = await upstream.ended
      return { stdout: '', stderr: `${before.stderr}${host.name}: ${tooMuchInput(context.maxCapturedBytes)}\n`, exitCode: 1 }
    }
  }
  const ctx = upstream || execStdin ? withStdin(context, whole) : (Object.create(context) as ShellCommandContext)
  ctx.signal = host.signal
  if (upstream && host.pipes) {
    ctx.stdinPipe = upstream
    ctx.stdinFromStage = true
  } else if (execStdin && host.pipes) ctx.stdinPipe = execStdin

  const outMarks = host.pipes ? marks.pipeOut : undefined
  const out = outMarks ? new StagePipeImpl() : undefined
  /** stderr kept for the pipeline (mode `d` without a stream to the exec's output). */
  const kept: Uint8Array[] = []
  let detached = false
  let onDetach = (): void => {}
  const detaching = new Promise<void>((resolve) => (onDetach = resolve))
  if (out && outMarks) {
    const mode = outMarks.mode
    ctx.stdoutPipe = {
      write: (b) => out.write(b),
      stderrToo: mode === 'p',
      detach: () => {
        detached = true
        onDetach()
      },
    }
    if (mode === 'n') ctx.stderr = () => {}
    else if (mode === 'd' && !ctx.stderr) ctx.stderr = (b) => void kept.push(b.slice())
  }

  const finished = (async (): Promise<{ r: ShellCommandResult; end: PipeEnd }> => {
    let r: ShellCommandResult
    try {
      r = await host.run(ctx)
    } catch (error) {
      r = host.failed(error)
    } finally {
      // This stage reads no more: the stage feeding it gets EPIPE on its next write.
      upstream?.closeRead()
    }
    const before = upstream ? await upstream.ended : { statuses: [], stderr: '' }
    return { r, end: { statuses: [...before.statuses, r.exitCode], stderr: before.stderr } }
  })()

  if (out && outMarks) {
    await Promise.race([finished, detaching])
    if (detached) {
      host.table.put(outMarks.id, out)
      void finished.then(({ r, end }) => {
        // Anything the command still returned goes where its streams went.
        const rest = r.stdoutBytes ?? enc.encode(r.stdout)
        if (rest.byteLength > 0) void out.write(rest)
        if (r.stderr) {
          const bytes = enc.encode(r.stderr)
          if (outMarks.mode === 'p') void out.write(bytes)
          else ctx.stderr?.(bytes)
        }
        out.closeWrite()
        out.end({ statuses: end.statuses, stderr: end.stderr + decodeAll(kept) })
      })
      return { stdout: '', stderr: '', exitCode: 0 }
    }
    // It ran to its end without detaching: its output is in its result, as for any command.
    host.table.take(outMarks.id)?.closeRead()
  }

  const { r, end } = await finished
  const own = decodeAll(kept)
  if (!upstream) return { ...r, stderr: own + r.stderr }
  const exitCode = host.pipefail() ? ([...end.statuses].reverse().find((s) => s !== 0) ?? 0) : r.exitCode
  return {
    ...r,
    stderr: end.stderr + own + r.stderr,
    exitCode,
    ...(marks.pipeIn?.whole ? { pipeStatus: end.statuses } : {}),
  }
}

/** A context like `ctx` (its prototype) whose stdin is `bytes` and no live pipe. */
export function withStdin(ctx: ShellCommandContext, bytes: Uint8Array): ShellCommandContext {
  const next = Object.create(ctx) as ShellCommandContext
  Object.defineProperty(next, 'stdinBytes', { value: bytes, enumerable: true })
  Object.defineProperty(next, 'stdin', { get: () => dec.decode(bytes), enumerable: true })
  next.stdinPipe = undefined
  next.stdinFromStage = false
  return next
}

/**
 * Everything a pipe reader gives up to end of input; `null` once more than `max` bytes came (the
 * caller then closes the pipe: the writer gets EPIPE rather than the host growing without bound).
 */
export async function readAllFrom(reader: PipeReader, max = Infinity): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = []
  let total = 0
  for (;;) {
    const r = reader.read(PIPE_CAPACITY)
    const chunk = r instanceof Promise ? await r : r
    if (chunk.byteLength === 0) break
    total += chunk.byteLength
    if (total > max) return null
    parts.push(chunk)
  }
  return parts.length === 0 ? new Uint8Array(0) : concatBytes(parts)
}

/** Why a stage stopped reading a live pipe at `max` bytes (see {@link readAllFrom}). */
export function tooMuchInput(max: number): string {
  return `stopped: more than ${max} bytes of input for the shell to hold (limits.maxOutputBytes × 4)`
}

function decodeAll(parts: Uint8Array[]): string {
  let s = ''
  for (const p of parts) s += dec.decode(p, { stream: true })
  return s + dec.decode()
}
