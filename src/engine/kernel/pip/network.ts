/**
 * pip's view of the network: the sandbox's network settings (Daytona's `networkBlockAll`,
 * `networkAllowList` of CIDRs, `domainAllowList`) applied to every URL before it is fetched,
 * redirects included, and a small HTTP client over an injected `fetch`.
 *
 * Allow lists: an IP literal in a URL must fall in one of the CIDRs (a bare address counts as a
 * /32 or /128); a host name must be listed by name (extension: `networkAllowList` also takes host
 * names) or match a `domainAllowList` entry (`example.com` is that host and its subdomains,
 * `*.example.com` only the subdomains). Host names are never resolved to check them against CIDRs
 * (the kernel has no DNS), except `localhost`, which is 127.0.0.1 and ::1.
 */
import { PipError, PipErrorCode } from './errors.js'

/** The network settings of a sandbox, as Daytona names them. */
export interface NetworkPolicy {
  /** Block every outbound connection. */
  networkBlockAll?: boolean | undefined
  /** Comma-separated CIDRs (and, as an extension, host names) the sandbox may reach. */
  networkAllowList?: string | undefined
  /** Comma-separated domains the sandbox may reach. */
  domainAllowList?: string | undefined
}

type Cidr = { v6: boolean; bits: bigint; prefix: number }

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  let n = 0n
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined
    const v = Number(p)
    if (v > 255) return undefined
    n = (n << 8n) | BigInt(v)
  }
  return n
}

function parseIpv6(s: string): bigint | undefined {
  let text = s
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4?.[1]) {
    const n = parseIpv4(v4[1])
    if (n === undefined) return undefined
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const group = (h: string): bigint[] | undefined => {
    if (h === '') return []
    const out: bigint[] = []
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
      out.push(BigInt(`0x${g}`))
    }
    return out
  }
  const head = group(halves[0] ?? '')
  const rest = halves.length === 2 ? group(halves[1] ?? '') : []
  if (!head || !rest) return undefined
  if (halves.length === 2 && head.length + rest.length > 7) return undefined
  const groups = halves.length === 2 ? [...head, ...new Array<bigint>(8 - head.length - rest.length).fill(0n), ...rest] : head
  if (groups.length !== 8) return undefined
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n)
}

/** Parses an IP literal (IPv4, or IPv6 with or without brackets). */
export function parseIp(host: string): { v6: boolean; bits: bigint } | undefined {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  const v4 = parseIpv4(h)
  if (v4 !== undefined) return { v6: false, bits: v4 }
  if (!h.includes(':')) return undefined
  const v6 = parseIpv6(h.replace(/%.*$/, ''))
  return v6 === undefined ? undefined : { v6: true, bits: v6 }
}

function parseCidr(entry: string): Cidr | undefined {
  const [addr = '', len] = entry.split('/')
  const ip = parseIp(addr)
  if (!ip) return undefined
  const max = ip.v6 ? 128 : 32
  const prefix = len === undefined ? max : /^\d+$/.test(len) ? Number(len) : Number.NaN
  if (!(prefix >= 0 && prefix <= max)) return undefined
  return { ...ip, prefix }
}

function inCidr(ip: { v6: boolean; bits: bigint }, cidr: Cidr): boolean {
  let { v6, bits } = ip
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is that IPv4 address.
  if (v6 && !cidr.v6 && bits >> 32n === 0xffffn) {
    v6 = false
    bits &= 0xffffffffn
  }
  if (v6 !== cidr.v6) return false
  const width = BigInt(v6 ? 128 : 32)
  const shift = width - BigInt(cidr.prefix)
  return bits >> shift === cidr.bits >> shift
}

/**
 * Throws {@link PipErrorCode.NETWORK_BLOCKED} unless the sandbox's settings let it reach `url`.
 *
 * @example
 * ```ts
 * checkUrl(new URL('http://10.1.2.3/simple/'), { networkAllowList: '10.0.0.0/8' }) // passes
 * ```
 */
export function checkUrl(url: URL, policy: NetworkPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PipError(PipErrorCode.UNSUPPORTED, `unsupported URL scheme ${url.protocol} in ${url.href} (only http and https are fetched)`)
  }
  if (policy.networkBlockAll) {
    throw new PipError(
      PipErrorCode.NETWORK_BLOCKED,
      `network access is blocked for this sandbox (networkBlockAll), so pip cannot reach ${url.host}. Create the sandbox without networkBlockAll, or allow the index host in networkAllowList, to install packages.`,
      { url: url.href },
    )
  }
  const cidrs = (policy.networkAllowList ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const domains = (policy.domainAllowList ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  if (cidrs.length === 0 && domains.length === 0) return
  const host = url.hostname.toLowerCase()
  const ip = parseIp(host)
  const candidates = ip ? [ip] : host === 'localhost' ? [parseIp('127.0.0.1'), parseIp('::1')] : []
  for (const entry of cidrs) {
    const cidr = parseCidr(entry)
    if (cidr) {
      if (candidates.some((c) => c && inCidr(c, cidr))) return
    } else if (!ip && entry.toLowerCase() === host) return
  }
  if (!ip) {
    for (const d of domains) {
      if (d.startsWith('*.') ? host.endsWith(d.slice(1)) : d.startsWith('.') ? host.endsWith(d) : host === d || host.endsWith(`.${d}`)) return
    }
  }
  const listed = [policy.networkAllowList ? `networkAllowList "${policy.networkAllowList}"` : '', policy.domainAllowList ? `domainAllowList "${policy.domainAllowList}"` : '']
    .filter(Boolean)
    .join(' and ')
  throw new PipError(PipErrorCode.NETWORK_BLOCKED, `${url.host} is not in this sandbox's ${listed}; pip cannot fetch ${url.href}`, { url: url.href })
}

/** A `fetch` function (the platform's, injected). */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>

/** A fetched response with its body read. */
export interface HttpResponse {
  /** The final URL (after redirects). */
  url: string
  status: number
  contentType: string
  body: Uint8Array
}

/**
 * An HTTP client that applies the network policy to every request and redirect.
 *
 * @example
 * ```ts
 * const http = new HttpClient(fetch, { networkAllowList: '127.0.0.1' })
 * const res = await http.get('http://127.0.0.1:8080/simple/a/')
 * ```
 */
export class HttpClient {
  readonly #fetch: FetchFn
  readonly #policy: NetworkPolicy
  readonly #signal: AbortSignal | undefined

  /**
   * @param fetchFn - the platform's fetch
   * @param policy - the sandbox's network settings
   * @param signal - aborts requests (the command's cancellation)
   */
  constructor(fetchFn: FetchFn, policy: NetworkPolicy, signal?: AbortSignal) {
    this.#fetch = fetchFn
    this.#policy = policy
    this.#signal = signal
  }

  /**
   * GETs `url`, following up to 10 redirects (each checked against the policy). Resolves for any
   * HTTP status; rejects with {@link PipErrorCode.NETWORK} when the host cannot be reached.
   */
  async get(url: string, accept?: string): Promise<HttpResponse> {
    let current = url
    for (let hop = 0; hop <= 10; hop++) {
      const parsed = new URL(current)
      checkUrl(parsed, this.#policy)
      const headers: Record<string, string> = {}
      if (accept) headers.Accept = accept
      let res: Response
      try {
        res = await this.#fetch(parsed.href, { headers, redirect: 'manual', signal: this.#signal })
      } catch (error) {
        if (this.#signal?.aborted) throw error
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : error instanceof Error ? `: ${error.message}` : ''
        throw new PipError(PipErrorCode.NETWORK, `could not reach ${parsed.host} for ${parsed.href}${cause}`, { url: parsed.href })
      }
      if (res.type === 'opaqueredirect') {
        // Browsers hide manual redirects: follow, then check where we ended up.
        res = await this.#fetch(parsed.href, { headers, redirect: 'follow', signal: this.#signal })
        checkUrl(new URL(res.url), this.#policy)
      } else if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel().catch(() => {})
        current = new URL(res.headers.get('location') ?? '', parsed).href
        continue
      }
      const body = new Uint8Array(await res.arrayBuffer())
      return { url: res.url || parsed.href, status: res.status, contentType: res.headers.get('content-type') ?? '', body }
    }
    throw new PipError(PipErrorCode.NETWORK, `too many redirects fetching ${url}`, { url })
  }
}

/** The URL without credentials (for messages). */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '****'
    return u.href
  } catch {
    return url
  }
}
