/**
 * Revisions as git spells them (gitrevisions(7)): object ids (full or abbreviated), `HEAD`,
 * branch, tag and remote-tracking names, full ref names, `@`, `@{upstream}`/`@{u}`,
 * `stash@{n}`, `FETCH_HEAD`/`ORIG_HEAD`, and the suffixes `~n`, `^n` and `^{commit}`/`^{tree}`.
 */
import * as iso from 'isomorphic-git'
import { GitError, GitErrorCode } from './errors.js'
import { type Commit, readCommit, readObject } from './objects.js'
import { type Repo, headState, join, readText, refOid, upstreamOf } from './repo.js'

/** The error git gives for a revision it cannot resolve. */
export function unknownRevision(rev: string): GitError {
  return new GitError(GitErrorCode.BRANCH_NOT_FOUND, `ambiguous argument '${rev}': unknown revision or path not in the working tree.`, { ref: rev })
}

/** Resolves a name (no suffixes) to an object id, or undefined. */
async function resolveName(repo: Repo, name: string): Promise<string | undefined> {
  if (name === 'HEAD' || name === '@' || name === '') return (await headState(repo)).oid
  if (/^[0-9a-f]{40}$/.test(name)) return name
  const up = /^(.*?)@\{(?:upstream|u|push)\}$/i.exec(name)
  if (up) {
    const branch = up[1] === '' || up[1] === 'HEAD' ? (await headState(repo)).branch : up[1]
    const u = branch ? upstreamOf(repo, branch) : undefined
    if (!u) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, branch ? `no upstream configured for branch '${branch}'` : 'HEAD does not point to a branch', { ref: name })
    return refOid(repo, u.tracking)
  }
  const stash = /^stash@\{(\d+)\}$/.exec(name)
  if (stash) {
    const log = (readText(repo.ctx.vfs, join(repo.gitdir, 'logs/refs/stash')) ?? '').split('\n').filter(Boolean).reverse()
    const line = log[Number(stash[1])]
    return line?.split(' ')[1]
  }
  for (const special of ['FETCH_HEAD', 'ORIG_HEAD', 'MERGE_HEAD']) {
    if (name === special) {
      const text = readText(repo.ctx.vfs, join(repo.gitdir, special))
      return text ? /^[0-9a-f]{40}/.exec(text)?.[0] : undefined
    }
  }
  const candidates = name.startsWith('refs/') ? [name] : [`refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`]
  for (const ref of candidates) {
    const oid = await refOid(repo, ref)
    if (oid) return oid
  }
  if (/^[0-9a-f]{4,39}$/.test(name)) {
    try {
      return await iso.expandOid({ fs: repo.fs, gitdir: repo.gitdir, oid: name, cache: repo.cache })
    } catch (error) {
      if ((error as { code?: string }).code === 'AmbiguousError') throw new GitError(GitErrorCode.INVALID_ARGUMENT, `short object ID ${name} is ambiguous`, { ref: name })
      return undefined
    }
  }
  return undefined
}

/** Peels a tag object to what it points at. */
async function peel(repo: Repo, oid: string): Promise<string> {
  let current = oid
  for (let i = 0; i < 10; i++) {
    const o = await readObject(repo, current)
    if (o.type !== 'tag') return current
    const m = /^object ([0-9a-f]{40})/m.exec(new TextDecoder().decode(o.content))
    if (!m?.[1]) return current
    current = m[1]
  }
  return current
}

/**
 * Resolves a revision to an object id (a commit unless `^{tree}` asks otherwise; tags are
 * peeled to their commit).
 * @throws GitError BRANCH_NOT_FOUND when it does not resolve
 */
export async function resolveRevision(repo: Repo, rev: string, options: { peelTags?: boolean } = {}): Promise<string> {
  const m = /^(.*?)((?:[~^][0-9]*|\^\{[a-z]*\})*)$/.exec(rev)
  const base = m?.[1] ?? rev
  const suffix = m?.[2] ?? ''
  const found = await resolveName(repo, base)
  if (!found) throw unknownRevision(rev)
  let oid: string = found
  const steps = suffix.match(/~[0-9]*|\^\{[a-z]*\}|\^[0-9]*/g) ?? []
  let peelTo = 'commit'
  for (const step of steps) {
    if (step.startsWith('^{')) {
      peelTo = step.slice(2, -1) || 'commit'
      continue
    }
    oid = await peel(repo, oid)
    const n = step.length > 1 ? Number(step.slice(1)) : 1
    if (step.startsWith('~')) {
      for (let i = 0; i < n; i++) {
        const c: Commit | undefined = await readCommit(repo, oid).catch(() => undefined)
        const p: string | undefined = c?.parents[0]
        if (!p) throw unknownRevision(rev)
        oid = p
      }
    } else if (n > 0) {
      const c: Commit | undefined = await readCommit(repo, oid).catch(() => undefined)
      const p: string | undefined = c?.parents[n - 1]
      if (!p) throw unknownRevision(rev)
      oid = p
    }
  }
  if (peelTo === 'tree') return (await readCommit(repo, await peel(repo, oid))).tree
  if (steps.length === 0 && options.peelTags === false) return oid
  if (peelTo === 'commit' || peelTo === '') return peel(repo, oid)
  return oid
}

/** Resolves a revision to a commit id (annotated tags peeled). */
export async function resolveCommit(repo: Repo, rev: string): Promise<string> {
  const oid = await resolveRevision(repo, rev)
  const c = await readCommit(repo, oid).catch(() => undefined)
  if (!c) throw new GitError(GitErrorCode.BRANCH_NOT_FOUND, `'${rev}' is not a commit`, { ref: rev })
  return c.oid
}

/** The full ref a short name denotes (`main` → `refs/heads/main`), or undefined. */
export async function expandRef(repo: Repo, name: string): Promise<string | undefined> {
  for (const ref of name.startsWith('refs/') ? [name] : [`refs/heads/${name}`, `refs/tags/${name}`, `refs/remotes/${name}`]) {
    if (await refOid(repo, ref)) return ref
  }
  return undefined
}
