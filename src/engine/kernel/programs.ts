/**
 * WASI programs as shell commands in the kernel: each runtime (`python.ts`, …) lists its programs
 * and runtime files; any wasm32-wasi binary registers the same way. Each run is a process in a pooled process worker
 * (`src/proc`) that reaches this kernel's VFS through the synchronous channel; the compiled
 * `WebAssembly.Module` is compiled once per kernel worker and posted to the process workers.
 */
import { platform } from '#platform'
import { ProcessHost } from '../../proc/index.js'
import type { SpawnOptions, WasiProcess } from '../../proc/index.js'
import { capMemory, isSnapshotModule, memoryMaximum } from '../../wasi/index.js'
import type { ShellCommand, ShellCommandContext, ShellCommandResult } from '../../shell/index.js'
import { concatBytes, Vfs } from '../../vfs/index.js'
import type { SyncVfs } from '../../vfs/types.js'
import { pythonPrograms, pythonRuntimeFiles } from './python.js'
import { nodePrograms, nodeRuntimeFiles } from './node.js'
import { type NetworkPolicy, pipCommands } from './pip.js'
import { gitCommands } from './git.js'
import type { Slots } from './slots.js'
import { transpileTypeScript } from './transpile.js'

/** A WASI program the kernel runs as a shell command. */
export interface Program {
  /** The runtime artifact (a path under `runtimes/`). */
  artifact: string
  /** argv[0] the program sees. */
  argv0: string
  /** Rewrites arguments before the run (e.g. makes a script path absolute). */
  args?: (args: string[], cwd: string) => string[]
  /**
   * The program follows daylite's snapshot protocol (docs/decisions/0005): invocations for which
   * this returns true (arguments without argv[0]) start from the memory image taken after
   * `daylite_init`; the others run the stock command line cold.
   */
  snapshot?: (args: string[], env?: Readonly<Record<string, string>>) => boolean
  /**
   * While the image is being made (the first runs in a kernel): `'main'` runs the stock command
   * line at once, `'init-run'` (default) waits for the image.
   */
  cold?: 'main' | 'init-run'
}

/** A read-only file of a runtime, put into every sandbox's base layer. */
export interface RuntimeFile {
  path: string
  data: Uint8Array
}

const PROGRAMS: Record<string, Program> = {
  qjs: { artifact: 'quickjs/qjs.wasm', argv0: 'qjs' },
  ...pythonPrograms,
  ...nodePrograms,
}

/** Read-only runtime files every sandbox sees in its base layer. */
export async function runtimeFiles(): Promise<RuntimeFile[]> {
  const parts = await Promise.all([pythonRuntimeFiles(), nodeRuntimeFiles()])
  return parts.flat()
}

/** The environment a snapshot is initialised in: nothing of any sandbox's. */
const INIT_ENV: Record<string, string> = { HOME: '/root', PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' }
/** Directories the initialisation sees (empty). */
const INIT_DIRS = ['/tmp', '/root', '/home/daytona', '/usr/local/lib/python3.13/site-packages']

let initFs: Promise<Vfs> | undefined

/** The VFS a snapshot is initialised against: the runtime files and a few empty directories. */
function initVfs(): Promise<Vfs> {
  initFs ??= runtimeFiles().then((files) => {
    const vfs = new Vfs()
    for (const dir of INIT_DIRS) vfs.mkdir(dir, { recursive: true })
    for (const f of files) {
      vfs.mkdir(f.path.slice(0, f.path.lastIndexOf('/')) || '/', { recursive: true })
      vfs.writeFile(f.path, f.data)
    }
    return vfs
  })
  initFs.catch(() => (initFs = undefined))
  return initFs
}

const modules = new Map<string, Promise<WebAssembly.Module>>()
let processes: ProcessHost | undefined

/**
 * The compiled program, its declared memory maximum lowered to `maxMemoryBytes` when that is
 * smaller (one module per artifact and cap, compiled once per kernel).
 */
function compiled(artifact: string, maxMemoryBytes = Infinity): Promise<WebAssembly.Module> {
  const key = Number.isFinite(maxMemoryBytes) ? `${artifact}@${maxMemoryBytes}` : artifact
  let m = modules.get(key)
  if (!m) {
    m = platform.loadRuntime(artifact).then((bytes) => {
      const declared = memoryMaximum(bytes)
      return WebAssembly.compile(maxMemoryBytes < declared ? capMemory(bytes, maxMemoryBytes) : bytes)
    })
    modules.set(key, m)
    m.catch(() => modules.delete(key))
  }
  return m
}

function host(): ProcessHost {
  processes ??= new ProcessHost({ startWorker: () => platform.startProcessWorker() })
  return processes
}

function concat(chunks: Uint8Array[]): string {
  const dec = new TextDecoder()
  let out = ''
  for (const c of chunks) out += dec.decode(c, { stream: true })
  return out + dec.decode()
}

/** What {@link spawnProgram} runs a program with. */
export interface ProgramRun {
  vfs: SyncVfs
  cwd: string
  env: Record<string, string>
  stdin?: SpawnOptions['stdin']
  onStdout: (bytes: Uint8Array) => void
  onStderr: (bytes: Uint8Array) => void
  /** stdout (and with `stderrPipe`, stderr) into a pipe with backpressure; see {@link SpawnOptions.stdoutPipe}. */
  stdoutPipe?: SpawnOptions['stdoutPipe']
  stderrPipe?: SpawnOptions['stderrPipe']
  /**
   * The process's memory cap (the sandbox's memory limit): the module's declared maximum is
   * lowered to it, so an allocation past it fails inside the guest (`MemoryError`,
   * `InternalError: out of memory`) instead of growing the host.
   */
  maxMemoryBytes?: number
}

/**
 * Starts program `name` (a key of the program table) with `args` (without argv[0]), from its
 * snapshot when the program allows it for these arguments.
 * @throws Error when the runtime artifact cannot be loaded
 */
export async function spawnProgram(name: string, args: string[], run: ProgramRun): Promise<WasiProcess> {
  const program = PROGRAMS[name]
  if (!program) throw new Error(`${name}: no such program`)
  const module = await compiled(program.artifact, run.maxMemoryBytes)
  // A capped module differs only in its declared maximum: it shares the artifact's image.
  const snapshot = program.snapshot?.(args, run.env) && isSnapshotModule(module) ? { key: program.artifact, args: [program.argv0], env: INIT_ENV, vfs: await initVfs(), ...(program.cold ? { cold: program.cold } : {}) } : undefined
  return host().spawn({
    module,
    ...(snapshot ? { snapshot } : {}),
    args: [program.argv0, ...(program.args ? program.args(args, run.cwd) : args)],
    env: { ...run.env, PWD: run.cwd },
    cwd: run.cwd,
    vfs: run.vfs,
    ...(run.stdin !== undefined ? { stdin: run.stdin } : {}),
    onStdout: run.onStdout,
    onStderr: run.onStderr,
    ...(run.stdoutPipe ? { stdoutPipe: run.stdoutPipe } : {}),
    ...(run.stderrPipe ? { stderrPipe: run.stderrPipe } : {}),
    // node's .ts modules and ts-node/tsx: TypeScript is transpiled here, in the kernel (swc, loaded on first use).
    transpile: transpileTypeScript,
    ...(run.maxMemoryBytes !== undefined ? { maxMemoryBytes: run.maxMemoryBytes } : {}),
  })
}

/** What the program commands of one attached sandbox run against. */
export interface ProgramEnv {
  /** The sandbox's VFS. */
  vfs(): SyncVfs
  /** The sandbox's network settings (for host-side commands that fetch). */
  network(): NetworkPolicy
  /** Each process's memory cap in bytes (the sandbox's memory limit). */
  memoryBytes(): number
  /** The sandbox's process slots: a program waits for one before it starts. */
  slots: Slots
}

/** Shell commands for the WASI programs (and pip), running against one attached sandbox. */
export function programCommands(env: ProgramEnv): Record<string, ShellCommand> {
  const vfs = env.vfs
  const commands: Record<string, ShellCommand> = {}
  for (const name of Object.keys(PROGRAMS)) {
    commands[name] = {
      streams: true,
      pipes: true,
      async run(args: string[], ctx: ShellCommandContext): Promise<ShellCommandResult> {
        const out: Uint8Array[] = []
        const err: Uint8Array[] = []
        // Output the shell captures is held until the program ends: past the cap it is stopped.
        let captured = 0
        let overflow = false
        let stop = (): void => {}
        const capture = (list: Uint8Array[]) => (b: Uint8Array): void => {
          if (overflow) return
          captured += b.byteLength
          if (captured > ctx.maxCapturedBytes) {
            overflow = true
            stop()
          } else list.push(b)
        }
        const pipeIn = ctx.stdinPipe
        const pipeOut = ctx.stdoutPipe
        let release: () => void
        try {
          // A stage reading the stage before it shares that stage's slot: a pipeline counts as one
          // process, so `a | b` cannot wait for a slot its own producer holds.
          release = ctx.stdinFromStage ? () => {} : await env.slots.acquire(ctx.signal)
        } catch {
          return { stdout: '', stderr: '', exitCode: 130 }
        }
        try {
          let proc: WasiProcess
          try {
            proc = await spawnProgram(name, args, {
              vfs: vfs(),
              cwd: ctx.cwd,
              env: ctx.env,
              stdin: pipeIn ? (max) => pipeIn.read(max) : ctx.stdinBytes,
              onStdout: ctx.stdout ?? capture(out),
              onStderr: ctx.stderr ?? capture(err),
              ...(pipeOut ? { stdoutPipe: (b: Uint8Array) => pipeOut.write(b) } : {}),
              ...(pipeOut?.stderrToo ? { stderrPipe: (b: Uint8Array) => pipeOut.write(b) } : {}),
              maxMemoryBytes: env.memoryBytes(),
            })
          } catch (error) {
            return { stdout: '', stderr: `${name}: runtime not available: ${error instanceof Error ? error.message : String(error)}\n`, exitCode: 127 }
          }
          const kill = (): void => void proc.kill()
          stop = kill
          if (overflow) kill()
          ctx.signal?.addEventListener('abort', kill, { once: true })
          // It runs on its own now: the shell starts the next stage, which reads what it writes.
          pipeOut?.detach()
          try {
            const result = await proc.exited
            const trap = result.trap ? `${name}: ${result.trap}\n` : ''
            if (overflow) {
              const why = `${name}: stopped: more than ${ctx.maxCapturedBytes} bytes of output for the shell to hold (a pipe into a command that reads all its input, $(…) or a redirection; limits.maxOutputBytes × 4)\n`
              return { stdout: '', stdoutBytes: concatBytes(out), stderr: concat(err) + why, exitCode: 1 }
            }
            return { stdout: '', stdoutBytes: concatBytes(out), stderr: concat(err) + trap, exitCode: result.exitCode }
          } finally {
            ctx.signal?.removeEventListener('abort', kill)
          }
        } finally {
          release()
        }
      },
    }
  }
  return { ...commands, ...pipCommands({ vfs, network: env.network }, commands), ...gitCommands({ vfs, network: env.network }) }
}
