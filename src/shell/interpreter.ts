/**
 * Reuse of just-bash interpreters across execs.
 *
 * Building a `Bash` (limits, ~100 command registrations, our ~20 custom commands) costs more than
 * running `echo hi` on one, so the shell keeps a small pool of them. A `Bash` is used by one exec
 * at a time and gets a **fresh interpreter state** before each exec: just-bash's `exec` copies most
 * of its `state` for the run but shares some containers with it (`exportedVars`, `readonlyVars`,
 * `shoptOptions`, `hashTable`), so without the reset `readonly R=1` in one exec would make `R`
 * read-only in the next (tested). The fresh state is built from a pristine snapshot taken right
 * after construction, with the same variables and cwd the constructor would have given it.
 *
 * Like {@link stateOf}, this reads and writes private fields of `Bash` (`state`, `limits`), checked
 * so that a just-bash version that changes them fails loudly.
 */
import type { Bash, StatementNode } from 'just-bash'
import { stateOf, type JustBashState } from './session.js'

/** The part of just-bash's private `limits` object the shell changes per exec. */
interface MutableLimits {
  maxExecutionTimeMs: number
}

/** just-bash's private execution limits of a `Bash` (one object, read live by every exec). */
export function limitsOf(bash: Bash): MutableLimits {
  const l: unknown = Reflect.get(bash, 'limits')
  if (typeof l !== 'object' || l === null || typeof (l as Record<string, unknown>).maxExecutionTimeMs !== 'number') {
    throw new Error('daylite shell: unsupported just-bash version (limits shape changed)')
  }
  return l as MutableLimits
}

/** Variables the `Bash` constructor sets after the caller's environment. */
const TRAILING_VARS = ['SHELLOPTS', 'BASHOPTS'] as const

/**
 * State containers just-bash's `exec` copies for each run (`{ ...state, env: new Map(state.env),
 * arrays: copy, functions: new Map(…), localScopes: [...], options: {...} }`): an exec that restores
 * no session may share them with the template. Every other container is copied per exec.
 */
const COPIED_BY_EXEC: ReadonlySet<string> = new Set(['arrays', 'functions', 'localScopes', 'options'])

function copyContainer(v: unknown): unknown {
  if (v instanceof Map) return new Map(v)
  if (v instanceof Set) return new Set(v)
  if (Array.isArray(v)) return [...v]
  if (typeof v === 'object' && v !== null) return { ...v }
  return v
}

/** A pristine interpreter state and the names of its container fields. */
export interface StateTemplate {
  readonly state: JustBashState
  /** Fields holding a Map, Set, array or object, except `env` (rebuilt per exec). */
  readonly containers: readonly string[]
}

/**
 * A pristine copy of a just-constructed `Bash`'s state (built with the shell's base environment),
 * from which {@link freshState} makes each exec's state.
 */
export function snapshotState(bash: Bash): StateTemplate {
  // Spread, then overwrite: an object built key by key is many times slower to spread per exec.
  const state: Record<string, unknown> = { ...stateOf(bash) }
  const containers: string[] = []
  for (const k of Object.keys(state)) {
    const v = state[k]
    if (typeof v !== 'object' || v === null) continue
    state[k] = copyContainer(v)
    if (k !== 'env') containers.push(k)
  }
  return { state: state as unknown as JustBashState, containers }
}

/**
 * Installs in `bash` a new state equal to what `new Bash({ env: {...base, ...extra, PWD: cwd}, cwd })`
 * would have (the template was built with `base`), and returns it. No container of the template is
 * reachable from it in a way an exec could change: they are copied, or (for an exec without
 * `restore`) shared only where just-bash's `exec` copies them itself.
 *
 * @param template - from {@link snapshotState}
 * @param cwd - the exec's working directory
 * @param baseHasOldPwd - whether the base environment sets OLDPWD (else it starts as `cwd`)
 * @param extra - variables added for this exec (exported), in order
 * @param restore - the caller will write session state into the result (copy every container)
 */
export function freshState(
  bash: Bash,
  template: StateTemplate,
  cwd: string,
  baseHasOldPwd: boolean,
  extra: readonly Record<string, string>[],
  restore: boolean,
): JustBashState {
  const state: Record<string, unknown> = { ...template.state }
  for (const k of template.containers) {
    if (restore || !COPIED_BY_EXEC.has(k)) state[k] = copyContainer(state[k])
  }
  const s = state as unknown as JustBashState & { startTime?: number }
  const env = new Map(template.state.env)
  s.env = env
  const trailing = TRAILING_VARS.map((k) => [k, env.get(k)] as const)
  for (const [k] of trailing) env.delete(k)
  if (!baseHasOldPwd) env.set('OLDPWD', cwd)
  for (const vars of extra) {
    for (const k in vars) {
      const v = vars[k]
      if (v === undefined) continue
      env.set(k, v)
      s.exportedVars.add(k)
    }
  }
  env.set('PWD', cwd)
  for (const [k, v] of trailing) if (v !== undefined) env.set(k, v)
  s.cwd = cwd
  if (typeof s.startTime === 'number') s.startTime = Date.now()
  Reflect.set(bash, 'state', s)
  return s
}

/** A deep copy of plain AST data (objects, arrays, primitives), faster than `structuredClone`. */
export function cloneAst<T>(node: T): T {
  if (Array.isArray(node)) return node.map((x: unknown) => cloneAst(x)) as T
  if (typeof node !== 'object' || node === null) return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) out[k] = cloneAst(v)
  return out as T
}

/** Clones a statement list (the session epilogue) for one insertion into a script. */
export function cloneStatements(list: readonly StatementNode[]): StatementNode[] {
  return list.map((s) => cloneAst(s))
}
