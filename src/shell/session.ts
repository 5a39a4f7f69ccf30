/**
 * Session persistence. just-bash starts every `exec` from the `Bash` object's state and throws the
 * final state away, so the shell:
 *
 * - **restores** a session by writing its fields into the fresh `Bash` object's (private) `state`
 *   before `exec`: variables, export/readonly flags, functions (parsed from their source text),
 *   `set -o`/`shopt` options, arrays, `$?`;
 * - **captures** it with an epilogue appended to the script (and run before a top-level `exit`):
 *   a command that snapshots the live variables and cwd, then `declare -F`, `declare -p` and
 *   `set +o` redirected into sink paths. Function *bodies* cannot be printed by just-bash 3.4.2
 *   (`declare -f` prints a placeholder), so each function definition in the script is followed by
 *   a marker command carrying its source text, recorded when the definition actually runs.
 */
import type { Bash, ScriptNode } from 'just-bash'
import { parse } from 'just-bash'
import type { ShellSessionState } from './types.js'

/**
 * Creates the state of a new session shell.
 *
 * @example
 * ```ts
 * const session = createSessionState('/home/daytona', { FOO: 'bar' })
 * await shell.exec('cd /tmp; export X=1', { session })
 * session.cwd // '/tmp'
 * ```
 */
export function createSessionState(cwd: string, env: Record<string, string> = {}): ShellSessionState {
  return {
    v: 1,
    cwd,
    vars: { ...env },
    exported: Object.keys(env),
    readonly: [],
    arrays: {},
    functions: {},
    options: [],
    shopt: [],
    umask: 0o022,
    traps: {},
    lastExitCode: 0,
  }
}

/** The parts of just-bash's interpreter state the shell reads and writes. */
export interface JustBashState {
  env: Map<string, string>
  arrays?: Map<string, { kind: string; elements: Map<string, string> }>
  associativeArrays?: Set<string>
  cwd: string
  functions: Map<string, unknown>
  options: Record<string, boolean>
  shoptOptions: Record<string, boolean>
  exportedVars: Set<string>
  readonlyVars: Set<string>
  lastExitCode: number
}

function isJustBashState(s: unknown): s is JustBashState {
  if (typeof s !== 'object' || s === null) return false
  const r = s as Record<string, unknown>
  return (
    r.env instanceof Map &&
    r.functions instanceof Map &&
    r.exportedVars instanceof Set &&
    r.readonlyVars instanceof Set &&
    typeof r.options === 'object' &&
    typeof r.shoptOptions === 'object'
  )
}

/** just-bash's private interpreter state of a `Bash` (checked, so a version change fails loudly). */
export function stateOf(bash: Bash): JustBashState {
  const s: unknown = Reflect.get(bash, 'state')
  if (!isJustBashState(s)) throw new Error('daylite shell: unsupported just-bash version (interpreter state shape changed)')
  return s
}

/** Variables never carried between commands (special parameters and per-process values). */
const TRANSIENT = new Set([
  '?', '#', '@', '*', '$', '!', '-', '_', 'PIPESTATUS', 'FUNCNAME', 'BASH_SOURCE', 'BASH_LINENO', 'LINENO', 'RANDOM',
  'SECONDS', 'BASHPID', 'PPID', 'UID', 'EUID', 'SHELLOPTS', 'BASHOPTS', 'BASH_REMATCH', 'OLDPWD_', 'EPOCHSECONDS',
  'EPOCHREALTIME', 'SRANDOM', 'BASH_ARGC', 'BASH_ARGV', 'BASH_COMMAND', 'BASH_SUBSHELL',
])

/** Filters a live variable map down to what a session keeps. */
export function persistentVars(env: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of env) {
    if (TRANSIENT.has(k) || /^\d+$/.test(k)) continue
    out[k] = v
  }
  return out
}

const fnCache = new Map<string, unknown>()

/** Parses one function's source text into the node just-bash keeps in `state.functions`. */
export function parseFunction(text: string): unknown {
  const hit = fnCache.get(text)
  if (hit !== undefined) return hit
  let node: unknown
  try {
    const ast: ScriptNode = parse(text)
    const cmd = ast.statements[0]?.pipelines[0]?.commands[0]
    node = cmd && cmd.type === 'FunctionDef' ? { ...cmd, sourceFile: cmd.sourceFile ?? 'main' } : null
  } catch {
    node = null
  }
  if (fnCache.size > 500) fnCache.clear()
  fnCache.set(text, node)
  return node
}

/** Writes a session into a fresh `Bash`'s state (variables were given to the constructor). */
export function restoreSession(state: JustBashState, session: ShellSessionState, extraExported: readonly string[]): void {
  state.exportedVars.clear()
  for (const n of session.exported) state.exportedVars.add(n)
  for (const n of extraExported) state.exportedVars.add(n)
  for (const n of session.readonly) state.readonlyVars.add(n)
  for (const [name, text] of Object.entries(session.functions)) {
    const node = parseFunction(text)
    if (node) state.functions.set(name, node)
  }
  for (const o of session.options) if (o in state.options) state.options[o] = true
  for (const o of session.shopt) if (o in state.shoptOptions) state.shoptOptions[o] = true
  state.arrays ??= new Map()
  for (const [name, a] of Object.entries(session.arrays)) {
    state.arrays.set(name, { kind: a.assoc ? 'associative' : 'indexed', elements: new Map(a.elements) })
    if (a.assoc) {
      state.associativeArrays ??= new Set()
      state.associativeArrays.add(name)
    }
  }
  state.lastExitCode = session.lastExitCode
  state.env.set('?', String(session.lastExitCode))
}

/** What the epilogue collected during one exec. */
export class StateCapture {
  /** Set when the epilogue ran. */
  captured = false
  rc = 0
  vars: Record<string, string> = {}
  exported: string[] = []
  cwd = '/'
  fnNames = ''
  declares = ''
  setOptions = ''
  /** Function source text recorded by definition markers, by name. */
  readonly defined = new Map<string, string>()

  /** Called by the capture command: snapshot of the live shell. */
  begin(rc: number, env: Iterable<[string, string]>, exported: Record<string, string> | undefined, cwd: string): void {
    this.captured = true
    this.rc = rc
    this.vars = persistentVars(env)
    this.exported = Object.keys(exported ?? {})
    this.cwd = cwd
    this.fnNames = ''
    this.declares = ''
    this.setOptions = ''
  }

  /** Updates `session` in place from the capture (or from the fallbacks when it did not run). */
  apply(
    session: ShellSessionState,
    state: JustBashState,
    fallback: { env: Record<string, string> | undefined; exitCode: number },
  ): void {
    if (this.captured) {
      session.vars = this.vars
      session.exported = this.exported.filter((n) => n in this.vars)
      session.cwd = this.cwd
      const names = [...this.fnNames.matchAll(/^declare -f[a-z]* (\S+)$/gm)].map((m) => m[1] ?? '')
      const functions: Record<string, string> = {}
      for (const n of names) {
        const text = this.defined.get(n) ?? session.functions[n]
        if (text !== undefined) functions[n] = text
      }
      session.functions = functions
      session.arrays = parseDeclaredArrays(this.declares)
      session.options = [...this.setOptions.matchAll(/^set -o (\S+)$/gm)].map((m) => m[1] ?? '')
    } else {
      if (fallback.env) {
        session.vars = persistentVars(Object.entries(fallback.env))
        const pwd = fallback.env.PWD
        if (pwd) session.cwd = pwd
      }
      for (const [n, text] of this.defined) session.functions[n] = text
      session.exported = [...state.exportedVars].filter((n) => n in session.vars)
    }
    session.readonly = [...state.readonlyVars].filter((n) => n in session.vars)
    session.shopt = Object.entries(state.shoptOptions)
      .filter(([, on]) => on)
      .map(([k]) => k)
    session.lastExitCode = fallback.exitCode
  }
}

/** Text of word parts that need no expansion (glob parts give their pattern), else null. */
function wordText(parts: readonly unknown[]): string | null {
  let out = ''
  for (const p of parts) {
    if (typeof p !== 'object' || p === null) return null
    const r = p as { type?: unknown; value?: unknown; pattern?: unknown; parts?: unknown }
    if ((r.type === 'Literal' || r.type === 'SingleQuoted' || r.type === 'Escaped') && typeof r.value === 'string') out += r.value
    else if (r.type === 'Glob' && typeof r.pattern === 'string') out += r.pattern
    else if (r.type === 'DoubleQuoted' && Array.isArray(r.parts)) {
      const inner = wordText(r.parts)
      if (inner === null) return null
      out += inner
    } else return null
  }
  return out
}

/** Arrays from `declare -p` output (parsed with just-bash's own parser, never evaluated). */
export function parseDeclaredArrays(text: string): ShellSessionState['arrays'] {
  const out: ShellSessionState['arrays'] = {}
  for (const line of text.split('\n')) {
    const m = /^declare -([a-zA-Z]+) ([A-Za-z_][A-Za-z0-9_]*)=(\(.*\))$/.exec(line)
    if (!m || !m[1] || !m[2] || !m[3] || !/[aA]/.test(m[1]) || TRANSIENT.has(m[2])) continue
    let words
    try {
      const cmd = parse(`__a=${m[3]}`).statements[0]?.pipelines[0]?.commands[0]
      words = cmd && cmd.type === 'SimpleCommand' ? cmd.assignments[0]?.array : undefined
    } catch {
      continue
    }
    if (!words) continue
    const elements: [string, string][] = []
    for (const w of words) {
      const t = wordText(w.parts)
      const e = t === null ? null : /^\[('(?:[^']|'\\'')*'|[^\]]*)\]=(.*)$/s.exec(t)
      const key = e?.[1]
      if (!e || key === undefined || e[2] === undefined) continue
      elements.push([key.startsWith("'") ? key.slice(1, -1).replace(/'\\''/g, "'") : key, e[2]])
    }
    out[m[2]] = { assoc: m[1].includes('A'), elements }
  }
  return out
}

/** Source text of the capture epilogue. */
export function epilogueText(cmd: { state: string; status: string }, sinks: { fns: string; vars: string; opts: string }): string {
  return `{ ${cmd.state} "$?"; declare -F >>${sinks.fns}; declare -p >>${sinks.vars}; set +o >>${sinks.opts}; ${cmd.status}; } 2>/dev/null`
}
