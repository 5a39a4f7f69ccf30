/**
 * `chown [-R] [-h] OWNER[:GROUP] FILE…` with names from /etc/passwd and /etc/group or numeric ids.
 */
import { resolvePath as resolvePosix } from '../../vfs/path.js'
import { loadAccounts, type Accounts } from './accounts.js'
import { fail, type BuiltinCommand, type BuiltinContext } from './context.js'

/** Applies an ownership change to operands; shared by chown and chgrp. */
export function applyOwnership(
  name: string,
  ctx: BuiltinContext,
  operands: string[],
  recursive: boolean,
  uid: number | undefined,
  gid: number | undefined,
): { stdout: string; stderr: string; exitCode: number } {
  let stderr = ''
  const vfs = ctx.vfs
  const one = (path: string, shown: string, top: boolean): void => {
    try {
      const st = vfs.lstat(path)
      const follow = top || st.kind !== 'symlink'
      const target = follow && st.kind === 'symlink' ? vfs.stat(path) : st
      if (follow && st.kind === 'symlink') vfs.chown(path, uid ?? target.uid, gid ?? target.gid)
      else if (st.kind === 'symlink') return
      else vfs.chown(path, uid ?? st.uid, gid ?? st.gid)
      if (recursive && target.kind === 'dir' && st.kind !== 'symlink') {
        for (const n of vfs.readdir(path)) one(path === '/' ? `/${n}` : `${path}/${n}`, `${shown}/${n}`, false)
      }
    } catch (e) {
      const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : ''
      stderr +=
        code === 'ENOENT'
          ? `${name}: cannot access '${shown}': No such file or directory\n`
          : `${name}: changing ownership of '${shown}': Operation not permitted\n`
    }
  }
  for (const op of operands) one(resolvePosix(ctx.cwd, op), op, true)
  return { stdout: '', stderr, exitCode: stderr ? 1 : 0 }
}

/** Resolves a user or group spec to an id. */
export function lookupId(spec: string, by: (n: string) => number | undefined): number | undefined {
  return /^\d+$/.test(spec) ? Number(spec) : by(spec)
}

function parseFlags(args: string[]): { recursive: boolean; rest: string[] } | { bad: string } {
  let recursive = false
  const rest: string[] = []
  let noMore = false
  for (const a of args) {
    if (!noMore && a === '--') {
      noMore = true
      continue
    }
    if (!noMore && a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      for (const c of a.slice(1)) {
        if (c === 'R') recursive = true
        else if (c === 'h' || c === 'f' || c === 'v' || c === 'c' || c === 'H' || c === 'L' || c === 'P') continue
        else return { bad: c }
      }
      continue
    }
    if (!noMore && a.startsWith('--')) {
      if (a === '--recursive') recursive = true
      continue
    }
    rest.push(a)
  }
  return { recursive, rest }
}

/** Parses `OWNER[:GROUP]` / `:GROUP` / `OWNER:`. */
function parseSpec(spec: string, acc: Accounts): { uid?: number; gid?: number } | { error: string } {
  const [u, g] = spec.includes(':') ? spec.split(':', 2) : [spec, undefined]
  const out: { uid?: number; gid?: number } = {}
  if (u) {
    const id = lookupId(u, acc.uidOf)
    if (id === undefined) return { error: `chown: invalid user: '${spec}'\n` }
    out.uid = id
    if (g === '' && spec.endsWith(':')) out.gid = acc.primaryGid(id) ?? id
  }
  if (g) {
    const id = lookupId(g, acc.gidOf)
    if (id === undefined) return { error: `chown: invalid group: '${spec}'\n` }
    out.gid = id
  }
  return out
}

/** `chown`. */
export const chown: BuiltinCommand = {
  async run(args, ctx) {
    const p = parseFlags(args)
    if ('bad' in p) return fail(`chown: invalid option -- '${p.bad}'\nTry 'chown --help' for more information.\n`)
    const [spec, ...files] = p.rest
    if (spec === undefined) return fail(`chown: missing operand\nTry 'chown --help' for more information.\n`)
    if (files.length === 0) return fail(`chown: missing operand after '${spec}'\nTry 'chown --help' for more information.\n`)
    const s = parseSpec(spec, loadAccounts(ctx.vfs))
    if ('error' in s) return fail(s.error)
    return applyOwnership('chown', ctx, files, p.recursive, s.uid, s.gid)
  },
}

/** Shared flag parsing, for chgrp. */
export { parseFlags as parseOwnershipFlags }
