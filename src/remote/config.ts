/**
 * How the remote fallback is configured, and what `target` means on `create`.
 */
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'

/**
 * Where `create` puts a sandbox (extension): `wasm` in this process, `remote` on the configured
 * Daytona, `auto` in this process until it needs Linux (see `src/remote/rules.ts`). Any other
 * string keeps Daytona's meaning: a region of the remote Daytona, so the sandbox goes remote there.
 */
export type SandboxTarget = 'wasm' | 'remote' | 'auto'

/** The placement targets daylite understands; other `target` strings are Daytona regions. */
export const TARGETS: readonly SandboxTarget[] = ['wasm', 'remote', 'auto']

/** What happened when a sandbox moved from WebAssembly to the remote runner. */
export interface PromoteEvent {
  /** The sandbox's id after the move (the remote Daytona's id). */
  sandboxId: string
  /** Its id before the move (`daytona.get()` still finds it by this id). */
  previousId: string
  from: 'wasm'
  to: 'remote'
  /** The rule that matched (`linux-command`, `pip-native`, `socket`…; see `src/remote/rules.ts`). */
  rule: string
  /** What the sandbox needed, in words. */
  reason: string
  /** The command (or code) that failed and was re-run remotely. */
  command: string
  /** Files copied to the remote sandbox, and their bytes. */
  files: number
  bytes: number
  /** How long the move took (create + copy), in ms. */
  durationMs: number
}

/** The remote Daytona the fallback uses (extension). */
export interface RemoteConfig {
  /** API key of the remote Daytona (default: `DAYTONA_API_KEY`). */
  apiKey?: string
  /** Its API URL (default: `DAYTONA_API_URL`, else `https://app.daytona.io/api`). */
  apiUrl?: string
  /** Daytona's region (`target`) for remote sandboxes (default: `DAYTONA_TARGET`, else the remote's default). */
  target?: string
  /** The placement of `create()` calls without `target` (default `auto`). */
  defaultTarget?: SandboxTarget
  /** Called whenever a sandbox of this `Daytona` moves to the remote runner. */
  onPromote?: (event: PromoteEvent) => void
}

/** A remote configuration with its key resolved. */
export interface ResolvedRemote {
  apiKey: string
  apiUrl: string
  target?: string
  defaultTarget: SandboxTarget
  onPromote?: (event: PromoteEvent) => void
}

/** Daytona's public API. */
export const DEFAULT_API_URL = 'https://app.daytona.io/api'

function environment(): Record<string, string | undefined> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
  return proc?.env ?? {}
}

/**
 * The remote of a `Daytona`: `config.remote` (or `false` for none), else `DAYTONA_API_KEY` (with
 * `DAYTONA_API_URL` and `DAYTONA_TARGET`) from the environment; undefined when there is none.
 * @param region - Daytona's own `config.target` (a region), used when `remote.target` is absent
 */
export function resolveRemote(remote: RemoteConfig | false | undefined, region?: string): ResolvedRemote | undefined {
  if (remote === false) return undefined
  const env = environment()
  const apiKey = remote?.apiKey ?? env.DAYTONA_API_KEY
  if (remote === undefined && !apiKey) return undefined
  if (!apiKey) {
    throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'remote needs an API key: give remote.apiKey or set DAYTONA_API_KEY')
  }
  const target = remote?.target ?? (region !== undefined && !(TARGETS as readonly string[]).includes(region) ? region : undefined) ?? env.DAYTONA_TARGET
  const resolved: ResolvedRemote = {
    apiKey,
    apiUrl: remote?.apiUrl ?? env.DAYTONA_API_URL ?? DEFAULT_API_URL,
    defaultTarget: remote?.defaultTarget ?? 'auto',
  }
  if (target) resolved.target = target
  if (remote?.onPromote) resolved.onPromote = remote.onPromote
  return resolved
}

/** A `target` value split into daylite's placement and Daytona's region. */
export function parseTarget(value: unknown, fallback: SandboxTarget): { target: SandboxTarget; region?: string } {
  if (value === undefined || value === null || value === '') return { target: fallback }
  if (typeof value !== 'string') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, "target must be 'wasm', 'remote', 'auto' or a Daytona region")
  if ((TARGETS as readonly string[]).includes(value)) return { target: value as SandboxTarget }
  return { target: 'remote', region: value }
}
