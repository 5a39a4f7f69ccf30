/**
 * Interpreter contexts of the native backend (Daytona's `codeInterpreter`): one long-lived host
 * `python3` per context, whose globals persist between runs.
 *
 * The driver (below) reads requests on fd 3 (one JSON line each: `{code, envs}`) and answers on
 * fd 4 (`{error}` when the code is done), so the code's own stdin, stdout and stderr stay its own:
 * what it prints reaches the caller as it is written (`python3 -u`). When a run ends, the driver
 * writes an end mark on stdout and on stderr, so the host knows it has all of the run's output.
 */
import type { ChildProcess } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import type { RunCodeReply } from '../engine/backend.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { CELL_RUNNER } from '../engine/interpreter-cell.js'
import { killGroup, start, type ProcessConfig } from './run.js'

const DRIVER = CELL_RUNNER + String.raw`
import os, sys, json
_requests = os.fdopen(3, "r", encoding="utf-8")
_control = os.fdopen(4, "w", encoding="utf-8", buffering=1)
_mark = os.environ.pop("DAYLITE_END_MARK").encode()
_globals = {"__name__": "__main__", "__builtins__": __builtins__}
for _line in _requests:
    _request = json.loads(_line)
    _error = _daylite_cell(_request["code"], _request.get("envs"), _globals)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    os.write(1, _mark)
    os.write(2, _mark)
    _control.write(json.dumps({"error": _error}) + "\n")
`

interface Run {
  onStdout?: (text: string) => void
  onStderr?: (text: string) => void
  stdout: string
  stderr: string
  ends: number
  control?: { error: RunCodeReply['error'] | null }
  resolve: (reply: RunCodeReply) => void
  reject: (error: Error) => void
}

/** One context: a python3 process, and its queue of runs. */
export class NativeContext {
  readonly id: string
  readonly cwd: string
  readonly createdAt = new Date().toISOString()
  #config: ProcessConfig
  #env: () => Record<string, string>
  #track: (child: ChildProcess) => void
  #proc: ChildProcess | undefined
  #mark = ''
  #run: Run | undefined
  #tail: Promise<unknown> = Promise.resolve()
  /** Code has run in the current process (a restart loses its variables). */
  #ran = false
  #lost = false

  constructor(id: string, cwd: string, config: ProcessConfig, env: () => Record<string, string>, track: (child: ChildProcess) => void) {
    this.id = id
    this.cwd = cwd
    this.#config = config
    this.#env = env
    this.#track = track
  }

  #ensure(): ChildProcess {
    if (this.#proc && this.#proc.exitCode === null && this.#proc.signalCode === null) return this.#proc
    if (this.#ran) this.#lost = true
    this.#ran = false
    this.#mark = `\u001eDAYLITE-END-${crypto.randomUUID()}\u001e`
    const proc = start(this.#config, ['python3', '-u', '-c', DRIVER], {
      cwd: this.cwd,
      env: { ...this.#env(), DAYLITE_END_MARK: this.#mark, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    })
    this.#track(proc)
    const out = new StringDecoder('utf8')
    const err = new StringDecoder('utf8')
    const ctl = new StringDecoder('utf8')
    let control = ''
    proc.stdout?.on('data', (b: Buffer) => this.#output('stdout', out.write(b)))
    proc.stderr?.on('data', (b: Buffer) => this.#output('stderr', err.write(b)))
    const controlStream = proc.stdio[4] as NodeJS.ReadableStream | null
    controlStream?.on('data', (b: Buffer) => {
      control += ctl.write(b)
      let nl: number
      while ((nl = control.indexOf('\n')) >= 0) {
        const line = control.slice(0, nl)
        control = control.slice(nl + 1)
        const run = this.#run
        if (!run) continue
        try {
          run.control = JSON.parse(line) as { error: RunCodeReply['error'] | null }
        } catch {
          run.control = { error: null }
        }
        this.#settle()
      }
    })
    controlStream?.on('error', () => {})
    ;(proc.stdio[3] as NodeJS.WritableStream | null)?.on('error', () => {})
    proc.once('exit', (code, signal) => {
      const run = this.#run
      if (run) {
        this.#run = undefined
        run.resolve({
          stdout: run.stdout,
          stderr: run.stderr,
          error: { name: 'InterpreterExited', value: `the interpreter process ended (${signal ?? `exit code ${code}`}); its variables are gone`, traceback: '' },
        })
      }
    })
    this.#proc = proc
    return proc
  }

  #output(stream: 'stdout' | 'stderr', text: string): void {
    const run = this.#run
    if (!run || text === '') return
    let rest = text
    const at = rest.indexOf(this.#mark)
    if (at >= 0) {
      rest = rest.slice(0, at) + rest.slice(at + this.#mark.length)
      run.ends++
    }
    if (rest !== '') {
      if (stream === 'stdout') {
        run.stdout += rest
        run.onStdout?.(rest)
      } else {
        run.stderr += rest
        run.onStderr?.(rest)
      }
    }
    this.#settle()
  }

  #settle(): void {
    const run = this.#run
    if (!run || run.control === undefined || run.ends < 2) return
    this.#run = undefined
    const reply: RunCodeReply = { stdout: run.stdout, stderr: run.stderr }
    if (run.control.error) reply.error = run.control.error
    run.resolve(reply)
  }

  /** Runs code in this context; a timeout kills its process (its variables are gone). */
  runCode(code: string, envs: Record<string, string>, timeoutMs: number | undefined, onStdout?: (t: string) => void, onStderr?: (t: string) => void): Promise<RunCodeReply> {
    const next = this.#tail.then(
      () =>
        new Promise<RunCodeReply>((resolve, reject) => {
          const proc = this.#ensure()
          const notice = this.#lost ? 'daylite: this interpreter context was restarted (its process ended); variables from earlier runs are gone\n' : ''
          this.#lost = false
          this.#ran = true
          let timer: ReturnType<typeof setTimeout> | undefined
          const run: Run = {
            stdout: '',
            stderr: notice,
            ends: 0,
            resolve: (r) => {
              if (timer) clearTimeout(timer)
              resolve(r)
            },
            reject: (e) => {
              if (timer) clearTimeout(timer)
              reject(e)
            },
          }
          if (onStdout) run.onStdout = onStdout
          if (onStderr) run.onStderr = onStderr
          this.#run = run
          if (timeoutMs && timeoutMs > 0) {
            timer = setTimeout(() => {
              this.#run = undefined
              killGroup(proc.pid)
              this.#ran = false
              reject(new SandboxError(SandboxErrorCode.TIMEOUT, `code execution timed out after ${timeoutMs / 1000} s; the interpreter context was restarted and its variables are gone`, { timeoutMs, contextId: this.id }))
            }, timeoutMs)
          }
          ;(proc.stdio[3] as NodeJS.WritableStream).write(`${JSON.stringify({ code, envs })}\n`)
        }),
    )
    this.#tail = next.catch(() => {})
    return next
  }

  /** Ends the context's process. */
  close(): void {
    killGroup(this.#proc?.pid)
    this.#proc = undefined
  }
}
