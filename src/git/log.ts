/**
 * History: walking commits newest first (git's default order: by commit date, parents after
 * children), and counting commits ahead of and behind an upstream.
 */
import { type Commit, readCommit } from './objects.js'
import type { Repo } from './repo.js'

/** Options of {@link walkCommits}. */
export interface WalkOptions {
  /** Stop after this many commits. */
  max?: number
  /** Leave out commits reachable from these. */
  exclude?: string[]
  /** Follow only first parents. */
  firstParent?: boolean
}

/** A max-heap of commits by committer date (ties: insertion order). */
class CommitQueue {
  #items: { c: Commit; seq: number }[] = []
  #seq = 0

  get size(): number {
    return this.#items.length
  }

  /** True when `pred` holds for every queued commit. */
  every(pred: (c: Commit) => boolean): boolean {
    return this.#items.every((i) => pred(i.c))
  }

  push(c: Commit): void {
    const items = this.#items
    items.push({ c, seq: this.#seq++ })
    let i = items.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (this.#less(items[p] as { c: Commit; seq: number }, items[i] as { c: Commit; seq: number })) {
        ;[items[p], items[i]] = [items[i] as { c: Commit; seq: number }, items[p] as { c: Commit; seq: number }]
        i = p
      } else break
    }
  }

  pop(): Commit | undefined {
    const items = this.#items
    if (items.length === 0) return undefined
    const top = items[0] as { c: Commit; seq: number }
    const last = items.pop() as { c: Commit; seq: number }
    if (items.length > 0) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && this.#less(items[m] as { c: Commit; seq: number }, items[l] as { c: Commit; seq: number })) m = l
        if (r < items.length && this.#less(items[m] as { c: Commit; seq: number }, items[r] as { c: Commit; seq: number })) m = r
        if (m === i) break
        ;[items[m], items[i]] = [items[i] as { c: Commit; seq: number }, items[m] as { c: Commit; seq: number }]
        i = m
      }
    }
    return top.c
  }

  #less(a: { c: Commit; seq: number }, b: { c: Commit; seq: number }): boolean {
    const d = a.c.committer.timestamp - b.c.committer.timestamp
    return d !== 0 ? d < 0 : a.seq > b.seq
  }
}

/** The boundary commits of a shallow repository (their parents are not in it). */
export function shallowCommits(repo: Repo): Set<string> {
  let text = ''
  try {
    text = new TextDecoder().decode(repo.ctx.vfs.readFile(`${repo.gitdir}/shallow`))
  } catch {
    return new Set()
  }
  return new Set(text.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l)))
}

/** Every commit reachable from `oids` (for exclusions). */
async function reachable(repo: Repo, oids: string[]): Promise<Set<string>> {
  const shallow = shallowCommits(repo)
  const seen = new Set<string>()
  const stack = [...oids]
  while (stack.length) {
    const oid = stack.pop() as string
    if (seen.has(oid)) continue
    seen.add(oid)
    const c = await readCommit(repo, oid).catch(() => undefined)
    if (c && !shallow.has(oid)) stack.push(...c.parents)
  }
  return seen
}

/**
 * The commits reachable from `starts`, newest first.
 *
 * @example
 * ```ts
 * for (const c of await walkCommits(repo, [headOid], { max: 10 })) console.log(c.oid)
 * ```
 */
export async function walkCommits(repo: Repo, starts: string[], options: WalkOptions = {}): Promise<Commit[]> {
  const excluded = options.exclude?.length ? await reachable(repo, options.exclude) : new Set<string>()
  const shallow = shallowCommits(repo)
  const queue = new CommitQueue()
  const seen = new Set<string>()
  for (const s of starts) {
    if (seen.has(s) || excluded.has(s)) continue
    seen.add(s)
    queue.push(await readCommit(repo, s))
  }
  const out: Commit[] = []
  const max = options.max ?? Infinity
  while (queue.size > 0 && out.length < max) {
    const c = queue.pop() as Commit
    out.push(c)
    const parents = shallow.has(c.oid) ? [] : options.firstParent ? c.parents.slice(0, 1) : c.parents
    for (const p of parents) {
      if (seen.has(p) || excluded.has(p)) continue
      seen.add(p)
      const pc = await readCommit(repo, p).catch(() => undefined)
      // A shallow clone ends where its history was cut.
      if (pc) queue.push(pc)
    }
  }
  return out
}

/** How many commits `local` has that `upstream` lacks (ahead), and the reverse (behind). */
export async function aheadBehind(repo: Repo, local: string, upstream: string): Promise<{ ahead: number; behind: number }> {
  if (local === upstream) return { ahead: 0, behind: 0 }
  const LEFT = 1
  const RIGHT = 2
  const flags = new Map<string, number>()
  const queue = new CommitQueue()
  const shallow = shallowCommits(repo)
  const add = async (oid: string, flag: number): Promise<void> => {
    const old = flags.get(oid) ?? 0
    if ((old | flag) === old) return
    flags.set(oid, old | flag)
    const c = await readCommit(repo, oid).catch(() => undefined)
    if (c) queue.push(c)
  }
  await add(local, LEFT)
  await add(upstream, RIGHT)
  while (queue.size > 0) {
    // Stop when everything left is reachable from both sides.
    if (queue.every((q) => flags.get(q.oid) === (LEFT | RIGHT))) break
    const c = queue.pop() as Commit
    const f = flags.get(c.oid) ?? 0
    if (!shallow.has(c.oid)) for (const p of c.parents) await add(p, f)
  }
  let ahead = 0
  let behind = 0
  for (const f of flags.values()) {
    if (f === LEFT) ahead++
    else if (f === RIGHT) behind++
  }
  return { ahead, behind }
}
