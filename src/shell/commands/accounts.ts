/**
 * Reads user and group names from the sandbox's `/etc/passwd` and `/etc/group`.
 */
import type { SyncVfs } from '../../vfs/types.js'

/** Name ↔ id tables of the sandbox. */
export interface Accounts {
  userName(uid: number): string | undefined
  groupName(gid: number): string | undefined
  uidOf(name: string): number | undefined
  gidOf(name: string): number | undefined
  /** Primary gid of a user, from /etc/passwd. */
  primaryGid(uid: number): number | undefined
  /** Supplementary group ids of a user name, from /etc/group. */
  groupsOf(name: string): number[]
}

function readLines(vfs: SyncVfs, path: string): string[][] {
  try {
    const text = new TextDecoder().decode(vfs.readFile(path))
    return text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'))
  } catch {
    return []
  }
}

/** Loads the tables (cheap: two small files). */
export function loadAccounts(vfs: SyncVfs): Accounts {
  const users = readLines(vfs, '/etc/passwd')
  const groups = readLines(vfs, '/etc/group')
  const uidName = new Map<number, string>()
  const nameUid = new Map<string, number>()
  const userGid = new Map<number, number>()
  for (const u of users) {
    const [name, , uid, gid] = u
    if (name === undefined || uid === undefined) continue
    const id = Number(uid)
    if (!uidName.has(id)) uidName.set(id, name)
    nameUid.set(name, id)
    if (gid !== undefined) userGid.set(id, Number(gid))
  }
  const gidName = new Map<number, string>()
  const nameGid = new Map<string, number>()
  const members = new Map<string, number[]>()
  for (const g of groups) {
    const [name, , gid, list] = g
    if (name === undefined || gid === undefined) continue
    const id = Number(gid)
    if (!gidName.has(id)) gidName.set(id, name)
    nameGid.set(name, id)
    for (const m of (list ?? '').split(',').filter(Boolean)) {
      const arr = members.get(m) ?? []
      arr.push(id)
      members.set(m, arr)
    }
  }
  return {
    userName: (uid) => uidName.get(uid),
    groupName: (gid) => gidName.get(gid),
    uidOf: (name) => nameUid.get(name),
    gidOf: (name) => nameGid.get(name),
    primaryGid: (uid) => userGid.get(uid),
    groupsOf: (name) => members.get(name) ?? [],
  }
}
