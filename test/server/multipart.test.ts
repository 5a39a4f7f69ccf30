/**
 * The multipart parser and writer on their own: every chunking of a body parses the same, the
 * writer's output reads back, malformed bodies are 400s.
 */
import { describe, expect, it } from 'vitest'
import { SandboxError } from '../../src/engine/errors.js'
import { PART_END, boundaryOf, closingDelimiter, newBoundary, parseMultipart, partHeader, type PartInfo } from '../../src/server/multipart.js'

interface Parsed {
  part: PartInfo
  data: string
}

async function parse(chunks: Buffer[], boundary: string): Promise<Parsed[]> {
  async function* source(): AsyncGenerator<Buffer> {
    for (const c of chunks) yield c
  }
  const out: Parsed[] = []
  let current: Parsed | undefined
  for await (const e of parseMultipart(source(), boundary)) {
    if (e.type === 'part') current = { part: e.part, data: '' }
    else if (e.type === 'data' && current) current.data += e.chunk.toString('latin1')
    else if (e.type === 'end' && current) out.push(current)
  }
  return out
}

const B = 'XyZ--boundary'
const body = Buffer.from(
  [
    'preamble to ignore',
    `--${B}`,
    'Content-Disposition: form-data; name="files[0].path"',
    '',
    'dir/a.txt',
    `--${B}`,
    'Content-Disposition: form-data; name="files[0].file"; filename="a.txt"',
    'Content-Type: application/octet-stream',
    '',
    `line1\r\n--${B.slice(0, 5)} not a boundary\r\n--`,
    `--${B}`,
    `Content-Disposition: form-data; name="files[1].file"; filename*=UTF-8''%C3%BC%20x.txt`,
    '',
    '',
    `--${B}--`,
    'epilogue',
  ].join('\r\n'),
  'latin1',
)

describe('parseMultipart', () => {
  it('parses fields, files, boundary look-alikes, empty bodies and RFC 5987 names, however the body is chunked', async () => {
    const whole = await parse([body], B)
    expect(whole).toEqual([
      { part: { name: 'files[0].path' }, data: 'dir/a.txt' },
      { part: { name: 'files[0].file', filename: 'a.txt', contentType: 'application/octet-stream' }, data: `line1\r\n--${B.slice(0, 5)} not a boundary\r\n--` },
      { part: { name: 'files[1].file', filename: 'ü x.txt' }, data: '' },
    ])
    for (const size of [1, 2, 3, 7, 16, 31]) {
      const chunks: Buffer[] = []
      for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size))
      expect(await parse(chunks, B), `chunk size ${size}`).toEqual(whole)
    }
    for (let split = 1; split < body.length; split++) {
      expect(await parse([body.subarray(0, split), body.subarray(split)], B)).toEqual(whole)
    }
  })

  it('rejects truncated and malformed bodies with a 400', async () => {
    const truncated = body.subarray(0, body.indexOf('files[1]'))
    await expect(parse([truncated], B)).rejects.toBeInstanceOf(SandboxError)
    await expect(parse([truncated], B)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const noName = Buffer.from(`--${B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${B}--\r\n`)
    await expect(parse([noName], B)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const hugeHeaders = Buffer.from(`--${B}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\nx\r\n--${B}--\r\n`)
    await expect(parse([hugeHeaders], B)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('reads the boundary from a content type', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc')
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b')
    expect(boundaryOf('application/json')).toBeUndefined()
    expect(boundaryOf(undefined)).toBeUndefined()
  })
})

describe('the multipart writer', () => {
  // Its output is read by the SDK's busboy in test/server/sdk.test.ts (downloadFiles with quoted
  // and non-ASCII names); here our own parser reads it back.
  it('writes parts whose file names (quotes, backslashes, non-ASCII) read back exactly', async () => {
    const boundary = newBoundary()
    const names = ['plain.txt', 'dir/with "quotes" and \\slash.txt', 'ünï cödé/✓.bin']
    const pieces: Buffer[] = []
    for (const [i, name] of names.entries()) {
      const data = Buffer.from(`content ${i}`)
      pieces.push(partHeader(boundary, { name: i === 1 ? 'error' : 'file', filename: name, contentType: 'application/octet-stream', contentLength: data.length }), data, PART_END)
    }
    pieces.push(closingDelimiter(boundary))
    const parsed = await parse([Buffer.concat(pieces)], boundary)
    expect(parsed.map((p) => [p.part.name, p.part.filename, p.data])).toEqual(names.map((n, i) => [i === 1 ? 'error' : 'file', n, `content ${i}`]))
    expect(Buffer.concat(pieces).toString('latin1')).toContain('Content-Length: 9\r\n')
  })
})
