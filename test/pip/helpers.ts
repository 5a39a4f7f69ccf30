/**
 * Test support for pip: wheels built from the fixture sources in `fixtures/` (a small zip writer
 * over node:zlib), and a package index on 127.0.0.1 that serves them through the simple API
 * (PEP 691 JSON under /simple, PEP 503 HTML under /html) and logs every request.
 */
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { crc32, deflateRawSync } from 'node:zlib'

export const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url))

/** One file for {@link zip}. */
export interface ZipInput {
  name: string
  data: Uint8Array
  /** Unix mode (stored in the external attributes). */
  mode?: number
  /** Store instead of deflate. */
  stored?: boolean
}

/** Writes a zip archive (deflate or stored entries, Unix modes). */
export function zip(entries: ZipInput[]): Uint8Array {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const data = Buffer.from(e.data)
    const body = e.stored ? data : deflateRawSync(data)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6)
    local.writeUInt16LE(e.stored ? 0 : 8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    locals.push(local, name, body)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(e.stored ? 0 : 8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE((((e.mode ?? 0o644) | 0o100000) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return new Uint8Array(Buffer.concat([...locals, cd, end]))
}

/** What a fixture's pkg.json says. */
interface PkgJson {
  name: string
  version: string
  summary?: string
  author?: string
  license?: string
  requires?: string[]
  extras?: string[]
  entryPoints?: Record<string, Record<string, string>>
  tags?: string[]
  /** Extra files of the given size (bytes of a repeating pattern). */
  generated?: Record<string, number>
  /** The index lists a wrong sha256 for it. */
  wrongHash?: boolean
  /** Publish a source archive only. */
  sdistOnly?: boolean
  requiresPython?: string
}

/** A built distribution file and what the index says about it. */
export interface BuiltFile {
  project: string
  filename: string
  bytes: Uint8Array
  sha256: string
  /** The sha256 the index claims (differs for wrongHash fixtures). */
  listedSha256: string
  /** The wheel's METADATA, served as PEP 658 metadata next to it. */
  metadata?: Uint8Array
  requiresPython?: string
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    const rel = prefix ? `${prefix}/${n}` : n
    return statSync(p).isDirectory() ? walk(p, rel) : [rel]
  })
}

const sha256b64 = (b: Uint8Array): string => createHash('sha256').update(b).digest('base64url')
const sha256hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** Builds the wheels (or sdist) of one fixture directory `fixtures/<name>-<version>/`. */
export function buildFixture(dirName: string): BuiltFile[] {
  const dir = join(FIXTURES, dirName)
  const pkg = JSON.parse(readFileSync(join(dir, 'pkg.json'), 'utf8')) as PkgJson
  const dist = pkg.name.replace(/[-.]+/g, '_')
  const project = pkg.name.toLowerCase().replace(/[-_.]+/g, '-')
  if (pkg.sdistOnly) {
    const bytes = new Uint8Array(Buffer.from(`not really a tarball of ${pkg.name}`))
    const hash = sha256hex(bytes)
    return [{ project, filename: `${dist}-${pkg.version}.tar.gz`, bytes, sha256: hash, listedSha256: hash }]
  }
  const files: ZipInput[] = walk(dir)
    .filter((f) => f !== 'pkg.json')
    .map((f) => ({ name: f, data: new Uint8Array(readFileSync(join(dir, f))), mode: statSync(join(dir, f)).mode & 0o777 }))
  for (const [name, size] of Object.entries(pkg.generated ?? {})) {
    const data = new Uint8Array(size)
    for (let i = 0; i < size; i++) data[i] = (i * 7919) % 251
    files.push({ name, data })
  }
  const info = `${dist}-${pkg.version}.dist-info`
  const meta = [
    'Metadata-Version: 2.1',
    `Name: ${pkg.name}`,
    `Version: ${pkg.version}`,
    `Summary: ${pkg.summary ?? ''}`,
    ...(pkg.author ? [`Author: ${pkg.author}`] : []),
    ...(pkg.license ? [`License: ${pkg.license}`] : []),
    ...(pkg.requiresPython ? [`Requires-Python: ${pkg.requiresPython}`] : []),
    ...(pkg.requires ?? []).map((r) => `Requires-Dist: ${r}`),
    ...(pkg.extras ?? []).map((e) => `Provides-Extra: ${e}`),
    '',
    `The ${pkg.name} fixture.`,
    '',
  ].join('\n')
  const tags = pkg.tags ?? ['py3-none-any']
  return tags.map((tag) => {
    const entries: ZipInput[] = [...files, { name: `${info}/METADATA`, data: new Uint8Array(Buffer.from(meta)) }]
    entries.push({ name: `${info}/WHEEL`, data: new Uint8Array(Buffer.from(`Wheel-Version: 1.0\nGenerator: daylite-test\nRoot-Is-Purelib: ${tag === 'py3-none-any'}\nTag: ${tag}\n`)) })
    if (pkg.entryPoints) {
      const text = Object.entries(pkg.entryPoints)
        .map(([g, eps]) => `[${g}]\n${Object.entries(eps).map(([k, v]) => `${k} = ${v}\n`).join('')}`)
        .join('\n')
      entries.push({ name: `${info}/entry_points.txt`, data: new Uint8Array(Buffer.from(text)) })
    }
    const record = entries.map((e) => `${e.name},sha256=${sha256b64(e.data)},${e.data.length}\n`).join('') + `${info}/RECORD,,\n`
    entries.push({ name: `${info}/RECORD`, data: new Uint8Array(Buffer.from(record)) })
    const bytes = zip(entries)
    const hash = sha256hex(bytes)
    const built: BuiltFile = { project, filename: `${dist}-${pkg.version}-${tag}.whl`, bytes, sha256: hash, listedSha256: pkg.wrongHash ? '0'.repeat(64) : hash, metadata: new Uint8Array(Buffer.from(meta)) }
    if (pkg.requiresPython) built.requiresPython = pkg.requiresPython
    return built
  })
}

/** A running test index. */
export interface TestIndex {
  /** `http://127.0.0.1:PORT` */
  origin: string
  /** The JSON simple API (`origin/simple`). */
  url: string
  /** Every request path, in order. */
  requests: string[]
  files: BuiltFile[]
  close(): Promise<void>
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * Serves `files` on 127.0.0.1 (a random port):
 * - `/simple/<project>/`: PEP 691 JSON (relative file URLs, PEP 658 metadata), `/html/<project>/`: PEP 503 HTML;
 * - `/files/<filename>`: the bytes (`<wheel>.metadata`: its METADATA); `/redirect/<host>/files/<filename>`: a 302 to that host;
 * - anything else: 404.
 */
export async function startIndex(files: BuiltFile[]): Promise<TestIndex> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push(url.pathname)
    const simple = /^\/(simple|html)\/([^/]+)\/$/.exec(url.pathname)
    if (simple) {
      const project = simple[2] ?? ''
      const list = files.filter((f) => f.project === project)
      if (list.length === 0) {
        res.writeHead(404).end('not found')
        return
      }
      if (simple[1] === 'simple') {
        res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' })
        res.end(
          JSON.stringify({
            meta: { 'api-version': '1.1' },
            name: project,
            files: list.map((f) => ({
              filename: f.filename,
              url: `../../files/${f.filename}`,
              hashes: { sha256: f.listedSha256 },
              ...(f.requiresPython ? { 'requires-python': f.requiresPython } : {}),
              ...(f.metadata ? { 'core-metadata': { sha256: sha256hex(f.metadata) } } : {}),
            })),
          }),
        )
      } else {
        res.writeHead(200, { 'content-type': 'text/html' })
        const links = list.map((f) => `<a href="/files/${f.filename}#sha256=${f.listedSha256}"${f.requiresPython ? ` data-requires-python="${escapeHtml(f.requiresPython)}"` : ''}>${f.filename}</a><br/>`)
        res.end(`<!DOCTYPE html><html><body><h1>Links for ${project}</h1>${links.join('\n')}</body></html>`)
      }
      return
    }
    const redirect = /^\/redirect\/([^/]+)\/(.*)$/.exec(url.pathname)
    if (redirect) {
      res.writeHead(302, { location: `http://${redirect[1]}/${redirect[2]}` }).end()
      return
    }
    const file = /^\/files\/([^/]+)$/.exec(url.pathname)
    const name = decodeURIComponent(file?.[1] ?? '')
    const withMetadata = name.endsWith('.metadata') ? files.find((f) => f.metadata && `${f.filename}.metadata` === name) : undefined
    if (withMetadata?.metadata) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(withMetadata.metadata))
      return
    }
    const found = file ? files.find((f) => f.filename === name) : undefined
    if (found) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.bytes.length }).end(Buffer.from(found.bytes))
      return
    }
    res.writeHead(404).end('not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const origin = `http://127.0.0.1:${port}`
  return {
    origin,
    url: `${origin}/simple`,
    requests,
    files,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Every fixture directory that is a distribution (`name-version`). */
export function buildAllFixtures(): BuiltFile[] {
  return readdirSync(FIXTURES)
    .filter((d) => statSync(join(FIXTURES, d)).isDirectory() && /-\d/.test(d))
    .flatMap((d) => buildFixture(d))
}

/** The files of a fixture source tree, for `sandbox.fs.uploadFiles`. */
export function treeFiles(dirName: string, dest: string): { source: Buffer; destination: string }[] {
  const dir = join(FIXTURES, dirName)
  return walk(dir).map((f) => ({ source: readFileSync(join(dir, f)), destination: `${dest}/${f}` }))
}
