/**
 * `multipart/form-data` in both directions, streaming, with no dependency.
 *
 * - {@link parseMultipart} reads a request body chunk by chunk and yields a part's headers, then its
 *   data as it arrives, then its end. It holds at most one chunk plus a boundary's length of
 *   look-behind; the consumer decides what to keep (and can stop early). Pausing the consumer
 *   pauses the reads, so a slow sandbox write applies back-pressure to the client.
 * - {@link partHeader} and {@link closingDelimiter} write a response part by part (bulk download),
 *   with a `Content-Length` per part (the Daytona SDK reads it for progress).
 */
import { randomBytes } from 'node:crypto'
import { badRequest } from './errors.js'

/** The headers of one part that matter for form data. */
export interface PartInfo {
  /** The form field name (`files[0].path`, `files[0].file`…). */
  name: string
  /** The file name, when the part is a file. */
  filename?: string
  contentType?: string
}

/** What {@link parseMultipart} yields, in order: `part`, any number of `data`, `end`; repeated. */
export type MultipartEvent = { type: 'part'; part: PartInfo } | { type: 'data'; chunk: Buffer } | { type: 'end' }

/** Limits of the parser. */
export interface MultipartLimits {
  /** Largest header block of one part. */
  maxHeaderBytes: number
  /** Most parts in one body. */
  maxParts: number
}

const DEFAULT_LIMITS: MultipartLimits = { maxHeaderBytes: 16 * 1024, maxParts: 100_000 }

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

/** The boundary of a `multipart/form-data` content type, or `undefined`. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = m?.[1] ?? m?.[2]
  return boundary && boundary.length <= 200 ? boundary : undefined
}

/**
 * Parses a multipart body. Throws a 400 (`INVALID_ARGUMENT`) for a malformed body: a header
 * block that is too large or unterminated, a part without a name, a body that ends mid-part.
 */
export async function* parseMultipart(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  boundary: string,
  limits: Partial<MultipartLimits> = {},
): AsyncGenerator<MultipartEvent> {
  const { maxHeaderBytes, maxParts } = { ...DEFAULT_LIMITS, ...limits }
  // Every delimiter, including the first, is CRLF "--" boundary: a virtual CRLF before the body
  // lets the first one match like the rest.
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  let buf: Buffer = Buffer.from(CRLF)
  let state: 'preamble' | 'boundary' | 'headers' | 'body' | 'done' = 'preamble'
  let parts = 0

  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
    if (state === 'done') continue // the epilogue is ignored
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
    for (;;) {
      if (state === 'preamble') {
        const i = buf.indexOf(delimiter)
        if (i < 0) {
          buf = buf.subarray(Math.max(0, buf.length - (delimiter.length - 1)))
          break
        }
        buf = buf.subarray(i + delimiter.length)
        state = 'boundary'
      } else if (state === 'boundary') {
        // After a delimiter: "--" ends the body; otherwise optional whitespace, then CRLF.
        if (buf.length < 2) break
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done'
          buf = Buffer.alloc(0)
          break
        }
        const eol = buf.indexOf(CRLF)
        if (eol < 0) {
          if (buf.length > 256) throw badRequest('malformed multipart body: junk after a boundary')
          break
        }
        if (buf.subarray(0, eol).toString('latin1').trim() !== '') throw badRequest('malformed multipart body: junk after a boundary')
        buf = buf.subarray(eol + 2)
        state = 'headers'
      } else if (state === 'headers') {
        const end = buf.indexOf(HEADER_END)
        // A part with no headers at all starts with the blank line directly.
        const empty = buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a
        if (end < 0 && !empty) {
          if (buf.length > maxHeaderBytes) throw badRequest(`multipart part headers are larger than ${maxHeaderBytes} bytes`)
          break
        }
        const headerBytes = empty ? 0 : end
        if (headerBytes > maxHeaderBytes) throw badRequest(`multipart part headers are larger than ${maxHeaderBytes} bytes`)
        if (++parts > maxParts) throw badRequest(`a multipart body may have at most ${maxParts} parts`)
        const part = parsePartHeaders(empty ? '' : buf.subarray(0, end).toString('utf8'))
        buf = buf.subarray(empty ? 2 : end + HEADER_END.length)
        state = 'body'
        yield { type: 'part', part }
      } else if (state === 'body') {
        const i = buf.indexOf(delimiter)
        if (i < 0) {
          // Keep what could be the start of a delimiter; hand out the rest.
          const safe = buf.length - (delimiter.length - 1)
          if (safe > 0) {
            const data = buf.subarray(0, safe)
            buf = buf.subarray(safe)
            yield { type: 'data', chunk: data }
          }
          break
        }
        if (i > 0) yield { type: 'data', chunk: buf.subarray(0, i) }
        buf = buf.subarray(i + delimiter.length)
        state = 'boundary'
        yield { type: 'end' }
      } else {
        break
      }
    }
  }
  if (state !== 'done') throw badRequest('malformed multipart body: it ends before the closing boundary')
}

/** Reads the part's `Content-Disposition` name/filename and its `Content-Type`. */
function parsePartHeaders(block: string): PartInfo {
  let disposition: string | undefined
  let contentType: string | undefined
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key === 'content-disposition') disposition = value
    else if (key === 'content-type') contentType = value
  }
  if (disposition === undefined) throw badRequest('malformed multipart body: a part has no Content-Disposition header')
  const params = parseParams(disposition)
  const name = params.name
  if (name === undefined) throw badRequest('malformed multipart body: a part has no field name')
  const info: PartInfo = { name }
  const filename = params['filename*'] ?? params.filename
  if (filename !== undefined) info.filename = filename
  if (contentType !== undefined) info.contentType = contentType
  return info
}

/** Parameters of a header value like `form-data; name="a"; filename="b"` (quoted-string escapes, RFC 5987 `*`). */
function parseParams(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  let i = value.indexOf(';')
  if (i < 0) return out
  while (i < value.length) {
    while (i < value.length && (value[i] === ';' || value[i] === ' ' || value[i] === '\t')) i++
    const eq = value.indexOf('=', i)
    if (eq < 0) break
    const key = value.slice(i, eq).trim().toLowerCase()
    i = eq + 1
    let v = ''
    if (value[i] === '"') {
      i++
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i++
        v += value[i]
        i++
      }
      i++ // closing quote
    } else {
      const end = value.indexOf(';', i)
      v = value.slice(i, end < 0 ? value.length : end).trim()
      i = end < 0 ? value.length : end
    }
    if (key.endsWith('*')) {
      // charset'lang'percent-encoded
      const m = /^([^']*)'[^']*'(.*)$/.exec(v)
      if (m) {
        try {
          v = decodeURIComponent(m[2] ?? '')
        } catch {
          // keep the raw value
        }
      }
    }
    if (!(key in out)) out[key] = v
  }
  return out
}

/** A fresh random boundary. */
export function newBoundary(): string {
  return `daylite-${randomBytes(12).toString('hex')}`
}

/** `filename="…"` for plain ASCII names, RFC 5987 `filename*=UTF-8''…` for anything else. */
function filenameParam(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename)) return `filename="${filename.replace(/["\\]/g, '\\$&')}"`
  return `filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}

/** The delimiter and headers that open a part (its body follows, then CRLF). */
export function partHeader(boundary: string, part: { name: string; filename?: string; contentType?: string; contentLength?: number }): Buffer {
  let text = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`
  if (part.filename !== undefined) text += `; ${filenameParam(part.filename)}`
  text += '\r\n'
  if (part.contentType !== undefined) text += `Content-Type: ${part.contentType}\r\n`
  if (part.contentLength !== undefined) text += `Content-Length: ${part.contentLength}\r\n`
  return Buffer.from(`${text}\r\n`)
}

/** What ends a part's body. */
export const PART_END: Buffer = Buffer.from(CRLF)

/** The closing delimiter of the whole body. */
export function closingDelimiter(boundary: string): Buffer {
  return Buffer.from(`--${boundary}--\r\n`)
}
