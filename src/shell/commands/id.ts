/**
 * `id`: `uid=1000(daytona) gid=1000(daytona) groups=1000(daytona)`, with -u -g -G -n -r.
 */
import { loadAccounts } from './accounts.js'
import { fail, ok, type BuiltinCommand } from './context.js'

/** `id`. */
export const id: BuiltinCommand = {
  async run(args, ctx) {
    const acc = loadAccounts(ctx.vfs)
    let mode: 'all' | 'u' | 'g' | 'G' = 'all'
    let names = false
    const operands: string[] = []
    for (const a of args) {
      if (a.startsWith('-') && a.length > 1) {
        for (const c of a.slice(1)) {
          if (c === 'u' || c === 'g' || c === 'G') mode = c
          else if (c === 'n') names = true
          else if (c === 'r' || c === 'z') continue
          else return fail(`id: invalid option -- '${c}'\nTry 'id --help' for more information.\n`)
        }
      } else operands.push(a)
    }
    let uid = ctx.user.uid
    let gid = ctx.user.gid
    let userName = ctx.user.name
    const who = operands[0]
    if (who !== undefined) {
      const u = /^\d+$/.test(who) ? Number(who) : acc.uidOf(who)
      if (u === undefined || acc.userName(u) === undefined) return fail(`id: '${who}': no such user\n`)
      uid = u
      userName = acc.userName(u) ?? who
      gid = acc.primaryGid(u) ?? u
    }
    const groups = [gid, ...acc.groupsOf(userName).filter((g) => g !== gid)]
    const un = (n: number): string => acc.userName(n) ?? String(n)
    const gn = (n: number): string => acc.groupName(n) ?? String(n)
    switch (mode) {
      case 'u':
        return ok(`${names ? un(uid) : uid}\n`)
      case 'g':
        return ok(`${names ? gn(gid) : gid}\n`)
      case 'G':
        return ok(`${groups.map((g) => (names ? gn(g) : String(g))).join(' ')}\n`)
      default:
        return ok(`uid=${uid}(${un(uid)}) gid=${gid}(${gn(gid)}) groups=${groups.map((g) => `${g}(${gn(g)})`).join(',')}\n`)
    }
  },
}
