/**
 * Pathspecs: the paths and globs commands take (`git add src`, `git restore '*.ts'`), made
 * relative to the work tree from the directory they were typed in.
 */
import { GitError, GitErrorCode } from './errors.js'
import { type Repo, relativeTo } from './repo.js'

/** A compiled pathspec. */
export interface Pathspec {
  /** As typed. */
  raw: string
  /** Relative to the work tree (`''` for the whole tree). */
  path: string
  /** A glob (`*`, `?`, `[`): matched against whole paths. */
  glob?: RegExp
}

function normalize(parts: string[]): string {
  const out: string[] = []
  for (const p of parts) {
    if (p === '' || p === '.') continue
    if (p === '..') {
      if (out.length === 0) throw new GitError(GitErrorCode.PATHSPEC, 'outside repository')
      out.pop()
    } else out.push(p)
  }
  return out.join('/')
}

function globRe(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === '*') re += glob[i + 1] === '*' ? (i++, '.*') : '.*'
    else if (c === '?') re += '.'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1)
      if (end < 0) re += '\\['
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^')}]`
        i = end
      }
    } else re += /[.+^${}()|\\/]/.test(c) ? `\\${c}` : c
  }
  return new RegExp(`^${re}$`)
}

/**
 * Compiles pathspecs typed in `cwd` (absolute).
 * @throws GitError PATHSPEC for a path outside the work tree
 */
export function compilePathspecs(repo: Repo, cwd: string, specs: string[]): Pathspec[] {
  const base = relativeTo(repo, cwd)
  return specs.map((raw) => {
    let text = raw
    let top = false
    if (text.startsWith(':/')) {
      top = true
      text = text.slice(2)
    }
    const abs = text.startsWith('/')
    if (abs) {
      const rel = relativeTo(repo, text.replace(/\/+$/, '') || '/')
      return { raw, path: rel }
    }
    let path: string
    try {
      path = normalize([...(top ? [] : base.split('/')), ...text.split('/')])
    } catch {
      throw new GitError(GitErrorCode.PATHSPEC, `${raw}: '${raw}' is outside repository at '${repo.dir}'`, { path: raw })
    }
    const spec: Pathspec = { raw, path }
    if (/[*?[]/.test(text)) spec.glob = globRe(path)
    return spec
  })
}

/** True when `path` (relative to the work tree) is matched by `spec`. */
export function matchesSpec(spec: Pathspec, path: string): boolean {
  if (spec.glob) return spec.glob.test(path)
  return spec.path === '' || path === spec.path || path.startsWith(`${spec.path}/`)
}

/** True when any of `specs` matches (or there are none). */
export function matchesAny(specs: Pathspec[], path: string): boolean {
  return specs.length === 0 || specs.some((s) => matchesSpec(s, path))
}

/** The directory to walk for a spec (its literal leading part). */
export function walkRoot(spec: Pathspec): string {
  if (!spec.glob) return spec.path
  const literal = spec.path.split('/')
  const out: string[] = []
  for (const p of literal) {
    if (/[*?[]/.test(p)) break
    out.push(p)
  }
  return out.join('/')
}
