/**
 * Lexical POSIX path helpers shared by the layers above the VFS (the VFS itself resolves paths
 * physically, following symlinks; these only tidy strings).
 */

/** Normalises an absolute POSIX path lexically: `.`, `..` and repeated slashes removed (`/a/./b/../c` → `/a/c`). */
export function normalizePath(path: string): string {
  const parts: string[] = []
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') parts.pop()
    else parts.push(seg)
  }
  return `/${parts.join('/')}`
}

/** Resolves `path` against the absolute directory `base` and normalises it. */
export function resolvePath(base: string, path: string): string {
  return normalizePath(path.startsWith('/') ? path : `${base}/${path}`)
}
