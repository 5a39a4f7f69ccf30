/**
 * The messages between the host (`SandboxHost`) and a kernel worker. The kernel's methods are
 * the `KernelApi` below; `rpc.ts` carries them. Everything here is structured-cloneable.
 */
import type { SandboxLimits } from './limits.js'

/** The Unix identity commands run as. */
export interface SandboxUser {
  name: string
  uid: number
  gid: number
  home: string
}

/** Shell state of a session that persists across its commands (owned by `src/shell`, opaque here). */
export type SessionShellState = unknown

/** The base layer every kernel builds itself: daylite's Debian-like tree with the shell's commands. */
export const BUILTIN_BASE_ID = 'builtin:debian'

/** What a kernel needs to take on a sandbox. */
export interface AttachInit {
  sandboxId: string
  /** Id of the read-only base layer. */
  baseId: string
  /** The base layer's bytes, sent when this worker has not seen `baseId` yet (not needed for {@link BUILTIN_BASE_ID}). */
  baseBytes?: Uint8Array
  /** The sandbox's writable layer (`null` for a new sandbox). */
  image: Uint8Array | null
  user: SandboxUser
  /** The sandbox's environment (Daytona `envVars`). */
  env: Record<string, string>
  /** Default directory for relative paths and commands. */
  workDir: string
  limits: SandboxLimits
  /** Session shell states carried over from a parked kernel. */
  sessions: Record<string, SessionShellState>
  /** Daytona's network settings: block every connection (pip refuses to fetch). */
  networkBlockAll?: boolean
  /** Comma-separated CIDRs (and, as an extension, host names) outbound requests may reach. */
  networkAllowList?: string
  /** Comma-separated domains outbound requests may reach. */
  domainAllowList?: string
}

/** What a kernel hands back when it lets a sandbox go. */
export interface DetachResult {
  image: Uint8Array
  sessions: Record<string, SessionShellState>
}

/** One command to run. */
export interface ExecRequest {
  /** Host-chosen id; streamed output events carry it. */
  execId: string
  command: string
  /** Absolute or relative to the work dir. */
  cwd?: string
  env?: Record<string, string>
  /** 0 or absent: no deadline. */
  timeoutMs?: number
  /** Run in this session's persistent shell state. */
  sessionId?: string
  /** Emit `output` events while the command runs. */
  stream?: boolean
  stdin?: string
  /**
   * The command's stdin stays open for input sent while it runs (kernel `input(execId, data)`,
   * Daytona's `sendSessionCommandInput`); the programs it starts read it as it comes.
   */
  input?: boolean
}

/** The outcome of an {@link ExecRequest}. */
export interface ExecReply {
  exitCode: number
  stdout: string
  stderr: string
  /** stdout and stderr interleaved in write order. */
  output: string
  timedOut: boolean
  truncated: boolean
  durationMs: number
}

/** Code for a stateful interpreter context (Daytona's `codeInterpreter.runCode`). */
export interface InterpreterRequest {
  /** Host-chosen id; streamed output events carry it. */
  execId: string
  contextId: string
  /** The context's working directory (absolute), used when its process starts. */
  cwd: string
  code: string
  envs?: Record<string, string>
  /** 0 or absent: no deadline. At the deadline the context's process is killed. */
  timeoutMs?: number
  /** Emit `output` events while the code runs. */
  stream?: boolean
}

/** The outcome of an {@link InterpreterRequest}. */
export interface InterpreterReply {
  stdout: string
  stderr: string
  error?: { name: string; value: string; traceback: string }
  /** The context's process was started for this run (no earlier variables). */
  started: boolean
  /** The deadline passed: the process was killed and the context's variables are gone. */
  timedOut: boolean
  /** The process ended for another reason (out of memory, a crash, `os._exit`); its variables are gone. */
  died?: string
}

/** A chunk of a running command's output. */
export interface OutputEvent {
  execId: string
  stream: 'stdout' | 'stderr'
  chunk: string
}

/** Daytona's `FileInfo`. */
export interface FileInfoDto {
  name: string
  isDir: boolean
  size: number
  mode: string
  permissions: string
  owner: string
  group: string
  modTime: string
  modifiedAt: string
  path?: string
}

/** Daytona's `Match` (a content search hit). */
export interface MatchDto {
  file: string
  line: number
  content: string
}

/** Daytona's `ReplaceResult`. */
export interface ReplaceResultDto {
  file?: string
  success?: boolean
  error?: string
}

/** The result of one path in a bulk download. */
export type DownloadItem = { path: string; data: Uint8Array } | { path: string; error: { code: string; message: string } }

/** The file API, as one request type per call. Paths may be relative to the work dir. */
export type FsRequest =
  | { op: 'list'; path: string; depth?: number }
  | { op: 'info'; path: string }
  | { op: 'mkdir'; path: string; mode?: string }
  | { op: 'delete'; path: string; recursive?: boolean }
  | { op: 'move'; source: string; destination: string }
  | { op: 'permissions'; path: string; mode?: string; owner?: string; group?: string }
  | { op: 'search'; path: string; pattern: string }
  | { op: 'find'; path: string; pattern: string }
  | { op: 'replace'; files: string[]; pattern: string; newValue: string }
  | { op: 'upload'; files: { path: string; data: Uint8Array }[] }
  | { op: 'download'; paths: string[] }

/** The answers to {@link FsRequest}s, by op. */
export interface FsReplies {
  list: FileInfoDto[]
  info: FileInfoDto
  mkdir: void
  delete: void
  move: void
  permissions: void
  search: { files: string[] }
  find: MatchDto[]
  replace: ReplaceResultDto[]
  upload: void
  download: DownloadItem[]
}

/** Disk usage of a sandbox. */
export interface UsageDto {
  bytes: number
  inodes: number
  maxBytes: number
  maxInodes: number
}

/**
 * A Git API call (Daytona's `Git` class), one request type per method. Repository paths may be
 * relative to the work dir; `files` are relative to the repository.
 */
export type GitRequest =
  | { op: 'clone'; url: string; path: string; branch?: string; commitId?: string; username?: string; password?: string; depth?: number }
  | { op: 'init'; path: string; bare?: boolean; initialBranch?: string }
  | { op: 'add'; path: string; files: string[] }
  | { op: 'commit'; path: string; message: string; author: string; email: string; allowEmpty?: boolean }
  | { op: 'status'; path: string }
  | { op: 'branches'; path: string }
  | { op: 'createBranch'; path: string; name: string }
  | { op: 'deleteBranch'; path: string; name: string }
  | { op: 'checkout'; path: string; branch: string }
  | { op: 'push'; path: string; username?: string; password?: string; branch?: string; remote?: string; setUpstream?: boolean }
  | { op: 'pull'; path: string; username?: string; password?: string; branch?: string; remote?: string }
  | { op: 'reset'; path: string; mode?: string; target?: string; files?: string[] }
  | { op: 'restore'; path: string; files: string[]; staged?: boolean; worktree?: boolean; source?: string }
  | { op: 'remoteAdd'; path: string; name: string; url: string; fetch?: boolean; overwrite?: boolean }
  | { op: 'remotes'; path: string }
  | { op: 'setConfig'; key: string; value: string; scope: string; path?: string }
  | { op: 'getConfig'; key: string; scope: string; path?: string }
  | { op: 'configureUser'; name: string; email: string; scope: string; path?: string }
  | { op: 'authenticate'; username: string; password: string; host?: string; protocol?: string }

/** Daytona's git file status names. */
export type GitFileStatusName = 'Unmodified' | 'Untracked' | 'Modified' | 'Added' | 'Deleted' | 'Renamed' | 'Copied' | 'Updated but unmerged'

/** Daytona's `GitStatus`. */
export interface GitStatusDto {
  currentBranch: string
  fileStatus: { name: string; staging: GitFileStatusName; worktree: GitFileStatusName; extra: string }[]
  ahead?: number
  behind?: number
  branchPublished?: boolean
  upstream?: string
  detached?: boolean
}

/** The answers to {@link GitRequest}s, by op. */
export interface GitReplies {
  clone: void
  init: void
  add: void
  commit: { sha: string }
  status: GitStatusDto
  branches: { branches: string[]; current?: string }
  createBranch: void
  deleteBranch: void
  checkout: void
  push: void
  pull: void
  reset: void
  restore: void
  remoteAdd: void
  remotes: { remotes: { name: string; url: string }[] }
  setConfig: void
  getConfig: { value?: string }
  configureUser: void
  authenticate: void
}

/** Progress of a network Git API call (clone, pull, push), as a kernel event. */
export interface GitProgressEvent {
  /** Host-chosen id of the call. */
  opId: string
  phase: string
  loaded: number
  total?: number
}
