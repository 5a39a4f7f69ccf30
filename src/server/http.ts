/**
 * The few HTTP pieces the server needs, on Node's `http` with no framework: a path router with
 * `:params`, JSON bodies with a size cap, JSON answers, query-string readers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import { badRequest } from './errors.js'

/** What a route handler gets. */
export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  /** Decoded `:params` of the route. */
  params: Record<string, string>
  query: URLSearchParams
  /** The path after the area prefix (`/sandbox/…` or `/process/…`). */
  path: string
  /** `http://host:port` as the client addressed this server. */
  origin: string
}

/** A handler answers with a status and a JSON body, or `undefined` after writing `res` itself. */
export type Handler<C extends RequestContext = RequestContext> = (ctx: C) => Promise<Reply | undefined> | Reply | undefined

/** A JSON answer. `body: undefined` sends an empty body. */
export interface Reply {
  status: number
  body?: unknown
}

/** A JSON answer with status 200 (or `status`). */
export function ok(body?: unknown, status = 200): Reply {
  return { status, body }
}

interface Route<C extends RequestContext> {
  method: string
  pattern: RegExp
  names: string[]
  handler: Handler<C>
}

/** Routes `METHOD /path/:param/…` to handlers. */
export class Router<C extends RequestContext = RequestContext> {
  #routes: Route<C>[] = []

  /** Adds a route; `:name` matches one path segment (URL-decoded), `*name` the rest of the path. */
  add(method: string, template: string, handler: Handler<C>): this {
    const names: string[] = []
    const source = template
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          names.push(seg.slice(1))
          return '([^/]+)'
        }
        if (seg.startsWith('*')) {
          names.push(seg.slice(1))
          return '(.*)'
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('/')
    this.#routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler })
    return this
  }

  /** The handler and params for `method path`, if a route matches. */
  match(method: string, path: string): { handler: Handler<C>; params: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue
      const m = route.pattern.exec(path)
      if (!m) continue
      const params: Record<string, string> = {}
      for (const [i, name] of route.names.entries()) params[name] = decodeSegment(m[i + 1] ?? '')
      return { handler: route.handler, params }
    }
    return undefined
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw badRequest(`malformed URL segment ${JSON.stringify(segment)}`)
  }
}

/**
 * The chunks of a request body. Unlike `for await (… of req)`, leaving the loop early (a limit
 * hit, a malformed body) does not destroy the socket, so the error answer still reaches the
 * client; the caller then drains the rest with `req.resume()`.
 */
export async function* bodyChunks(req: IncomingMessage): AsyncGenerator<Buffer> {
  let ended = req.readableEnded
  let failed: Error | undefined
  let notify: (() => void) | undefined
  const wake = (): void => notify?.()
  const onEnd = (): void => {
    ended = true
    wake()
  }
  const onError = (error: Error): void => {
    failed = error
    wake()
  }
  const onClose = (): void => {
    if (!ended && !req.complete) failed ??= new Error('the client closed the connection before the body ended')
    wake()
  }
  req.on('readable', wake)
  req.on('end', onEnd)
  req.on('error', onError)
  req.on('close', onClose)
  try {
    for (;;) {
      let chunk: unknown
      while ((chunk = req.read()) !== null) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      if (failed) throw failed
      if (ended) return
      await new Promise<void>((resolve) => {
        notify = resolve
      })
      notify = undefined
    }
  } finally {
    req.off('readable', wake)
    req.off('end', onEnd)
    req.off('error', onError)
    req.off('close', onClose)
  }
}

/** Largest JSON body accepted (a command is at most 1 MiB by default; replace can carry more). */
export const MAX_JSON_BYTES = 32 * 1024 * 1024

/** Reads a JSON body (`undefined` when empty). */
export async function readJson(req: IncomingMessage, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of bodyChunks(req)) {
    total += chunk.byteLength
    if (total > maxBytes) {
      throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `request body is larger than ${maxBytes} bytes`, { limit: maxBytes })
    }
    chunks.push(chunk)
  }
  if (total === 0) return undefined
  const text = Buffer.concat(chunks, total).toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw badRequest('request body is not valid JSON')
  }
}

/** Reads a JSON object body; `{}` when empty. */
export async function readObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readJson(req)
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body must be a JSON object')
  return body as Record<string, unknown>
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Length': '0', ...headers })
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), ...headers })
  res.end(text)
}

/** Writes `chunk`, waiting for the socket to drain when Node asks us to. */
export function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.write(chunk)) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      res.off('drain', onDrain)
      res.off('close', onClose)
      if (error) reject(error)
      else resolve()
    }
    const onDrain = (): void => done()
    const onClose = (): void => done(new Error('client closed the connection'))
    res.once('drain', onDrain)
    res.once('close', onClose)
  })
}

/** A query parameter as a string (`undefined` when absent). */
export function queryString(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name)
  return v === null ? undefined : v
}

/** A required query parameter. */
export function requiredString(query: URLSearchParams, name: string): string {
  const v = query.get(name)
  if (v === null) throw badRequest(`query parameter ${name} is required`, { parameter: name })
  return v
}

/** A boolean query parameter (`true`/`false`/`1`/`0`). */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name)
  if (v === null || v === '') return undefined
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw badRequest(`query parameter ${name} must be true or false`, { parameter: name, value: v })
}

/** A numeric query parameter. */
export function queryNumber(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) throw badRequest(`query parameter ${name} must be a number`, { parameter: name, value: v })
  return n
}

/** A date query parameter (ISO 8601). */
export function queryDate(query: URLSearchParams, name: string): Date | undefined {
  const v = query.get(name)
  if (v === null || v === '') return undefined
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) throw badRequest(`query parameter ${name} must be a date`, { parameter: name, value: v })
  return d
}

/** A repeated query parameter (`states=a&states=b`); also accepts a comma-separated value. */
export function queryList(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name).flatMap((v) => v.split(',')).filter((v) => v !== '')
  return values.length > 0 ? values : undefined
}

/** An integer path parameter. */
export function intParam(value: string | undefined, name: string): number {
  const n = Number(value)
  if (value === undefined || value === '' || !Number.isInteger(n)) throw badRequest(`${name} must be an integer`, { [name]: value })
  return n
}

/** An optional string field of a JSON body. */
export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`, { field: name })
  return v
}

/** An optional number field of a JSON body. */
export function optionalNumber(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${name} must be a number`, { field: name })
  return v
}

/** An optional object-of-strings field of a JSON body. */
export function optionalRecord(body: Record<string, unknown>, name: string): Record<string, string> | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${name} must be an object of strings`, { field: name })
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') throw badRequest(`${name}.${k} must be a string`, { field: name, key: k })
  }
  return v as Record<string, string>
}

/** A required string field of a JSON body. */
export function requiredField(body: Record<string, unknown>, name: string): string {
  const v = body[name]
  if (typeof v !== 'string') throw badRequest(`${name} must be a string`, { field: name })
  return v
}

/** An optional boolean field of a JSON body. */
export function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') throw badRequest(`${name} must be true or false`, { field: name })
  return v
}

/** An array-of-strings field of a JSON body (`undefined` when absent and not `required`). */
export function stringArray(body: Record<string, unknown>, name: string, required: true): string[]
export function stringArray(body: Record<string, unknown>, name: string, required?: false): string[] | undefined
export function stringArray(body: Record<string, unknown>, name: string, required = false): string[] | undefined {
  const v = body[name]
  if ((v === undefined || v === null) && !required) return undefined
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badRequest(`${name} must be an array of strings`, { field: name })
  return v as string[]
}
