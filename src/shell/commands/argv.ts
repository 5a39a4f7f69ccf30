/**
 * Splits attached short-option values (`-n1` → `-n 1`, `-sd+` → `-s -d +`) so just-bash's
 * parsers, which only accept the spaced form, see what GNU tools accept.
 */

/**
 * @param args - argv without the command name
 * @param withValue - short options that take a value
 * @param stopAtOperand - stop at the first operand (xargs: the rest is the command to run)
 */
export function splitShortOptions(args: readonly string[], withValue: ReadonlySet<string>, stopAtOperand: boolean): string[] {
  const out: string[] = []
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--') {
      out.push(...args.slice(i))
      return out
    }
    if (!a.startsWith('-') || a === '-' || a.startsWith('--')) {
      if (stopAtOperand && !a.startsWith('--')) {
        out.push(...args.slice(i))
        return out
      }
      out.push(a)
      continue
    }
    let j = 1
    let consumedNext = false
    while (j < a.length) {
      const c = a.charAt(j)
      if (withValue.has(c)) {
        out.push(`-${c}`)
        const value = a.slice(j + 1)
        if (value !== '') out.push(value)
        else if (i + 1 < args.length) {
          out.push(args[i + 1] ?? '')
          consumedNext = true
        }
        break
      }
      out.push(`-${c}`)
      j++
    }
    if (consumedNext) i++
  }
  return out
}
