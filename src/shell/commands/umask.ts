/**
 * `umask [-S] [mode]`: prints or sets the file-creation mask (octal or symbolic `u=rwx,g=rx,o=`).
 */
import { fail, ok, type BuiltinCommand } from './context.js'

function symbolic(mask: number): string {
  const perm = (shift: number): string => {
    const allowed = ~mask >> shift
    return `${allowed & 4 ? 'r' : ''}${allowed & 2 ? 'w' : ''}${allowed & 1 ? 'x' : ''}`
  }
  return `u=${perm(6)},g=${perm(3)},o=${perm(0)}`
}

function parseSymbolic(spec: string, mask: number): number | undefined {
  let allowed = ~mask & 0o777
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([=+-])([rwx]*)$/.exec(clause)
    if (!m) return undefined
    const who = m[1] || 'a'
    const bits = ((m[3] ?? '').includes('r') ? 4 : 0) | ((m[3] ?? '').includes('w') ? 2 : 0) | ((m[3] ?? '').includes('x') ? 1 : 0)
    for (const [c, shift] of [['u', 6], ['g', 3], ['o', 0]] as const) {
      if (!who.includes(c) && !who.includes('a')) continue
      const b = bits << shift
      if (m[2] === '=') allowed = (allowed & ~(7 << shift)) | b
      else if (m[2] === '+') allowed |= b
      else allowed &= ~b
    }
  }
  return ~allowed & 0o777
}

/** `umask`. */
export const umask: BuiltinCommand = {
  async run(args, ctx) {
    let sym = false
    const rest: string[] = []
    for (const a of args) {
      if (a === '-S') sym = true
      else if (a === '-p') continue
      else rest.push(a)
    }
    const spec = rest[0]
    if (spec === undefined) return ok(sym ? `${symbolic(ctx.run.umask)}\n` : `${ctx.run.umask.toString(8).padStart(4, '0')}\n`)
    const value = /^[0-7]+$/.test(spec) ? parseInt(spec, 8) & 0o777 : parseSymbolic(spec, ctx.run.umask)
    if (value === undefined) return fail(`bash: umask: ${spec}: invalid symbolic mode operator\n`)
    ctx.run.umask = value
    return ok()
  },
}
