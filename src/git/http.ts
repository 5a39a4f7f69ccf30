/**
 * The HTTP client isomorphic-git talks to remotes with, built on an injected `fetch` (Node's or
 * a browser's). Every request, and every redirect it follows, is first checked by the sandbox's
 * network policy (a function passed in: `src/git` does not know how the engine words its
 * rules). A CORS proxy, when configured, is put in front of the URL after the check: the policy
 * is about where the sandbox's data goes, not about the proxy the embedding page chose.
 */
import { concatBytes } from '../vfs/index.js'
import { GitError, GitErrorCode } from './errors.js'

/** A `fetch` function (the platform's, injected). */
export type GitFetch = (input: string, init?: RequestInit) => Promise<Response>

/**
 * Checks that the sandbox may reach `url`; throws (any error) when it may not. The error's
 * message is shown to the user as is.
 */
export type UrlPolicy = (url: URL) => void

/** What the client is built with. */
export interface GitHttpOptions {
  /** The platform's fetch (default: the global one). */
  fetch?: GitFetch | undefined
  /** The sandbox's network policy; absent means every http(s) URL may be fetched. */
  policy?: UrlPolicy | undefined
  /**
   * A CORS proxy for browsers, e.g. `https://cors.isomorphic-git.org`: a request for
   * `https://github.com/a/b.git/info/refs` goes to `<proxy>/github.com/a/b.git/info/refs`.
   */
  corsProxy?: string | undefined
  /** Aborts requests (the command's cancellation). */
  signal?: AbortSignal | undefined
}

/** A request as isomorphic-git makes it. */
export interface GitHttpRequest {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array
  onProgress?: unknown
  signal?: unknown
}

/** A response as isomorphic-git reads it. */
export interface GitHttpResponse {
  url: string
  method: string
  statusCode: number
  statusMessage: string
  headers: Record<string, string>
  body: AsyncIterableIterator<Uint8Array>
}

/** isomorphic-git's `HttpClient` interface. */
export interface GitHttpClient {
  request(req: GitHttpRequest): Promise<GitHttpResponse>
}

async function collect(body: GitHttpRequest['body']): Promise<Uint8Array | undefined> {
  if (body === undefined) return undefined
  if (body instanceof Uint8Array) return body
  const parts: Uint8Array[] = []
  for await (const chunk of body as AsyncIterable<Uint8Array>) parts.push(chunk)
  return concatBytes(parts)
}

async function* iterate(res: Response): AsyncIterableIterator<Uint8Array> {
  if (!res.body) return
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      if (value) yield value
    }
  } finally {
    reader.releaseLock()
  }
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  res.headers.forEach((value, key) => {
    out[key] = value
  })
  return out
}

/** Puts `proxy` in front of `url` (isomorphic-git's convention: the scheme is dropped). */
export function corsProxify(proxy: string, url: string): string {
  return `${proxy.replace(/\/+$/, '')}/${url.replace(/^https?:\/\//, '')}`
}

/** The URL without credentials (for messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (!u.username && !u.password) return url
    u.username = ''
    u.password = ''
    return u.href
  } catch {
    return url
  }
}

function checkScheme(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GitError(GitErrorCode.UNSUPPORTED, `protocol '${url.protocol.replace(/:$/, '')}' is not supported: daylite's git speaks smart HTTP(S) only`, {
      url: redactUrl(url.href),
    })
  }
}

/**
 * Builds the HTTP client for isomorphic-git.
 *
 * @example
 * ```ts
 * const http = gitHttp({ fetch, policy: (u) => { if (u.hostname !== 'github.com') throw new Error('blocked') } })
 * await git.clone({ fs, http, dir, url: 'https://github.com/a/b.git' })
 * ```
 */
export function gitHttp(options: GitHttpOptions = {}): GitHttpClient {
  const fetchFn: GitFetch = options.fetch ?? ((input, init) => fetch(input, init))
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const body = await collect(req.body)
      const method = req.method ?? 'GET'
      let current = req.url
      for (let hop = 0; hop <= 10; hop++) {
        const target = new URL(current)
        checkScheme(target)
        if (options.policy) {
          try {
            options.policy(target)
          } catch (error) {
            throw new GitError(GitErrorCode.TRANSPORT_FAILED, error instanceof Error ? error.message : String(error), { url: redactUrl(target.href), blocked: true })
          }
        }
        const sent = options.corsProxy ? corsProxify(options.corsProxy, target.href) : target.href
        let res: Response
        try {
          res = await fetchFn(sent, {
            method,
            headers: req.headers ?? {},
            ...(body !== undefined ? { body: body as unknown as BodyInit } : {}),
            redirect: 'manual',
            ...(options.signal ? { signal: options.signal } : {}),
          })
        } catch (error) {
          if (options.signal?.aborted) throw error
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error)
          throw new GitError(GitErrorCode.TRANSPORT_FAILED, `unable to access '${redactUrl(target.href)}': ${cause}`, { url: redactUrl(target.href) })
        }
        if (res.type === 'opaqueredirect') {
          // Browsers hide manual redirects: follow, then check where we ended up.
          res = await fetchFn(sent, { method, headers: req.headers ?? {}, ...(body !== undefined ? { body: body as unknown as BodyInit } : {}), redirect: 'follow' })
          if (options.policy && res.url && !options.corsProxy) {
            try {
              options.policy(new URL(res.url))
            } catch (error) {
              await res.body?.cancel().catch(() => {})
              throw new GitError(GitErrorCode.TRANSPORT_FAILED, error instanceof Error ? error.message : String(error), { url: redactUrl(res.url), blocked: true })
            }
          }
        } else if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
          await res.body?.cancel().catch(() => {})
          current = new URL(res.headers.get('location') ?? '', target).href
          continue
        }
        return {
          url: current,
          method,
          statusCode: res.status,
          statusMessage: res.statusText,
          headers: headersOf(res),
          body: iterate(res),
        }
      }
      throw new GitError(GitErrorCode.TRANSPORT_FAILED, `too many redirects fetching ${redactUrl(req.url)}`, { url: redactUrl(req.url) })
    },
  }
}
