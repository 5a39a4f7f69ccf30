/**
 * `ulimit`: prints the limits a Debian sandbox reports; setting one is accepted and ignored.
 */
import { fail, ok, type BuiltinCommand } from './context.js'

const LIMITS: readonly (readonly [string, string, string, string])[] = [
  ['c', 'core file size', '(blocks, -c)', '0'],
  ['d', 'data seg size', '(kbytes, -d)', 'unlimited'],
  ['e', 'scheduling priority', '(-e)', '0'],
  ['f', 'file size', '(blocks, -f)', 'unlimited'],
  ['i', 'pending signals', '(-i)', '15615'],
  ['l', 'max locked memory', '(kbytes, -l)', '8192'],
  ['m', 'max memory size', '(kbytes, -m)', 'unlimited'],
  ['n', 'open files', '(-n)', '1048576'],
  ['p', 'pipe size', '(512 bytes, -p)', '8'],
  ['q', 'POSIX message queues', '(bytes, -q)', '819200'],
  ['r', 'real-time priority', '(-r)', '0'],
  ['s', 'stack size', '(kbytes, -s)', '8192'],
  ['t', 'cpu time', '(seconds, -t)', 'unlimited'],
  ['u', 'max user processes', '(-u)', 'unlimited'],
  ['v', 'virtual memory', '(kbytes, -v)', 'unlimited'],
  ['x', 'file locks', '(-x)', 'unlimited'],
]

/** `ulimit`. */
export const ulimit: BuiltinCommand = {
  async run(args) {
    let which = 'f'
    let all = false
    for (const a of args) {
      if (a.startsWith('-')) {
        for (const c of a.slice(1)) {
          if (c === 'a') all = true
          else if (c === 'S' || c === 'H') continue
          else if (LIMITS.some((l) => l[0] === c)) which = c
          else return fail(`bash: ulimit: -${c}: invalid option\nulimit: usage: ulimit [-SHabcdefiklmnpqrstuvxPRT] [limit]\n`, 2)
        }
      } else if (!/^(\d+|unlimited|soft|hard)$/.test(a)) {
        return fail(`bash: ulimit: ${a}: invalid number\n`)
      } else {
        return ok()
      }
    }
    if (all) return ok(LIMITS.map(([c, name, unit, v]) => `${`${name} ${unit}`.padEnd(36)} ${v}\n`.replace(`-${c})`, `-${c})`)).join(''))
    return ok(`${LIMITS.find((l) => l[0] === which)?.[3] ?? 'unlimited'}\n`)
  },
}
