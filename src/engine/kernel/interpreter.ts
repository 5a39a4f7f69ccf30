/**
 * Stateful Python contexts (Daytona's `codeInterpreter`): one long-lived `python3` process per
 * context, fed code through its stdin and keeping its globals between runs.
 *
 * Protocol with the driver (Python, below): the host writes `<byte length>\n<JSON {code, envs}>` to
 * the process's stdin; the driver runs the code in the context's globals with unbuffered output
 * (so stdout/stderr reach the caller as they are written), then writes one control record to
 * stdout as a write of its own: `MARK + JSON {error}` + "\n". `MARK` starts with bytes no Python
 * `print` produces by accident and carries a per-process nonce.
 */
import type { WasiProcess } from '../../proc/index.js'
import type { SyncVfs } from '../../vfs/types.js'
import { CELL_RUNNER } from '../interpreter-cell.js'
import { spawnProgram } from './programs.js'

/** A Python exception raised by the code, as Daytona reports it. */
export interface InterpreterError {
  name: string
  value: string
  traceback: string
}

/** What one run of code in a context produced. */
export interface InterpreterRunResult {
  stdout: string
  stderr: string
  error?: InterpreterError
  /** The context's process was (re)started for this run: earlier variables are gone. */
  started: boolean
}

const DRIVER = CELL_RUNNER + String.raw`
import sys, os, io, json
_mark = os.environ.pop("DAYLITE_INTERPRETER_MARK").encode()
_globals = {"__name__": "__main__", "__builtins__": __builtins__}
_stdin = sys.stdin.buffer
# The code's own input() sees an empty stdin (the real one carries the requests).
sys.stdin = io.StringIO()
del sys, io
def _daylite_loop():
    import sys
    while True:
        size = _stdin.readline()
        if not size:
            return
        request = json.loads(_stdin.read(int(size)))
        error = _daylite_cell(request["code"], request.get("envs"), _globals)
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        os.write(1, _mark + json.dumps({"error": error}).encode() + b"\n")
_daylite_loop()
`

const dec = new TextDecoder()
const enc = new TextEncoder()

interface Pending {
  onStdout: (text: string) => void
  onStderr: (text: string) => void
  stdout: string
  stderr: string
  resolve: (r: { error?: InterpreterError }) => void
  reject: (e: Error) => void
}

/** One context: a `python3` process and the queue of code waiting for it. */
export class InterpreterContext {
  readonly #vfs: SyncVfs
  readonly #cwd: string
  readonly #env: Record<string, string>
  readonly #maxMemoryBytes: number | undefined
  #proc: WasiProcess | undefined
  #starting: Promise<WasiProcess> | undefined
  #mark = new Uint8Array(0)
  /** Bytes for the driver's stdin, and the read waiting for them. */
  #input: Uint8Array[] = []
  #reader: (() => void) | undefined
  #pending: Pending | undefined
  #outDecoder = new TextDecoder()
  #errDecoder = new TextDecoder()
  #tail: Promise<unknown> = Promise.resolve()

  /** @param maxMemoryBytes - the process's memory cap (the sandbox's memory limit) */
  constructor(vfs: SyncVfs, cwd: string, env: Record<string, string>, maxMemoryBytes?: number) {
    this.#vfs = vfs
    this.#cwd = cwd
    this.#env = env
    this.#maxMemoryBytes = maxMemoryBytes
  }

  /** True while the context's process is alive (its variables exist). */
  get alive(): boolean {
    return this.#proc?.running === true
  }

  #stdin = (max: number): Uint8Array | Promise<Uint8Array> => {
    const next = this.#input.shift()
    if (next) {
      if (next.byteLength <= max) return next
      this.#input.unshift(next.subarray(max))
      return next.subarray(0, max)
    }
    return new Promise((resolve) => {
      this.#reader = () => {
        this.#reader = undefined
        resolve(this.#stdin(max) as Uint8Array)
      }
    })
  }

  #feed(bytes: Uint8Array): void {
    this.#input.push(bytes)
    this.#reader?.()
  }

  #onStdout = (bytes: Uint8Array): void => {
    const p = this.#pending
    if (p && startsWith(bytes, this.#mark)) {
      const tail = this.#outDecoder.decode()
      if (tail) this.#deliver('stdout', tail)
      const control = JSON.parse(dec.decode(bytes.subarray(this.#mark.byteLength))) as { error: InterpreterError | null }
      this.#pending = undefined
      p.resolve(control.error ? { error: control.error } : {})
      return
    }
    this.#deliver('stdout', this.#outDecoder.decode(bytes, { stream: true }))
  }

  #onStderr = (bytes: Uint8Array): void => {
    this.#deliver('stderr', this.#errDecoder.decode(bytes, { stream: true }))
  }

  #deliver(stream: 'stdout' | 'stderr', text: string): void {
    const p = this.#pending
    if (!p || text === '') return
    p[stream] += text
    if (stream === 'stdout') p.onStdout(text)
    else p.onStderr(text)
  }

  async #start(): Promise<WasiProcess> {
    const nonce = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')
    const mark = `\u0001\u0002daylite-interpreter:${nonce}:`
    this.#mark = enc.encode(mark)
    this.#input = []
    this.#reader = undefined
    const proc = await spawnProgram('python3', ['-u', '-c', DRIVER], {
      vfs: this.#vfs,
      cwd: this.#cwd,
      env: { ...this.#env, DAYLITE_INTERPRETER_MARK: mark },
      stdin: this.#stdin,
      onStdout: this.#onStdout,
      onStderr: this.#onStderr,
      ...(this.#maxMemoryBytes !== undefined ? { maxMemoryBytes: this.#maxMemoryBytes } : {}),
    })
    void proc.exited.then(
      (r) => this.#ended(new Error(r.killed ? 'the interpreter was stopped' : `the interpreter exited with code ${r.exitCode}${r.trap ? ` (${r.trap})` : ''}`)),
      (e: unknown) => this.#ended(e instanceof Error ? e : new Error(String(e))),
    )
    return proc
  }

  #ended(error: Error): void {
    this.#proc = undefined
    const p = this.#pending
    this.#pending = undefined
    p?.reject(error)
  }

  /**
   * Runs code in this context, after the runs queued before it. Output goes to the callbacks as
   * it is written; a Python exception is part of the result.
   * @throws Error when the process ends during the run (killed, out of memory, a crash)
   */
  run(code: string, envs: Record<string, string>, onStdout: (text: string) => void, onStderr: (text: string) => void): Promise<InterpreterRunResult> {
    const job = this.#tail.then(async () => {
      let started = false
      if (!this.alive) {
        started = true
        this.#starting ??= this.#start().finally(() => (this.#starting = undefined))
        this.#proc = await this.#starting
      }
      this.#outDecoder = new TextDecoder()
      this.#errDecoder = new TextDecoder()
      const done = new Promise<{ error?: InterpreterError }>((resolve, reject) => {
        this.#pending = { onStdout, onStderr, stdout: '', stderr: '', resolve, reject }
      })
      const pending = this.#pending as Pending | undefined
      const body = enc.encode(JSON.stringify({ code, envs }))
      this.#feed(concatBytes(enc.encode(`${body.byteLength}\n`), body))
      const control = await done
      const tail = this.#errDecoder.decode()
      if (tail && pending) pending.stderr += tail
      return { stdout: pending?.stdout ?? '', stderr: pending?.stderr ?? '', ...(control.error ? { error: control.error } : {}), started }
    })
    this.#tail = job.catch(() => {})
    return job
  }

  /** Ends the process (its variables are lost); the next run starts a new one. */
  async kill(): Promise<void> {
    const proc = this.#proc
    this.#proc = undefined
    await proc?.kill()
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.byteLength === 0 || bytes.byteLength < prefix.byteLength) return false
  for (let i = 0; i < prefix.byteLength; i++) if (bytes[i] !== prefix[i]) return false
  return true
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a)
  out.set(b, a.byteLength)
  return out
}
