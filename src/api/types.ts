/**
 * Daytona's public types, in the shapes of `@daytonaio/sdk` 0.218 (and its toolbox client), plus
 * the configuration extensions of daylite.
 */
import type { EngineLimits, SandboxLimits } from '../engine/limits.js'
import type { FileInfoDto, MatchDto, ReplaceResultDto } from '../engine/protocol.js'
import type { PromoteEvent, RemoteConfig, SandboxTarget } from '../remote/config.js'
import type { Image } from './Image.js'

/** Languages of `codeRun`. */
export const CodeLanguage = { PYTHON: 'python', TYPESCRIPT: 'typescript', JAVASCRIPT: 'javascript' } as const
/** One of {@link CodeLanguage}. */
export type CodeLanguage = (typeof CodeLanguage)[keyof typeof CodeLanguage]

/** Daytona's sandbox states. */
export const SandboxState = {
  CREATING: 'creating',
  RESTORING: 'restoring',
  DESTROYED: 'destroyed',
  DESTROYING: 'destroying',
  STARTED: 'started',
  STOPPED: 'stopped',
  STARTING: 'starting',
  STOPPING: 'stopping',
  ERROR: 'error',
  BUILD_FAILED: 'build_failed',
  PENDING_BUILD: 'pending_build',
  BUILDING_SNAPSHOT: 'building_snapshot',
  UNKNOWN: 'unknown',
  PULLING_SNAPSHOT: 'pulling_snapshot',
  ARCHIVED: 'archived',
  ARCHIVING: 'archiving',
  RESIZING: 'resizing',
  SNAPSHOTTING: 'snapshotting',
  FORKING: 'forking',
  PAUSING: 'pausing',
  PAUSED: 'paused',
  RESUMING: 'resuming',
  UNKNOWN_DEFAULT_OPEN_API: '11184809',
} as const
/** One of {@link SandboxState}. */
export type SandboxState = (typeof SandboxState)[keyof typeof SandboxState]

/** Sort keys of `Daytona.list`. */
export const SandboxListSortField = {
  NAME: 'name',
  CPU: 'cpu',
  MEMORY_GIB: 'memoryGib',
  DISK_GIB: 'diskGib',
  LAST_ACTIVITY_AT: 'lastActivityAt',
  CREATED_AT: 'createdAt',
  UNKNOWN_DEFAULT_OPEN_API: '11184809',
} as const
/** One of {@link SandboxListSortField}. */
export type SandboxListSortField = (typeof SandboxListSortField)[keyof typeof SandboxListSortField]

/** Sort directions of `Daytona.list`. */
export const SandboxListSortDirection = { ASC: 'asc', DESC: 'desc', UNKNOWN_DEFAULT_OPEN_API: '11184809' } as const
/** One of {@link SandboxListSortDirection}. */
export type SandboxListSortDirection = (typeof SandboxListSortDirection)[keyof typeof SandboxListSortDirection]

/**
 * Configuration of {@link Daytona}. Daytona's fields are accepted and ignored in-process (there is
 * no server to authenticate with); the rest are daylite extensions.
 */
export interface DaytonaConfig {
  apiKey?: string
  jwtToken?: string
  organizationId?: string
  apiUrl?: string
  /** @deprecated Daytona's alias of `apiUrl`. */
  serverUrl?: string
  /**
   * Daytona's region of the remote fallback's sandboxes, or (extension) the default placement of
   * `create()`: `'wasm'`, `'remote'` or `'auto'` (see {@link CreateSandboxBaseParams.target}).
   */
  target?: string
  otelEnabled?: boolean
  useDeprecatedPolling?: boolean
  requestTimeoutMs?: number
  _experimental?: Record<string, unknown>
  /** @remarks Extension. Engine-wide limits (worker pool size, parking delay…). */
  limits?: Partial<EngineLimits>
  /** @remarks Extension. Default limits of every sandbox (resources still set disk, memory and cpu). */
  sandboxLimits?: Partial<SandboxLimits>
  /** @remarks Extension. Where the kernel worker bundle is, if not next to the library. */
  workerUrl?: string | URL
  /**
   * The remote fallback: a real Daytona that runs the sandboxes WebAssembly cannot (created with
   * `target: 'remote'`, or `auto` ones that need Linux). Default: `DAYTONA_API_KEY` (with
   * `DAYTONA_API_URL`, `DAYTONA_TARGET`) from the environment when set; `false` turns it off.
   * Needs `@daytonaio/sdk` installed. With a remote, `create()` defaults to `target: 'auto'`.
   * @remarks Extension.
   * @example
   * ```ts
   * const daytona = new Daytona({ remote: { apiKey: process.env.MY_KEY, apiUrl: 'https://app.daytona.io/api' } })
   * const sandbox = await daytona.create({ target: 'auto', onPromote: (e) => console.log('moved:', e.reason) })
   * ```
   */
  remote?: RemoteConfig | false
}

/** Resources of a sandbox: vCPUs, GiB of memory, GiB of disk. */
export interface Resources {
  cpu?: number
  gpu?: number
  memory?: number
  disk?: number
}

/** A volume mount (volumes are not available in-process yet). */
export interface VolumeMount {
  volumeId: string
  mountPath: string
  subpath?: string
}

/** Parameters common to both `create` variants. */
export interface CreateSandboxBaseParams {
  name?: string
  user?: string
  language?: CodeLanguage | string
  envVars?: Record<string, string>
  labels?: Record<string, string>
  public?: boolean
  /** Minutes of inactivity before the sandbox stops (0 = never, default 15). */
  autoStopInterval?: number
  autoPauseInterval?: number
  /** Minutes stopped before the sandbox is archived (0 = 30 days, default 7 days). */
  autoArchiveInterval?: number
  /** Minutes stopped before the sandbox is deleted (negative = never, 0 = at once). */
  autoDeleteInterval?: number
  ttlMinutes?: number
  volumes?: VolumeMount[]
  kvm?: boolean
  networkBlockAll?: boolean
  networkAllowList?: string
  domainAllowList?: string
  outboundProxyUrl?: string
  otelEndpointOverride?: string
  /** Deletes the sandbox as soon as it stops. */
  ephemeral?: boolean
  spot?: boolean
  linkedSandbox?: string
  secrets?: Record<string, string>
  /** @remarks Extension. Per-sandbox limits. */
  limits?: Partial<SandboxLimits>
  /**
   * Where the sandbox runs (extension): `'wasm'` (this process; what needs Linux fails with a hint),
   * `'remote'` (the remote fallback), or `'auto'` (this process, moving to the remote when the image
   * or a command needs Linux; the rules are in `src/remote/rules.ts`). Default: `'auto'` with a
   * remote configured, `'wasm'` without. Any other string keeps Daytona's meaning (a region): the
   * sandbox goes to the remote fallback in that region.
   * @remarks Extension.
   */
  target?: SandboxTarget | (string & {})
  /**
   * Called when this sandbox moves from WebAssembly to the remote fallback (`target: 'auto'`).
   * @remarks Extension.
   */
  onPromote?: (event: PromoteEvent) => void
}

/** `create` from an image. */
export type CreateSandboxFromImageParams = CreateSandboxBaseParams & { image: string | Image; resources?: Resources }
/** `create` from a snapshot. */
export type CreateSandboxFromSnapshotParams = CreateSandboxBaseParams & { snapshot?: string }
/** `fork` parameters. */
export type ForkSandboxParams = { name?: string }

/** Query of `Daytona.list`. */
export interface ListSandboxesQuery {
  limit?: number
  sort?: SandboxListSortField
  order?: SandboxListSortDirection
  id?: string
  name?: string
  labels?: Record<string, string>
  states?: SandboxState[]
  snapshots?: string[]
  targets?: string[]
  minCpu?: number
  maxCpu?: number
  minMemoryGib?: number
  maxMemoryGib?: number
  minDiskGib?: number
  maxDiskGib?: number
  isPublic?: boolean
  isRecoverable?: boolean
  createdAtAfter?: Date
  createdAtBefore?: Date
  lastActivityAfter?: Date
  lastActivityBefore?: Date
  autoDestroyAtAfter?: Date
  autoDestroyAtBefore?: Date
}

/** The result of `executeCommand` (and `codeRun`). */
export interface ExecuteResponse {
  exitCode: number
  /** stdout and stderr interleaved. */
  result: string
  artifacts?: { stdout: string }
}

/** A port's preview link (`Sandbox.getPreviewLink`). */
export interface PortPreviewUrl {
  /** The sandbox's id. */
  sandboxId: string
  /** The URL that reaches the port. */
  url: string
  /** The access token (empty when none is needed). */
  token: string
}

/** Options of `codeRun`. */
export class CodeRunParams {
  argv?: string[]
  env?: Record<string, string>
}

/** A session and its commands. */
export interface Session {
  sessionId: string
  commands: Command[]
}

/** A command of a session. */
export interface Command {
  id: string
  command: string
  exitCode?: number
}

/** A request to run a command in a session. */
export interface SessionExecuteRequest {
  command: string
  runAsync?: boolean
  /** @deprecated Daytona's legacy name of `runAsync`. */
  async?: boolean
  suppressInputEcho?: boolean
}

/** The result of `executeSessionCommand`. */
export interface SessionExecuteResponse {
  cmdId: string
  output?: string
  stdout?: string
  stderr?: string
  exitCode?: number
}

/** The logs of a session command. */
export interface SessionCommandLogsResponse {
  output?: string
  stdout?: string
  stderr?: string
}

/** File metadata, as Daytona's toolbox returns it (`mode` is Go's mode string, `permissions` octal). */
export type FileInfo = FileInfoDto

/** A content search hit. */
export type Match = MatchDto

/** The result of replacing in one file. */
export type ReplaceResult = ReplaceResultDto

/** The result of `searchFiles`. */
export interface SearchFilesResponse {
  files: string[]
}

/** Owner, group and mode to set. */
export type FilePermissionsParams = { group?: string; mode?: string; owner?: string }

/** A file to upload: bytes or a local path (Node), and where it goes. */
export interface FileUpload {
  source: string | Buffer | Uint8Array
  destination: string
}

/** A file to download, optionally to a local path (Node). */
export interface FileDownloadRequest {
  source: string
  destination?: string
}

/** Why one file of a bulk download failed. */
export interface FileDownloadErrorDetails {
  message: string
  statusCode?: number
  code?: string
  errorCode?: string
  source?: string
}

/** One file of a bulk download. */
export interface FileDownloadResponse {
  source: string
  /** The bytes (a `Buffer` in Node, a `Uint8Array` in browsers), or the local path when a destination was given. */
  result?: Buffer | string
  error?: string
  errorDetails?: FileDownloadErrorDetails
}

/** Download progress. */
export type DownloadProgress = { bytesReceived: number; totalBytes?: number }
/** Upload progress. */
export type UploadProgress = { bytesSent: number }
/** Options of `downloadFileStream`. */
export type DownloadStreamOptions = { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal; timeout?: number }
/** Options of `uploadFileStream`. */
export type UploadStreamOptions = { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal; timeout?: number }
/** What `uploadFileStream` accepts. */
export type UploadSource = Uint8Array | string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/** An interpreter context (Daytona's `InterpreterContext`). */
export interface InterpreterContext {
  id: string
  cwd: string
  language: string
  active: boolean
  createdAt: string
}

/** A chunk of output from `codeInterpreter.runCode`. */
export interface OutputMessage {
  output: string
}

/** A Python exception raised by code run in an interpreter context. */
export interface ExecutionError {
  /** The exception class name, e.g. `ValueError`. */
  name: string
  /** `str(exception)`. */
  value: string
  /** The formatted traceback. */
  traceback?: string
}

/** What `codeInterpreter.runCode` returns. */
export interface ExecutionResult {
  stdout: string
  stderr: string
  error?: ExecutionError
}

/** Options of `codeInterpreter.runCode`. */
export interface RunCodeOptions {
  /** The context to run in (default: the shared default context). */
  context?: InterpreterContext
  /** Environment variables for this run only. */
  envs?: Record<string, string>
  /** Seconds; 0 for none. Default 600. */
  timeout?: number
  onStdout?: (message: OutputMessage) => unknown
  onStderr?: (message: OutputMessage) => unknown
  onError?: (error: ExecutionError) => unknown
}
