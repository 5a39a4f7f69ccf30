/**
 * CPython as shell commands (`python3`, `python`): its program entry and the read-only runtime
 * files every sandbox sees (the standard library zip where CPython looks for it).
 */
import { platform } from '#platform'
import type { Program, RuntimeFile } from './programs.js'

/** Python options that take a value in the next argument. */
const PYTHON_VALUE_OPTIONS = new Set(['-W', '-X', '--check-hash-based-pycs'])

/**
 * CPython makes the script path absolute before `sitecustomize` can change directory, against the
 * "/" wasi-libc starts in: give it the absolute path the shell means.
 */
export function pythonArgs(args: string[], cwd: string): string[] {
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

/** The `python3` program. */
export const PYTHON: Program = { artifact: 'python/python.wasm', argv0: 'python3', args: pythonArgs }

/** Python's programs by command name. */
export const pythonPrograms: Record<string, Program> = { python3: PYTHON, python: PYTHON }

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

/** Python's standard library as a zip where CPython looks for it by default (and the marker isolated mode checks). */
export async function pythonRuntimeFiles(): Promise<RuntimeFile[]> {
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
