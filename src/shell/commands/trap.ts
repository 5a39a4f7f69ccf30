/**
 * `trap`: records actions by signal. EXIT actions run when the exec ends (or, in a session, when the
 * session is closed); other signals are accepted and never delivered (daylite sends none).
 */
import { fail, ok, type BuiltinCommand } from './context.js'
import { signalList, signalName } from './signals.js'

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** `trap`. */
export const trap: BuiltinCommand = {
  async run(args, ctx) {
    const traps = ctx.run.traps
    let rest = args
    if (rest[0] === '--') rest = rest.slice(1)
    if (rest.length === 0 || rest[0] === '-p') {
      const only = rest.slice(1).map((s) => signalName(s)).filter((s): s is string => s !== undefined)
      const lines = Object.entries(traps)
        .filter(([sig]) => only.length === 0 || only.includes(sig))
        .map(([sig, action]) => `trap -- ${quote(action)} ${sig}\n`)
      return ok(lines.join(''))
    }
    if (rest[0] === '-l') return ok(signalList())
    const first = rest[0] ?? ''
    // `trap SIG…` with a single signal-looking operand resets it, like bash.
    const isReset = first === '-' || (rest.length === 1 && signalName(first) !== undefined)
    const action = isReset ? undefined : first
    const sigs = isReset && first !== '-' ? rest : rest.slice(1)
    let stderr = ''
    for (const s of sigs) {
      const name = signalName(s)
      if (!name) {
        stderr += `bash: trap: ${s}: invalid signal specification\n`
        continue
      }
      if (action === undefined) delete traps[name]
      else traps[name] = action
    }
    return stderr ? fail(stderr) : ok()
  },
}
