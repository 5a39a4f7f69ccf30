/**
 * A session of the native backend: one long-lived `bash` that runs the session's commands in
 * order, so `cd`, variables, functions and background jobs persist, as in Daytona's daemon.
 *
 * The shell reads its script from its stdin. Each command is written to a file and sourced in a
 * group whose stdout and stderr go to the command's log files and whose stdin is the session's
 * input channel (fd 3, so `sendSessionCommandInput` reaches the running command); after the group
 * the shell prints `MARK <id> <exit code>` on its own stdout, which only carries these marks.
 * Logs are read from the files as they grow (polled), for `getSessionCommandLogs` and the stream.
 */
import type { ChildProcess } from 'node:child_process'
import { promises as fs, openSync, closeSync, readSync, fstatSync } from 'node:fs'
import { join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { CommandDto, CommandLogs, SessionDto } from '../engine/backend.js'
import { shellQuote } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { SessionExecReply } from '../engine/sandbox-host.js'
import { exitCodeOf, killGroup, start, type ProcessConfig } from './run.js'

/** How often a running command's log files are read. */
const POLL_MS = 25

interface Chunk {
  stream: 'stdout' | 'stderr'
  text: string
}

interface CommandRecord {
  id: string
  command: string
  exitCode?: number
  outPath: string
  errPath: string
  chunks: Chunk[]
  /** Bytes read so far from each log file. */
  read: { stdout: number; stderr: number }
  decoders: { stdout: StringDecoder; stderr: StringDecoder }
  listeners: Set<(chunk: Chunk | null) => void>
  /** Ends the command with an exit code (set while it runs). */
  finish: (exitCode: number) => void
}

/** What a session needs from its sandbox. */
export interface SessionHost {
  config: ProcessConfig
  /** Directory for the session's command and log files (outside the home dir). */
  runDir: string
  cwd: string
  env: () => Record<string, string>
  newId: () => string
  track: (child: ChildProcess) => void
}

/** One session: a bash process and its commands. */
export class NativeSession {
  readonly id: string
  #host: SessionHost
  #shell: ChildProcess | undefined
  #marks = ''
  #commands: CommandRecord[] = []
  #running: CommandRecord | undefined
  #tail: Promise<unknown> = Promise.resolve()
  #closed = false
  #dir: string

  constructor(id: string, host: SessionHost, index: number) {
    this.id = id
    this.#host = host
    this.#dir = join(host.runDir, `session-${index}`)
  }

  async #ensureShell(): Promise<ChildProcess> {
    if (this.#shell && this.#shell.exitCode === null && this.#shell.signalCode === null) return this.#shell
    await fs.mkdir(this.#dir, { recursive: true })
    const shell = start(this.#host.config, ['bash', '--noprofile', '--norc', '-s'], { cwd: this.#host.cwd, env: this.#host.env(), stdio: ['pipe', 'pipe', 'pipe', 'pipe'] })
    this.#host.track(shell)
    const decoder = new StringDecoder('utf8')
    shell.stdout?.on('data', (chunk: Buffer) => this.#onMarks(decoder.write(chunk)))
    shell.stderr?.on('data', () => {})
    shell.stdin?.on('error', () => {})
    ;(shell.stdio[3] as NodeJS.WritableStream | null)?.on('error', () => {})
    shell.once('exit', (code, signal) => {
      // The shell ended (`exit` in a command, a kill): its running command ends with it.
      this.#running?.finish(exitCodeOf(code, signal))
    })
    this.#shell = shell
    return shell
  }

  #onMarks(text: string): void {
    this.#marks += text
    let nl: number
    while ((nl = this.#marks.indexOf('\n')) >= 0) {
      const line = this.#marks.slice(0, nl)
      this.#marks = this.#marks.slice(nl + 1)
      const m = /^__DAYLITE_DONE__ (\S+) (\d+)$/.exec(line)
      if (!m) continue
      this.#commands.find((c) => c.id === m[1])?.finish(Number(m[2]))
    }
  }

  #poll(c: CommandRecord): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const path = stream === 'stdout' ? c.outPath : c.errPath
      let fd: number
      try {
        fd = openSync(path, 'r')
      } catch {
        continue
      }
      try {
        const size = fstatSync(fd).size
        while (c.read[stream] < size) {
          const buf = Buffer.alloc(Math.min(size - c.read[stream], 1 << 20))
          const n = readSync(fd, buf, 0, buf.length, c.read[stream])
          if (n <= 0) break
          c.read[stream] += n
          const text = c.decoders[stream].write(buf.subarray(0, n))
          if (text !== '') {
            const chunk: Chunk = { stream, text }
            c.chunks.push(chunk)
            for (const l of c.listeners) l(chunk)
          }
        }
      } finally {
        closeSync(fd)
      }
    }
  }

  /** Runs a command in the session (after the ones before it). */
  async exec(command: string, options: { runAsync?: boolean; timeoutMs?: number }): Promise<SessionExecReply> {
    if (this.#closed) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `session ${this.id} was deleted`, { sessionId: this.id })
    const id = this.#host.newId()
    const outPath = join(this.#dir, `${id}.out`)
    const errPath = join(this.#dir, `${id}.err`)
    const record: CommandRecord = {
      id,
      command,
      outPath,
      errPath,
      chunks: [],
      read: { stdout: 0, stderr: 0 },
      decoders: { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') },
      listeners: new Set(),
      finish: () => {},
    }
    this.#commands.push(record)
    const run = this.#tail.then(async () => {
      if (this.#closed) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `session ${this.id} was deleted`, { sessionId: this.id })
      const shell = await this.#ensureShell()
      await fs.writeFile(join(this.#dir, `${id}.sh`), `${command}\n`)
      let poller: ReturnType<typeof setInterval> | undefined
      let timer: ReturnType<typeof setTimeout> | undefined
      const ended = new Promise<number>((resolve) => {
        record.finish = (exitCode) => {
          if (record.exitCode !== undefined) return
          record.exitCode = exitCode
          resolve(exitCode)
        }
      })
      const script = `{ . ${shellQuote(join(this.#dir, `${id}.sh`))}; } 0<&3 >${shellQuote(outPath)} 2>${shellQuote(errPath)}; printf '\\n__DAYLITE_DONE__ %s %d\\n' ${id} "$?"\n`
      this.#running = record
      shell.stdin?.write(script)
      poller = setInterval(() => this.#poll(record), POLL_MS)
      if (options.timeoutMs && options.timeoutMs > 0) {
        timer = setTimeout(() => {
          // The command runs inside the session's shell: ending it ends the shell (the next command starts a new one).
          killGroup(shell.pid)
          record.finish(124)
        }, options.timeoutMs)
      }
      try {
        await ended
      } finally {
        clearInterval(poller)
        if (timer) clearTimeout(timer)
        if (this.#running === record) this.#running = undefined
        this.#poll(record)
        for (const l of record.listeners) l(null)
        record.listeners.clear()
      }
    })
    this.#tail = run.catch(() => {})
    if (options.runAsync) {
      run.catch(() => {})
      return { cmdId: id }
    }
    await run
    const logs = logsOf(record)
    const reply: SessionExecReply = { cmdId: id, ...logs }
    if (record.exitCode !== undefined) reply.exitCode = record.exitCode
    return reply
  }

  #command(commandId: string): CommandRecord {
    const c = this.#commands.find((x) => x.id === commandId)
    if (!c) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `command ${commandId} not found in session ${this.id}`, { sessionId: this.id, commandId })
    return c
  }

  /** The session and its commands. */
  dto(): SessionDto {
    return { sessionId: this.id, commands: this.#commands.map(commandDto) }
  }

  /** One command. */
  command(commandId: string): CommandDto {
    return commandDto(this.#command(commandId))
  }

  /** A command's logs so far. */
  logs(commandId: string): CommandLogs {
    const c = this.#command(commandId)
    if (c.exitCode === undefined) this.#poll(c)
    return logsOf(c)
  }

  /** Streams a command's logs (what was written so far, then live) until it ends. */
  async follow(commandId: string, onStdout: (chunk: string) => void, onStderr: (chunk: string) => void): Promise<void> {
    const c = this.#command(commandId)
    const deliver = (chunk: Chunk): void => (chunk.stream === 'stdout' ? onStdout(chunk.text) : onStderr(chunk.text))
    if (c.exitCode === undefined) this.#poll(c)
    for (const chunk of c.chunks) deliver(chunk)
    if (c.exitCode !== undefined) return
    await new Promise<void>((resolve) => {
      c.listeners.add((chunk) => (chunk === null ? resolve() : deliver(chunk)))
    })
  }

  /** Writes to the running command's stdin. */
  async input(commandId: string, data: string): Promise<void> {
    const c = this.#command(commandId)
    if (c.exitCode !== undefined) throw new SandboxError(SandboxErrorCode.INVALID_STATE, `command ${commandId} already completed`, { commandId })
    const channel = this.#shell?.stdio[3] as NodeJS.WritableStream | null | undefined
    if (!channel) throw new SandboxError(SandboxErrorCode.INVALID_STATE, `command ${commandId} is not running yet`, { commandId })
    await new Promise<void>((resolve, reject) => channel.write(data, (error) => (error ? reject(error) : resolve())))
  }

  /** Ends the shell and whatever it runs. */
  close(): void {
    this.#closed = true
    killGroup(this.#shell?.pid)
    this.#running?.finish(137)
  }
}

function commandDto(c: CommandRecord): CommandDto {
  return c.exitCode === undefined ? { id: c.id, command: c.command } : { id: c.id, command: c.command, exitCode: c.exitCode }
}

function logsOf(c: CommandRecord): CommandLogs {
  let output = ''
  let stdout = ''
  let stderr = ''
  for (const chunk of c.chunks) {
    output += chunk.text
    if (chunk.stream === 'stdout') stdout += chunk.text
    else stderr += chunk.text
  }
  return { output, stdout, stderr }
}
