/**
 * `yes [STRING…]`: pipelines are buffered, so it prints a bounded amount (at most 1 MiB or a quarter
 * of the exec's output limit) and stops.
 */
import { ok, type BuiltinCommand } from './context.js'

/** `yes`. */
export const yes: BuiltinCommand = {
  async run(args, ctx) {
    const line = `${args.length > 0 ? args.join(' ') : 'y'}\n`
    const budget = Math.max(line.length, Math.min(1 << 20, Math.floor(ctx.run.maxOutputBytes / 4)))
    return ok(line.repeat(Math.max(1, Math.floor(budget / line.length))))
  },
}
