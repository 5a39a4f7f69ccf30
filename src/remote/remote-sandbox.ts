/**
 * A sandbox on a remote Daytona, behind the same {@link SandboxBackend} seam as the in-process
 * engine: every call is the matching `@daytonaio/sdk` call on one SDK `Sandbox`, with the engine's
 * units (ms) turned into Daytona's (seconds) and the SDK's errors into engine errors.
 */
import type {
  CodeRunCall,
  CommandDto,
  CommandLogs,
  ExecCall,
  IntervalKind,
  Placement,
  PreviewLink,
  RunCodeCall,
  RunCodeReply,
  SandboxBackend,
  SessionDto,
} from '../engine/backend.js'
import { LANGUAGE_LABEL } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { DEFAULT_SANDBOX_LIMITS, limitsFromResources, type SandboxLimits } from '../engine/limits.js'
import type { DownloadItem, ExecReply, FileInfoDto, FsReplies, FsRequest } from '../engine/protocol.js'
import type { InterpreterContextInfo, SandboxInfo, SandboxState, SessionExecReply } from '../engine/sandbox-host.js'
import { remoteCall, type SdkSandbox } from './sdk.js'

type SdkContext = Awaited<ReturnType<SdkSandbox['codeInterpreter']['createContext']>>

/** Daytona's default home and work dir, until the remote says otherwise. */
const DEFAULT_HOME = '/home/daytona'

/** ms → Daytona's seconds (rounded up; 0 or absent = no deadline). */
function seconds(ms: number | undefined): number | undefined {
  return ms === undefined || ms <= 0 ? undefined : Math.max(1, Math.ceil(ms / 1000))
}

function reply(exitCode: number, output: string, started: number): ExecReply {
  return { exitCode, output, stdout: output, stderr: '', timedOut: false, truncated: false, durationMs: performance.now() - started }
}

function contextInfo(c: SdkContext): InterpreterContextInfo {
  return { id: c.id, cwd: c.cwd, language: 'python', active: c.active, createdAt: c.createdAt }
}

/** One sandbox on a remote Daytona. Create it with {@link RemoteSandbox.open}. */
export class RemoteSandbox implements SandboxBackend {
  readonly placement: Placement = 'remote'
  #sdk: SdkSandbox
  #home = DEFAULT_HOME
  #work = DEFAULT_HOME
  #destroyed = false
  #contexts = new Map<string, SdkContext>()

  private constructor(sdk: SdkSandbox) {
    this.#sdk = sdk
  }

  /** Wraps an SDK sandbox, reading its home and work dir when it is started. */
  static async open(sdk: SdkSandbox): Promise<RemoteSandbox> {
    const sandbox = new RemoteSandbox(sdk)
    await sandbox.#readDirs()
    return sandbox
  }

  async #readDirs(): Promise<void> {
    if (this.#sdk.state !== 'started') return
    const [home, work] = await Promise.all([this.#sdk.getUserHomeDir().catch(() => undefined), this.#sdk.getWorkDir().catch(() => undefined)])
    if (home) this.#home = home
    this.#work = work ?? this.#home
  }

  /** The SDK sandbox behind it. */
  get sdk(): SdkSandbox {
    return this.#sdk
  }

  get id(): string {
    return this.#sdk.id
  }

  get name(): string {
    return this.#sdk.name
  }

  get state(): SandboxState {
    return (this.#destroyed ? 'destroyed' : (this.#sdk.state ?? 'started')) as SandboxState
  }

  get homeDir(): string {
    return this.#home
  }

  get workDir(): string {
    return this.#work
  }

  get region(): string {
    return this.#sdk.target
  }

  info(): SandboxInfo {
    const s = this.#sdk
    const now = new Date().toISOString()
    const info: SandboxInfo = {
      id: s.id,
      name: s.name,
      user: s.user,
      env: { ...(s.env ?? {}) },
      labels: { ...s.labels },
      public: s.public,
      cpu: s.cpu,
      gpu: s.gpu,
      memory: s.memory,
      disk: s.disk,
      state: this.state,
      autoStopInterval: s.autoStopInterval ?? 15,
      autoArchiveInterval: s.autoArchiveInterval ?? 7 * 24 * 60,
      autoDeleteInterval: s.autoDeleteInterval ?? -1,
      networkBlockAll: s.networkBlockAll === true,
      createdAt: s.createdAt ?? now,
      updatedAt: s.updatedAt ?? now,
      lastActivityAt: s.lastActivityAt ?? s.updatedAt ?? now,
    }
    if (s.snapshot !== undefined) info.snapshot = s.snapshot
    if (s.errorReason !== undefined) info.errorReason = s.errorReason
    if (s.recoverable !== undefined) info.recoverable = s.recoverable
    if (s.networkAllowList !== undefined) info.networkAllowList = s.networkAllowList
    if (s.domainAllowList !== undefined) info.domainAllowList = s.domainAllowList
    if (s.buildInfo?.dockerfileContent !== undefined) info.buildInfo = { dockerfileContent: s.buildInfo.dockerfileContent }
    return info
  }

  limits(): SandboxLimits {
    const s = this.#sdk
    return limitsFromResources({ cpu: s.cpu || 1, memory: s.memory || 1, disk: s.disk || 3 }, DEFAULT_SANDBOX_LIMITS)
  }

  #alive(): void {
    if (this.#destroyed) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `sandbox ${this.id} was deleted`, { sandboxId: this.id })
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────

  async exec(req: ExecCall): Promise<ExecReply> {
    this.#alive()
    if (req.stdin !== undefined && req.stdin !== '') {
      throw new SandboxError(SandboxErrorCode.UNSUPPORTED, 'a remote sandbox takes no stdin for executeCommand; pipe the input in the command')
    }
    const started = performance.now()
    const r = await remoteCall('executeCommand', () => this.#sdk.process.executeCommand(req.command, req.cwd, req.env, seconds(req.timeoutMs)))
    const output = r.result ?? ''
    if (output !== '') req.onOutput?.({ execId: '', stream: 'stdout', chunk: output })
    return reply(r.exitCode ?? 0, output, started)
  }

  async codeRun(req: CodeRunCall): Promise<ExecReply> {
    this.#alive()
    const language = this.#sdk.labels[LANGUAGE_LABEL]
    if (req.language !== undefined && language !== undefined && req.language !== language) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `this remote sandbox runs ${language} code (its ${LANGUAGE_LABEL} label), not ${req.language}`)
    }
    const started = performance.now()
    const params: { argv?: string[]; env?: Record<string, string> } = {}
    if (req.argv) params.argv = req.argv
    if (req.env) params.env = req.env
    const r = await remoteCall('codeRun', () => this.#sdk.process.codeRun(req.code, params, seconds(req.timeoutMs)))
    return reply(r.exitCode ?? 0, r.result ?? '', started)
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────

  async createSession(sessionId: string): Promise<void> {
    this.#alive()
    await remoteCall('createSession', () => this.#sdk.process.createSession(sessionId))
  }

  async getSession(sessionId: string): Promise<SessionDto> {
    const s = await remoteCall('getSession', () => this.#sdk.process.getSession(sessionId))
    return { sessionId: s.sessionId, commands: (s.commands ?? []).map(commandDto) }
  }

  async listSessions(): Promise<SessionDto[]> {
    const list = await remoteCall('listSessions', () => this.#sdk.process.listSessions())
    return list.map((s) => ({ sessionId: s.sessionId, commands: (s.commands ?? []).map(commandDto) }))
  }

  async deleteSession(sessionId: string): Promise<void> {
    await remoteCall('deleteSession', () => this.#sdk.process.deleteSession(sessionId))
  }

  async getSessionCommand(sessionId: string, commandId: string): Promise<CommandDto> {
    return commandDto(await remoteCall('getSessionCommand', () => this.#sdk.process.getSessionCommand(sessionId, commandId)))
  }

  async sessionExec(sessionId: string, command: string, options: { runAsync?: boolean; timeoutMs?: number } = {}): Promise<SessionExecReply> {
    this.#alive()
    const r = await remoteCall('executeSessionCommand', () =>
      this.#sdk.process.executeSessionCommand(sessionId, { command, runAsync: options.runAsync === true }, seconds(options.timeoutMs)),
    )
    if (options.runAsync) return { cmdId: r.cmdId }
    const out: SessionExecReply = { cmdId: r.cmdId, output: r.output ?? '', stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
    if (r.exitCode !== undefined && r.exitCode !== null) out.exitCode = r.exitCode
    return out
  }

  async getCommandLogs(sessionId: string, commandId: string): Promise<CommandLogs> {
    const r = await remoteCall('getSessionCommandLogs', () => this.#sdk.process.getSessionCommandLogs(sessionId, commandId))
    return { output: r.output ?? '', stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
  }

  async followCommandLogs(sessionId: string, commandId: string, onStdout: (chunk: string) => void, onStderr: (chunk: string) => void): Promise<void> {
    await remoteCall('getSessionCommandLogs', () => this.#sdk.process.getSessionCommandLogs(sessionId, commandId, onStdout, onStderr))
  }

  async sendSessionCommandInput(sessionId: string, commandId: string, data: string): Promise<void> {
    await remoteCall('sendSessionCommandInput', () => this.#sdk.process.sendSessionCommandInput(sessionId, commandId, data))
  }

  // ── files ───────────────────────────────────────────────────────────────────────────────

  async fs<R extends FsRequest>(req: R): Promise<FsReplies[R['op']]> {
    this.#alive()
    return (await remoteCall(`fs.${req.op}`, () => this.#fs(req))) as FsReplies[R['op']]
  }

  async #fs(req: FsRequest): Promise<FsReplies[FsRequest['op']]> {
    const fs = this.#sdk.fs
    switch (req.op) {
      case 'list':
        return (await fs.listFiles(req.path, req.depth !== undefined ? { depth: req.depth } : undefined)).map(fileInfo)
      case 'info':
        return fileInfo(await fs.getFileDetails(req.path))
      case 'mkdir':
        return fs.createFolder(req.path, req.mode ?? '755')
      case 'delete':
        return fs.deleteFile(req.path, req.recursive === true)
      case 'move':
        return fs.moveFiles(req.source, req.destination)
      case 'permissions': {
        const p: { mode?: string; owner?: string; group?: string } = {}
        if (req.mode) p.mode = req.mode
        if (req.owner) p.owner = req.owner
        if (req.group) p.group = req.group
        return fs.setFilePermissions(req.path, p)
      }
      case 'search': {
        const r = await fs.searchFiles(req.path, req.pattern)
        return { files: r.files ?? [] }
      }
      case 'find':
        return (await fs.findFiles(req.path, req.pattern)).map((m) => ({ file: m.file, line: m.line, content: m.content }))
      case 'replace':
        return (await fs.replaceInFiles(req.files, req.pattern, req.newValue)).map((r) => ({ file: r.file, success: r.success, error: r.error }))
      case 'upload':
        if (req.files.length === 0) return
        return fs.uploadFiles(req.files.map((f) => ({ source: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), destination: f.path })))
      case 'download': {
        if (req.paths.length === 0) return []
        const results = await fs.downloadFiles(req.paths.map((source) => ({ source })))
        return results.map((r, i): DownloadItem => {
          const path = req.paths[i] ?? r.source
          if (r.error !== undefined || !(r.result instanceof Uint8Array)) {
            const code = r.errorDetails?.code ?? (r.errorDetails?.statusCode === 404 ? 'FILE_NOT_FOUND' : 'FILE_OPERATION_FAILED')
            return { path, error: { code, message: r.error ?? 'no data received' } }
          }
          return { path, data: new Uint8Array(r.result.buffer, r.result.byteOffset, r.result.byteLength) }
        })
      }
    }
  }

  // ── interpreter contexts ────────────────────────────────────────────────────────────────

  async createContext(cwd?: string): Promise<InterpreterContextInfo> {
    this.#alive()
    const c = await remoteCall('createContext', () => this.#sdk.codeInterpreter.createContext(cwd))
    this.#contexts.set(c.id, c)
    return contextInfo(c)
  }

  async listContexts(): Promise<InterpreterContextInfo[]> {
    const list = await remoteCall('listContexts', () => this.#sdk.codeInterpreter.listContexts())
    for (const c of list) this.#contexts.set(c.id, c)
    return list.map(contextInfo)
  }

  async deleteContext(id: string): Promise<void> {
    const c = this.#contexts.get(id) ?? { id, cwd: '', language: 'python', active: true, createdAt: '' }
    await remoteCall('deleteContext', () => this.#sdk.codeInterpreter.deleteContext(c))
    this.#contexts.delete(id)
  }

  async runCode(req: RunCodeCall): Promise<RunCodeReply> {
    this.#alive()
    const options: Parameters<SdkSandbox['codeInterpreter']['runCode']>[1] = { timeout: seconds(req.timeoutMs) ?? 0 }
    if (req.contextId !== undefined) {
      options.context = this.#contexts.get(req.contextId) ?? { id: req.contextId, cwd: '', language: 'python', active: true, createdAt: '' }
    }
    if (req.envs) options.envs = req.envs
    const { onStdout, onStderr } = req
    if (onStdout) options.onStdout = (m) => onStdout(m.output)
    if (onStderr) options.onStderr = (m) => onStderr(m.output)
    const r = await remoteCall('runCode', () => this.#sdk.codeInterpreter.runCode(req.code, options))
    const out: RunCodeReply = { stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
    if (r.error) out.error = { name: r.error.name, value: r.error.value, traceback: r.error.traceback ?? '' }
    return out
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  async start(): Promise<void> {
    this.#alive()
    await remoteCall('start', () => this.#sdk.start())
    await this.#readDirs()
  }

  async stop(): Promise<void> {
    this.#alive()
    await remoteCall('stop', () => this.#sdk.stop())
    if ((this.#sdk.state as string) === 'destroyed') this.#destroyed = true
  }

  async archive(): Promise<void> {
    this.#alive()
    await remoteCall('archive', () => this.#sdk.archive())
  }

  async recover(): Promise<void> {
    this.#alive()
    await remoteCall('recover', () => this.#sdk.recover())
  }

  async delete(): Promise<void> {
    if (this.#destroyed) return
    try {
      await remoteCall('delete', () => this.#sdk.delete())
    } catch (error) {
      if (!(error instanceof SandboxError && error.code === SandboxErrorCode.NOT_FOUND)) throw error
    }
    this.#destroyed = true
  }

  async setLabels(labels: Record<string, string>): Promise<Record<string, string>> {
    this.#alive()
    return remoteCall('setLabels', () => this.#sdk.setLabels(labels))
  }

  async setInterval(kind: IntervalKind, minutes: number): Promise<void> {
    this.#alive()
    const sdk = this.#sdk
    await remoteCall(kind, () =>
      kind === 'autoStopInterval' ? sdk.setAutostopInterval(minutes) : kind === 'autoArchiveInterval' ? sdk.setAutoArchiveInterval(minutes) : sdk.setAutoDeleteInterval(minutes),
    )
  }

  async updateEnv(set: Record<string, string>, unset: string[]): Promise<void> {
    this.#alive()
    await remoteCall('updateEnv', () => this.#sdk.updateEnv(set, { unset }))
  }

  async refreshActivity(): Promise<void> {
    this.#alive()
    await remoteCall('refreshActivity', () => this.#sdk.refreshActivity())
  }

  async refresh(): Promise<void> {
    if (this.#destroyed) return
    try {
      await remoteCall('refreshData', () => this.#sdk.refreshData())
    } catch (error) {
      if (error instanceof SandboxError && error.code === SandboxErrorCode.NOT_FOUND) this.#destroyed = true
      else throw error
    }
  }

  async previewLink(port: number): Promise<PreviewLink> {
    this.#alive()
    const link = await remoteCall('getPreviewLink', () => this.#sdk.getPreviewLink(port))
    return { sandboxId: link.sandboxId, url: link.url, token: link.token }
  }

  /** A new remote sandbox with a copy of this one's files (Daytona `fork`). */
  async fork(name?: string): Promise<RemoteSandbox> {
    this.#alive()
    const forked = await remoteCall('fork', () => this.#sdk.fork(name !== undefined ? { name } : undefined))
    return RemoteSandbox.open(forked)
  }

  /** Daytona `resize`. */
  async resize(resources: { cpu?: number; memory?: number; disk?: number }): Promise<void> {
    this.#alive()
    await remoteCall('resize', () => this.#sdk.resize(resources))
  }
}

function commandDto(c: { id: string; command: string; exitCode?: number | null }): CommandDto {
  return c.exitCode === undefined || c.exitCode === null ? { id: c.id, command: c.command } : { id: c.id, command: c.command, exitCode: c.exitCode }
}

function fileInfo(f: { name: string; isDir: boolean; size: number; mode: string; permissions: string; owner: string; group: string; modTime: string; modifiedAt?: string; path?: string }): FileInfoDto {
  const out: FileInfoDto = {
    name: f.name,
    isDir: f.isDir,
    size: f.size,
    mode: f.mode,
    permissions: f.permissions,
    owner: f.owner,
    group: f.group,
    modTime: f.modTime,
    modifiedAt: f.modifiedAt ?? f.modTime,
  }
  if (f.path !== undefined) out.path = f.path
  return out
}
