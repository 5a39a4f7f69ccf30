/**
 * `xargs` accepting attached option values (`-n1`, `-I{}`, `-L1`, `-P4`, `-d,`), then just-bash's own.
 */
import { splitShortOptions } from './argv.js'
import { fail, type BuiltinCommand } from './context.js'

const WITH_VALUE = new Set(['n', 'I', 'L', 'P', 'd', 's', 'E', 'a'])

/** `xargs`. */
export const xargs: BuiltinCommand = {
  async run(args, ctx) {
    if (!ctx.orig) return fail('xargs: unavailable\n', 127)
    return ctx.orig(splitShortOptions(args, WITH_VALUE, true))
  },
}
