/**
 * A sandbox of the native backend: a directory on the host (`<root>/<id>/home` is the home and
 * work dir, `tmp` its TMPDIR, `run` its session logs) whose commands are real `bash`, `python3`,
 * `node` and `git` processes of the host. NOT isolated (optionally under bubblewrap): it exists
 * so that daylite's remote fallback can be tested end to end offline, against `daylite serve
 * --backend native`. Lifecycle intervals are recorded, not enforced.
 */
import type { ChildProcess } from 'node:child_process'
import { promises as fs, readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { CodeRunCall, CommandDto, CommandLogs, ExecCall, IntervalKind, Placement, PreviewLink, RunCodeCall, RunCodeReply, SandboxBackend, SessionDto } from '../engine/backend.js'
import { LANGUAGE_LABEL } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { SandboxLimits } from '../engine/limits.js'
import type { ExecReply, FsReplies, FsRequest } from '../engine/protocol.js'
import { newId, type InterpreterContextInfo, type SandboxInfo, type SandboxState, type SessionExecReply } from '../engine/sandbox-host.js'
import { NativeFiles } from './files.js'
import { NativeContext } from './interpreter.js'
import { baseEnv, killGroup, runToEnd, type ProcessConfig } from './run.js'
import { NativeSession } from './session.js'

/** What the registry gives a new native sandbox. */
export interface NativeSandboxInit {
  info: SandboxInfo
  /** The sandbox's directory. */
  root: string
  /** The work dir (the home dir, or an image's WORKDIR under it). */
  workDir: string
  limits: SandboxLimits
  /** The bubblewrap binary, if commands run under it. */
  bwrap?: string
  /** Called when the sandbox is deleted. */
  onDestroyed: (sandbox: NativeSandbox) => void
}

const DEFAULT_CONTEXT = 'default'

let accounts: { users: Map<number, string>; groups: Map<number, string> } | undefined

function names(): { user: (uid: number) => string; group: (gid: number) => string } {
  if (!accounts) {
    const read = (path: string): Map<number, string> => {
      const map = new Map<number, string>()
      try {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          const [name, , id] = line.split(':')
          if (name && id !== undefined && /^\d+$/.test(id)) map.set(Number(id), name)
        }
      } catch {
        // no such file: numbers are shown
      }
      return map
    }
    accounts = { users: read('/etc/passwd'), groups: read('/etc/group') }
  }
  const a = accounts
  return { user: (uid) => a.users.get(uid) ?? String(uid), group: (gid) => a.groups.get(gid) ?? String(gid) }
}

/** One native sandbox. */
export class NativeSandbox implements SandboxBackend {
  readonly placement: Placement = 'native'
  #info: SandboxInfo
  #init: NativeSandboxInit
  #config: ProcessConfig
  #files: NativeFiles
  #sessions = new Map<string, NativeSession>()
  #sessionCount = 0
  #contexts = new Map<string, NativeContext>()
  #children = new Set<ChildProcess>()
  #lifecycle: Promise<unknown> = Promise.resolve()

  constructor(init: NativeSandboxInit) {
    this.#init = init
    this.#info = init.info
    this.#config = { root: init.root, home: join(init.root, 'home'), tmp: join(init.root, 'tmp') }
    if (init.bwrap) this.#config.bwrap = init.bwrap
    this.#files = new NativeFiles(init.workDir, init.limits.maxFileBytes, names())
  }

  /** Makes the sandbox's directories. */
  async prepare(): Promise<void> {
    await fs.mkdir(this.#config.home, { recursive: true })
    await fs.mkdir(this.#init.workDir, { recursive: true })
    await fs.mkdir(this.#config.tmp, { recursive: true })
    await fs.mkdir(join(this.#init.root, 'run'), { recursive: true })
  }

  get id(): string {
    return this.#info.id
  }
  get name(): string {
    return this.#info.name
  }
  get state(): SandboxState {
    return this.#info.state
  }
  get homeDir(): string {
    return this.#config.home
  }
  get workDir(): string {
    return this.#init.workDir
  }
  /** The sandbox's directory on the host. */
  get root(): string {
    return this.#init.root
  }

  info(): SandboxInfo {
    return structuredClone(this.#info)
  }

  limits(): SandboxLimits {
    return { ...this.#init.limits }
  }

  /** Replaces resources and limits (`resize`). */
  setResources(resources: { cpu: number; memory: number; disk: number }, limits: SandboxLimits): void {
    this.#alive()
    Object.assign(this.#info, resources)
    this.#init.limits = limits
    this.#touch()
  }

  #touch(): void {
    const now = new Date().toISOString()
    this.#info.updatedAt = now
    this.#info.lastActivityAt = now
  }

  #alive(): void {
    if (this.#info.state === 'destroyed') throw new SandboxError(SandboxErrorCode.NOT_FOUND, `sandbox ${this.#info.id} was deleted`, { sandboxId: this.#info.id })
  }

  #started(): void {
    this.#alive()
    if (this.#info.state !== 'started') {
      throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.#info.id} is not running (state: ${this.#info.state}); start it first`, { state: this.#info.state })
    }
  }

  #env(extra: Record<string, string> = {}): Record<string, string> {
    return baseEnv(this.#config, { ...this.#info.env, ...extra })
  }

  #track = (child: ChildProcess): void => {
    this.#children.add(child)
    child.once('exit', () => this.#children.delete(child))
  }

  #cwd(cwd: string | undefined): string {
    if (cwd === undefined || cwd === '') return this.#init.workDir
    return isAbsolute(cwd) ? resolve(cwd) : resolve(this.#init.workDir, cwd)
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────

  async #run(argv: string[], req: { cwd?: string; env?: Record<string, string>; stdin?: string; timeoutMs?: number; onOutput?: ExecCall['onOutput'] }): Promise<ExecReply> {
    this.#started()
    this.#touch()
    const cwd = this.#cwd(req.cwd)
    try {
      await fs.access(cwd)
    } catch {
      throw new SandboxError(SandboxErrorCode.FILE_NOT_FOUND, `no such directory: ${cwd}`, { path: cwd })
    }
    const options: Parameters<typeof runToEnd>[1] = { argv, cwd, env: this.#env(req.env), maxOutputBytes: this.#init.limits.maxOutputBytes, onStart: this.#track }
    if (req.stdin !== undefined) options.stdin = req.stdin
    const timeoutMs = req.timeoutMs && req.timeoutMs > 0 ? req.timeoutMs : this.#init.limits.defaultCommandTimeoutMs
    if (timeoutMs > 0) options.timeoutMs = timeoutMs
    if (req.onOutput) options.onOutput = req.onOutput
    const reply = await runToEnd(this.#config, options)
    if (reply.timedOut) throw new SandboxError(SandboxErrorCode.TIMEOUT, `command timed out after ${timeoutMs / 1000} s`, { timeoutMs, output: reply.output })
    return reply
  }

  async exec(req: ExecCall): Promise<ExecReply> {
    if (typeof req.command !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'command must be a string')
    if (req.command.length > this.#init.limits.maxCommandBytes) throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `command is longer than ${this.#init.limits.maxCommandBytes} bytes`)
    return this.#run(['bash', '-c', req.command], req)
  }

  async codeRun(req: CodeRunCall): Promise<ExecReply> {
    if (typeof req.code !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'code must be a string')
    const argv = req.argv ?? []
    if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'argv must be an array of strings')
    const language = req.language ?? this.#info.labels[LANGUAGE_LABEL] ?? 'python'
    const call = { env: req.env, timeoutMs: req.timeoutMs }
    switch (language) {
      case 'python':
        return this.#run(['python3', '-u', '-', ...argv], { ...call, stdin: req.code })
      case 'javascript':
        return this.#run(['node', '-', ...argv], { ...call, stdin: req.code })
      case 'typescript': {
        let js: string
        try {
          const swc = (await import('@swc/wasm-typescript')) as { transformSync?: (s: string, o: object) => { code: string }; default?: { transformSync: (s: string, o: object) => { code: string } } }
          const transform = swc.transformSync ?? swc.default?.transformSync
          if (!transform) throw new Error('no transformSync in @swc/wasm-typescript')
          js = transform(req.code, { mode: 'transform', filename: 'code.ts' }).code
        } catch (error) {
          return { exitCode: 1, output: `${error instanceof Error ? error.message : String(error)}\n`, stdout: '', stderr: String(error), timedOut: false, truncated: false, durationMs: 0 }
        }
        return this.#run(['node', '-', ...argv], { ...call, stdin: js })
      }
      default:
        throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `codeRun supports python, javascript and typescript, not ${JSON.stringify(language)}`, { language })
    }
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────

  #session(sessionId: string): NativeSession {
    this.#alive()
    const s = this.#sessions.get(sessionId)
    if (!s) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `session ${sessionId} not found`, { sessionId })
    return s
  }

  createSession(sessionId: string): void {
    this.#started()
    if (typeof sessionId !== 'string' || sessionId === '' || sessionId.length > 256 || /[\0/]/.test(sessionId)) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'sessionId must be a non-empty string of at most 256 characters without "/" or NUL', { sessionId: String(sessionId) })
    }
    if (this.#sessions.has(sessionId)) throw new SandboxError(SandboxErrorCode.CONFLICT, `session ${sessionId} already exists`, { sessionId })
    const host = {
      config: this.#config,
      runDir: join(this.#init.root, 'run'),
      cwd: this.#init.workDir,
      env: () => this.#env(),
      newId,
      track: this.#track,
    }
    this.#sessions.set(sessionId, new NativeSession(sessionId, host, ++this.#sessionCount))
    this.#touch()
  }

  getSession(sessionId: string): SessionDto {
    return this.#session(sessionId).dto()
  }

  listSessions(): SessionDto[] {
    this.#alive()
    return [...this.#sessions.values()].map((s) => s.dto())
  }

  async deleteSession(sessionId: string): Promise<void> {
    const s = this.#session(sessionId)
    this.#sessions.delete(sessionId)
    s.close()
  }

  getSessionCommand(sessionId: string, commandId: string): CommandDto {
    return this.#session(sessionId).command(commandId)
  }

  async sessionExec(sessionId: string, command: string, options: { runAsync?: boolean; timeoutMs?: number } = {}): Promise<SessionExecReply> {
    const s = this.#session(sessionId)
    this.#started()
    if (typeof command !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'command must be a string')
    this.#touch()
    return s.exec(command, options)
  }

  getCommandLogs(sessionId: string, commandId: string): CommandLogs {
    return this.#session(sessionId).logs(commandId)
  }

  followCommandLogs(sessionId: string, commandId: string, onStdout: (chunk: string) => void, onStderr: (chunk: string) => void): Promise<void> {
    return this.#session(sessionId).follow(commandId, onStdout, onStderr)
  }

  async sendSessionCommandInput(sessionId: string, commandId: string, data: string): Promise<void> {
    await this.#session(sessionId).input(commandId, data)
  }

  // ── files ───────────────────────────────────────────────────────────────────────────────

  async fs<R extends FsRequest>(req: R): Promise<FsReplies[R['op']]> {
    this.#started()
    this.#touch()
    return (await this.#files.run(req)) as FsReplies[R['op']]
  }

  // ── interpreter contexts ────────────────────────────────────────────────────────────────

  #newContext(id: string, cwd: string): NativeContext {
    const c = new NativeContext(id, cwd, this.#config, () => this.#env(), this.#track)
    this.#contexts.set(id, c)
    return c
  }

  createContext(cwd?: string): InterpreterContextInfo {
    this.#started()
    const c = this.#newContext(newId(), this.#cwd(cwd))
    return { id: c.id, cwd: c.cwd, language: 'python', active: true, createdAt: c.createdAt }
  }

  listContexts(): InterpreterContextInfo[] {
    this.#alive()
    return [...this.#contexts.values()].filter((c) => c.id !== DEFAULT_CONTEXT).map((c) => ({ id: c.id, cwd: c.cwd, language: 'python' as const, active: true, createdAt: c.createdAt }))
  }

  async deleteContext(id: string): Promise<void> {
    this.#alive()
    const c = this.#contexts.get(id)
    if (!c || id === DEFAULT_CONTEXT) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `interpreter context ${id} not found`, { contextId: String(id) })
    this.#contexts.delete(id)
    c.close()
  }

  async runCode(req: RunCodeCall): Promise<RunCodeReply> {
    this.#started()
    if (typeof req.code !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'code must be a string')
    const id = req.contextId ?? DEFAULT_CONTEXT
    let c = this.#contexts.get(id)
    if (!c) {
      if (id !== DEFAULT_CONTEXT) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `interpreter context ${id} not found`, { contextId: String(id) })
      c = this.#newContext(DEFAULT_CONTEXT, this.#init.workDir)
    }
    this.#touch()
    return c.runCode(req.code, req.envs ?? {}, req.timeoutMs, req.onStdout, req.onStderr)
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  #transition<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#lifecycle.then(fn, fn)
    this.#lifecycle = next.catch(() => {})
    return next
  }

  #setState(state: SandboxState): void {
    this.#info.state = state
    this.#touch()
  }

  /** Ends every process of the sandbox (sessions, contexts, commands and their background jobs). */
  #killAll(): void {
    for (const s of this.#sessions.values()) s.close()
    this.#sessions.clear()
    for (const c of this.#contexts.values()) c.close()
    this.#contexts.clear()
    for (const child of this.#children) killGroup(child.pid)
    this.#children.clear()
  }

  start(): Promise<void> {
    return this.#transition(async () => {
      this.#alive()
      if (this.#info.state === 'started') return
      if (this.#info.state === 'error') throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.id} is in an error state; use recover()`)
      this.#setState('started')
    })
  }

  stop(): Promise<void> {
    return this.#transition(async () => {
      this.#alive()
      if (this.#info.state === 'stopped') return
      if (this.#info.state !== 'started' && this.#info.state !== 'error') {
        throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.id} is not in a stoppable state (${this.#info.state})`)
      }
      this.#killAll()
      this.#setState('stopped')
    })
  }

  archive(): Promise<void> {
    return this.#transition(async () => {
      this.#alive()
      if (this.#info.state === 'archived') return
      if (this.#info.state !== 'stopped') throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.id} must be stopped to be archived (state: ${this.#info.state})`)
      this.#setState('archived')
    })
  }

  recover(): Promise<void> {
    return this.#transition(async () => {
      this.#alive()
      throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${this.id} is not in an error state (${this.#info.state})`)
    })
  }

  delete(): Promise<void> {
    return this.#transition(async () => {
      if (this.#info.state === 'destroyed') return
      this.#killAll()
      this.#setState('destroyed')
      await fs.rm(this.#init.root, { recursive: true, force: true }).catch(() => {})
      this.#init.onDestroyed(this)
    })
  }

  /** Stops every process without changing the state (registry disposal). */
  kill(): void {
    this.#killAll()
  }

  /** A server in a native sandbox listens on the host itself: its preview link is the port on the server's host. */
  async previewLink(port: number, host = '127.0.0.1'): Promise<PreviewLink> {
    this.#started()
    return { sandboxId: this.#info.id, url: `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`, token: '' }
  }

  setLabels(labels: Record<string, string>): Record<string, string> {
    this.#alive()
    this.#info.labels = { ...labels }
    this.#touch()
    return { ...this.#info.labels }
  }

  setInterval(kind: IntervalKind, minutes: number): void {
    this.#alive()
    this.#info[kind] = minutes
    this.#touch()
  }

  async updateEnv(set: Record<string, string>, unset: string[]): Promise<void> {
    this.#alive()
    const env = { ...this.#info.env, ...set }
    for (const k of unset) delete env[k]
    this.#info.env = env
    this.#touch()
  }

  refreshActivity(): void {
    this.#alive()
    this.#info.lastActivityAt = new Date().toISOString()
  }
}
