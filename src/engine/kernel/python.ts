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

/**
 * Options a snapshot run honours (runtimes/python/daylite_run.py): -B, -P, -q, -s, -t, -u, -V,
 * --version, then -c CODE, -m MODULE, a script or `-` (combinable: `-uc CODE`, `-Bm mod`).
 */
const SNAPSHOT_FLAGS = new Set(['B', 'P', 'q', 's', 't', 'u', 'V'])

/**
 * Environment variables that change how CPython initialises, which a snapshot (initialised once
 * without them) cannot honour. PYTHONPATH, PYTHONUNBUFFERED, PYTHONDONTWRITEBYTECODE,
 * PYTHONSAFEPATH, PYTHONNOUSERSITE, PYTHONIOENCODING, PYTHONWARNINGS and PYTHONINTMAXSTRDIGITS are
 * applied by the snapshot run itself; the rest are read when used.
 */
const INIT_ENV_VARS = [
  'PYTHONHOME',
  'PYTHONHASHSEED',
  'PYTHONOPTIMIZE',
  'PYTHONDEBUG',
  'PYTHONVERBOSE',
  'PYTHONINSPECT',
  'PYTHONDEVMODE',
  'PYTHONUTF8',
  'PYTHONCOERCECLOCALE',
  'PYTHONMALLOC',
  'PYTHONMALLOCSTATS',
  'PYTHONTRACEMALLOC',
  'PYTHONFAULTHANDLER',
  'PYTHONPROFILEIMPORTTIME',
  'PYTHONNODEBUGRANGES',
  'PYTHONPYCACHEPREFIX',
  'PYTHONWARNDEFAULTENCODING',
  'PYTHONPLATLIBDIR',
  'PYTHONEXECUTABLE',
  'PYTHONPERFSUPPORT',
  'PYTHON_PERF_JIT_SUPPORT',
  'PYTHON_CPU_COUNT',
  'PYTHON_FROZEN_MODULES',
]

/**
 * Whether `python3 <args>` may start from the pre-initialised memory image (the snapshot) rather
 * than initialise CPython from scratch: only options that do not change how the interpreter
 * initialises (see `runtimes/python/README.md`). Anything else (-I, -E, -S, -O, -X, -W, -b, -d,
 * -i, -v, -x, -R, -h, --help*, --check-hash-based-pycs, an unknown option, a missing value) runs
 * cold, so CPython itself parses it and reports errors in its own words.
 *
 * The arguments alone cannot tell an interactive session: with no script (no args, or `-`) and a
 * terminal as stdin, run cold. With `env`, also false when a variable that changes initialisation
 * is set or the locale is C/POSIX (CPython then coerces it and turns on UTF-8 mode).
 *
 * @param args - the arguments after argv[0]
 * @param env - the run's environment, if known
 * @example
 * ```ts
 * pythonSnapshotUsable(['-u', '-', 'a']) // true: Daytona's codeRun
 * pythonSnapshotUsable(['-I', '-c', 'print(1)']) // false: isolated mode changes sys.path
 * ```
 */
export function pythonSnapshotUsable(args: readonly string[], env?: Readonly<Record<string, string>>): boolean {
  if (env !== undefined && !snapshotEnvUsable(env)) return false
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (!a.startsWith('-') || a === '-' || a === '--') return true
    if (a === '--version') continue
    if (a.startsWith('--')) return false
    for (let j = 1; j < a.length; j++) {
      const c = a[j] ?? ''
      // -c/-m end the options; the value is the rest of the cluster or the next argument.
      if (c === 'c' || c === 'm') return j + 1 < a.length || i + 1 < args.length
      if (!SNAPSHOT_FLAGS.has(c)) return false
    }
  }
  return true
}

function snapshotEnvUsable(env: Readonly<Record<string, string>>): boolean {
  if (INIT_ENV_VARS.some((name) => (env[name] ?? '') !== '')) return false
  // setlocale(LC_CTYPE, ""): the first of these that is set; musl's default is C.UTF-8.
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== '') ?? 'C.UTF-8'
  return locale !== 'C' && locale !== 'POSIX'
}

/** The `python3` program. */
export const PYTHON: Program = { artifact: 'python/python.wasm', argv0: 'python3', args: pythonArgs, snapshot: pythonSnapshotUsable, cold: 'main' }

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
