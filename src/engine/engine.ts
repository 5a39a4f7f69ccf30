/**
 * The engine: the registry of sandboxes of one `Daytona` instance, the kernel worker pool they
 * share, the base layer, and the validation of what a caller asks for. `src/api` translates
 * Daytona's signatures into the calls here.
 */
import type { Platform, WorkerSource } from '../platform/types.js'
import { matchesList, sortSandboxes, type SandboxRegistry } from './backend.js'
import { shellQuote } from '../shell/quote.js'
import { SandboxError, SandboxErrorCode } from './errors.js'
import { KernelPool, type PoolStats } from './kernel-pool.js'
import {
  DEFAULT_ENGINE_LIMITS,
  DEFAULT_RESOURCES,
  DEFAULT_SANDBOX_LIMITS,
  MAX_RESOURCES,
  MIN_RESOURCES,
  limitsFromResources,
  type EngineLimits,
  type SandboxLimits,
} from './limits.js'
import { BUILTIN_BASE_ID, type SandboxUser } from './protocol.js'
import { SandboxHost, SandboxState, newId, type SandboxInfo } from './sandbox-host.js'

/** Languages Daytona's `codeRun` knows. */
export const LANGUAGES = ['python', 'typescript', 'javascript'] as const

/** The label Daytona uses to remember a sandbox's language. */
export const LANGUAGE_LABEL = 'code-toolbox-language'

/** Daytona's pre-built snapshot names and their resources. */
const KNOWN_SNAPSHOTS: Record<string, { cpu: number; memory: number; disk: number }> = {
  'daytona-small': { cpu: 1, memory: 1, disk: 3 },
  'daytona-medium': { cpu: 2, memory: 4, disk: 8 },
  'daytona-large': { cpu: 4, memory: 8, disk: 10 },
}

const USERS: Record<string, SandboxUser> = {
  daytona: { name: 'daytona', uid: 1000, gid: 1000, home: '/home/daytona' },
  root: { name: 'root', uid: 0, gid: 0, home: '/root' },
}

/** Options of {@link Engine}. */
export interface EngineOptions {
  platform: Platform
  /** Where the kernel worker's code is (defaults to the bundled `kernel-worker.js`). */
  workerUrl?: WorkerSource
  limits?: Partial<EngineLimits>
  /** Defaults for every sandbox's limits (resources still set disk, memory and cpu). */
  sandboxLimits?: Partial<SandboxLimits>
}

/** What to create, in engine units (GiB for memory/disk, minutes for intervals). */
export interface CreateOptions {
  name?: string
  user?: string
  language?: string
  env?: Record<string, string>
  labels?: Record<string, string>
  public?: boolean
  snapshot?: string
  /** A Dockerfile from `Image`; ENV, WORKDIR and RUN are applied, FROM is recorded. */
  dockerfile?: string
  resources?: { cpu?: number; memory?: number; disk?: number; gpu?: number }
  autoStopInterval?: number
  autoArchiveInterval?: number
  autoDeleteInterval?: number
  networkBlockAll?: boolean
  networkAllowList?: string
  domainAllowList?: string
  /** Per-sandbox limit overrides (extension). */
  limits?: Partial<SandboxLimits>
  /** Receives the image build log lines (Daytona `onSnapshotCreateLogs`). */
  onBuildLog?: (line: string) => void
}

/** Filters and order of {@link Engine.list}. */
export interface ListOptions {
  id?: string
  name?: string
  labels?: Record<string, string>
  states?: string[]
  snapshots?: string[]
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
  sort?: 'name' | 'cpu' | 'memoryGib' | 'diskGib' | 'lastActivityAt' | 'createdAt'
  order?: 'asc' | 'desc'
}

function invalid(message: string, data: Record<string, unknown> = {}): SandboxError {
  return new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, message, data)
}

function checkRecord(value: unknown, what: string): Record<string, string> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${what} must be an object of strings`)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalid(`${what}.${k} must be a string`, { key: k })
    if (k.includes('\0') || v.includes('\0')) throw invalid(`${what}.${k} contains a NUL byte`, { key: k })
    out[k] = v
  }
  return out
}

function checkLimits(limits: unknown): Partial<SandboxLimits> {
  if (limits === undefined || limits === null) return {}
  if (typeof limits !== 'object') throw invalid('limits must be an object')
  const out: Partial<SandboxLimits> = {}
  for (const [k, v] of Object.entries(limits as Record<string, unknown>)) {
    if (!(k in DEFAULT_SANDBOX_LIMITS)) throw invalid(`unknown limit ${k}`, { limit: k })
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw invalid(`limit ${k} must be a non-negative number`, { limit: k })
    out[k as keyof SandboxLimits] = v
  }
  return out
}

function checkInterval(value: unknown, what: string, fallback: number, allowNegative = false): number {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || (!allowNegative && value < 0)) {
    throw invalid(`${what} must be a non-negative integer (minutes)`, { [what]: value })
  }
  return allowNegative && value < 0 ? -1 : value
}

/** Validates Daytona resources (vCPU, GiB, GiB) against Daytona's limits. */
export function checkResources(
  r: { cpu?: number; memory?: number; disk?: number; gpu?: number } | undefined,
  defaults: { cpu: number; memory: number; disk: number },
): { cpu: number; memory: number; disk: number } {
  if (r !== undefined && (typeof r !== 'object' || r === null)) throw invalid('resources must be an object')
  if (r?.gpu !== undefined && r.gpu !== 0) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, 'GPUs are not available in the WebAssembly engine; use the remote fallback', { gpu: r.gpu })
  const out = { cpu: r?.cpu ?? defaults.cpu, memory: r?.memory ?? defaults.memory, disk: r?.disk ?? defaults.disk }
  for (const key of ['cpu', 'memory', 'disk'] as const) {
    const v = out[key]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < MIN_RESOURCES[key] || v > MAX_RESOURCES[key]) {
      throw invalid(`resources.${key} must be between ${MIN_RESOURCES[key]} and ${MAX_RESOURCES[key]} (got ${String(v)})`, { [key]: v })
    }
    if (key === 'cpu' && !Number.isInteger(v)) throw invalid('resources.cpu must be an integer', { cpu: v })
  }
  return out
}

/** The in-process sandbox engine behind one `Daytona` instance. */
export class Engine implements SandboxRegistry {
  #options: EngineOptions
  #limits: EngineLimits
  #sandboxLimits: SandboxLimits
  #pool: KernelPool
  #sandboxes = new Map<string, SandboxHost>()
  #byName = new Map<string, SandboxHost>()
  #disposed = false

  constructor(options: EngineOptions) {
    this.#options = options
    this.#limits = { ...DEFAULT_ENGINE_LIMITS, ...options.limits }
    this.#sandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...options.sandboxLimits }
    this.#pool = new KernelPool(options.platform, this.#limits, options.workerUrl)
  }

  /** Spawns the warm kernel workers now, so that the first sandbox does not wait for them. */
  warm(): void {
    this.#assertOpen()
    this.#pool.warm()
  }

  #assertOpen(): void {
    if (this.#disposed) throw new SandboxError(SandboxErrorCode.DISPOSED, 'this Daytona instance was disposed')
  }

  /** Creates and starts a sandbox. */
  async create(options: CreateOptions = {}, image: Uint8Array | null = null): Promise<SandboxHost> {
    this.#assertOpen()
    if (typeof options !== 'object' || options === null) throw invalid('create params must be an object')
    const language = options.language ?? 'python'
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      throw invalid(`invalid language ${JSON.stringify(language)}: expected one of ${LANGUAGES.join(', ')}`, { language })
    }
    if (options.name !== undefined && (typeof options.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(options.name))) {
      throw invalid('name must be 1-63 characters of letters, digits, ".", "_" or "-", starting with a letter or digit', { name: options.name })
    }
    if (options.name !== undefined && this.#byName.has(options.name)) {
      throw new SandboxError(SandboxErrorCode.CONFLICT, `a sandbox named ${options.name} already exists`, { name: options.name })
    }
    const userName = options.user ?? 'daytona'
    const user = USERS[userName]
    if (!user) throw invalid(`unknown user ${JSON.stringify(userName)}: the in-process engine has the users daytona and root`, { user: userName })
    let defaults: { cpu: number; memory: number; disk: number } = DEFAULT_RESOURCES
    if (options.snapshot !== undefined) {
      const known = KNOWN_SNAPSHOTS[options.snapshot]
      if (!known) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `snapshot ${options.snapshot} not found`, { snapshot: options.snapshot })
      defaults = known
    }
    const resources = checkResources(options.resources, defaults)
    const env = checkRecord(options.env, 'envVars')
    const labels = checkRecord(options.labels, 'labels')
    labels[LANGUAGE_LABEL] = language
    const autoStopInterval = checkInterval(options.autoStopInterval, 'autoStopInterval', 15)
    const autoArchiveInterval = checkInterval(options.autoArchiveInterval, 'autoArchiveInterval', 7 * 24 * 60)
    const autoDeleteInterval = checkInterval(options.autoDeleteInterval, 'autoDeleteInterval', -1, true)
    // Explicit limits (extension) win over the ones derived from Daytona's resources.
    const limits = { ...limitsFromResources(resources, this.#sandboxLimits), ...checkLimits(options.limits) }
    let workDir = user.home
    const build = options.dockerfile !== undefined ? parseDockerfile(options.dockerfile) : undefined
    if (build) {
      Object.assign(env, build.env)
      if (build.workdir) workDir = build.workdir
    }
    const id = newId()
    const now = new Date().toISOString()
    const info: SandboxInfo = {
      id,
      name: options.name ?? id,
      user: user.name,
      env,
      labels,
      public: options.public === true,
      cpu: resources.cpu,
      gpu: 0,
      memory: resources.memory,
      disk: resources.disk,
      state: SandboxState.STARTED,
      autoStopInterval,
      autoArchiveInterval,
      autoDeleteInterval,
      networkBlockAll: options.networkBlockAll === true,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
    }
    if (options.snapshot !== undefined) info.snapshot = options.snapshot
    if (options.networkAllowList !== undefined) info.networkAllowList = options.networkAllowList
    if (options.domainAllowList !== undefined) info.domainAllowList = options.domainAllowList
    if (options.dockerfile !== undefined) info.buildInfo = { dockerfileContent: options.dockerfile }
    const host = new SandboxHost({
      info,
      baseId: BUILTIN_BASE_ID,
      userInfo: user,
      workDir,
      limits,
      image,
      pool: this.#pool,
      parkAfterMs: this.#limits.parkAfterMs,
      watchdogGraceMs: this.#limits.watchdogGraceMs,
      intervalUnitMs: this.#limits.intervalUnitMs,
      onDestroyed: (h) => this.#forget(h),
    })
    this.#sandboxes.set(id, host)
    this.#byName.set(info.name, host)
    if (build) {
      try {
        await this.#build(host, build, workDir, options.onBuildLog)
      } catch (error) {
        await host.delete()
        throw error
      }
    }
    return host
  }

  async #build(host: SandboxHost, build: ParsedDockerfile, workDir: string, onLog?: (line: string) => void): Promise<void> {
    onLog?.(`FROM ${build.from ?? '(none)'}: daylite runs its own Debian-like base layer\n`)
    if (build.workdir) {
      await host.exec({ command: `mkdir -p ${shellQuote(workDir)}`, cwd: '/' })
    }
    for (const step of build.steps) {
      if (step.kind === 'unsupported') {
        throw new SandboxError(SandboxErrorCode.UNSUPPORTED, `image step "${step.text}" is not supported by the in-process engine; use the remote fallback`, { step: step.text })
      }
      onLog?.(`RUN ${step.text}\n`)
      const reply = await host.exec({ command: step.text, cwd: workDir, onOutput: onLog ? (e) => onLog(e.chunk) : undefined })
      if (reply.exitCode !== 0) {
        throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `image build failed: "RUN ${step.text}" exited with code ${reply.exitCode}: ${reply.output.slice(-500)}`, {
          exitCode: reply.exitCode,
        })
      }
    }
  }

  /** A sandbox by id or name. */
  get(idOrName: string): SandboxHost {
    this.#assertOpen()
    if (typeof idOrName !== 'string' || idOrName === '') throw invalid('sandbox id or name is required')
    const host = this.#sandboxes.get(idOrName) ?? this.#byName.get(idOrName)
    if (!host) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `sandbox ${idOrName} not found`, { idOrName })
    return host
  }

  /** Sandboxes matching `options`, sorted (default: newest first). */
  list(options: ListOptions = {}): SandboxHost[] {
    this.#assertOpen()
    const matching = [...this.#sandboxes.values()].filter((h) => matchesList(h.info(), options))
    return sortSandboxes(matching, options)
  }

  /** A new sandbox with a copy of `source`'s files (Daytona `fork`). */
  async fork(source: SandboxHost, name?: string): Promise<SandboxHost> {
    const info = source.info()
    const image = await source.snapshotImage()
    const labels = { ...info.labels }
    const language = labels[LANGUAGE_LABEL]
    return this.create(
      {
        name,
        user: info.user,
        language,
        env: info.env,
        labels,
        public: info.public,
        resources: { cpu: info.cpu, memory: info.memory, disk: info.disk },
        autoStopInterval: info.autoStopInterval,
        autoArchiveInterval: info.autoArchiveInterval,
        autoDeleteInterval: info.autoDeleteInterval,
      },
      image,
    )
  }

  /** Validates resources and resizes a sandbox. */
  async resize(host: SandboxHost, resources: { cpu?: number; memory?: number; disk?: number }): Promise<void> {
    const info = host.info()
    const r = checkResources(resources, { cpu: info.cpu, memory: info.memory, disk: info.disk })
    await host.resize(r, limitsFromResources(r, host.limits()))
  }

  #forget(host: SandboxHost): void {
    this.#sandboxes.delete(host.id)
    if (this.#byName.get(host.name) === host) this.#byName.delete(host.name)
  }

  /** Counts of kernel workers (extension; tests assert none is left after dispose). */
  stats(): PoolStats & { sandboxes: number } {
    return { ...this.#pool.stats(), sandboxes: this.#sandboxes.size }
  }

  /** True once {@link Engine.dispose} ran. */
  get disposed(): boolean {
    return this.#disposed
  }

  /** Terminates every worker and forgets every sandbox. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    for (const h of this.#sandboxes.values()) h.dispose()
    this.#sandboxes.clear()
    this.#byName.clear()
    await this.#pool.dispose()
  }
}

interface ParsedDockerfile {
  from?: string
  env: Record<string, string>
  workdir?: string
  steps: { kind: 'run' | 'unsupported'; text: string }[]
}

/** Reads the Dockerfile an `Image` builds: FROM, ENV, WORKDIR and RUN (shell form). */
export function parseDockerfile(text: string): ParsedDockerfile {
  if (typeof text !== 'string') throw invalid('image must be a string or an Image')
  const out: ParsedDockerfile = { env: {}, steps: [] }
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(\w+)\s+(.*)$/.exec(line)
    if (!m) continue
    const instr = (m[1] ?? '').toUpperCase()
    const arg = (m[2] ?? '').trim()
    if (instr === 'FROM') out.from = arg
    else if (instr === 'ENV') {
      const pairs = arg.match(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)
      if (pairs) {
        for (const p of pairs) {
          const eq = p.indexOf('=')
          let v = p.slice(eq + 1)
          if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1')
          out.env[p.slice(0, eq)] = v
        }
      } else {
        const [k, ...rest] = arg.split(/\s+/)
        if (k) out.env[k] = rest.join(' ')
      }
    } else if (instr === 'WORKDIR') out.workdir = arg.startsWith('/') ? arg : `/${arg}`
    else if (instr === 'RUN') {
      if (arg.startsWith('[')) {
        try {
          const argv = JSON.parse(arg) as unknown
          if (Array.isArray(argv)) out.steps.push({ kind: 'run', text: argv.map((a) => shellQuote(String(a))).join(' ') })
          continue
        } catch {
          // fall through to shell form
        }
      }
      out.steps.push({ kind: 'run', text: arg })
    } else if (instr === 'CMD' || instr === 'ENTRYPOINT' || instr === 'LABEL' || instr === 'USER' || instr === 'ARG' || instr === 'EXPOSE') {
      continue
    } else out.steps.push({ kind: 'unsupported', text: line })
  }
  return out
}

export { shellQuote }
