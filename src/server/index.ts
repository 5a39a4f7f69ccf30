/**
 * `daylite serve`: an HTTP server that speaks Daytona's control-plane API (`/api/sandbox…`) and
 * toolbox API (`/toolbox/{sandboxId}/…`), backed by the in-process engine (or, with `backend:
 * 'native'`, by host processes: not isolated, see `src/native`), so the unmodified Daytona SDK
 * works against it:
 *
 * ```ts
 * const server = await createServer({ port: 0 })                       // src/server (Node only)
 * const daytona = new Daytona({ apiUrl: server.apiUrl, apiKey: 'local' }) // Daytona from '@daytonaio/sdk'
 * ```
 *
 * Node's `http` and `ws`, no framework. This file owns the listening socket, authentication,
 * dispatch and the error answers; `control-plane.ts` and `toolbox.ts` translate the endpoints.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { platform } from '#platform'
import { DaytonaAuthenticationError, DaytonaNotFoundError } from '../api/errors.js'
import type { SandboxRegistry } from '../engine/backend.js'
import { Engine } from '../engine/engine.js'
import type { EngineLimits, SandboxLimits } from '../engine/limits.js'
import { NativeRegistry, type NativeOptions } from '../native/index.js'
import type { WorkerSource } from '../platform/types.js'
import { controlPlaneRoutes } from './control-plane.js'
import { badRequest, errorBody, notServed, type ErrorArea } from './errors.js'
import { ok, sendJson, type Reply } from './http.js'
import { refuseUpgrade, serveInterpreter, streamCommandLogs, toolboxRoutes } from './toolbox.js'

/** The default port of `daylite serve`. */
export const DEFAULT_PORT = 3986
/** The default address `daylite serve` listens on (loopback only). */
export const DEFAULT_HOST = '127.0.0.1'
/** What the server reports as the daemon version. */
export const SERVER_VERSION = 'daylite'

/** Options of {@link createServer}. */
export interface ServeOptions {
  /** TCP port (default 3986; 0 picks a free one). */
  port?: number
  /** Address to listen on (default `127.0.0.1`). */
  host?: string
  /** Accepted API keys (`Authorization: Bearer <key>`). Absent or empty: any key is accepted. */
  apiKeys?: string[]
  /** An engine (or another sandbox registry) to serve; the server does not dispose it. Without it the server makes and owns one. */
  engine?: SandboxRegistry
  /**
   * What runs the sandboxes the server makes: `wasm` (default, the in-process engine) or `native`
   * (host processes in per-sandbox directories: NOT isolated, for tests of the remote fallback).
   */
  backend?: 'wasm' | 'native'
  /** Options of the native backend (its root directory, bubblewrap). */
  native?: NativeOptions
  /** Engine limits of the engine the server makes. */
  limits?: Partial<EngineLimits>
  /** Default sandbox limits of the engine the server makes. */
  sandboxLimits?: Partial<SandboxLimits>
  /** Where the kernel worker bundle is, for the engine the server makes. */
  workerUrl?: WorkerSource
  /** Receives a line for each unexpected (500) failure. */
  log?: (line: string) => void
}

/** A running server. */
export interface DayliteServer extends AsyncDisposable {
  /** `http://host:port`. */
  readonly url: string
  /** The `apiUrl` to give the Daytona SDK: `http://host:port/api`. */
  readonly apiUrl: string
  /** The port listened on. */
  readonly port: number
  /** The sandboxes behind the server (the in-process engine, or the native backend). */
  readonly engine: SandboxRegistry
  /** Stops listening, closes every connection and WebSocket, and disposes the engine it owns. Safe to call twice. */
  close(): Promise<void>
}

const LOGS_PATH = /^\/toolbox\/([^/]+)\/process\/session\/([^/]+)\/command\/([^/]+)\/logs$/
const INTERPRETER_PATH = /^\/toolbox\/([^/]+)\/process\/interpreter\/execute$/

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw badRequest(`malformed URL segment ${JSON.stringify(segment)}`)
  }
}

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

/**
 * Starts a server speaking Daytona's REST API over the in-process engine (or the native backend).
 * @example
 * ```ts
 * const server = await createServer({ port: 0 })
 * console.log(server.apiUrl) // http://127.0.0.1:PORT/api
 * await server.close()
 * ```
 */
export async function createServer(options: ServeOptions = {}): Promise<DayliteServer> {
  const ownsEngine = options.engine === undefined
  const engine: SandboxRegistry =
    options.engine ??
    (options.backend === 'native'
      ? new NativeRegistry({ ...options.native, sandboxLimits: { ...options.native?.sandboxLimits, ...options.sandboxLimits } })
      : new Engine({ platform, workerUrl: options.workerUrl, limits: options.limits, sandboxLimits: options.sandboxLimits }))
  if (ownsEngine) engine.warm()
  const keys = options.apiKeys && options.apiKeys.length > 0 ? new Set(options.apiKeys) : undefined
  const controlPlane = controlPlaneRoutes({ engine, version: SERVER_VERSION })
  const toolbox = toolboxRoutes(SERVER_VERSION)
  const wss = new WebSocketServer({ noServer: true })
  const host = options.host ?? DEFAULT_HOST
  let origin = ''

  const authorize = (req: IncomingMessage): void => {
    if (!keys) return
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
    const key = m?.[1]?.trim()
    if (key === undefined || !keys.has(key)) {
      throw new DaytonaAuthenticationError('invalid or missing API key: send Authorization: Bearer <one of the keys given to daylite serve --api-key>', 401, undefined, 'UNAUTHORIZED')
    }
  }

  const originOf = (req: IncomingMessage): string => (req.headers.host ? `http://${req.headers.host}` : origin)

  const dispatch = async (req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<Reply | undefined> => {
    authorize(req)
    const pathname = url.pathname
    const base = { req, res, query: url.searchParams, origin: originOf(req) }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      const path = pathname.slice('/api'.length) || '/'
      const m = controlPlane.match(method, path)
      if (!m) throw notServed(`daylite serve does not serve ${method} ${pathname} (yet)`)
      return m.handler({ ...base, params: m.params, path })
    }
    if (pathname.startsWith('/toolbox/')) {
      const rest = pathname.slice('/toolbox/'.length)
      const slash = rest.indexOf('/')
      const sandbox = engine.get(decode(slash < 0 ? rest : rest.slice(0, slash)))
      const path = slash < 0 ? '/' : rest.slice(slash)
      const m = toolbox.match(method, path)
      if (!m) throw notServed(`daylite serve does not serve the toolbox endpoint ${method} ${path} (yet)`)
      return m.handler({ ...base, params: m.params, path, host: sandbox })
    }
    if (pathname === '/' && method === 'GET') return ok({ name: 'daylite', apiUrl: `${base.origin}/api`, toolboxProxyUrl: `${base.origin}/toolbox` })
    throw new DaytonaNotFoundError(`no route ${method} ${pathname}: the API is under /api and the toolbox under /toolbox`, 404, undefined, 'NOT_FOUND')
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://localhost')
    const area: ErrorArea = url.pathname.startsWith('/toolbox/') ? 'toolbox' : 'api'
    dispatch(req, res, method, url).then(
      (reply) => {
        if (reply && !res.headersSent) sendJson(res, reply.status, reply.body)
      },
      (error: unknown) => {
        const body = errorBody(error, method, url.pathname, area)
        if (body.statusCode >= 500 && body.code === 'INTERNAL') {
          options.log?.(`${method} ${url.pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
        }
        if (res.headersSent) {
          // A streamed answer broke half-way: all we can do is cut it.
          res.destroy()
          return
        }
        // A body we stopped reading (a limit hit, a malformed upload): answer, then drain the rest.
        const unread = !req.complete
        sendJson(res, body.statusCode, body, unread ? { Connection: 'close' } : {})
        if (unread) req.resume()
      },
    )
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://localhost')
    try {
      authorize(req)
      const interpreter = INTERPRETER_PATH.exec(url.pathname)
      if (interpreter) {
        const sandbox = engine.get(decode(interpreter[1] ?? ''))
        wss.handleUpgrade(req, socket, head, (ws) => serveInterpreter(ws, sandbox))
        return
      }
      const m = LOGS_PATH.exec(url.pathname)
      if (!m) {
        throw url.pathname.startsWith('/toolbox/')
          ? notServed(`daylite serve does not serve a WebSocket at ${url.pathname} (yet)`)
          : new DaytonaNotFoundError(`no WebSocket at ${url.pathname}: daylite serve has no event stream; every lifecycle call answers with its final state`, 404, undefined, 'NOT_FOUND')
      }
      const sandbox = engine.get(decode(m[1] ?? ''))
      const sessionId = decode(m[2] ?? '')
      const commandId = decode(m[3] ?? '')
      // 404 before the upgrade when the command does not exist.
      Promise.resolve()
        .then(() => sandbox.getSessionCommand(sessionId, commandId))
        .then(
          () =>
            wss.handleUpgrade(req, socket, head, (ws) => {
              void streamCommandLogs(ws, sandbox, sessionId, commandId)
            }),
          (error: unknown) => {
            const body = errorBody(error, 'GET', url.pathname, 'toolbox')
            refuseUpgrade(socket, body.statusCode, body)
          },
        )
    } catch (error) {
      const body = errorBody(error, 'GET', url.pathname, url.pathname.startsWith('/toolbox/') ? 'toolbox' : 'api')
      refuseUpgrade(socket, body.statusCode, body)
    }
  }

  const server: Server = createHttpServer(onRequest)
  server.on('upgrade', onUpgrade)
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch(async (error: unknown) => {
    if (ownsEngine) await engine.dispose()
    throw error
  })
  const port = (server.address() as AddressInfo).port
  origin = `http://${formatHost(host)}:${port}`

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      if (ownsEngine) await engine.dispose()
    })()
    return closing
  }

  return {
    url: origin,
    apiUrl: `${origin}/api`,
    port,
    engine,
    close,
    [Symbol.asyncDispose]: close,
  }
}
