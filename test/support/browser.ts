/**
 * Browser test harness: a cross-origin-isolated static server, Debian's Chromium driven by
 * playwright-core, a page runner that waits for `window.__result` and turns console errors,
 * uncaught exceptions and failed requests into the failure message, and an esbuild helper that
 * bundles page and worker entry points for the browser.
 *
 * A browser smoke test is then a few lines:
 *
 * ```ts
 * const skip = chromiumSkipReason()
 * describe.skipIf(skip !== undefined)(`browser${skip ? ` (skipped: ${skip})` : ''}`, () => {
 *   let browser: Browser, server: StaticServer, bundle: Bundle
 *   beforeAll(async () => {
 *     bundle = await bundleForBrowser({ page: 'test/browser/fixtures/smoke-page.ts' })
 *     server = await startStaticServer(bundle.dir, {
 *       mounts: { '/dist/': 'dist' },
 *       files: { '/index.html': modulePage('./page.js') },
 *     })
 *     browser = await launchChromium()
 *   })
 *   afterAll(async () => { await browser?.close(); await server?.close(); await bundle?.dispose() })
 *   it('runs a sandbox', async () => {
 *     const { result } = await runPage(browser, server.url)
 *     expect(result).toEqual({ exitCode: 0, stdout: 'hi\n' })
 *   })
 * })
 * ```
 */
import { constants as fsConstants, createReadStream, accessSync } from 'node:fs'
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContextOptions, ConsoleMessage, Page } from 'playwright-core'

// ---------------------------------------------------------------------------------------------
// Static server
// ---------------------------------------------------------------------------------------------

/** Content types by file extension; anything else is served as `application/octet-stream`. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
}

/** Options for {@link startStaticServer}. */
export interface StaticServerOptions {
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy:
   * require-corp`, so that pages are cross-origin isolated and have SharedArrayBuffer.
   * Set to `false` to test the degraded, non-isolated mode. Default `true`.
   */
  crossOriginIsolated?: boolean
  /**
   * More directories, each served under a URL prefix, e.g. `{ '/dist/': 'dist' }` serves
   * `dist/browser/index.js` at `/dist/browser/index.js`. Relative directories resolve from the
   * current working directory. The longest matching prefix wins over the root directory.
   */
  mounts?: Readonly<Record<string, string>>
  /**
   * In-memory files by URL path, served before anything on disk, e.g.
   * `{ '/index.html': modulePage('./page.js') }`. The content type comes from the extension.
   */
  files?: Readonly<Record<string, string | Uint8Array>>
}

/** A running static server; see {@link startStaticServer}. */
export interface StaticServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string
  /** URL paths that were requested and not found (404), in order: handy in failure messages. */
  readonly notFound: readonly string[]
  /** Stops the server and drops open connections. Safe to call twice. */
  close(): Promise<void>
  /** Same as {@link StaticServer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>
}

interface Mount {
  readonly prefix: string
  readonly dir: string
  readonly realDir: string
}

/**
 * Starts a tiny static file server on 127.0.0.1 at a random port.
 *
 * Every response carries `Cross-Origin-Resource-Policy: same-origin`, and unless
 * `opts.crossOriginIsolated` is `false` also COOP `same-origin` and COEP `require-corp`, so
 * `crossOriginIsolated` is `true` in the page and its workers. Only GET and HEAD are served; a
 * directory serves its `index.html`; a missing `/favicon.ico` is an empty 204. A path that leaves its directory (`..`, an encoded
 * slash, a NUL byte, or a symlink pointing outside) gets 403.
 *
 * @param rootDir - Directory served at `/`.
 * @param opts - Headers, extra mounted directories and in-memory files.
 * @returns The server's base URL and a `close()`.
 *
 * @example
 * ```ts
 * await using server = await startStaticServer(dir, { files: { '/index.html': modulePage('./page.js') } })
 * const { result } = await runPage(browser, server.url)
 * ```
 */
export async function startStaticServer(
  rootDir: string,
  opts: StaticServerOptions = {},
): Promise<StaticServer> {
  const isolated = opts.crossOriginIsolated ?? true
  const mountSpecs: Array<[string, string]> = [['/', rootDir], ...Object.entries(opts.mounts ?? {})]
  const mounts: Mount[] = []
  for (const [rawPrefix, dir] of mountSpecs) {
    const prefix = rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`
    if (!prefix.startsWith('/')) throw new Error(`mount prefix must start with "/": ${rawPrefix}`)
    const abs = path.resolve(dir)
    mounts.push({ prefix, dir: abs, realDir: await realpath(abs) })
  }
  mounts.sort((a, b) => b.prefix.length - a.prefix.length)
  const files = new Map<string, string | Uint8Array>(Object.entries(opts.files ?? {}))
  const notFound: string[] = []

  const setHeaders = (res: http.ServerResponse, urlPath: string): void => {
    res.setHeader('Content-Type', contentType(urlPath))
    res.setHeader('Cache-Control', 'no-store')
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp')
    }
  }
  const fail = (res: http.ServerResponse, status: number, message: string): void => {
    res.statusCode = status
    setHeaders(res, '.txt')
    res.end(`${message}\n`)
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return fail(res, 405, 'method not allowed')
    }
    const urlPath = decodeUrlPath(req.url ?? '/')
    if (urlPath === undefined) return fail(res, 403, 'forbidden')

    const inMemory = files.get(urlPath) ?? (urlPath.endsWith('/') ? files.get(`${urlPath}index.html`) : undefined)
    if (inMemory !== undefined) {
      const body = typeof inMemory === 'string' ? Buffer.from(inMemory) : inMemory
      setHeaders(res, urlPath.endsWith('/') ? 'index.html' : urlPath)
      res.setHeader('Content-Length', body.byteLength)
      res.end(req.method === 'HEAD' ? undefined : body)
      return
    }

    const mount = mounts.find((m) => urlPath.startsWith(m.prefix))
    if (mount === undefined) return notFoundResponse(res, urlPath)
    const relative = urlPath.slice(mount.prefix.length)
    let file = path.resolve(mount.dir, relative)
    if (!isInside(mount.dir, file)) return fail(res, 403, 'forbidden')
    let info = await stat(file).catch(() => undefined)
    if (info?.isDirectory()) {
      file = path.join(file, 'index.html')
      info = await stat(file).catch(() => undefined)
    }
    if (info === undefined || !info.isFile()) return notFoundResponse(res, urlPath)
    // Symlinks may point anywhere: serve only what really lives under the mounted directory.
    if (!isInside(mount.realDir, await realpath(file))) return fail(res, 403, 'forbidden')

    setHeaders(res, file)
    res.setHeader('Content-Length', info.size)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(file)
      stream.on('error', (err) => {
        res.destroy(err)
        resolve()
      })
      res.on('close', () => {
        stream.destroy()
        resolve()
      })
      stream.pipe(res)
    })
  }

  const notFoundResponse = (res: http.ServerResponse, urlPath: string): void => {
    if (urlPath === '/favicon.ico') {
      // Browsers ask for it unprompted; a 404 would show up as a console error in every test.
      res.statusCode = 204
      res.end()
      return
    }
    notFound.push(urlPath)
    fail(res, 404, `not found: ${urlPath}`)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, String(err))
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }
  return { url: `http://127.0.0.1:${port}/`, notFound, close, [Symbol.asyncDispose]: close }
}

/** The request's path, decoded; `undefined` when it is unsafe to map onto the file system. */
function decodeUrlPath(rawUrl: string): string | undefined {
  // The WHATWG parser already collapses `.`/`..` segments, including `%2e%2e`.
  const { pathname } = new URL(rawUrl, 'http://localhost')
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  // After decoding, `%2f..%2f` or `%5c` could form new segments: refuse them outright.
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined
  if (decoded.split('/').some((segment) => segment === '..' || segment === '.')) return undefined
  return decoded
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * A minimal HTML page that loads one ES module script, for {@link StaticServerOptions.files}.
 *
 * @param scriptSrc - The module's URL, relative to the page or absolute, e.g. `'./page.js'`.
 * @param title - The page title.
 * @example
 * ```ts
 * startStaticServer(dir, { files: { '/index.html': modulePage('./page.js') } })
 * ```
 */
export function modulePage(scriptSrc: string, title = 'daylite test'): string {
  const escape = (s: string): string =>
    s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c)
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<title>${escape(title)}</title>`,
    `<script type="module" src="${escape(scriptSrc)}"></script>`,
    '</head><body></body></html>',
    '',
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------------

/**
 * Flags for Chromium on this kind of machine: headless, as root, with no GPU, and with none of
 * Chromium's own background connections, which the closed network here refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The Chromium binary: `$CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

/** Whether the Chromium binary from {@link chromiumPath} exists and is executable. */
export function hasChromium(): boolean {
  try {
    accessSync(chromiumPath(), fsConstants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Why browser tests should be skipped, or `undefined` when they should run.
 *
 * They are skipped only when Chromium is missing and `CI` is not set. Under CI they always run
 * (`.ci/run` installs Chromium), so a missing browser fails loudly instead of skipping quietly.
 *
 * @example
 * ```ts
 * const skip = chromiumSkipReason()
 * if (skip !== undefined) console.warn(`browser tests skipped: ${skip}`)
 * describe.skipIf(skip !== undefined)(`in a browser${skip ? ` (skipped: ${skip})` : ''}`, () => { … })
 * ```
 */
export function chromiumSkipReason(): string | undefined {
  if (hasChromium()) return undefined
  if (process.env.CI) return undefined
  return `Chromium not found at ${chromiumPath()}; run \`bash scripts/install-system-deps.sh\` (or apt-get install chromium), or set CHROMIUM_PATH`
}

/** Options for {@link launchChromium}. */
export interface LaunchChromiumOptions {
  /** Flags added after {@link CHROMIUM_ARGS}. */
  extraArgs?: readonly string[]
  /** How long to wait for the browser to start, in milliseconds. Default 30 000. */
  timeoutMs?: number
}

/**
 * Launches headless Chromium through playwright-core with {@link CHROMIUM_ARGS}.
 *
 * Each launch gets a fresh, empty user-data directory: playwright creates a temporary profile
 * for every `launch()` and deletes it on `browser.close()`.
 *
 * @throws When Chromium is missing, with the path looked at and how to install it.
 * @example
 * ```ts
 * const browser = await launchChromium()
 * try { … } finally { await browser.close() }
 * ```
 */
export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath()
  if (!hasChromium()) {
    throw new Error(
      `Chromium not found at ${executablePath}: run \`bash scripts/install-system-deps.sh\` ` +
        '(or apt-get install chromium), or set CHROMIUM_PATH',
    )
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])],
    timeout: opts.timeoutMs ?? 30_000,
  })
}

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

/** One console message, uncaught error, crash or failed request seen while a page ran. */
export interface PageEvent {
  /**
   * `'console'`; `'pageerror'` for an uncaught exception or unhandled rejection in the page or
   * one of its workers; `'crash'`; `'request'` for a failed request or an HTTP status ≥ 400.
   */
  readonly kind: 'console' | 'pageerror' | 'crash' | 'request'
  /** The console type (`log`, `error`, `warning`…), the error name, or the status or failure of a request. */
  readonly type: string
  /** The message text (with the stack for page errors, method and URL for requests). */
  readonly text: string
  /** Where a console message was logged from, `url:line:column`, when known. */
  readonly location?: string
}

/** Options for {@link openPage} and {@link runPage}. */
export interface OpenPageOptions {
  /** Options for the fresh browser context the page lives in. */
  context?: BrowserContextOptions
  /** Navigation timeout in milliseconds. Default 10 000. */
  navigationTimeoutMs?: number
}

/** Options for {@link PageSession.waitForResult} and {@link runPage}. */
export interface WaitForResultOptions {
  /** How long to wait, in milliseconds. Default 10 000. */
  timeoutMs?: number
  /** The global the page sets when it is done. Default `'__result'`. Ignored with `consoleMessage`. */
  resultGlobal?: string
  /**
   * Wait for a console message instead of a global: the first one (already logged or to come)
   * whose text contains this string or matches this RegExp. The result is then its text.
   */
  consoleMessage?: string | RegExp
  /** Fail at once on an uncaught exception in the page or its workers. Default `true`. A crash always fails. */
  failOnPageError?: boolean
}

/** The outcome of a page run. */
export interface PageRun<T> {
  /** The value of the result global (structured-cloned out of the page), or the console message text. */
  readonly result: T
  /** Everything the page logged, threw or failed to load, in order. */
  readonly events: readonly PageEvent[]
}

/** An open page in its own browser context, watched for errors; see {@link openPage}. */
export interface PageSession {
  /** The playwright page, for tests that click, type or evaluate. */
  readonly page: Page
  /** Everything the page logged, threw or failed to load so far, in order. */
  readonly events: readonly PageEvent[]
  /**
   * Waits until the page sets its result global (or logs the awaited console message) and
   * returns it. Rejects on timeout, on an uncaught page error, or when the page crashes, with
   * a message that lists the page's errors, failed requests and recent console output.
   *
   * The type parameter is not checked: the caller asserts the value's shape.
   */
  waitForResult<T = unknown>(opts?: WaitForResultOptions): Promise<T>
  /** Closes the page and its context. Safe to call twice. */
  close(): Promise<void>
  /** Same as {@link PageSession.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Opens `url` in a new page of a fresh browser context and records its console messages, its
 * uncaught exceptions and unhandled rejections (the page's and its dedicated workers'), crashes
 * and failed requests.
 *
 * @param browser - From {@link launchChromium}.
 * @param url - The page to load; navigation waits for the `load` event.
 * @throws When navigation fails, with everything recorded so far.
 * @example
 * ```ts
 * await using session = await openPage(browser, server.url)
 * await session.page.click('#run')
 * const result = await session.waitForResult<{ ok: boolean }>()
 * ```
 */
export async function openPage(browser: Browser, url: string, opts: OpenPageOptions = {}): Promise<PageSession> {
  const context = await browser.newContext(opts.context)
  const events: PageEvent[] = []
  const listeners = new Set<(event: PageEvent) => void>()
  const record = (event: PageEvent): void => {
    events.push(event)
    for (const listener of listeners) listener(event)
  }

  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= context.close().catch(() => undefined)
    return closed
  }

  let page: Page
  try {
    page = await context.newPage()
  } catch (err) {
    await close()
    throw err
  }
  page.on('console', (msg: ConsoleMessage) => {
    const loc = msg.location()
    record({
      kind: 'console',
      type: msg.type(),
      text: msg.text(),
      ...(loc.url ? { location: `${loc.url}:${loc.lineNumber}:${loc.columnNumber}` } : {}),
    })
  })
  page.on('pageerror', (err: Error) => record({ kind: 'pageerror', type: err.name, text: err.stack ?? String(err) }))
  page.on('crash', () => record({ kind: 'crash', type: 'crash', text: 'the page crashed' }))
  page.on('requestfailed', (req) =>
    record({ kind: 'request', type: req.failure()?.errorText ?? 'failed', text: `${req.method()} ${req.url()}` }),
  )
  page.on('response', (res) => {
    if (res.status() >= 400) {
      record({ kind: 'request', type: String(res.status()), text: `${res.request().method()} ${res.url()}` })
    }
  })

  try {
    await page.goto(url, { waitUntil: 'load', timeout: opts.navigationTimeoutMs ?? 10_000 })
  } catch (err) {
    await close()
    throw new Error(describeFailure(`could not load ${url}: ${firstLine(errorMessage(err))}`, events), { cause: err })
  }

  const waitForResult = async <T = unknown>(wait: WaitForResultOptions = {}): Promise<T> => {
    const timeoutMs = wait.timeoutMs ?? 10_000
    const failOnPageError = wait.failOnPageError ?? true
    const global = wait.resultGlobal ?? '__result'
    const matcher = wait.consoleMessage
    const what = matcher !== undefined ? `log a console message matching ${String(matcher)}` : `set window.${global}`
    const isFatal = (e: PageEvent): boolean => e.kind === 'crash' || (failOnPageError && e.kind === 'pageerror')
    const matches = (e: PageEvent): boolean =>
      matcher !== undefined &&
      e.kind === 'console' &&
      (typeof matcher === 'string' ? e.text.includes(matcher) : matcher.test(e.text))

    // Settles on the first fatal event or, when waiting for a console message, the first match;
    // events recorded before this call count too.
    let listener: ((event: PageEvent) => void) | undefined
    const watched = new Promise<T>((resolve, reject) => {
      const check = (e: PageEvent): void => {
        if (isFatal(e)) reject(new FatalPageEvent(e))
        else if (matches(e)) resolve(e.text as T)
      }
      for (const e of events) check(e)
      listener = check
      listeners.add(check)
    })
    watched.catch(() => undefined)

    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
    })
    timedOut.catch(() => undefined)

    const waiters: Array<Promise<T>> = [watched, timedOut]
    if (matcher === undefined) {
      // Polls inside the page in one evaluate: cheaper than page.waitForFunction's utility world.
      const polled = page
        .evaluate(
          async ({ name, timeout }: { name: string; timeout: number }) => {
            const scope = globalThis as unknown as Record<string, unknown>
            const deadline = performance.now() + timeout
            while (scope[name] === undefined) {
              if (performance.now() > deadline) return { done: false as const }
              await new Promise((resolve) => setTimeout(resolve, 10))
            }
            return { done: true as const, value: scope[name] }
          },
          { name: global, timeout: timeoutMs + 1_000 },
        )
        .then((outcome) => {
          if (!outcome.done) throw new Error(`timed out after ${timeoutMs} ms`)
          return outcome.value as T
        })
      polled.catch(() => undefined)
      waiters.push(polled)
    }

    try {
      return await Promise.race(waiters)
    } catch (err) {
      const headline = err instanceof FatalPageEvent
        ? `page ${url} failed before it would ${what}: ${firstLine(err.event.text)}`
        : `page ${url} did not ${what} within ${timeoutMs} ms: ${firstLine(errorMessage(err))}`
      throw new Error(describeFailure(headline, events), { cause: err })
    } finally {
      clearTimeout(timer)
      if (listener !== undefined) listeners.delete(listener)
    }
  }

  return { page, events, waitForResult, close, [Symbol.asyncDispose]: close }
}

/** A page error or crash that ends a wait. */
class FatalPageEvent extends Error {
  constructor(readonly event: PageEvent) {
    super(firstLine(event.text))
    this.name = 'FatalPageEvent'
  }
}

/**
 * Loads `url` in a fresh context, waits for its result and closes it: {@link openPage} then
 * {@link PageSession.waitForResult}. By default the page reports by setting `window.__result`
 * to a structured-cloneable value; an uncaught exception fails the run at once.
 *
 * @param browser - From {@link launchChromium}.
 * @param url - The page to load.
 * @param opts - Timeouts, the result global or console message to wait for, context options.
 * @returns The result and everything the page logged.
 * @throws With the page's errors, failed requests and recent console output in the message.
 * @example
 * ```ts
 * const { result } = await runPage<{ crossOriginIsolated: boolean }>(browser, server.url)
 * expect(result.crossOriginIsolated).toBe(true)
 * ```
 */
export async function runPage<T = unknown>(
  browser: Browser,
  url: string,
  opts: OpenPageOptions & WaitForResultOptions = {},
): Promise<PageRun<T>> {
  const session = await openPage(browser, url, opts)
  try {
    const result = await session.waitForResult<T>(opts)
    return { result, events: [...session.events] }
  } finally {
    await session.close()
  }
}

/** How many non-error console lines a failure message repeats. */
const CONSOLE_TAIL = 30

function describeFailure(headline: string, events: readonly PageEvent[]): string {
  const lines = [headline]
  const section = (title: string, list: readonly PageEvent[]): void => {
    if (list.length === 0) return
    lines.push(`${title}:`)
    for (const e of list) lines.push(indent(`[${e.type}] ${e.text}${e.location ? ` (${e.location})` : ''}`))
  }
  section('page errors', events.filter((e) => e.kind === 'pageerror' || e.kind === 'crash'))
  section('console errors', events.filter((e) => e.kind === 'console' && e.type === 'error'))
  section('failed requests', events.filter((e) => e.kind === 'request'))
  const others = events.filter((e) => e.kind === 'console' && e.type !== 'error')
  section(
    others.length > CONSOLE_TAIL ? `console (last ${CONSOLE_TAIL} of ${others.length})` : 'console',
    others.slice(-CONSOLE_TAIL).map(({ kind, type, text }) => ({ kind, type, text })),
  )
  if (lines.length === 1) lines.push('(the page logged nothing)')
  return lines.join('\n')
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n')
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text
}

// ---------------------------------------------------------------------------------------------
// Bundling
// ---------------------------------------------------------------------------------------------

/** A directory of bundled browser code; see {@link bundleForBrowser}. */
export interface Bundle {
  /** The output directory: `<name>.js` (and `<name>.js.map`) for each entry point. */
  readonly dir: string
  /** Removes the directory. Safe to call twice. */
  dispose(): Promise<void>
  /** Same as {@link Bundle.dispose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>
}

/** Options for {@link bundleForBrowser}. */
export interface BundleOptions {
  /** Write here instead of a new temporary directory (which `dispose()` then leaves alone). */
  outdir?: string
  /** esbuild `define` entries, e.g. `{ 'process.env.NODE_ENV': '"test"' }`. */
  define?: Readonly<Record<string, string>>
}

/**
 * Bundles TypeScript or JavaScript entry points for the browser with esbuild: ES modules,
 * `browser` conditions (so `#platform` resolves to `src/platform/browser.ts`), linked source
 * maps, one `<name>.js` per entry. Workers are separate entry points; a page starts one with
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`.
 *
 * @param entries - Output name → source file, e.g. `{ page: 'test/browser/fixtures/page.ts' }`.
 * @throws With esbuild's messages when the build fails.
 * @example
 * ```ts
 * await using bundle = await bundleForBrowser({ page: 'fixtures/page.ts', worker: 'fixtures/worker.ts' })
 * ```
 */
export async function bundleForBrowser(
  entries: Readonly<Record<string, string>>,
  opts: BundleOptions = {},
): Promise<Bundle> {
  const owned = opts.outdir === undefined
  const dir = opts.outdir ?? (await mkdtemp(path.join(os.tmpdir(), 'daylite-browser-')))
  let disposed: Promise<void> | undefined
  const dispose = (): Promise<void> => {
    disposed ??= owned ? rm(dir, { recursive: true, force: true }) : Promise.resolve()
    return disposed
  }
  try {
    await build({
      entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
      outdir: dir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: 'linked',
      logLevel: 'silent',
      define: { ...opts.define },
    })
  } catch (err) {
    await dispose()
    throw err
  }
  return { dir, dispose, [Symbol.asyncDispose]: dispose }
}
