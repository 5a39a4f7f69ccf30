/**
 * Every limit of the engine, with its default. Daytona's `resources { cpu, memory, disk }` map onto
 * these in {@link limitsFromResources}; the rest are settable per `Daytona` instance and per sandbox
 * (an extension).
 */

/** Limits that apply to one sandbox. */
export interface SandboxLimits {
  /** Bytes the sandbox's writable layer may hold (Daytona `disk`, GiB → bytes). Writes past it fail with ENOSPC. */
  diskBytes: number
  /** Inodes (files, directories, links) the writable layer may hold. */
  maxInodes: number
  /**
   * Wasm memory the sandbox's processes may use together (Daytona `memory`): each of the
   * `maxProcesses` programs that may run at once is capped at `memoryBytes / maxProcesses` (its
   * module's declared maximum is lowered), so an allocation past it is a `MemoryError` in the guest.
   * Interpreter contexts (idle, long-lived processes) get the same cap each, outside that sum.
   */
  memoryBytes: number
  /** Process workers the sandbox may run at once (Daytona `cpu`), for the runtimes. */
  maxProcesses: number
  /** Output bytes kept per command; the rest is dropped after a truncation marker. */
  maxOutputBytes: number
  /** Longest command string accepted by `executeCommand` and sessions. */
  maxCommandBytes: number
  /** Largest environment (names and values, in characters) one command, or the sandbox's own env, may carry. */
  maxEnvBytes: number
  /** Largest single file accepted by `uploadFile(s)` or returned by `downloadFile(s)`. */
  maxFileBytes: number
  /** Shell commands one script may run before it is stopped (catches `while true; do :; done`). */
  maxShellCommands: number
  /** Loop iterations one shell loop may run. */
  maxLoopIterations: number
  /** Shell function call depth. */
  maxCallDepth: number
  /** Wall time of a command when the caller gives no timeout, in ms (0 = no limit, as Daytona). */
  defaultCommandTimeoutMs: number
}

/** Limits that apply to the whole engine (one `Daytona` instance). */
export interface EngineLimits {
  /** Kernel workers alive at once; more started sandboxes share them by parking idle ones. */
  maxKernelWorkers: number
  /** Kernel workers kept spawned and ready, so `create()` and the first command never wait for a spawn. */
  warmKernelWorkers: number
  /** A started sandbox idle this long hands its worker back to the pool (its state stays on the host). */
  parkAfterMs: number
  /** Grace after a command's deadline before the watchdog terminates a stuck kernel worker. */
  watchdogGraceMs: number
  /** Length of one Daytona interval "minute" in ms (autoStop/autoArchive/autoDelete); tests shorten it. */
  intervalUnitMs: number
}

const GiB = 1024 ** 3

/** Daytona's default resources: 1 vCPU, 1 GiB memory, 3 GiB disk. */
export const DEFAULT_RESOURCES = { cpu: 1, memory: 1, disk: 3 } as const
/** Daytona's per-sandbox maxima: 4 vCPU, 8 GiB memory, 10 GiB disk. */
export const MAX_RESOURCES = { cpu: 4, memory: 8, disk: 10 } as const
/** Daytona's minima: 1 / 1 / 1. */
export const MIN_RESOURCES = { cpu: 1, memory: 1, disk: 1 } as const

/** The default sandbox limits (for Daytona's default resources). */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  diskBytes: DEFAULT_RESOURCES.disk * GiB,
  maxInodes: 1_000_000,
  memoryBytes: DEFAULT_RESOURCES.memory * GiB,
  maxProcesses: DEFAULT_RESOURCES.cpu,
  maxOutputBytes: 10 * 1024 * 1024,
  maxCommandBytes: 1024 * 1024,
  maxEnvBytes: 1024 * 1024,
  maxFileBytes: 512 * 1024 * 1024,
  maxShellCommands: 1_000_000,
  maxLoopIterations: 1_000_000,
  maxCallDepth: 1_000,
  defaultCommandTimeoutMs: 0,
}

/** The default engine limits. */
export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  maxKernelWorkers: 8,
  warmKernelWorkers: 1,
  parkAfterMs: 2_000,
  watchdogGraceMs: 3_000,
  intervalUnitMs: 60_000,
}

/** Maps Daytona resources (vCPU, GiB, GiB) onto sandbox limits. */
export function limitsFromResources(
  resources: { cpu: number; memory: number; disk: number },
  base: SandboxLimits = DEFAULT_SANDBOX_LIMITS,
): SandboxLimits {
  return { ...base, diskBytes: resources.disk * GiB, memoryBytes: resources.memory * GiB, maxProcesses: resources.cpu }
}
