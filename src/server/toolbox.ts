/**
 * Daytona's toolbox (the in-sandbox daemon's API), relative to `{toolboxProxyUrl}/{sandboxId}`,
 * translated onto one sandbox's host: commands, sessions (with the WebSocket log stream), files
 * (with multipart bulk upload and download), git (in `git.ts`), info and env.
 */
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { DownloadItem } from '../engine/protocol.js'
import type { SandboxBackend } from '../engine/backend.js'
import { badRequest, describeError, notServed } from './errors.js'
import { addGitRoutes } from './git.js'
import {
  Router,
  bodyChunks,
  ok,
  optionalNumber,
  optionalRecord,
  optionalString,
  queryBool,
  queryNumber,
  queryString,
  readObject,
  requiredString,
  write,
  type Reply,
  type RequestContext,
} from './http.js'
import { PART_END, boundaryOf, closingDelimiter, newBoundary, parseMultipart, partHeader } from './multipart.js'

/** A toolbox request: the sandbox it is for comes resolved. */
export interface ToolboxContext extends RequestContext {
  host: SandboxBackend
}

/** Marks the bytes that follow as stdout in a session log stream. */
export const STDOUT_MARKER: Buffer = Buffer.from([0x01, 0x01, 0x01])
/** Marks the bytes that follow as stderr in a session log stream. */
export const STDERR_MARKER: Buffer = Buffer.from([0x02, 0x02, 0x02])

/** Largest non-file field of a multipart upload (a destination path). */
const MAX_FIELD_BYTES = 64 * 1024

function requireStarted(host: SandboxBackend): void {
  if (host.state !== 'started') {
    throw new SandboxError(SandboxErrorCode.INVALID_STATE, `sandbox ${host.id} is not running (state: ${host.state}); start it first`, { state: host.state })
  }
}

/** Seconds (Daytona's unit) → ms for the engine; 0 or absent = no deadline. */
function timeoutMs(body: Record<string, unknown>): number | undefined {
  const timeout = optionalNumber(body, 'timeout')
  if (timeout === undefined || timeout === 0) return undefined
  if (timeout < 0) throw badRequest('timeout must be a non-negative number of seconds', { timeout })
  return Math.round(timeout * 1000)
}

/** The routes under `/toolbox/{sandboxId}`. */
export function toolboxRoutes(version: string): Router<ToolboxContext> {
  const router = new Router<ToolboxContext>()

  // ── info ──────────────────────────────────────────────────────────────────────────────
  router.add('GET', '/user-home-dir', ({ host }) => {
    requireStarted(host)
    return ok({ dir: host.homeDir })
  })
  router.add('GET', '/work-dir', ({ host }) => {
    requireStarted(host)
    return ok({ dir: host.workDir })
  })
  router.add('GET', '/version', () => ok({ version }))
  router.add('POST', '/init', () => ok())
  router.add('POST', '/env', async ({ req, host }) => {
    const body = await readObject(req)
    const set = optionalRecord(body, 'set') ?? {}
    for (const k of Object.keys(set)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw badRequest(`invalid environment variable name ${JSON.stringify(k)}`, { name: k })
    }
    const unset = body.unset ?? []
    if (!Array.isArray(unset) || unset.some((k) => typeof k !== 'string')) throw badRequest('unset must be an array of variable names')
    await host.updateEnv(set, unset as string[])
    return ok()
  })
  router.add('GET', '/port', () => ok({ ports: [] }))
  router.add('GET', '/port/:port/in-use', () => ok({ isInUse: false }))

  // ── commands ──────────────────────────────────────────────────────────────────────────
  router.add('POST', '/process/execute', async ({ req, host }) => {
    const body = await readObject(req)
    const command = body.command
    if (typeof command !== 'string') throw badRequest('command must be a string')
    const reply = await host.exec({ command, cwd: optionalString(body, 'cwd'), env: optionalRecord(body, 'envs'), timeoutMs: timeoutMs(body) })
    return ok({ exitCode: reply.exitCode, result: reply.output })
  })
  router.add('POST', '/process/code-run', async ({ req, host }) => {
    const body = await readObject(req)
    const code = body.code
    if (typeof code !== 'string') throw badRequest('code must be a string')
    const argv = body.argv ?? []
    if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) throw badRequest('argv must be an array of strings')
    const reply = await host.codeRun({
      code,
      argv: argv as string[],
      env: optionalRecord(body, 'envs'),
      timeoutMs: timeoutMs(body),
      language: optionalString(body, 'language'),
    })
    return ok({ exitCode: reply.exitCode, result: reply.output })
  })

  // ── sessions ──────────────────────────────────────────────────────────────────────────
  router.add('POST', '/process/session', async ({ req, host }) => {
    const body = await readObject(req)
    const sessionId = body.sessionId
    if (typeof sessionId !== 'string') throw badRequest('sessionId must be a string')
    await host.createSession(sessionId)
    return ok(undefined, 201)
  })
  router.add('GET', '/process/session', async ({ host }) => ok(await host.listSessions()))
  router.add('GET', '/process/session/entrypoint', () => {
    throw notServed('daylite sandboxes have no entrypoint process')
  })
  router.add('GET', '/process/session/entrypoint/logs', () => {
    throw notServed('daylite sandboxes have no entrypoint process')
  })
  router.add('GET', '/process/session/:sid', async ({ host, params }) => ok(await host.getSession(params.sid ?? '')))
  router.add('DELETE', '/process/session/:sid', async ({ host, params }) => {
    await host.deleteSession(params.sid ?? '')
    return ok(undefined, 204)
  })
  router.add('POST', '/process/session/:sid/exec', async ({ req, host, params }) => {
    const body = await readObject(req)
    const command = body.command
    if (typeof command !== 'string') throw badRequest('command must be a string')
    const runAsync = body.runAsync === true || body.async === true
    const reply = await host.sessionExec(params.sid ?? '', command, { runAsync, timeoutMs: timeoutMs(body) })
    if (runAsync) return ok({ cmdId: reply.cmdId }, 202)
    return ok({ cmdId: reply.cmdId, output: reply.output ?? '', stdout: reply.stdout ?? '', stderr: reply.stderr ?? '', exitCode: reply.exitCode })
  })
  router.add('GET', '/process/session/:sid/command/:cid', async ({ host, params }) => ok(await host.getSessionCommand(params.sid ?? '', params.cid ?? '')))
  router.add('GET', '/process/session/:sid/command/:cid/logs', async ({ host, params }) => ok(await host.getCommandLogs(params.sid ?? '', params.cid ?? '')))
  router.add('POST', '/process/session/:sid/command/:cid/input', async ({ req, host, params }) => {
    const body = await readObject(req)
    const command = await host.getSessionCommand(params.sid ?? '', params.cid ?? '')
    if (typeof body.data !== 'string') throw badRequest('data must be a string')
    if (command.exitCode !== undefined) {
      throw new SandboxError(SandboxErrorCode.INVALID_STATE, `command ${command.id} already completed`, { commandId: command.id })
    }
    if (host.sendSessionCommandInput) {
      await host.sendSessionCommandInput(params.sid ?? '', command.id, body.data)
      return ok()
    }
    throw notServed(
      'interactive input to a running command is not supported by the in-process shell; pipe the input into the command instead, or use the remote fallback',
    )
  })

  // ── files ─────────────────────────────────────────────────────────────────────────────
  router.add('GET', '/files', async ({ host, query }) => {
    const depth = queryNumber(query, 'depth')
    return ok(await host.fs({ op: 'list', path: queryString(query, 'path') ?? '', depth }))
  })
  router.add('GET', '/files/info', async ({ host, query }) => ok(await host.fs({ op: 'info', path: requiredString(query, 'path') })))
  router.add('POST', '/files/folder', async ({ host, query }) => {
    await host.fs({ op: 'mkdir', path: requiredString(query, 'path'), mode: queryString(query, 'mode') })
    return ok(undefined, 201)
  })
  router.add('DELETE', '/files', async ({ host, query }) => {
    await host.fs({ op: 'delete', path: requiredString(query, 'path'), recursive: queryBool(query, 'recursive') === true })
    return ok(undefined, 204)
  })
  router.add('POST', '/files/move', async ({ host, query }) => {
    await host.fs({ op: 'move', source: requiredString(query, 'source'), destination: requiredString(query, 'destination') })
    return ok()
  })
  router.add('POST', '/files/permissions', async ({ host, query }) => {
    await host.fs({
      op: 'permissions',
      path: requiredString(query, 'path'),
      mode: queryString(query, 'mode'),
      owner: queryString(query, 'owner'),
      group: queryString(query, 'group'),
    })
    return ok()
  })
  router.add('GET', '/files/search', async ({ host, query }) =>
    ok(await host.fs({ op: 'search', path: requiredString(query, 'path'), pattern: requiredString(query, 'pattern') })),
  )
  router.add('GET', '/files/find', async ({ host, query }) =>
    ok(await host.fs({ op: 'find', path: requiredString(query, 'path'), pattern: requiredString(query, 'pattern') })),
  )
  router.add('POST', '/files/replace', async ({ req, host }) => {
    const body = await readObject(req)
    const files = body.files
    if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) throw badRequest('files must be an array of paths')
    const pattern = body.pattern
    const newValue = body.newValue
    if (typeof pattern !== 'string' || typeof newValue !== 'string') throw badRequest('pattern and newValue must be strings')
    return ok(await host.fs({ op: 'replace', files: files as string[], pattern, newValue }))
  })
  router.add('POST', '/files/bulk-upload', ({ req, host }) => bulkUpload(req, host, undefined))
  router.add('POST', '/files/upload', ({ req, host, query }) => bulkUpload(req, host, requiredString(query, 'path')))
  router.add('POST', '/files/bulk-download', (ctx) => bulkDownload(ctx))
  router.add('GET', '/files/download', (ctx) => download(ctx))

  // ── code interpreter (the execute WebSocket is in index.ts) ──────────────────────────────
  router.add('POST', '/process/interpreter/context', async ({ req, host }) => {
    const body = await readObject(req)
    return ok(await host.createContext(optionalString(body, 'cwd')))
  })
  router.add('GET', '/process/interpreter/context', async ({ host }) => ok({ contexts: await host.listContexts() }))
  router.add('DELETE', '/process/interpreter/context/:id', async ({ host, params }) => {
    await host.deleteContext(params.id ?? '')
    return ok({ message: 'context deleted' })
  })

  // ── git (src/server/git.ts) ────────────────────────────────────────────────────────────
  addGitRoutes(router)

  // ── not served yet ────────────────────────────────────────────────────────────────────
  const later = (what: string) => () => {
    throw notServed(what)
  }
  for (const method of ['GET', 'POST', 'DELETE']) {
    router.add(method, '/process/pty', later('PTY sessions are not available in daylite yet'))
    router.add(method, '/process/pty/*rest', later('PTY sessions are not available in daylite yet'))
    router.add(method, '/lsp/*rest', later('language servers are not available in daylite'))
    router.add(method, '/computeruse/*rest', later('computer use needs a desktop; it is remote-only'))
  }
  return router
}

/**
 * `POST /files/bulk-upload`: for each file i, a field `files[i].path` (the destination) and a file
 * part `files[i].file`. Each file is written to the sandbox as soon as its part ends, so the server
 * holds one file at a time, and no file may exceed the sandbox's `maxFileBytes`.
 * With `singlePath` (the legacy `POST /files/upload?path=`), the one file part goes there.
 */
async function bulkUpload(req: IncomingMessage, host: SandboxBackend, singlePath: string | undefined): Promise<Reply> {
  const boundary = boundaryOf(req.headers['content-type'])
  if (!boundary) throw badRequest('expected a multipart/form-data body with a boundary')
  requireStarted(host)
  const maxFileBytes = host.limits().maxFileBytes
  const destinations = new Map<string, string>()
  /** Files whose destination field had not arrived when they ended. */
  const pending = new Map<string, { data: Uint8Array; filename?: string }>()
  type Current = { kind: 'field'; index: string; chunks: Buffer[]; size: number } | { kind: 'file'; index: string; filename?: string; chunks: Buffer[]; size: number } | { kind: 'skip' }
  let current: Current = { kind: 'skip' }
  let files = 0
  const upload = async (path: string, data: Uint8Array): Promise<void> => {
    await host.fs({ op: 'upload', files: [{ path, data }] })
    files++
  }
  for await (const event of parseMultipart(bodyChunks(req), boundary)) {
    if (event.type === 'part') {
      const m = /^files\[(\d+)\]\.(path|file)$/.exec(event.part.name)
      if (singlePath !== undefined && event.part.filename !== undefined) {
        current = { kind: 'file', index: 'single', filename: event.part.filename, chunks: [], size: 0 }
      } else if (!m) {
        current = { kind: 'skip' }
      } else if (m[2] === 'path') {
        current = { kind: 'field', index: m[1] ?? '', chunks: [], size: 0 }
      } else {
        current = { kind: 'file', index: m[1] ?? '', filename: event.part.filename, chunks: [], size: 0 }
      }
    } else if (event.type === 'data') {
      if (current.kind === 'skip') continue
      current.size += event.chunk.byteLength
      if (current.kind === 'field' && current.size > MAX_FIELD_BYTES) throw badRequest(`multipart field files[${current.index}].path is longer than ${MAX_FIELD_BYTES} bytes`)
      if (current.kind === 'file' && current.size > maxFileBytes) {
        throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `file ${current.filename ?? current.index} is larger than the sandbox's upload limit of ${maxFileBytes} bytes`, {
          limit: maxFileBytes,
        })
      }
      current.chunks.push(event.chunk)
    } else {
      if (current.kind === 'field') {
        const path = Buffer.concat(current.chunks, current.size).toString('utf8')
        destinations.set(current.index, path)
        const waiting = pending.get(current.index)
        if (waiting) {
          pending.delete(current.index)
          await upload(path, waiting.data)
        }
      } else if (current.kind === 'file') {
        const data = ownedBytes(current.chunks, current.size)
        const path = singlePath ?? destinations.get(current.index)
        if (path !== undefined) await upload(path, data)
        else pending.set(current.index, { data, filename: current.filename })
      }
      current = { kind: 'skip' }
    }
  }
  for (const [index, { data, filename }] of pending) {
    if (filename === undefined || filename === '') throw badRequest(`files[${index}].file has no destination: send files[${index}].path`)
    await upload(filename, data)
  }
  if (singlePath !== undefined && files === 0) throw badRequest('the multipart body has no file part')
  return ok()
}

/** The chunks in one new buffer of their own (the engine transfers it to the kernel worker). */
function ownedBytes(chunks: Buffer[], size: number): Uint8Array {
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

async function downloadOne(host: SandboxBackend, path: string): Promise<DownloadItem> {
  const [item] = await host.fs({ op: 'download', paths: [path] })
  if (!item) throw new SandboxError(SandboxErrorCode.INTERNAL, `no data for ${path}`)
  return item
}

/** The error part body of a per-file failure, as the Daytona daemon writes it. */
function errorPart(code: string, message: string): string {
  const { statusCode } = describeError(new SandboxError(code as SandboxErrorCode, message))
  return JSON.stringify({ message, statusCode, code, source: 'DAYTONA_DAEMON' })
}

/**
 * `POST /files/bulk-download {paths}`: a multipart response, one part per path in the order asked,
 * `name="file"` with the bytes or `name="error"` with a JSON error; `filename` echoes the path as
 * requested. Files are read one at a time, and written with back-pressure.
 */
async function bulkDownload({ req, res, host }: ToolboxContext): Promise<undefined> {
  const body = await readObject(req)
  const paths = body.paths
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) throw badRequest('paths must be an array of strings')
  requireStarted(host)
  const boundary = newBoundary()
  // The first read happens before the status line, so a sandbox-level failure is still a JSON error.
  let next: DownloadItem | undefined = paths.length > 0 ? await downloadOne(host, paths[0] as string) : undefined
  res.writeHead(200, { 'Content-Type': `multipart/form-data; boundary=${boundary}` })
  for (const path of paths as string[]) {
    let item: DownloadItem
    try {
      item = next ?? (await downloadOne(host, path))
    } catch (error) {
      const e = describeError(error)
      item = { path, error: { code: e.code, message: e.message } }
    }
    next = undefined
    if ('error' in item) {
      const json = Buffer.from(errorPart(item.error.code, item.error.message))
      await write(res, partHeader(boundary, { name: 'error', filename: path, contentType: 'application/json', contentLength: json.byteLength }))
      await write(res, json)
    } else {
      const data = Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength)
      await write(res, partHeader(boundary, { name: 'file', filename: path, contentType: 'application/octet-stream', contentLength: data.byteLength }))
      await write(res, data)
    }
    await write(res, PART_END)
  }
  res.end(closingDelimiter(boundary))
  return undefined
}

/** `GET /files/download?path=`: the file's bytes. */
async function download({ res, host, query }: ToolboxContext): Promise<undefined> {
  const path = requiredString(query, 'path')
  requireStarted(host)
  const item = await downloadOne(host, path)
  if ('error' in item) throw new SandboxError(item.error.code as SandboxErrorCode, item.error.message, { path })
  const name = path.split('/').pop() ?? 'file'
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(item.data.byteLength),
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
  })
  res.end(Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength))
  return undefined
}

/**
 * Streams a session command's logs over a WebSocket (`…/logs?follow=true`): what was written so
 * far, then live, each chunk as one binary frame led by the 3-byte stdout or stderr marker; the
 * socket closes (1000) when the command ends.
 */
export async function streamCommandLogs(ws: WebSocket, host: SandboxBackend, sessionId: string, commandId: string): Promise<void> {
  const send = (marker: Buffer, text: string): void => {
    if (ws.readyState !== ws.OPEN || text === '') return
    ws.send(Buffer.concat([marker, Buffer.from(text, 'utf8')]), { binary: true })
  }
  try {
    await host.followCommandLogs(sessionId, commandId, (t) => send(STDOUT_MARKER, t), (t) => send(STDERR_MARKER, t))
    if (ws.readyState === ws.OPEN) ws.close(1000)
  } catch (error) {
    if (ws.readyState === ws.OPEN) ws.close(1011, describeError(error).message.slice(0, 120))
  }
}

/** Answers a JSON error on a raw socket (an upgrade we refuse). */
export function refuseUpgrade(socket: import('node:stream').Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  const reason = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  )
}

/**
 * Runs one `codeInterpreter.runCode` over its WebSocket (Daytona's protocol): the client's first
 * text frame is `{code, contextId?, envs?, timeout?}`; we answer with `stdout`/`stderr` frames as
 * the code writes, an `error` frame for a Python exception, then `{"type":"control","text":"completed"}`
 * and close 1000. A timeout closes with 4008 (the SDK raises DaytonaTimeoutError); other failures
 * with 1011 and the message.
 */
export function serveInterpreter(ws: WebSocket, host: SandboxBackend): void {
  const frame = (value: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(value))
  }
  ws.once('message', (data, isBinary) => {
    void (async () => {
      try {
        if (isBinary) throw badRequest('send the request as a JSON text frame')
        let request: unknown
        try {
          request = JSON.parse(String(data))
        } catch {
          throw badRequest('the request frame is not JSON')
        }
        if (typeof request !== 'object' || request === null) throw badRequest('the request must be a JSON object')
        const body = request as Record<string, unknown>
        if (typeof body.code !== 'string') throw badRequest('code must be a string')
        const timeout = body.timeout === undefined || body.timeout === null ? 600 : body.timeout
        if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) throw badRequest('timeout must be a non-negative number of seconds')
        const result = await host.runCode({
          code: body.code,
          ...(typeof body.contextId === 'string' ? { contextId: body.contextId } : {}),
          ...(body.envs !== undefined ? { envs: optionalRecord(body, 'envs') ?? {} } : {}),
          ...(timeout > 0 ? { timeoutMs: Math.round(timeout * 1000) } : {}),
          onStdout: (text) => frame({ type: 'stdout', text }),
          onStderr: (text) => frame({ type: 'stderr', text }),
        })
        if (result.error) frame({ type: 'error', ...result.error })
        frame({ type: 'control', text: 'completed' })
        if (ws.readyState === ws.OPEN) ws.close(1000)
      } catch (error) {
        const timedOut = error instanceof SandboxError && error.code === SandboxErrorCode.TIMEOUT
        if (ws.readyState === ws.OPEN) ws.close(timedOut ? 4008 : 1011, describeError(error).message.slice(0, 120))
      }
    })()
  })
}
