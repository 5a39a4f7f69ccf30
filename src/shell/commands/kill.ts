/**
 * `kill`: signal names (`-l`), `-0` probes and sending to `$$`. daylite's shell has no separate
 * processes yet (background jobs finish before `&` returns), so other pids do not exist.
 */
import { fail, ok, type BuiltinCommand } from './context.js'
import { SIGNALS, signalList, signalName } from './signals.js'

/** `kill`. */
export const kill: BuiltinCommand = {
  async run(args, ctx) {
    if (args.length === 0) return fail('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n', 2)
    if (args[0] === '-l' || args[0] === '-L') {
      if (args.length === 1) return ok(signalList())
      const out: string[] = []
      for (const a of args.slice(1)) {
        const n = signalName(a)
        if (!n) return fail(`bash: kill: ${a}: invalid signal specification\n`)
        out.push(/^\d+$/.test(a) ? n : String(SIGNALS[n] ?? 0))
      }
      return ok(`${out.join('\n')}\n`)
    }
    let rest = args
    let sig = 'TERM'
    const first = rest[0] ?? ''
    if (first === '-s' || first === '-n') {
      sig = rest[1] ?? ''
      rest = rest.slice(2)
    } else if (first.startsWith('-') && first !== '--' && first.length > 1) {
      sig = first.slice(1)
      rest = rest.slice(1)
    }
    if (rest[0] === '--') rest = rest.slice(1)
    const probe = sig === '0'
    if (!probe && !signalName(sig)) return fail(`bash: kill: ${sig}: invalid signal specification\n`)
    const self = ctx.env.BASHPID ?? ctx.env.$ ?? '1'
    let stderr = ''
    for (const pid of rest) {
      if (pid.startsWith('%')) stderr += `bash: kill: ${pid}: no such job\n`
      else if (!/^-?\d+$/.test(pid)) stderr += `bash: kill: ${pid}: arguments must be process or job IDs\n`
      else if (pid === self || pid === '1') continue
      else stderr += `bash: kill: (${pid}) - No such process\n`
    }
    if (rest.length === 0) return fail('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n', 2)
    return { stdout: '', stderr, exitCode: stderr ? 1 : 0 }
  },
}
