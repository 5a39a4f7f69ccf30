/**
 * Unpacks a wheel (PEP 427) in memory: finds its `.dist-info`, checks WHEEL and every file
 * against RECORD's hashes, and maps each entry to where it is installed (site-packages, or a
 * `.data` scheme: scripts, headers, data). Nothing is written here.
 */
import { PipError, PipErrorCode } from './errors.js'
import { type PreparedDist, type PreparedFile, pythonLauncher } from './dist.js'
import type { Layout } from './installed.js'
import { parseEntryPoints, parseMetadata, parseRecord } from './metadata.js'
import { normalizeName } from './requirement.js'
import { sha256, toBase64Url } from './sha256.js'
import { type ZipEntry, ZipReader } from './zip.js'

function badWheel(filename: string, why: string): PipError {
  return new PipError(PipErrorCode.BAD_WHEEL, `${filename} is not a valid wheel: ${why}`)
}

/** Reads entries with bounded concurrency. */
async function readAll(zip: ZipReader, entries: ZipEntry[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const e = entries[next++]
      if (e) out.set(e.name, await zip.read(e))
    }
  }
  await Promise.all(Array.from({ length: Math.min(8, entries.length) }, worker))
  return out
}

function safeRelative(filename: string, name: string): string {
  if (name.startsWith('/') || name.includes('\\') || name.split('/').some((p) => p === '..') || name.includes('\0')) {
    throw badWheel(filename, `unsafe path ${JSON.stringify(name)}`)
  }
  return name.split('/').filter((p) => p && p !== '.').join('/')
}

/** `#!python` (pip's placeholder) or any shebang naming python. */
const PYTHON_SHEBANG = /^#!\s*(?:python[w0-9.]*|\S*\/python[0-9.]*|\S*\/env\s+python[0-9.]*)(?:\s.*)?$/

/**
 * Unpacks `bytes` (the wheel called `filename`) for installation into `layout`.
 *
 * @param bytes - the wheel
 * @param filename - its file name (names the project and version it must contain)
 * @param layout - where things go
 */
export async function prepareWheel(bytes: Uint8Array, filename: string, layout: Layout): Promise<PreparedDist> {
  const zip = ZipReader.open(bytes, filename)
  const stemName = filename.split('-')[0] ?? ''
  const infoDirs = new Set<string>()
  for (const e of zip.entries) {
    const top = e.name.split('/')[0] ?? ''
    if (top.endsWith('.dist-info')) infoDirs.add(top)
  }
  const candidates = [...infoDirs].filter((d) => normalizeName(d.replace(/-[^-]*\.dist-info$/, '')) === normalizeName(stemName))
  if (candidates.length !== 1) {
    throw badWheel(filename, infoDirs.size === 0 ? 'it has no .dist-info directory' : `expected one ${stemName}-*.dist-info directory, found ${[...infoDirs].join(', ')}`)
  }
  const info = candidates[0] ?? ''
  const files = zip.entries.filter((e) => !e.isDir)
  const contents = await readAll(zip, files)
  const text = (name: string): string | undefined => {
    const b = contents.get(name)
    return b ? new TextDecoder().decode(b) : undefined
  }
  const wheelText = text(`${info}/WHEEL`)
  const metadataText = text(`${info}/METADATA`)
  const recordText = text(`${info}/RECORD`)
  if (wheelText === undefined) throw badWheel(filename, `${info}/WHEEL is missing`)
  if (metadataText === undefined) throw badWheel(filename, `${info}/METADATA is missing`)
  if (recordText === undefined) throw badWheel(filename, `${info}/RECORD is missing`)
  const wheelMeta = parseMetadata(wheelText)
  const wheelVersion = wheelMeta.get('Wheel-Version') ?? ''
  if (!/^1(\.\d+)?$/.test(wheelVersion)) throw badWheel(filename, `Wheel-Version ${wheelVersion || '(missing)'} is not supported (1.x is)`)
  const metadata = parseMetadata(metadataText)
  const name = metadata.get('Name')
  const version = metadata.get('Version')
  if (!name || !version) throw badWheel(filename, 'METADATA has no Name or Version')
  // RECORD's hashes must hold for the files it lists.
  for (const row of parseRecord(recordText)) {
    const data = contents.get(row.path)
    if (!data || !row.hash) continue
    const [algo, digest] = row.hash.split('=', 2)
    if (algo !== 'sha256') continue
    if (toBase64Url(sha256(data)) !== digest) throw badWheel(filename, `the hash of ${row.path} does not match its RECORD entry`)
  }
  const dataDir = `${info.replace(/\.dist-info$/, '')}.data/`
  const siteDir = layout.site
  const infoDir = `${siteDir}/${info}`
  const out: PreparedFile[] = []
  const dec = new TextDecoder()
  for (const e of files) {
    const rel = safeRelative(filename, e.name)
    const data = contents.get(e.name) ?? new Uint8Array(0)
    if (rel === `${info}/RECORD` || rel === `${info}/INSTALLER` || rel === `${info}/REQUESTED` || /^[^/]+\.dist-info\/RECORD\.(jws|p7s)$/.test(rel)) continue
    const mode = e.mode !== undefined && e.mode & 0o111 ? 0o755 : 0o644
    if (rel.startsWith(dataDir)) {
      const [scheme = '', ...restParts] = rel.slice(dataDir.length).split('/')
      const rest = restParts.join('/')
      if (!rest) continue
      if (scheme === 'purelib' || scheme === 'platlib') out.push({ path: `${siteDir}/${rest}`, data, mode })
      else if (scheme === 'scripts') {
        const body = dec.decode(data)
        const nl = body.indexOf('\n')
        const first = (nl < 0 ? body : body.slice(0, nl)).replace(/\r$/, '')
        const script = PYTHON_SHEBANG.test(first) ? new TextEncoder().encode(pythonLauncher(nl < 0 ? '' : body.slice(nl + 1))) : data
        out.push({ path: `${layout.scripts}/${rest}`, data: script, mode: 0o755 })
      } else if (scheme === 'headers') out.push({ path: `${layout.headers}/${name}/${rest}`, data, mode })
      else if (scheme === 'data') out.push({ path: `${layout.data}/${rest}`, data, mode })
      else throw badWheel(filename, `unknown .data scheme ${scheme}`)
      continue
    }
    out.push({ path: `${siteDir}/${rel}`, data, mode })
  }
  const entryText = text(`${info}/entry_points.txt`)
  return { name, version, infoDir, files: out, metadata, entryPoints: entryText ? parseEntryPoints(entryText) : new Map() }
}
