/**
 * `hostname`: the sandbox host name (`daytona`).
 */
import { ok, type BuiltinCommand } from './context.js'

/** `hostname`. */
export const hostname: BuiltinCommand = {
  async run(args, ctx) {
    if (args.includes('-I') || args.includes('-i')) return ok('127.0.0.1\n')
    return ok(`${ctx.run.hostname}\n`)
  },
}
