// node:path (POSIX rules; path.win32 is the same object, as there is no Windows here).
import { validateString } from './errors.js'
import { N } from './native.js'

function cwd() {
  const c = N.getcwd()
  return typeof c === 'string' ? c : '/'
}

// Folds '.', '..' and repeated slashes; leading '..' are kept when the path is relative.
function normalizeSegments(path, allowAboveRoot) {
  const out = []
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (allowAboveRoot) out.push('..')
      continue
    }
    out.push(seg)
  }
  return out.join('/')
}

export function resolve(...args) {
  let resolved = ''
  let absolute = false
  for (let i = args.length - 1; i >= -1 && !absolute; i--) {
    const p = i >= 0 ? args[i] : cwd()
    validateString(p, `paths[${i}]`)
    if (p.length === 0) continue
    resolved = `${p}/${resolved}`
    absolute = p.charCodeAt(0) === 47
  }
  resolved = normalizeSegments(resolved, !absolute)
  if (absolute) return `/${resolved}`
  return resolved.length > 0 ? resolved : '.'
}

export function normalize(path) {
  validateString(path, 'path')
  if (path.length === 0) return '.'
  const absolute = path.charCodeAt(0) === 47
  const trailing = path.charCodeAt(path.length - 1) === 47
  let out = normalizeSegments(path, !absolute)
  if (out.length === 0) {
    if (absolute) return '/'
    return trailing ? './' : '.'
  }
  if (trailing) out += '/'
  return absolute ? `/${out}` : out
}

export function isAbsolute(path) {
  validateString(path, 'path')
  return path.length > 0 && path.charCodeAt(0) === 47
}

export function join(...args) {
  if (args.length === 0) return '.'
  const parts = []
  for (const a of args) {
    validateString(a, 'path')
    if (a.length > 0) parts.push(a)
  }
  if (parts.length === 0) return '.'
  return normalize(parts.join('/'))
}

export function relative(from, to) {
  validateString(from, 'from')
  validateString(to, 'to')
  if (from === to) return ''
  from = resolve(from)
  to = resolve(to)
  if (from === to) return ''
  const f = from === '/' ? [] : from.slice(1).split('/')
  const t = to === '/' ? [] : to.slice(1).split('/')
  let i = 0
  while (i < f.length && i < t.length && f[i] === t[i]) i++
  const up = f.slice(i).map(() => '..')
  return [...up, ...t.slice(i)].join('/')
}

export function toNamespacedPath(path) {
  return path
}

export function dirname(path) {
  validateString(path, 'path')
  if (path.length === 0) return '.'
  const hasRoot = path.charCodeAt(0) === 47
  let end = -1
  let matchedSlash = true
  for (let i = path.length - 1; i >= 1; --i) {
    if (path.charCodeAt(i) === 47) {
      if (!matchedSlash) {
        end = i
        break
      }
    } else matchedSlash = false
  }
  if (end === -1) return hasRoot ? '/' : '.'
  if (hasRoot && end === 1) return '//'
  return path.slice(0, end)
}

export function basename(path, suffix) {
  if (suffix !== undefined) validateString(suffix, 'ext')
  validateString(path, 'path')
  if (suffix !== undefined && suffix.length > 0 && suffix === path) return ''
  let end = path.length
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--
  if (end === 0) return ''
  const base = path.slice(path.lastIndexOf('/', end - 1) + 1, end)
  if (suffix !== undefined && suffix.length > 0 && base !== suffix && base.endsWith(suffix)) {
    return base.slice(0, base.length - suffix.length)
  }
  return base
}

export function extname(path) {
  validateString(path, 'path')
  const base = basename(path)
  const dot = base.lastIndexOf('.')
  if (dot <= 0 || dot === base.length - 1 && base.length === 1) return ''
  if (base === '..') return ''
  return base.slice(dot)
}

export function parse(path) {
  validateString(path, 'path')
  const ret = { root: '', dir: '', base: '', ext: '', name: '' }
  if (path.length === 0) return ret
  if (path.charCodeAt(0) === 47) ret.root = '/'
  let end = path.length
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--
  const trimmed = path.slice(0, end)
  const slash = trimmed.lastIndexOf('/')
  ret.base = trimmed.slice(slash + 1)
  if (slash === -1) ret.dir = ''
  else if (slash === 0) ret.dir = '/'
  else ret.dir = trimmed.slice(0, slash)
  if (ret.base === '/' ) ret.base = ''
  ret.ext = extname(ret.base)
  ret.name = ret.ext ? ret.base.slice(0, ret.base.length - ret.ext.length) : ret.base
  return ret
}

export function format(obj) {
  if (obj === null || typeof obj !== 'object') {
    throw new TypeError(`The "pathObject" argument must be of type object. Received ${obj === null ? 'null' : `type ${typeof obj} (${String(obj)})`}`)
  }
  const dir = obj.dir || obj.root
  const base = obj.base || `${obj.name || ''}${obj.ext ? (obj.ext[0] === '.' ? '' : '.') + obj.ext : ''}`
  if (!dir) return base
  return dir === obj.root ? `${dir}${base}` : `${dir}/${base}`
}

export function matchesGlob(path, pattern) {
  const re = new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\/?/g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/\u0000/g, '(?:.*/)?') +
      '$',
  )
  return re.test(path)
}

export const sep = '/'
export const delimiter = ':'

const path = {
  resolve, normalize, isAbsolute, join, relative, toNamespacedPath, dirname, basename, extname, parse, format, matchesGlob,
  sep, delimiter, posix: null, win32: null, _makeLong: toNamespacedPath,
}
path.posix = path
path.win32 = path
export default path
