/**
 * The seam between Daytona's API classes (`src/api`, `src/server`) and whatever runs a sandbox.
 *
 * A {@link SandboxBackend} is one sandbox: its data, its lifecycle, its commands, sessions, files
 * and interpreter contexts. Three implementations exist:
 *
 * - `SandboxHost` (this folder): the in-process WebAssembly engine;
 * - `RemoteSandbox` (`src/remote`): a sandbox on a real Daytona, through `@daytonaio/sdk`;
 * - `NativeSandbox` (`src/native`): real Linux processes in a directory, for `daylite serve --backend native`.
 *
 * A {@link SandboxRegistry} creates and finds them (`Engine` for WebAssembly, `NativeRegistry` for
 * native processes). The method set is what the API classes and the server call, with the engine's
 * units (milliseconds, one options object); results that a backend may only know asynchronously
 * are {@link Awaitable}, so the in-process engine keeps its synchronous answers and a remote one
 * can make a request. See `docs/decisions/0006-remote.md`.
 */
import type { CreateOptions, ListOptions } from './engine.js'
import type { PoolStats } from './kernel-pool.js'
import type { SandboxLimits } from './limits.js'
import type { ExecReply, ExecRequest, FsReplies, FsRequest, OutputEvent } from './protocol.js'
import type { InterpreterContextInfo, SandboxInfo, SandboxState, SessionExecReply } from './sandbox-host.js'

/** A value, or a promise of it. */
export type Awaitable<T> = T | Promise<T>

/** Where a sandbox runs: in this process on WebAssembly, on a remote Daytona, or as host processes. */
export type Placement = 'wasm' | 'remote' | 'native'

/** A command of a session (Daytona's `Command`). */
export interface CommandDto {
  id: string
  command: string
  exitCode?: number
}

/** A session and the commands it ran (Daytona's `Session`). */
export interface SessionDto {
  sessionId: string
  commands: CommandDto[]
}

/** The logs of a session command. */
export interface CommandLogs {
  output: string
  stdout: string
  stderr: string
}

/** A command to run in a fresh shell (`executeCommand`). */
export type ExecCall = Omit<ExecRequest, 'execId' | 'stream' | 'sessionId'> & { onOutput?: (e: OutputEvent) => void }

/** Code to run in a fresh interpreter (`codeRun`). */
export interface CodeRunCall {
  code: string
  argv?: string[]
  env?: Record<string, string>
  timeoutMs?: number
  /** Overrides the sandbox's `code-toolbox-language` label. */
  language?: string
}

/** Code to run in a persistent interpreter context (`codeInterpreter.runCode`). */
export interface RunCodeCall {
  code: string
  contextId?: string
  envs?: Record<string, string>
  timeoutMs?: number
  onStdout?: (text: string) => void
  onStderr?: (text: string) => void
}

/** What `runCode` returns: a Python exception is data, not a throw. */
export interface RunCodeReply {
  stdout: string
  stderr: string
  error?: { name: string; value: string; traceback: string }
}

/** Daytona's `PortPreviewUrl`. */
export interface PreviewLink {
  sandboxId: string
  url: string
  token: string
}

/** The interval setters of a sandbox (minutes). */
export type IntervalKind = 'autoStopInterval' | 'autoArchiveInterval' | 'autoDeleteInterval'

/** One sandbox, wherever it runs. Failures are `SandboxError`s with a code. */
export interface SandboxBackend {
  readonly id: string
  readonly name: string
  readonly state: SandboxState
  /** The user's home directory. */
  readonly homeDir: string
  /** Where relative paths and commands start. */
  readonly workDir: string
  /** Where the sandbox runs (absent: `wasm`). */
  readonly placement?: Placement
  /** Daytona's `target` (region) of the sandbox, when it has one. */
  readonly region?: string
  /** A copy of the sandbox's data in Daytona's DTO shape (as last known, for a remote sandbox). */
  info(): SandboxInfo
  /** The sandbox's limits. */
  limits(): SandboxLimits

  /** Runs a bash command in a fresh shell; a timeout throws `TIMEOUT`. */
  exec(req: ExecCall): Promise<ExecReply>
  /** Runs code in a fresh interpreter, as Daytona's `codeRun`. */
  codeRun(req: CodeRunCall): Promise<ExecReply>

  createSession(sessionId: string): Awaitable<void>
  getSession(sessionId: string): Awaitable<SessionDto>
  listSessions(): Awaitable<SessionDto[]>
  deleteSession(sessionId: string): Promise<void>
  getSessionCommand(sessionId: string, commandId: string): Awaitable<CommandDto>
  sessionExec(sessionId: string, command: string, options?: { runAsync?: boolean; timeoutMs?: number }): Promise<SessionExecReply>
  getCommandLogs(sessionId: string, commandId: string): Awaitable<CommandLogs>
  followCommandLogs(sessionId: string, commandId: string, onStdout: (chunk: string) => void, onStderr: (chunk: string) => void): Promise<void>
  /**
   * Sends input to a running session command. Only backends with real processes have it; the
   * in-process shell hands a command all of its stdin when it starts.
   */
  sendSessionCommandInput?(sessionId: string, commandId: string, data: string): Promise<void>

  /** Runs a file API request. */
  fs<R extends FsRequest>(req: R): Promise<FsReplies[R['op']]>

  createContext(cwd?: string): Awaitable<InterpreterContextInfo>
  listContexts(): Awaitable<InterpreterContextInfo[]>
  deleteContext(id: string): Promise<void>
  runCode(req: RunCodeCall): Promise<RunCodeReply>

  start(): Promise<void>
  stop(): Promise<void>
  archive(): Promise<void>
  recover(): Promise<void>
  delete(): Promise<void>
  setLabels(labels: Record<string, string>): Awaitable<Record<string, string>>
  setInterval(kind: IntervalKind, minutes: number): Awaitable<void>
  updateEnv(set: Record<string, string>, unset: string[]): Promise<void>
  refreshActivity(): Awaitable<void>
  /**
   * Daytona's preview link of a port (a server listening in the sandbox). Only backends with
   * real networking have it; `host` is the name the caller reached the server by.
   */
  previewLink?(port: number, host?: string): Promise<PreviewLink>
  /** Re-reads the sandbox's data from where it lives (a remote Daytona); absent when `info()` is always current. */
  refresh?(): Promise<void>
  /** The backend this one currently delegates to (a sandbox that can move between placements). */
  inner?(): SandboxBackend
  /**
   * Calls `onChange(owner)` when the sandbox's data changes outside a call (it moved), for as long
   * as `owner` (the API object showing the data) is alive: it is held weakly.
   */
  watch?<T extends object>(owner: T, onChange: (owner: T) => void): void
}

/** Creates and finds sandboxes of one kind (what `daylite serve` serves). */
export interface SandboxRegistry {
  /** Creates and starts a sandbox. */
  create(options?: CreateOptions): Promise<SandboxBackend>
  /** A sandbox by id or name; `NOT_FOUND` when there is none. */
  get(idOrName: string): SandboxBackend
  /** Sandboxes matching `options`, sorted. */
  list(options?: ListOptions): SandboxBackend[]
  /** A new sandbox with a copy of `source`'s files. */
  fork(source: SandboxBackend, name?: string): Promise<SandboxBackend>
  /** Validates and applies new resources. */
  resize(sandbox: SandboxBackend, resources: { cpu?: number; memory?: number; disk?: number }): Promise<void>
  /** Worker counts (zeros when there are no workers) and the number of sandboxes. */
  stats(): PoolStats & { sandboxes: number }
  /** Prepares for the first sandbox (spawns warm workers). */
  warm(): void
  /** True once disposed. */
  readonly disposed: boolean
  /** Ends every sandbox's processes and frees everything. Safe to call twice. */
  dispose(): Promise<void>
}

/** True when a sandbox's data passes `options`' filters (those of `Engine.list`). */
export function matchesList(i: SandboxInfo, options: ListOptions): boolean {
  if (options.id !== undefined && i.id !== options.id) return false
  if (options.name !== undefined && i.name !== options.name) return false
  if (options.labels && Object.entries(options.labels).some(([k, v]) => i.labels[k] !== v)) return false
  if (options.states && options.states.length > 0 && !options.states.includes(i.state)) return false
  if (options.snapshots && options.snapshots.length > 0 && !options.snapshots.includes(i.snapshot ?? '')) return false
  if (options.minCpu !== undefined && i.cpu < options.minCpu) return false
  if (options.maxCpu !== undefined && i.cpu > options.maxCpu) return false
  if (options.minMemoryGib !== undefined && i.memory < options.minMemoryGib) return false
  if (options.maxMemoryGib !== undefined && i.memory > options.maxMemoryGib) return false
  if (options.minDiskGib !== undefined && i.disk < options.minDiskGib) return false
  if (options.maxDiskGib !== undefined && i.disk > options.maxDiskGib) return false
  if (options.isPublic !== undefined && i.public !== options.isPublic) return false
  if (options.isRecoverable !== undefined && (i.recoverable === true) !== options.isRecoverable) return false
  const created = Date.parse(i.createdAt)
  const active = Date.parse(i.lastActivityAt)
  if (options.createdAtAfter && created <= options.createdAtAfter.getTime()) return false
  if (options.createdAtBefore && created >= options.createdAtBefore.getTime()) return false
  if (options.lastActivityAfter && active <= options.lastActivityAfter.getTime()) return false
  if (options.lastActivityBefore && active >= options.lastActivityBefore.getTime()) return false
  return true
}

/** Sorts sandboxes as `Engine.list` does (default: newest first). */
export function sortSandboxes<T extends { info(): SandboxInfo }>(list: T[], options: ListOptions): T[] {
  const key = options.sort ?? 'createdAt'
  const dir = (options.order ?? 'desc') === 'asc' ? 1 : -1
  const value = (b: T): string | number => {
    const i = b.info()
    switch (key) {
      case 'name':
        return i.name
      case 'cpu':
        return i.cpu
      case 'memoryGib':
        return i.memory
      case 'diskGib':
        return i.disk
      case 'lastActivityAt':
        return i.lastActivityAt
      default:
        return i.createdAt
    }
  }
  // One info() (a copy of the sandbox's data) per sandbox, not two per comparison.
  const keys = new Map(list.map((b, index) => [b, { value: value(b), index }]))
  return [...list].sort((a, b) => {
    const ka = keys.get(a)
    const kb = keys.get(b)
    const va = ka?.value ?? ''
    const vb = kb?.value ?? ''
    if (va < vb) return -dir
    if (va > vb) return dir
    return ((ka?.index ?? 0) - (kb?.index ?? 0)) * dir
  })
}
