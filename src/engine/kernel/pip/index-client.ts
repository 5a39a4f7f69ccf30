/**
 * Package indexes: the simple repository API (PEP 691 JSON, with PEP 503 HTML as the fallback),
 * distribution file names (PEP 427 wheels, sdists) and which wheels daylite's Python can install
 * (pure Python: `py3-none-any`, `py2.py3-none-any`, `cp313-none-any`, …).
 */
import { PipError, PipErrorCode } from './errors.js'
import type { HttpClient } from './network.js'
import { redact } from './network.js'
import { normalizeName } from './requirement.js'
import { Version } from './version.js'

/** PyPI's simple API, the default index. */
export const DEFAULT_INDEX_URL = 'https://pypi.org/simple'

/** One file an index lists for a project. */
export interface DistFile {
  filename: string
  /** Absolute download URL, without a hash fragment. */
  url: string
  /** Hashes by algorithm (`sha256` → hex). */
  hashes: Record<string, string>
  /** `Requires-Python` of the file, if the index gives it. */
  requiresPython: string | undefined
  /** Yanked (PEP 592): `true` or the reason. */
  yanked: boolean | string
  /** PEP 658 metadata is available at `url + '.metadata'` (with its hashes when given). */
  metadata: Record<string, string> | undefined
}

/** A wheel's file name, parsed (PEP 427). */
export interface WheelName {
  name: string
  version: Version
  build: string | undefined
  /** Every (python, abi, platform) tag the name expands to. */
  tags: { python: string; abi: string; platform: string }[]
}

/** Parses `name-version(-build)?-python-abi-platform.whl`, or `undefined`. */
export function parseWheelFilename(filename: string): WheelName | undefined {
  if (!filename.endsWith('.whl')) return undefined
  const parts = filename.slice(0, -4).split('-')
  if (parts.length !== 5 && parts.length !== 6) return undefined
  const [name = '', ver = ''] = parts
  const version = Version.parse(ver)
  if (!version) return undefined
  const build = parts.length === 6 ? parts[2] : undefined
  const [py = '', abi = '', plat = ''] = parts.slice(-3)
  const tags: WheelName['tags'] = []
  for (const python of py.split('.')) for (const a of abi.split('.')) for (const platform of plat.split('.')) tags.push({ python, abi: a, platform })
  return { name, version, build, tags }
}

/** Parses a source distribution's name (`name-1.0.tar.gz`, `.zip`), given the project's name. */
export function parseSdistFilename(filename: string, project: string): Version | undefined {
  const m = /^(.*)\.(tar\.gz|zip|tar\.bz2|tar\.xz|tgz|tar)$/.exec(filename)
  if (!m?.[1]) return undefined
  const stem = m[1]
  const key = normalizeName(project)
  // The name may itself contain dashes: find the split where the prefix is the project.
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
    if (normalizeName(stem.slice(0, i)) === key) return Version.parse(stem.slice(i + 1))
  }
  return undefined
}

/** The Python tags a pure wheel may carry for CPython 3.13, most specific first. */
const PYTHON_TAGS = ['cp313', 'py313', ...Array.from({ length: 13 }, (_, i) => `py3${12 - i}`), 'py3', 'cp3']

/**
 * How well a wheel fits daylite's Python: a rank (lower is better) when installable, `undefined`
 * when not (a native wheel, another Python).
 */
export function wheelRank(wheel: WheelName): number | undefined {
  let best: number | undefined
  for (const t of wheel.tags) {
    if (t.platform !== 'any' || t.abi !== 'none') continue
    const r = PYTHON_TAGS.indexOf(t.python)
    if (r >= 0 && (best === undefined || r < best)) best = r
  }
  return best
}

/** Whether the wheel carries compiled code for some platform (a non-`any` platform or an ABI tag). */
export function isNativeWheel(wheel: WheelName): boolean {
  return wheel.tags.every((t) => t.platform !== 'any' || t.abi !== 'none')
}

const ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01'

function hashFromFragment(url: URL): Record<string, string> {
  const m = /^#?(sha1|sha224|sha256|sha384|sha512|md5)=([0-9a-fA-F]+)$/.exec(url.hash)
  return m?.[1] && m[2] ? { [m[1]]: m[2].toLowerCase() } : {}
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos|#39);/g, (_, e: string) => {
    if (e === 'amp') return '&'
    if (e === 'lt') return '<'
    if (e === 'gt') return '>'
    if (e === 'quot') return '"'
    if (e === 'apos' || e === '#39') return "'"
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16))
    return String.fromCodePoint(Number.parseInt(e.slice(1), 10))
  })
}

function absolute(href: string, base: string): URL {
  const u = new URL(href, base)
  return u
}

function stripHash(u: URL): string {
  const c = new URL(u.href)
  c.hash = ''
  return c.href
}

function parseJsonPage(text: string, base: string): DistFile[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new PipError(PipErrorCode.HTTP, `the index answered ${redact(base)} with invalid JSON`)
  }
  const files = (doc as { files?: unknown }).files
  if (!Array.isArray(files)) throw new PipError(PipErrorCode.HTTP, `the index page ${redact(base)} has no "files" list`)
  const out: DistFile[] = []
  for (const f of files as Record<string, unknown>[]) {
    if (typeof f.filename !== 'string' || typeof f.url !== 'string') continue
    const u = absolute(f.url, base)
    const hashes: Record<string, string> = { ...hashFromFragment(u) }
    if (f.hashes && typeof f.hashes === 'object') for (const [k, v] of Object.entries(f.hashes as Record<string, unknown>)) if (typeof v === 'string') hashes[k] = v.toLowerCase()
    const meta = f['core-metadata'] ?? f['dist-info-metadata'] ?? f['data-dist-info-metadata']
    const yanked = f.yanked === true || (typeof f.yanked === 'string' && f.yanked !== '') ? (f.yanked as boolean | string) : false
    out.push({
      filename: f.filename,
      url: stripHash(u),
      hashes,
      requiresPython: typeof f['requires-python'] === 'string' && f['requires-python'] ? (f['requires-python'] as string) : undefined,
      yanked: yanked === '' ? true : yanked,
      metadata: meta === true ? {} : meta && typeof meta === 'object' ? (meta as Record<string, string>) : undefined,
    })
  }
  return out
}

function parseHtmlPage(text: string, base: string): DistFile[] {
  let pageBase = base
  const baseTag = /<base\s[^>]*href\s*=\s*["']([^"']+)["']/i.exec(text)
  if (baseTag?.[1]) pageBase = new URL(decodeEntities(baseTag[1]), base).href
  const out: DistFile[] = []
  for (const m of text.matchAll(/<a\s([^>]*)>([^<]*)<\/a>/gi)) {
    const attrs: Record<string, string> = {}
    for (const a of (m[1] ?? '').matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
      attrs[(a[1] ?? '').toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '')
    }
    if (!attrs.href) continue
    const u = absolute(attrs.href, pageBase)
    const filename = decodeEntities((m[2] ?? '').trim()) || decodeURIComponent(u.pathname.split('/').pop() ?? '')
    const metaAttr = attrs['data-core-metadata'] ?? attrs['data-dist-info-metadata']
    let metadata: Record<string, string> | undefined
    if (metaAttr !== undefined && metaAttr !== 'false') {
      const mm = /^(\w+)=([0-9a-fA-F]+)$/.exec(metaAttr)
      metadata = mm?.[1] && mm[2] ? { [mm[1]]: mm[2].toLowerCase() } : {}
    }
    out.push({
      filename,
      url: stripHash(u),
      hashes: hashFromFragment(u),
      requiresPython: attrs['data-requires-python'] || undefined,
      yanked: 'data-yanked' in attrs ? attrs['data-yanked'] || true : false,
      metadata,
    })
  }
  return out
}

/**
 * The files a simple-API page (or any HTML page of links) lists, or `undefined` for a 404/410.
 *
 * @param http - the policy-checked client
 * @param url - the page
 */
export async function fetchPage(http: HttpClient, url: string): Promise<DistFile[] | undefined> {
  const res = await http.get(url, ACCEPT)
  if (res.status === 404 || res.status === 410) return undefined
  if (res.status < 200 || res.status >= 300) {
    throw new PipError(PipErrorCode.HTTP, `HTTP error ${res.status} while getting ${redact(url)}`, { url, status: res.status })
  }
  const text = new TextDecoder().decode(res.body)
  const type = res.contentType.toLowerCase()
  if (type.includes('json')) return parseJsonPage(text, res.url)
  return parseHtmlPage(text, res.url)
}

/**
 * The files an index lists for `project`, or `undefined` when the index does not know it (404).
 *
 * @param http - the policy-checked client
 * @param indexUrl - the index's base URL (`https://pypi.org/simple`)
 * @param project - the project name (normalised for the URL)
 */
export function fetchProjectFiles(http: HttpClient, indexUrl: string, project: string): Promise<DistFile[] | undefined> {
  return fetchPage(http, `${indexUrl.replace(/\/+$/, '')}/${normalizeName(project)}/`)
}
