/**
 * Host processes for the native backend: the environment a sandbox's commands get, the optional
 * bubblewrap wrapper, and running one command to completion with a deadline and an output cap.
 * NOT isolated: without bubblewrap a command can read and write anything the server's user can.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { userInfo } from 'node:os'
import { delimiter, join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { ExecReply, OutputEvent } from '../engine/protocol.js'

/** Where a sandbox's processes run and with what. */
export interface ProcessConfig {
  /** The sandbox's directory (home, tmp and run files are inside it). */
  root: string
  /** The user's home directory (inside `root`). */
  home: string
  /** Its temporary directory (inside `root`). */
  tmp: string
  /** The bubblewrap binary to run commands under, if any. */
  bwrap?: string
}

/** Variables passed from the server's environment to commands (everything else is left out). */
const PASSED = ['PATH', 'PYENV_ROOT', 'PYENV_VERSION', 'NVM_DIR', 'LANG', 'LC_ALL', 'TZ', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'JAVA_HOME', 'GOROOT']

/** The environment of a sandbox's commands: a clean one, with HOME and TMPDIR inside the sandbox. */
export function baseEnv(config: ProcessConfig, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of PASSED) {
    const v = process.env[k]
    if (v !== undefined) out[k] = v
  }
  let user = 'daytona'
  try {
    user = userInfo().username
  } catch {
    // no passwd entry: keep the default
  }
  Object.assign(out, {
    HOME: config.home,
    TMPDIR: config.tmp,
    USER: user,
    LOGNAME: user,
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    LANG: out.LANG ?? 'C.UTF-8',
    PATH: out.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  })
  return { ...out, ...env }
}

/** The path of an executable on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const p = join(dir, name)
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not here
    }
  }
  return undefined
}

/**
 * `argv` as run for the sandbox: as is, or under bubblewrap with the host filesystem read-only,
 * the sandbox's directory writable, its tmp dir as `/tmp`, fresh `/dev` and `/proc`, and its own
 * PID namespace (the network is shared, so servers on ports are reachable).
 */
export function wrap(config: ProcessConfig, argv: string[], cwd: string): { file: string; args: string[] } {
  if (!config.bwrap) return { file: argv[0] as string, args: argv.slice(1) }
  // /tmp first: the sandbox's directory is usually under the host's /tmp, and is bound after it (at the same path).
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--bind', config.tmp, '/tmp', '--bind', config.root, config.root, '--unshare-pid', '--die-with-parent', '--chdir', cwd, '--', ...argv]
  return { file: config.bwrap, args }
}

/** Starts a process of the sandbox in a process group of its own (so it can be killed with its children). */
export function start(config: ProcessConfig, argv: string[], options: { cwd: string; env: Record<string, string>; stdio: StdioOptions }): ChildProcess {
  const { file, args } = wrap(config, argv, options.cwd)
  return spawn(file, args, { cwd: options.cwd, env: options.env, stdio: options.stdio, detached: true })
}

/** Kills a process group (SIGKILL), ignoring one that is gone. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 }

/** A shell's exit code for a process that ended by a signal (128 + its number). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code
  return 128 + (signal ? (SIGNALS[signal] ?? 1) : 1)
}

/** Options of {@link runToEnd}. */
export interface RunOptions {
  argv: string[]
  cwd: string
  env: Record<string, string>
  stdin?: string
  /** 0 or absent: none. At the deadline the process group is killed. */
  timeoutMs?: number
  maxOutputBytes: number
  onOutput?: (e: OutputEvent) => void
  /** Called with the process once started (the sandbox tracks its group to kill it on stop). */
  onStart?: (child: ChildProcess) => void
}

/** How long to wait for a finished command's pipes to close (a background job may hold them). */
const PIPE_GRACE_MS = 100

/** Runs a process to its end and collects its output, stdout and stderr interleaved as they arrive. */
export function runToEnd(config: ProcessConfig, options: RunOptions): Promise<ExecReply> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    let child: ChildProcess
    try {
      child = start(config, options.argv, { cwd: options.cwd, env: options.env, stdio: [options.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
    } catch (error) {
      reject(error)
      return
    }
    options.onStart?.(child)
    let output = ''
    let stdout = ''
    let stderr = ''
    let bytes = 0
    let truncated = false
    let timedOut = false
    const collect = (stream: 'stdout' | 'stderr', decoder: StringDecoder) => (chunk: Buffer) => {
      if (truncated) return
      let text = decoder.write(chunk)
      bytes += chunk.byteLength
      if (bytes > options.maxOutputBytes) {
        truncated = true
        text += `\n[daylite: output truncated at ${options.maxOutputBytes} bytes]\n`
      }
      if (text === '') return
      output += text
      if (stream === 'stdout') stdout += text
      else stderr += text
      options.onOutput?.({ execId: '', stream, chunk: text })
    }
    child.stdout?.on('data', collect('stdout', new StringDecoder('utf8')))
    child.stderr?.on('data', collect('stderr', new StringDecoder('utf8')))
    child.stdin?.on('error', () => {})
    if (options.stdin !== undefined) child.stdin?.end(options.stdin)
    const timer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true
            killGroup(child.pid)
          }, options.timeoutMs)
        : undefined
    let settled = false
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      child.stdout?.destroy()
      child.stderr?.destroy()
      resolve({ exitCode: exitCodeOf(code, signal), stdout, stderr, output, timedOut, truncated, durationMs: performance.now() - started })
    }
    child.once('error', (error) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      reject(error)
    })
    child.once('close', finish)
    child.once('exit', (code, signal) => {
      setTimeout(() => finish(code, signal), PIPE_GRACE_MS).unref()
    })
  })
}
