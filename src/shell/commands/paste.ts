/**
 * `paste` accepting attached values (`-sd+`, `-d,`) and reading stdin when no file is named.
 */
import { splitShortOptions } from './argv.js'
import { fail, type BuiltinCommand } from './context.js'

const WITH_VALUE = new Set(['d'])

/** `paste`. */
export const paste: BuiltinCommand = {
  async run(args, ctx) {
    if (!ctx.orig) return fail('paste: unavailable\n', 127)
    const argv = splitShortOptions(args, WITH_VALUE, false)
    let files = 0
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] ?? ''
      if (a === '-d') i++
      else if (a === '-' || !a.startsWith('-')) files++
    }
    if (files === 0) argv.push('-')
    return ctx.orig(argv)
  },
}
