/**
 * `chgrp [-R] GROUP FILE…`.
 */
import { loadAccounts } from './accounts.js'
import { applyOwnership, lookupId, parseOwnershipFlags } from './chown.js'
import { fail, type BuiltinCommand } from './context.js'

/** `chgrp`. */
export const chgrp: BuiltinCommand = {
  async run(args, ctx) {
    const p = parseOwnershipFlags(args)
    if ('bad' in p) return fail(`chgrp: invalid option -- '${p.bad}'\nTry 'chgrp --help' for more information.\n`)
    const [group, ...files] = p.rest
    if (group === undefined) return fail(`chgrp: missing operand\nTry 'chgrp --help' for more information.\n`)
    if (files.length === 0) return fail(`chgrp: missing operand after '${group}'\nTry 'chgrp --help' for more information.\n`)
    const gid = lookupId(group, loadAccounts(ctx.vfs).gidOf)
    if (gid === undefined) return fail(`chgrp: invalid group: '${group}'\n`)
    return applyOwnership('chgrp', ctx, files, p.recursive, undefined, gid)
  },
}
