/**
 * `jobs`: background jobs finish before `&` returns in daylite's shell, so the table is empty.
 */
import { ok, type BuiltinCommand } from './context.js'

/** `jobs`. */
export const jobs: BuiltinCommand = {
  async run() {
    return ok()
  },
}
