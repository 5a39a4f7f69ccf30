/**
 * WASI programs as shell commands in the kernel: `qjs` (QuickJS) today; `python3`, `node` and any
 * wasm32-wasi binary register the same way. Each run is a process in a pooled process worker
 * (`src/proc`) that reaches this kernel's VFS through the synchronous channel; the compiled
 * `WebAssembly.Module` is compiled once per kernel worker and posted to the process workers.
 */
import { platform } from '#platform'
import { ProcessHost } from '../../proc/index.js'
import type { ShellCommand, ShellCommandContext, ShellCommandResult } from '../../shell/index.js'
import type { SyncVfs } from '../../vfs/types.js'

/** The WASI programs the kernel knows, by command name. */
interface Program {
  artifact: string
  argv0: string
  /** Rewrites arguments before the run (e.g. makes a script path absolute). */
  args?: (args: string[], cwd: string) => string[]
}

const PROGRAMS: Record<string, Program> = {
  qjs: { artifact: 'quickjs/qjs.wasm', argv0: 'qjs' },
  python3: { artifact: 'python/python.wasm', argv0: 'python3', args: pythonArgs },
  python: { artifact: 'python/python.wasm', argv0: 'python3', args: pythonArgs },
}

/** Python options that take a value in the next argument. */
const PYTHON_VALUE_OPTIONS = new Set(['-W', '-X', '--check-hash-based-pycs'])

/**
 * CPython makes the script path absolute before `sitecustomize` can change directory, against the
 * "/" wasi-libc starts in: give it the absolute path the shell means.
 */
function pythonArgs(args: string[], cwd: string): string[] {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '-c' || a === '-m' || a === '-' || a === '--') return args
    if (PYTHON_VALUE_OPTIONS.has(a)) {
      i++
      continue
    }
    if (a.startsWith('-')) {
      if (/^-[^-]*[cm]/.test(a)) return args // -uc 'code', -um mod
      continue
    }
    if (a.startsWith('/')) return args
    const copy = args.slice()
    copy[i] = `${cwd.replace(/\/+$/, '')}/${a}`
    return copy
  }
  return args
}

/**
 * Read-only runtime files every sandbox sees in its base layer: Python's standard library as a
 * zip where CPython looks for it by default (and the marker isolated mode checks).
 */
export async function runtimeFiles(): Promise<{ path: string; data: Uint8Array }[]> {
  const stdlib = await platform.loadRuntime('python/python313.zip')
  const text = (t: string): Uint8Array => new TextEncoder().encode(t)
  return [
    { path: '/usr/local/lib/python313.zip', data: stdlib },
    { path: '/usr/local/lib/python3.13/os.py', data: new Uint8Array(0) },
    // getpath looks for this directory to find the exec prefix.
    { path: '/usr/local/lib/python3.13/lib-dynload/.keep', data: new Uint8Array(0) },
    // wasi-libc starts every program in "/" (it does not read PWD); start Python in the shell's cwd.
    { path: '/usr/local/lib/python3.13/sitecustomize.py', data: text(SITECUSTOMIZE) },
  ]
}

const SITECUSTOMIZE = `# daylite: start in the directory the shell ran us from (wasi-libc begins in "/").
import os as _os
_pwd = _os.environ.get("PWD")
if _pwd:
    try:
        _os.chdir(_pwd)
    except OSError:
        pass
del _os, _pwd
`

const modules = new Map<string, Promise<WebAssembly.Module>>()
let processes: ProcessHost | undefined

function compiled(artifact: string): Promise<WebAssembly.Module> {
  let m = modules.get(artifact)
  if (!m) {
    m = platform.loadRuntime(artifact).then((bytes) => WebAssembly.compile(bytes))
    modules.set(artifact, m)
    m.catch(() => modules.delete(artifact))
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

/** Shell commands for the WASI programs, running against `vfs` (the attached sandbox's). */
export function programCommands(vfs: () => SyncVfs): Record<string, ShellCommand> {
  const commands: Record<string, ShellCommand> = {}
  for (const [name, program] of Object.entries(PROGRAMS)) {
    commands[name] = {
      async run(args: string[], ctx: ShellCommandContext): Promise<ShellCommandResult> {
        let module: WebAssembly.Module
        try {
          module = await compiled(program.artifact)
        } catch (error) {
          return { stdout: '', stderr: `${name}: runtime not available: ${error instanceof Error ? error.message : String(error)}\n`, exitCode: 127 }
        }
        const out: Uint8Array[] = []
        const err: Uint8Array[] = []
        const proc = host().spawn({
          module,
          args: [program.argv0, ...(program.args ? program.args(args, ctx.cwd) : args)],
          env: { ...ctx.env, PWD: ctx.cwd },
          cwd: ctx.cwd,
          vfs: vfs(),
          stdin: ctx.stdinBytes,
          onStdout: (b) => out.push(b.slice()),
          onStderr: (b) => err.push(b.slice()),
        })
        const kill = (): void => void proc.kill()
        ctx.signal?.addEventListener('abort', kill, { once: true })
        try {
          const result = await proc.exited
          const trap = result.trap ? `${name}: ${result.trap}\n` : ''
          return { stdout: concat(out), stderr: concat(err) + trap, exitCode: result.exitCode }
        } finally {
          ctx.signal?.removeEventListener('abort', kill)
        }
      },
    }
  }
  return commands
}
