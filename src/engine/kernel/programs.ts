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
const PROGRAMS: Record<string, { artifact: string; argv0: string }> = {
  qjs: { artifact: 'quickjs/qjs.wasm', argv0: 'qjs' },
}

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
          args: [program.argv0, ...args],
          env: ctx.env,
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
