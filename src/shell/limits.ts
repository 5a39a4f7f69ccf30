/**
 * The shell's execution limits, each with its default. They map onto just-bash's
 * `executionLimits`; the engine's limits file passes its values through `new Shell({ limits })`.
 */
import type { BashOptions } from 'just-bash'

type ExecutionLimits = NonNullable<BashOptions['executionLimits']>

/** Limits of one {@link Shell.exec}. All optional; see {@link DEFAULT_SHELL_LIMITS}. */
export interface ShellLimits {
  /** Wall-clock time of one exec in ms (a per-call `timeoutMs` can only lower it). */
  maxExecutionTimeMs?: number
  /** Commands one exec may run (stops fork-bomb-like recursion and runaway loops). */
  maxCommandCount?: number
  /** Iterations of one loop. */
  maxLoopIterations?: number
  /** Depth of function recursion. */
  maxCallDepth?: number
  /** Output bytes kept per exec (stdout + stderr); the rest is dropped with a marker. */
  maxOutputBytes?: number
  /** Longest string a variable or expansion may hold. */
  maxStringLength?: number
  /** Largest array. */
  maxArrayElements?: number
  /** Glob operations per exec. */
  maxGlobOperations?: number
  /** Iterations inside one awk, sed or jq program. */
  maxToolIterations?: number
  /** Largest script accepted, in bytes. */
  maxScriptBytes?: number
  /** Nesting of `$(…)`, `bash -c`, `source`. */
  maxSubstitutionDepth?: number
}

/** Defaults of {@link ShellLimits}. */
export const DEFAULT_SHELL_LIMITS: Readonly<Required<ShellLimits>> = Object.freeze({
  maxExecutionTimeMs: 30 * 60_000,
  maxCommandCount: 1_000_000,
  maxLoopIterations: 1_000_000,
  maxCallDepth: 200,
  maxOutputBytes: 10 * 1024 * 1024,
  maxStringLength: 64 * 1024 * 1024,
  maxArrayElements: 1_000_000,
  maxGlobOperations: 1_000_000,
  maxToolIterations: 10_000_000,
  maxScriptBytes: 8 * 1024 * 1024,
  maxSubstitutionDepth: 50,
})

/** Resolves user limits against the defaults. */
export function resolveShellLimits(limits: ShellLimits | undefined): Required<ShellLimits> {
  return { ...DEFAULT_SHELL_LIMITS, ...limits }
}

/**
 * Output bytes the shell holds for one command whose output it captures (piped to a stage that
 * reads whole inputs, `$(…)`, a redirection): four times the exec's output cap, at least 64 MiB.
 * just-bash stops its own commands there; a program past it is stopped with an error.
 */
export function capturedOutputBytes(l: Required<ShellLimits>): number {
  return Math.max(l.maxOutputBytes * 4, 64 * 1024 * 1024)
}

/**
 * just-bash's limits for one exec. Its own output cap is set well above ours because our sinks
 * (not just-bash's accumulators) carry most output, and we cut it ourselves with a marker.
 */
export function toJustBashLimits(l: Required<ShellLimits>, timeoutMs: number): ExecutionLimits {
  return {
    maxExecutionTimeMs: timeoutMs,
    maxCommandCount: l.maxCommandCount,
    maxLoopIterations: l.maxLoopIterations,
    maxCallDepth: l.maxCallDepth,
    maxOutputSize: capturedOutputBytes(l),
    maxStringLength: l.maxStringLength,
    maxArrayElements: l.maxArrayElements,
    maxGlobOperations: l.maxGlobOperations,
    maxAwkIterations: l.maxToolIterations,
    maxSedIterations: l.maxToolIterations,
    maxJqIterations: l.maxToolIterations,
    maxSourceBytes: l.maxScriptBytes,
    maxSubstitutionDepth: l.maxSubstitutionDepth,
  }
}
