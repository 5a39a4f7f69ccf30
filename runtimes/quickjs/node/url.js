// URL and URLSearchParams (WHATWG URL, the parts scripts use: special and opaque schemes, relative
// resolution, dot segments, percent-encoding, default ports), node:url's fileURLToPath /
// pathToFileURL and the legacy url.parse/format, and node:querystring.
import { invalidArgType, nodeError } from './errors.js'
import { customInspectSymbol, inspect } from './inspect.js'

const SPECIAL = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' }

function utf8Bytes(str) {
  return unescape(encodeURIComponent(str))
}

function percentEncode(str, shouldEncode) {
  let out = ''
  for (const ch of str) {
    const c = ch.codePointAt(0)
    if (c < 0x20 || c > 0x7e || shouldEncode(ch)) {
      if (c === 0x25 && !shouldEncode(ch)) {
        out += ch
        continue
      }
      let bytes
      try {
        bytes = utf8Bytes(ch)
      } catch {
        bytes = '\xef\xbf\xbd'
      }
      for (let i = 0; i < bytes.length; i++) out += '%' + bytes.charCodeAt(i).toString(16).toUpperCase().padStart(2, '0')
    } else out += ch
  }
  return out
}

const FRAGMENT = new Set([' ', '"', '<', '>', '`'])
const QUERY = new Set([' ', '"', '#', '<', '>'])
const PATH = new Set([' ', '"', '#', '<', '>', '?', '`', '{', '}'])
const USERINFO = new Set([...PATH, '/', ':', ';', '=', '@', '[', '\\', ']', '^', '|'])
const encFragment = (s) => percentEncode(s, (ch) => FRAGMENT.has(ch))
const encQuery = (s, special) => percentEncode(s, (ch) => QUERY.has(ch) || (special && ch === "'"))
const encPath = (s) => percentEncode(s, (ch) => PATH.has(ch))
const encUserinfo = (s) => percentEncode(s, (ch) => USERINFO.has(ch))
const encOpaque = (s) => percentEncode(s, () => false)

function invalidUrl(input) {
  const err = nodeError(TypeError, 'ERR_INVALID_URL', 'Invalid URL')
  err.input = input
  return err
}

function parseIPv4(host) {
  const parts = host.split('.')
  if (parts[parts.length - 1] === '') parts.pop()
  if (parts.length === 0 || parts.length > 4) return null
  const nums = []
  for (const p of parts) {
    let n
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16)
    else if (/^0[0-7]+$/.test(p)) n = parseInt(p.slice(1), 8)
    else if (/^(0|[1-9][0-9]*)$/.test(p)) n = parseInt(p, 10)
    else return null
    nums.push(n)
  }
  const last = nums.pop()
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return undefined
  let ip = last
  nums.forEach((n, i) => (ip += n * 256 ** (3 - i)))
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.')
}

function parseHost(input, special) {
  if (input.startsWith('[')) {
    if (!input.endsWith(']') || !/^\[[0-9a-fA-F:.]+\]$/.test(input)) return null
    return input.toLowerCase()
  }
  if (!special) {
    if (/[\0\t\n\r #/<>?@[\\\]^|]/.test(input)) return null
    return encOpaque(input)
  }
  let host
  try {
    host = decodeURIComponent(input)
  } catch {
    host = input
  }
  host = host.toLowerCase()
  if (host === '' || /[\0\t\n\r #%/:<>?@[\\\]^|]/.test(host)) return null
  if (/^[0-9.]+$|^0[xX]/.test(host) || /(^|\.)(0[xX][0-9a-fA-F]*|[0-9]+)\.?$/.test(host)) {
    const v4 = parseIPv4(host)
    if (v4 === undefined) return null
    if (v4 !== null) return v4
  }
  return host
}

function removeDotSegments(segments) {
  const out = []
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]
    const last = i === segments.length - 1
    const lower = seg.toLowerCase()
    if (seg === '..' || lower === '.%2e' || lower === '%2e.' || lower === '%2e%2e') {
      if (out.length > 0) out.pop()
      if (last) out.push('')
    } else if (seg === '.' || lower === '%2e') {
      if (last) out.push('')
    } else out.push(seg)
  }
  return out
}

function parse(input, base) {
  input = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '')
  const r = { protocol: '', username: '', password: '', hostname: '', port: '', pathname: '', search: '', hash: '', opaque: false }
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(input)
  let rest
  if (sm) {
    r.protocol = sm[1].toLowerCase() + ':'
    rest = input.slice(sm[0].length)
    if (base && base.protocol === r.protocol && r.protocol in SPECIAL && !/^[/\\]/.test(rest)) {
      return resolveRelative(rest, base)
    }
  } else {
    if (!base) return null
    return resolveRelative(input, base)
  }
  const special = r.protocol in SPECIAL
  let hi = rest.indexOf('#')
  if (hi !== -1) {
    r.hash = '#' + encFragment(rest.slice(hi + 1))
    rest = rest.slice(0, hi)
  }
  let qi = rest.indexOf('?')
  if (qi !== -1) {
    r.search = '?' + encQuery(rest.slice(qi + 1), special)
    rest = rest.slice(0, qi)
  }
  if (r.search === '?') {
    r.search = ''
    r.emptySearch = true
  }
  if (r.hash === '#') {
    r.hash = ''
    r.emptyHash = true
  }
  if (special) rest = rest.replace(/\\/g, '/')
  if (special || rest.startsWith('//')) {
    if (special && r.protocol !== 'file:') rest = rest.replace(/^\/*/, '')
    else if (rest.startsWith('//')) rest = rest.slice(2)
    else if (r.protocol === 'file:') {
      r.pathname = normalizePath(rest, true)
      return r
    }
    const slash = rest.indexOf('/')
    const authority = slash === -1 ? rest : rest.slice(0, slash)
    const path = slash === -1 ? '' : rest.slice(slash)
    if (!setAuthority(r, authority, special)) return null
    r.pathname = special ? normalizePath(path || '/', true) : path === '' ? '' : normalizePath(path, false)
    if (r.protocol === 'file:' && r.hostname === 'localhost') r.hostname = ''
  } else if (rest.startsWith('/')) {
    r.pathname = normalizePath(rest, false)
  } else {
    r.opaque = true
    r.pathname = encOpaque(rest)
  }
  return r
}

function setAuthority(r, authority, special) {
  const at = authority.lastIndexOf('@')
  if (at !== -1) {
    const info = authority.slice(0, at)
    authority = authority.slice(at + 1)
    const colon = info.indexOf(':')
    r.username = encUserinfo(colon === -1 ? info : info.slice(0, colon))
    r.password = colon === -1 ? '' : encUserinfo(info.slice(colon + 1))
  }
  let host = authority
  let port = ''
  const pm = /:([0-9]*)$/.exec(authority)
  if (pm && !authority.endsWith(']')) {
    host = authority.slice(0, pm.index)
    port = pm[1]
  } else if (/:[^\]]*$/.test(authority) && !authority.startsWith('[')) return false
  if (host === '' && special && r.protocol !== 'file:') return false
  const parsed = host === '' ? '' : parseHost(host, special)
  if (parsed === null) return false
  r.hostname = parsed
  if (port !== '') {
    const n = Number(port)
    if (n > 65535) return false
    r.port = SPECIAL[r.protocol] === String(n) ? '' : String(n)
  }
  return true
}

function normalizePath(path, special) {
  const segs = path.split('/')
  segs.shift()
  return '/' + removeDotSegments(segs.map((s) => encPath(s))).join('/') + (special ? '' : '')
}

function resolveRelative(input, base) {
  const r = { ...base, hash: '', search: '' }
  const special = r.protocol in SPECIAL
  if (special) input = input.replace(/\\/g, '/')
  if (base.opaque) {
    if (!input.startsWith('#')) return null
    r.search = base.search
    r.hash = input.length > 1 ? '#' + encFragment(input.slice(1)) : ''
    return r
  }
  if (input.startsWith('//')) return parse(base.protocol + input)
  let hi = input.indexOf('#')
  let hash = ''
  if (hi !== -1) {
    hash = input.length - hi > 1 ? '#' + encFragment(input.slice(hi + 1)) : ''
    input = input.slice(0, hi)
  }
  let search = ''
  let qi = input.indexOf('?')
  if (qi !== -1) {
    search = input.length - qi > 1 ? '?' + encQuery(input.slice(qi + 1), special) : ''
    input = input.slice(0, qi)
  }
  r.hash = hash
  if (input === '') {
    r.search = qi !== -1 ? search : base.search
    return r
  }
  r.search = search
  if (input.startsWith('/')) r.pathname = normalizePath(input, special)
  else {
    const dir = base.pathname.slice(0, base.pathname.lastIndexOf('/') + 1)
    r.pathname = normalizePath((dir || '/') + input, special)
  }
  return r
}

function serialize(r) {
  let out = r.protocol
  if (r.opaque) return out + r.pathname + r.search + r.hash
  if (r.hostname !== '' || r.protocol === 'file:' || r.protocol in SPECIAL) {
    out += '//'
    if (r.username || r.password) out += r.username + (r.password ? ':' + r.password : '') + '@'
    out += r.hostname
    if (r.port) out += ':' + r.port
  } else if (r.pathname.startsWith('//')) out += '/.'
  return out + r.pathname + (r.search || (r.emptySearch ? '?' : '')) + (r.hash || (r.emptyHash ? '#' : ''))
}

const kState = Symbol('url')
const kParams = Symbol('params')

export class URL {
  constructor(input, base) {
    if (arguments.length === 0) throw invalidArgType('url', 'of type string', undefined)
    let baseState
    if (base !== undefined) {
      baseState = parse(String(base))
      if (!baseState) throw invalidUrl(String(base))
    }
    const state = parse(String(input), baseState)
    if (!state) throw invalidUrl(String(input))
    Object.defineProperty(this, kState, { value: state, writable: true })
    Object.defineProperty(this, kParams, { value: null, writable: true })
  }
  static canParse(input, base) {
    try {
      new URL(input, base)
      return true
    } catch {
      return false
    }
  }
  static parse(input, base) {
    try {
      return new URL(input, base)
    } catch {
      return null
    }
  }
  get href() {
    return serialize(this[kState])
  }
  set href(v) {
    const s = parse(String(v))
    if (!s) throw invalidUrl(String(v))
    this[kState] = s
    if (this[kParams]) this[kParams]._reset(s.search)
  }
  get origin() {
    const s = this[kState]
    if (s.protocol === 'blob:') {
      try {
        return new URL(s.pathname).origin
      } catch {
        return 'null'
      }
    }
    if (!(s.protocol in SPECIAL) || s.protocol === 'file:') return 'null'
    return `${s.protocol}//${s.hostname}${s.port ? ':' + s.port : ''}`
  }
  get protocol() {
    return this[kState].protocol
  }
  set protocol(v) {
    const p = String(v).replace(/:.*$/, '').toLowerCase() + ':'
    if (/^[a-z][a-z0-9+.-]*:$/.test(p) && (p in SPECIAL) === (this[kState].protocol in SPECIAL)) {
      this[kState].protocol = p
      if (SPECIAL[p] === this[kState].port) this[kState].port = ''
    }
  }
  get username() {
    return this[kState].username
  }
  set username(v) {
    this[kState].username = encUserinfo(String(v))
  }
  get password() {
    return this[kState].password
  }
  set password(v) {
    this[kState].password = encUserinfo(String(v))
  }
  get host() {
    const s = this[kState]
    return s.hostname + (s.port ? ':' + s.port : '')
  }
  set host(v) {
    const s = this[kState]
    if (s.opaque) return
    const copy = { ...s }
    if (setAuthority(copy, String(v), s.protocol in SPECIAL)) Object.assign(s, { hostname: copy.hostname, port: copy.port })
  }
  get hostname() {
    return this[kState].hostname
  }
  set hostname(v) {
    const s = this[kState]
    const h = parseHost(String(v), s.protocol in SPECIAL)
    if (h !== null && !s.opaque) s.hostname = h
  }
  get port() {
    return this[kState].port
  }
  set port(v) {
    const s = this[kState]
    const str = String(v)
    if (str === '') {
      s.port = ''
      return
    }
    const m = /^[0-9]+/.exec(str)
    if (!m || Number(m[0]) > 65535) return
    s.port = SPECIAL[s.protocol] === String(Number(m[0])) ? '' : String(Number(m[0]))
  }
  get pathname() {
    return this[kState].pathname
  }
  set pathname(v) {
    const s = this[kState]
    if (s.opaque) return
    let p = String(v)
    if (s.protocol in SPECIAL) p = p.replace(/\\/g, '/')
    s.pathname = normalizePath(p.startsWith('/') ? p : '/' + p, s.protocol in SPECIAL)
  }
  get search() {
    return this[kState].search
  }
  set search(v) {
    this[kState].emptySearch = false
    let q = String(v)
    if (q.startsWith('?')) q = q.slice(1)
    this[kState].search = q === '' ? '' : '?' + encQuery(q, this[kState].protocol in SPECIAL)
    if (this[kParams]) this[kParams]._reset(this[kState].search)
  }
  get searchParams() {
    if (!this[kParams]) {
      this[kParams] = new URLSearchParams(this[kState].search)
      this[kParams]._url = this
    }
    return this[kParams]
  }
  get hash() {
    return this[kState].hash
  }
  set hash(v) {
    this[kState].emptyHash = false
    let h = String(v)
    if (h.startsWith('#')) h = h.slice(1)
    this[kState].hash = h === '' ? '' : '#' + encFragment(h)
  }
  toString() {
    return this.href
  }
  toJSON() {
    return this.href
  }
  [customInspectSymbol](depth, options) {
    const obj = {
      href: this.href, origin: this.origin, protocol: this.protocol, username: this.username, password: this.password,
      host: this.host, hostname: this.hostname, port: this.port, pathname: this.pathname, search: this.search,
      searchParams: this.searchParams, hash: this.hash,
    }
    if (depth < 0) return '[URL]'
    return `URL ${inspect(obj, { ...options, depth }).replace(/^\{/, '{')}`
  }
}
Object.defineProperty(URL.prototype, Symbol.toStringTag, { value: 'URL', configurable: true })
for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash', 'toString', 'toJSON']) {
  Object.defineProperty(URL.prototype, k, { ...Object.getOwnPropertyDescriptor(URL.prototype, k), enumerable: true })
}

// application/x-www-form-urlencoded
function formEncode(str) {
  let out = ''
  const bytes = utf8Bytes(str)
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i)
    const ch = bytes[i]
    if (c === 0x20) out += '+'
    else if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || ch === '*' || ch === '-' || ch === '.' || ch === '_') out += ch
    else out += '%' + c.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

function formDecode(str) {
  const s = str.replace(/\+/g, ' ')
  try {
    return decodeURIComponent(s)
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (m, h) => {
      const c = parseInt(h, 16)
      return c < 0x80 ? String.fromCharCode(c) : m
    })
  }
}

function parseQuery(query) {
  const list = []
  if (query.startsWith('?')) query = query.slice(1)
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    list.push(eq === -1 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))])
  }
  return list
}

export class URLSearchParams {
  #list = []
  constructor(init) {
    Object.defineProperty(this, '_url', { value: null, writable: true })
    if (init === undefined || init === null) return
    if (typeof init === 'object' || typeof init === 'function') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair]
          if (p.length !== 2) throw nodeError(TypeError, 'ERR_INVALID_TUPLE', 'Each query pair must be an iterable [name, value] tuple')
          this.#list.push([String(p[0]), String(p[1])])
        }
      } else {
        for (const k of Object.keys(init)) this.#list.push([k, String(init[k])])
      }
    } else this.#list = parseQuery(String(init))
  }
  _reset(search) {
    this.#list = parseQuery(search)
  }
  #update() {
    if (this._url) {
      const q = this.toString()
      this._url[kState].search = q === '' ? '' : '?' + q
    }
  }
  get size() {
    return this.#list.length
  }
  append(name, value) {
    this.#list.push([String(name), String(value)])
    this.#update()
  }
  delete(name, value) {
    name = String(name)
    this.#list = this.#list.filter(([k, v]) => !(k === name && (value === undefined || v === String(value))))
    this.#update()
  }
  get(name) {
    name = String(name)
    const e = this.#list.find(([k]) => k === name)
    return e ? e[1] : null
  }
  getAll(name) {
    name = String(name)
    return this.#list.filter(([k]) => k === name).map(([, v]) => v)
  }
  has(name, value) {
    name = String(name)
    return this.#list.some(([k, v]) => k === name && (value === undefined || v === String(value)))
  }
  set(name, value) {
    name = String(name)
    value = String(value)
    const i = this.#list.findIndex(([k]) => k === name)
    if (i === -1) this.#list.push([name, value])
    else {
      this.#list[i][1] = value
      this.#list = this.#list.filter(([k], j) => k !== name || j === i)
    }
    this.#update()
  }
  sort() {
    this.#list = this.#list.map((e, i) => [e, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(([e]) => e)
    this.#update()
  }
  forEach(fn, thisArg) {
    for (const [k, v] of this.#list.slice()) fn.call(thisArg, v, k, this)
  }
  keys() {
    return this.#list.map(([k]) => k)[Symbol.iterator]()
  }
  values() {
    return this.#list.map(([, v]) => v)[Symbol.iterator]()
  }
  entries() {
    return this.#list.map(([k, v]) => [k, v])[Symbol.iterator]()
  }
  [Symbol.iterator]() {
    return this.entries()
  }
  toString() {
    return this.#list.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&')
  }
  [customInspectSymbol](depth, options) {
    if (this.#list.length === 0) return 'URLSearchParams {}'
    const parts = this.#list.map(([k, v]) => `${inspect(k)} => ${inspect(v)}`)
    const one = `URLSearchParams { ${parts.join(', ')} }`
    return one.length <= 80 ? one : `URLSearchParams {\n  ${parts.join(',\n  ')} }`
  }
}
Object.defineProperty(URLSearchParams.prototype, Symbol.toStringTag, { value: 'URLSearchParams', configurable: true })

// ---- node:url ------------------------------------------------------------------------------

export function fileURLToPath(url) {
  if (typeof url === 'string') url = new URL(url)
  else if (!(url instanceof URL)) throw invalidArgType('path', 'of type string or an instance of URL', url)
  if (url.protocol !== 'file:') throw nodeError(TypeError, 'ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file')
  if (url.hostname !== '') throw nodeError(TypeError, 'ERR_INVALID_FILE_URL_HOST', 'File URL host must be "localhost" or empty on linux')
  const pathname = url.pathname
  if (/%2f/i.test(pathname)) throw nodeError(TypeError, 'ERR_INVALID_FILE_URL_PATH', 'File URL path must not include encoded / characters')
  return decodeURIComponent(pathname)
}

export function pathToFileURL(filepath) {
  let resolved = String(filepath)
  if (!resolved.startsWith('/')) {
    const cwd = globalThis.process?.cwd?.() ?? '/'
    resolved = (cwd.endsWith('/') ? cwd : cwd + '/') + resolved
  }
  const trailing = resolved.endsWith('/') && resolved.length > 1
  const parts = resolved.split('/').filter((p, i) => i === 0 || p !== '')
  const out = []
  for (const p of parts) {
    if (p === '.') continue
    if (p === '..') out.pop()
    else out.push(p)
  }
  let path = out.join('/') || '/'
  if (!path.startsWith('/')) path = '/' + path
  if (trailing && !path.endsWith('/')) path += '/'
  const encoded = path.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/\t/g, '%09')
  return new URL('file://' + encodeURI(encoded).replace(/\?/g, '%3F').replace(/#/g, '%23').replace(/%25/g, '%25'))
}

export function urlToHttpOptions(url) {
  return {
    protocol: url.protocol, hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname, hash: url.hash,
    search: url.search, pathname: url.pathname, path: `${url.pathname || ''}${url.search || ''}`, href: url.href,
    ...(url.port !== '' ? { port: Number(url.port) } : {}),
    ...(url.username || url.password ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
  }
}

export function domainToASCII(domain) {
  const h = parseHost(String(domain), true)
  return h === null ? '' : h
}
export const domainToUnicode = domainToASCII

/** The legacy url.parse(): a Url object with protocol, auth, host, port, hostname, hash, search, query, pathname, path, href. */
export function urlParse(str, parseQueryString = false, slashesDenoteHost = false) {
  if (typeof str !== 'string') throw invalidArgType('url', 'of type string', str)
  const u = {
    protocol: null, slashes: null, auth: null, host: null, port: null, hostname: null, hash: null,
    search: null, query: null, pathname: null, path: null, href: str,
  }
  let rest = str.trim()
  const hi = rest.indexOf('#')
  if (hi !== -1) {
    u.hash = rest.slice(hi)
    rest = rest.slice(0, hi)
  }
  const qi = rest.indexOf('?')
  if (qi !== -1) {
    u.search = rest.slice(qi)
    u.query = rest.slice(qi + 1)
    rest = rest.slice(0, qi)
  } else if (parseQueryString) {
    u.search = ''
    u.query = {}
  }
  if (parseQueryString && typeof u.query === 'string') u.query = qsParse(u.query)
  const pm = /^([a-zA-Z][a-zA-Z0-9+.-]*:)/.exec(rest)
  if (pm) {
    u.protocol = pm[1].toLowerCase()
    rest = rest.slice(pm[1].length)
  }
  if (rest.startsWith('//') && (u.protocol || slashesDenoteHost) && u.protocol !== 'javascript:') {
    u.slashes = true
    rest = rest.slice(2)
    const end = rest.search(/[/]/)
    let authority = end === -1 ? rest : rest.slice(0, end)
    rest = end === -1 ? '' : rest.slice(end)
    const at = authority.lastIndexOf('@')
    if (at !== -1) {
      u.auth = decodeURIComponent(authority.slice(0, at))
      authority = authority.slice(at + 1)
    }
    const portMatch = /:([0-9]*)$/.exec(authority)
    if (portMatch) {
      if (portMatch[1] !== '') u.port = portMatch[1]
      authority = authority.slice(0, portMatch.index)
    }
    u.hostname = authority.toLowerCase()
    u.host = u.hostname + (u.port ? ':' + u.port : '')
    if (rest === '' && u.protocol in SPECIAL) rest = '/'
  }
  u.pathname = rest === '' ? (u.slashes ? '/' : null) : rest
  u.path = (u.pathname ?? '') + (u.search ?? '') || null
  u.href = urlFormat(u)
  return u
}

/** The legacy url.format() of a Url-like object (or a URL). */
export function urlFormat(obj, options) {
  if (typeof obj === 'string') obj = urlParse(obj)
  if (obj instanceof URL) {
    if (!options) return obj.href
    let out = obj.protocol + '//'
    if (options.auth !== false && (obj.username || obj.password)) out += obj.username + (obj.password ? ':' + obj.password : '') + '@'
    out += obj.host + obj.pathname
    if (options.search !== false) out += obj.search
    if (options.fragment !== false) out += obj.hash
    return out
  }
  let protocol = obj.protocol || ''
  if (protocol && !protocol.endsWith(':')) protocol += ':'
  let host = ''
  if (obj.host) host = obj.host
  else if (obj.hostname) host = (obj.hostname.includes(':') ? `[${obj.hostname}]` : obj.hostname) + (obj.port ? ':' + obj.port : '')
  let auth = obj.auth ? encodeURIComponent(obj.auth).replace(/%3A/i, ':') + '@' : ''
  let pathname = obj.pathname || ''
  let search = obj.search || ''
  if (!search && obj.query && typeof obj.query === 'object' && Object.keys(obj.query).length) search = '?' + qsStringify(obj.query)
  else if (!search && typeof obj.query === 'string' && obj.query) search = '?' + obj.query
  if (search && !search.startsWith('?')) search = '?' + search
  let hash = obj.hash || ''
  if (hash && !hash.startsWith('#')) hash = '#' + hash
  const slashes = obj.slashes || protocol in SPECIAL
  if (slashes || host) {
    if (pathname && !pathname.startsWith('/')) pathname = '/' + pathname
    host = '//' + auth + host
  } else host = auth + host
  pathname = pathname.replace(/[?#]/g, encodeURIComponent)
  search = search.replace('#', '%23')
  return protocol + host + pathname + search + hash
}

export function urlResolve(from, to) {
  return new URL(to, new URL(from, 'resolve://')).href.replace(/^resolve:\/\/\/?/, from.startsWith('/') ? '/' : '')
}

// ---- node:querystring ------------------------------------------------------------------------

export function qsEscape(str) {
  return encodeURIComponent(String(str)).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

export function qsUnescape(str) {
  try {
    return decodeURIComponent(str)
  } catch {
    return str
  }
}

function qsValue(v) {
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  return ''
}

export function qsStringify(obj, sep = '&', eq = '=', options) {
  const esc = options?.encodeURIComponent ?? qsEscape
  if (obj === null || typeof obj !== 'object') return ''
  const out = []
  for (const k of Object.keys(obj)) {
    const v = obj[k]
    const key = esc(qsValue(k))
    if (Array.isArray(v)) for (const item of v) out.push(key + eq + esc(qsValue(item)))
    else out.push(key + eq + esc(qsValue(v)))
  }
  return out.join(sep)
}

export function qsParse(str, sep = '&', eq = '=', options) {
  const out = Object.create(null)
  if (typeof str !== 'string' || str.length === 0) return out
  const dec = options?.decodeURIComponent ?? qsUnescape
  let pairs = str.split(sep)
  const max = options?.maxKeys ?? 1000
  if (max > 0) pairs = pairs.slice(0, max)
  for (const pair of pairs) {
    if (pair === '') continue
    const i = pair.indexOf(eq)
    const k = dec((i === -1 ? pair : pair.slice(0, i)).replace(/\+/g, ' '))
    const v = i === -1 ? '' : dec(pair.slice(i + eq.length).replace(/\+/g, ' '))
    if (k in out) {
      if (Array.isArray(out[k])) out[k].push(v)
      else out[k] = [out[k], v]
    } else out[k] = v
  }
  return out
}
