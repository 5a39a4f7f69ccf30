/**
 * `whoami`: the sandbox user's name.
 */
import { ok, type BuiltinCommand } from './context.js'

/** `whoami`. */
export const whoami: BuiltinCommand = {
  async run(_args, ctx) {
    return ok(`${ctx.user.name}\n`)
  },
}
