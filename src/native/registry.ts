/**
 * The native backend's registry: sandboxes as directories under one temporary root, for
 * `daylite serve --backend native`. Validation follows the engine's (languages, names, Daytona's
 * resource limits); an image's `ENV` and `WORKDIR` apply (the work dir goes under the home dir)
 * and its `RUN` steps run with the host's bash; `FROM` is recorded.
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { matchesList, sortSandboxes, type SandboxBackend, type SandboxRegistry } from '../engine/backend.js'
import { LANGUAGES, LANGUAGE_LABEL, checkResources, parseDockerfile, type CreateOptions, type ListOptions } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { PoolStats } from '../engine/kernel-pool.js'
import { DEFAULT_RESOURCES, DEFAULT_SANDBOX_LIMITS, limitsFromResources, type SandboxLimits } from '../engine/limits.js'
import { newId, type SandboxInfo } from '../engine/sandbox-host.js'
import { which } from './run.js'
import { NativeSandbox } from './sandbox.js'

/** Said when the native backend starts, and in the README. */
export const NATIVE_WARNING =
  'the native backend is NOT isolated: sandbox commands run as real processes of this machine, as the user running daylite, and can read and write anything that user can. Use it for tests on a machine you control (it stands in for a remote Daytona), never for untrusted code.'

/** Options of {@link NativeRegistry}. */
export interface NativeOptions {
  /** Directory under which sandbox directories are made (default: a new directory in the OS temp dir, removed on dispose). */
  root?: string
  /** Run commands under bubblewrap: `true` (find `bwrap` on PATH, fail if absent) or the binary's path. */
  bwrap?: boolean | string
  /** Default limits of every sandbox (resources still set disk, memory and cpu). */
  sandboxLimits?: Partial<SandboxLimits>
}

/** Native sandboxes: directories and host processes. */
export class NativeRegistry implements SandboxRegistry {
  #root: string
  #ownsRoot: boolean
  #bwrap: string | undefined
  #limits: SandboxLimits
  #sandboxes = new Map<string, NativeSandbox>()
  #byName = new Map<string, NativeSandbox>()
  #disposed = false

  constructor(options: NativeOptions = {}) {
    this.#ownsRoot = options.root === undefined
    this.#root = options.root ?? mkdtempSync(join(tmpdir(), 'daylite-native-'))
    if (options.bwrap) {
      const found = typeof options.bwrap === 'string' ? options.bwrap : which('bwrap')
      if (!found) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, 'bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap) or run without --bwrap')
      this.#bwrap = found
    }
    this.#limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.sandboxLimits }
  }

  /** The directory sandboxes live under. */
  get root(): string {
    return this.#root
  }

  /** The bubblewrap binary commands run under, if any. */
  get bwrap(): string | undefined {
    return this.#bwrap
  }

  get disposed(): boolean {
    return this.#disposed
  }

  #assertOpen(): void {
    if (this.#disposed) throw new SandboxError(SandboxErrorCode.DISPOSED, 'this native backend was disposed')
  }

  warm(): void {
    this.#assertOpen()
  }

  async create(options: CreateOptions = {}): Promise<NativeSandbox> {
    this.#assertOpen()
    const language = options.language ?? 'python'
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `invalid language ${JSON.stringify(language)}: expected one of ${LANGUAGES.join(', ')}`, { language })
    }
    if (options.name !== undefined && (typeof options.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(options.name))) {
      throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'name must be 1-63 characters of letters, digits, ".", "_" or "-", starting with a letter or digit', { name: options.name })
    }
    if (options.name !== undefined && this.#byName.has(options.name)) {
      throw new SandboxError(SandboxErrorCode.CONFLICT, `a sandbox named ${options.name} already exists`, { name: options.name })
    }
    const resources = checkResources(options.resources, DEFAULT_RESOURCES)
    const build = options.dockerfile !== undefined ? parseDockerfile(options.dockerfile) : undefined
    const unsupported = build?.steps.find((s) => s.kind === 'unsupported')
    if (unsupported) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, `image step "${unsupported.text}" is not supported by the native backend`, { step: unsupported.text })
    const id = newId()
    const now = new Date().toISOString()
    const info: SandboxInfo = {
      id,
      name: options.name ?? id,
      user: options.user ?? 'daytona',
      env: { ...(options.env ?? {}), ...(build?.env ?? {}) },
      labels: { ...(options.labels ?? {}), [LANGUAGE_LABEL]: language },
      public: options.public === true,
      cpu: resources.cpu,
      gpu: 0,
      memory: resources.memory,
      disk: resources.disk,
      state: 'started',
      autoStopInterval: options.autoStopInterval ?? 15,
      autoArchiveInterval: options.autoArchiveInterval ?? 7 * 24 * 60,
      autoDeleteInterval: options.autoDeleteInterval ?? -1,
      networkBlockAll: options.networkBlockAll === true,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
    }
    if (options.snapshot !== undefined) info.snapshot = options.snapshot
    if (options.networkAllowList !== undefined) info.networkAllowList = options.networkAllowList
    if (options.domainAllowList !== undefined) info.domainAllowList = options.domainAllowList
    if (options.dockerfile !== undefined) info.buildInfo = { dockerfileContent: options.dockerfile }
    const root = join(this.#root, id)
    const home = join(root, 'home')
    const workDir = build?.workdir ? join(home, build.workdir) : home
    const init: ConstructorParameters<typeof NativeSandbox>[0] = {
      info,
      root,
      workDir,
      limits: { ...limitsFromResources(resources, this.#limits), ...(options.limits ?? {}) },
      onDestroyed: (s) => this.#forget(s),
    }
    if (this.#bwrap) init.bwrap = this.#bwrap
    const sandbox = new NativeSandbox(init)
    await sandbox.prepare()
    this.#sandboxes.set(id, sandbox)
    this.#byName.set(info.name, sandbox)
    if (build) {
      try {
        options.onBuildLog?.(`FROM ${build.from ?? '(none)'}: the native backend runs on this machine\n`)
        for (const step of build.steps) {
          options.onBuildLog?.(`RUN ${step.text}\n`)
          const reply = await sandbox.exec({ command: step.text, onOutput: options.onBuildLog ? (e) => options.onBuildLog?.(e.chunk) : undefined })
          if (reply.exitCode !== 0) {
            throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, `image build failed: "RUN ${step.text}" exited with code ${reply.exitCode}: ${reply.output.slice(-500)}`, { exitCode: reply.exitCode })
          }
        }
      } catch (error) {
        await sandbox.delete()
        throw error
      }
    }
    return sandbox
  }

  #forget(sandbox: NativeSandbox): void {
    this.#sandboxes.delete(sandbox.id)
    if (this.#byName.get(sandbox.name) === sandbox) this.#byName.delete(sandbox.name)
  }

  get(idOrName: string): NativeSandbox {
    this.#assertOpen()
    if (typeof idOrName !== 'string' || idOrName === '') throw new SandboxError(SandboxErrorCode.INVALID_ARGUMENT, 'sandbox id or name is required')
    const s = this.#sandboxes.get(idOrName) ?? this.#byName.get(idOrName)
    if (!s) throw new SandboxError(SandboxErrorCode.NOT_FOUND, `sandbox ${idOrName} not found`, { idOrName })
    return s
  }

  list(options: ListOptions = {}): NativeSandbox[] {
    this.#assertOpen()
    const matching = [...this.#sandboxes.values()].filter((s) => matchesList(s.info(), options))
    return sortSandboxes(matching, options) as NativeSandbox[]
  }

  async fork(source: SandboxBackend, name?: string): Promise<NativeSandbox> {
    const from = source as NativeSandbox
    const info = from.info()
    const copy = await this.create({
      name,
      user: info.user,
      language: info.labels[LANGUAGE_LABEL],
      env: info.env,
      labels: info.labels,
      public: info.public,
      resources: { cpu: info.cpu, memory: info.memory, disk: info.disk },
      autoStopInterval: info.autoStopInterval,
      autoArchiveInterval: info.autoArchiveInterval,
      autoDeleteInterval: info.autoDeleteInterval,
    })
    await fs.cp(from.homeDir, copy.homeDir, { recursive: true, force: true, verbatimSymlinks: true })
    return copy
  }

  async resize(sandbox: SandboxBackend, resources: { cpu?: number; memory?: number; disk?: number }): Promise<void> {
    const s = sandbox as NativeSandbox
    const info = s.info()
    const r = checkResources(resources, { cpu: info.cpu, memory: info.memory, disk: info.disk })
    s.setResources(r, limitsFromResources(r, s.limits()))
  }

  stats(): PoolStats & { sandboxes: number } {
    return { alive: 0, idle: 0, leased: 0, waiting: 0, sandboxes: this.#sandboxes.size }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    for (const s of this.#sandboxes.values()) s.kill()
    this.#sandboxes.clear()
    this.#byName.clear()
    if (this.#ownsRoot) rmSync(this.#root, { recursive: true, force: true })
  }
}
