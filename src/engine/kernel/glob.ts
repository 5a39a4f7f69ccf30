/**
 * Glob patterns as Daytona's `searchFiles` reads them (doublestar): `*` and `?` stay within one
 * path segment, `**` spans segments, `[abc]`/`[!a-z]` are classes and `{a,b}` are alternatives.
 */

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch
}

function translate(pattern: string, start: number, stopAt: string): [string, number] {
  let re = ''
  let i = start
  while (i < pattern.length) {
    const ch = pattern.charAt(i)
    if (stopAt.includes(ch)) return [re, i]
    if (ch === '*') {
      if (pattern.charAt(i + 1) === '*') {
        const atSegmentStart = i === 0 || pattern.charAt(i - 1) === '/'
        const atSegmentEnd = i + 2 === pattern.length || pattern.charAt(i + 2) === '/'
        if (atSegmentStart && atSegmentEnd) {
          if (pattern.charAt(i + 2) === '/') {
            re += '(?:[^/]*/)*'
            i += 3
          } else {
            re += '.*'
            i += 2
          }
          continue
        }
        re += '[^/]*'
        i += 2
        continue
      }
      re += '[^/]*'
      i++
    } else if (ch === '?') {
      re += '[^/]'
      i++
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) {
        re += '\\['
        i++
        continue
      }
      let body = pattern.slice(i + 1, end)
      if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1)
      re += `[${body.replace(/\\/g, '\\\\')}]`
      i = end + 1
    } else if (ch === '{') {
      const alts: string[] = []
      let j = i + 1
      for (;;) {
        const [part, next] = translate(pattern, j, ',}')
        alts.push(part)
        if (next >= pattern.length) return [re + '\\{' + alts.join(','), next]
        j = next + 1
        if (pattern.charAt(next) === '}') break
      }
      re += `(?:${alts.join('|')})`
      i = j
    } else if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRegex(pattern.charAt(i + 1))
      i += 2
    } else {
      re += escapeRegex(ch)
      i++
    }
  }
  return [re, i]
}

/** Compiles a doublestar glob into a RegExp that matches a whole slash-separated path. */
export function globToRegExp(pattern: string): RegExp {
  const [body] = translate(pattern, 0, '')
  return new RegExp(`^${body}$`)
}
