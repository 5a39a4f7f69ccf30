/**
 * Executable dispatch: what running a file (`./x.py`, `/usr/bin/foo`) does, decided by its first
 * bytes the way the kernel's `execve` would: a shebang naming a registered command runs that
 * command with the script path and arguments; `bash`/`sh` or no shebang runs a bash script;
 * `\0asm` runs the registered `wasi-run`; a daylite stub (`# daylite builtin: <name>`) runs `<name>`.
 */
import type { SyncVfs } from '../vfs/types.js'
import { resolvePath as resolvePosix } from '../vfs/path.js'
import type { ShellCommandResult } from './types.js'

/** What {@link dispatchExecutable} needs from the shell. */
export interface DispatchDeps {
  vfs: SyncVfs
  /** Runs the command `name` (registered, daylite built-in or just-bash) if it exists. */
  runCommand(name: string, args: string[]): Promise<ShellCommandResult> | undefined
  /** Runs bash source as a script (`$0` = `path`, positional parameters = `args`). */
  runScript(text: string, path: string, args: string[]): Promise<ShellCommandResult>
}

const SHELLS = new Set(['bash', 'sh', 'dash', 'rbash'])
const STUB = /^#!\/bin\/(?:ba)?sh\n# daylite builtin: (\S+)/

function err(stderr: string, exitCode: number): ShellCommandResult {
  return { stdout: '', stderr, exitCode }
}

/** Parses a `#!` line into the interpreter path and its single optional argument (Linux rules). */
export function parseShebang(line: string): { interpreter: string; arg: string | undefined } {
  const body = line.slice(2).trim()
  const m = /^(\S+)(?:\s+(.*))?$/.exec(body)
  return { interpreter: m?.[1] ?? '', arg: m?.[2]?.trim() || undefined }
}

/**
 * The program a `#!` line asks for, without its path (`env`'s argument resolved): `python3` for
 * `#!/usr/bin/env python3`, `bash` for `#!/bin/bash`.
 */
function shebangProgram(text: string): { prog: string; progArgs: string[]; interpreter: string } {
  const nl = text.indexOf('\n')
  const { interpreter, arg } = parseShebang(nl === -1 ? text : text.slice(0, nl))
  let prog = interpreter.split('/').pop() ?? ''
  let progArgs: string[] = []
  if (prog === 'env') {
    const parts = (arg ?? '').split(/\s+/).filter(Boolean)
    if (parts[0] === '-S') parts.shift()
    prog = parts[0] ?? ''
    progArgs = parts.slice(1)
  } else if (arg !== undefined) progArgs = [arg]
  return { prog, progArgs, interpreter }
}

/**
 * True when running the file needs {@link dispatchExecutable} rather than bash: a WebAssembly
 * binary, or a script whose `#!` names something other than a shell. (Bash runs the rest itself.)
 */
export function needsDispatch(head: Uint8Array): boolean {
  if (head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d) return true
  if (head[0] !== 0x23 || head[1] !== 0x21) return false
  const { prog } = shebangProgram(new TextDecoder().decode(head))
  return prog !== '' && !SHELLS.has(prog)
}

/**
 * Runs the file `name` (as written on the command line) with `args`.
 *
 * @param name - the command word (contains a `/`)
 * @param args - its arguments
 * @param cwd - current directory
 * @param deps - shell hooks
 */
export async function dispatchExecutable(name: string, args: string[], cwd: string, deps: DispatchDeps): Promise<ShellCommandResult> {
  const path = resolvePosix(cwd, name)
  let kind: string
  let mode: number
  try {
    const st = deps.vfs.stat(path)
    kind = st.kind
    mode = st.mode
  } catch {
    return err(`bash: ${name}: No such file or directory\n`, 127)
  }
  if (kind === 'dir') return err(`bash: ${name}: Is a directory\n`, 126)
  if ((mode & 0o111) === 0) return err(`bash: ${name}: Permission denied\n`, 126)
  let head: Uint8Array
  try {
    head = deps.vfs.read(path, 0, 512)
  } catch {
    return err(`bash: ${name}: Permission denied\n`, 126)
  }
  if (head[0] === 0 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d) {
    const run = deps.runCommand('wasi-run', [path, ...args])
    return run ?? err(`bash: ${name}: cannot execute binary file: Exec format error\n`, 126)
  }
  const text = new TextDecoder().decode(head)
  const stub = STUB.exec(text)
  if (stub?.[1]) {
    const run = deps.runCommand(stub[1], args)
    return run ?? err(`bash: ${stub[1]}: command not found\n`, 127)
  }
  if (text.startsWith('#!')) {
    const { prog, progArgs, interpreter } = shebangProgram(text)
    if (!SHELLS.has(prog)) {
      const run = prog ? deps.runCommand(prog, [...progArgs, name, ...args]) : undefined
      if (run) return run
      return err(`bash: ${name}: ${interpreter}: bad interpreter: No such file or directory\n`, 126)
    }
  } else if (head.includes(0)) {
    return err(`bash: ${name}: cannot execute binary file: Exec format error\n`, 126)
  }
  let source: string
  try {
    source = new TextDecoder().decode(deps.vfs.readFile(path))
  } catch {
    return err(`bash: ${name}: Permission denied\n`, 126)
  }
  return deps.runScript(source, name, args)
}
