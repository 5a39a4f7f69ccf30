/**
 * A sandbox that `Daytona` placed in WebAssembly: it delegates to the in-process engine, looks at
 * each failed command for what only Linux can do (`rules.ts`, rules 7–11) and then either moves
 * to the remote runner with its files and re-runs the command there (`auto` with a remote), or
 * returns the failure with a hint that names the fallback. The `Sandbox` object the caller holds
 * keeps this backend, so it keeps working after the move.
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
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { SandboxLimits } from '../engine/limits.js'
import type { ExecReply, FsReplies, FsRequest } from '../engine/protocol.js'
import type { InterpreterContextInfo, SandboxInfo, SandboxState, SessionExecReply } from '../engine/sandbox-host.js'
import type { PromoteEvent } from './config.js'
import { copyFiles, moveContexts, moveSessions, pathMapper } from './migrate.js'
import { fallbackHint, runtimeNeed, type Need } from './rules.js'
import type { RemoteCreateParams, RemoteRunner } from './runner.js'

/** What a placed sandbox needs from the placement that made it. */
export interface PlacedHooks {
  /** The remote runner, when one is configured. */
  runner: RemoteRunner | undefined
  /** `auto`: move when a rule matches; `wasm`: never move, add a hint instead. */
  mode: 'auto' | 'wasm'
  /** How to create the remote sandbox (everything but what the current sandbox's data says). */
  remoteParams: RemoteCreateParams
  /** The sandbox's name was chosen by the caller (so the remote one gets it too). */
  named: boolean
  /** Called after a move, with the id it had before. */
  moved(sandbox: PlacedSandbox, previousId: string): void
  /** Called with each promotion's event (the create option and the Daytona-wide one). */
  onPromote: ((event: PromoteEvent) => void)[]
}

function appendHint<T extends { output?: string; stderr?: string }>(reply: T, text: string): T {
  const output = reply.output ?? ''
  const line = `${output === '' || output.endsWith('\n') ? '' : '\n'}daylite: ${text}\n`
  return { ...reply, output: output + line, stderr: (reply.stderr ?? '') + line }
}

/** A sandbox placed in WebAssembly that can move to the remote runner. */
export class PlacedSandbox implements SandboxBackend {
  #current: SandboxBackend
  #hooks: PlacedHooks
  #moving: Promise<void> | undefined
  #watchers: { owner: WeakRef<object>; onChange: (owner: object) => void }[] = []
  #pruneAt = 64
  #contextIds = new Map<string, string>()

  constructor(wasm: SandboxBackend, hooks: PlacedHooks) {
    this.#current = wasm
    this.#hooks = hooks
  }

  get id(): string {
    return this.#current.id
  }
  get name(): string {
    return this.#current.name
  }
  get state(): SandboxState {
    return this.#current.state
  }
  get homeDir(): string {
    return this.#current.homeDir
  }
  get workDir(): string {
    return this.#current.workDir
  }
  get placement(): Placement {
    return this.#current.placement ?? 'wasm'
  }
  get region(): string | undefined {
    return this.#current.region
  }
  /** `auto` or `wasm`. */
  get mode(): 'auto' | 'wasm' {
    return this.#hooks.mode
  }
  info(): SandboxInfo {
    return this.#current.info()
  }
  limits(): SandboxLimits {
    return this.#current.limits()
  }
  inner(): SandboxBackend {
    return this.#current
  }
  watch<T extends object>(owner: T, onChange: (owner: T) => void): void {
    this.#watchers.push({ owner: new WeakRef(owner), onChange: onChange as (owner: object) => void })
    if (this.#watchers.length >= this.#pruneAt) {
      // Owners (Sandbox objects from get/list) come and go: forget the collected ones.
      this.#watchers = this.#watchers.filter((w) => w.owner.deref() !== undefined)
      this.#pruneAt = Math.max(64, this.#watchers.length * 2)
    }
  }

  /** The current backend, once a move in progress has finished. */
  async #cur(): Promise<SandboxBackend> {
    if (this.#moving) await this.#moving.catch(() => {})
    return this.#current
  }

  /**
   * After a failed command in WebAssembly: moves and re-runs (`auto` with a remote), or adds the
   * hint. `rerun` runs the command again on the remote backend.
   */
  async #after<T extends { output?: string; stderr?: string }>(ran: SandboxBackend, exitCode: number | undefined, reply: T, command: string, rerun: (b: SandboxBackend) => Promise<T>): Promise<T> {
    if (ran.placement === 'remote' || exitCode === undefined || exitCode === 0) return reply
    const need = runtimeNeed(exitCode, reply.output ?? '')
    if (!need) return reply
    const runner = this.#hooks.runner
    if (this.#hooks.mode !== 'auto' || !runner) {
      return appendHint(reply, `this needs ${need.reason}, which the WebAssembly sandbox cannot run; ${fallbackHint(runner !== undefined)}`)
    }
    try {
      if (this.#current === ran) await this.#promote(need, command, runner)
      else await this.#cur()
    } catch (error) {
      return appendHint(reply, `this needs ${need.reason}; moving the sandbox to the remote Daytona (${runner.apiUrl}) failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    return rerun(this.#current)
  }

  async #promote(need: Need, command: string, runner: RemoteRunner): Promise<void> {
    if (this.#moving) return this.#moving
    const moving = (async () => {
      const started = performance.now()
      const wasm = this.#current
      const info = wasm.info()
      const params: RemoteCreateParams = {
        ...this.#hooks.remoteParams,
        language: info.labels['code-toolbox-language'],
        envVars: info.env,
        labels: info.labels,
        public: info.public,
        autoStopInterval: info.autoStopInterval,
        autoArchiveInterval: info.autoArchiveInterval,
        autoDeleteInterval: info.autoDeleteInterval,
        networkBlockAll: info.networkBlockAll,
      }
      if (this.#hooks.named) params.name = info.name
      if (info.networkAllowList !== undefined) params.networkAllowList = info.networkAllowList
      if (info.domainAllowList !== undefined) params.domainAllowList = info.domainAllowList
      if (params.dockerfile !== undefined) params.resources = { cpu: info.cpu, memory: info.memory, disk: info.disk }
      const remote = await runner.create(params)
      let copied: { files: number; bytes: number }
      try {
        const map = pathMapper(wasm, remote)
        copied = await copyFiles(wasm, remote, map)
        await moveSessions(wasm, remote, map)
        this.#contextIds = await moveContexts(wasm, remote, map)
      } catch (error) {
        await remote.delete().catch(() => {})
        throw error
      }
      const previousId = wasm.id
      this.#current = remote
      await wasm.delete().catch(() => {})
      this.#hooks.moved(this, previousId)
      const event: PromoteEvent = {
        sandboxId: remote.id,
        previousId,
        from: 'wasm',
        to: 'remote',
        rule: need.rule,
        reason: need.reason,
        command,
        files: copied.files,
        bytes: copied.bytes,
        durationMs: performance.now() - started,
      }
      for (const w of this.#watchers) {
        const owner = w.owner.deref()
        if (owner) w.onChange(owner)
      }
      for (const callback of this.#hooks.onPromote) {
        try {
          callback(event)
        } catch {
          // A listener's failure is not the sandbox's.
        }
      }
    })()
    this.#moving = moving
    try {
      await moving
    } finally {
      if (this.#moving === moving) this.#moving = undefined
    }
  }

  #context(id: string | undefined): string | undefined {
    return id === undefined ? undefined : (this.#contextIds.get(id) ?? id)
  }

  // ── commands: the places a sandbox can move from ────────────────────────────────────────

  async exec(req: ExecCall): Promise<ExecReply> {
    const b = await this.#cur()
    const reply = await b.exec(req)
    return this.#after(b, reply.exitCode, reply, req.command, (r) => r.exec({ ...req, onOutput: undefined }))
  }

  async codeRun(req: CodeRunCall): Promise<ExecReply> {
    const b = await this.#cur()
    const reply = await b.codeRun(req)
    return this.#after(b, reply.exitCode, reply, req.code, (r) => r.codeRun(req))
  }

  async sessionExec(sessionId: string, command: string, options: { runAsync?: boolean; timeoutMs?: number } = {}): Promise<SessionExecReply> {
    const b = await this.#cur()
    const reply = await b.sessionExec(sessionId, command, options)
    if (options.runAsync) return reply
    return this.#after(b, reply.exitCode, reply, command, (r) => r.sessionExec(sessionId, command, options))
  }

  // ── everything else delegates ───────────────────────────────────────────────────────────

  async createSession(sessionId: string): Promise<void> {
    await (await this.#cur()).createSession(sessionId)
  }
  async getSession(sessionId: string): Promise<SessionDto> {
    return (await this.#cur()).getSession(sessionId)
  }
  async listSessions(): Promise<SessionDto[]> {
    return (await this.#cur()).listSessions()
  }
  async deleteSession(sessionId: string): Promise<void> {
    await (await this.#cur()).deleteSession(sessionId)
  }
  async getSessionCommand(sessionId: string, commandId: string): Promise<CommandDto> {
    return (await this.#cur()).getSessionCommand(sessionId, commandId)
  }
  async getCommandLogs(sessionId: string, commandId: string): Promise<CommandLogs> {
    return (await this.#cur()).getCommandLogs(sessionId, commandId)
  }
  async followCommandLogs(sessionId: string, commandId: string, onStdout: (chunk: string) => void, onStderr: (chunk: string) => void): Promise<void> {
    await (await this.#cur()).followCommandLogs(sessionId, commandId, onStdout, onStderr)
  }
  get sendSessionCommandInput(): SandboxBackend['sendSessionCommandInput'] {
    const current = this.#current
    const send = current.sendSessionCommandInput
    return send ? (sessionId, commandId, data) => send.call(current, sessionId, commandId, data) : undefined
  }
  async fs<R extends FsRequest>(req: R): Promise<FsReplies[R['op']]> {
    return (await this.#cur()).fs(req)
  }
  async createContext(cwd?: string): Promise<InterpreterContextInfo> {
    return (await this.#cur()).createContext(cwd)
  }
  async listContexts(): Promise<InterpreterContextInfo[]> {
    return (await this.#cur()).listContexts()
  }
  async deleteContext(id: string): Promise<void> {
    await (await this.#cur()).deleteContext(this.#context(id) ?? id)
  }
  async runCode(req: RunCodeCall): Promise<RunCodeReply> {
    const b = await this.#cur()
    const contextId = this.#context(req.contextId)
    return b.runCode(contextId === undefined ? req : { ...req, contextId })
  }
  async start(): Promise<void> {
    await (await this.#cur()).start()
  }
  async stop(): Promise<void> {
    await (await this.#cur()).stop()
  }
  async archive(): Promise<void> {
    await (await this.#cur()).archive()
  }
  async recover(): Promise<void> {
    await (await this.#cur()).recover()
  }
  async delete(): Promise<void> {
    await (await this.#cur()).delete()
  }
  async setLabels(labels: Record<string, string>): Promise<Record<string, string>> {
    return (await this.#cur()).setLabels(labels)
  }
  async setInterval(kind: IntervalKind, minutes: number): Promise<void> {
    await (await this.#cur()).setInterval(kind, minutes)
  }
  async updateEnv(set: Record<string, string>, unset: string[]): Promise<void> {
    await (await this.#cur()).updateEnv(set, unset)
  }
  async refreshActivity(): Promise<void> {
    await (await this.#cur()).refreshActivity()
  }
  async previewLink(port: number, host?: string): Promise<PreviewLink> {
    const b = await this.#cur()
    if (!b.previewLink) {
      throw new SandboxError(
        SandboxErrorCode.UNSUPPORTED,
        `a preview link needs a server listening on port ${port}, which the WebAssembly sandbox cannot run (it has no sockets); ${fallbackHint(this.#hooks.runner !== undefined)}`,
        { port },
      )
    }
    return b.previewLink(port, host)
  }
  async refresh(): Promise<void> {
    await (await this.#cur()).refresh?.()
  }
}
