/**
 * Where distributions come from: package indexes (the simple API), `--find-links` locations (a
 * sandbox directory of wheels or an HTML page of links), and downloads of the files they list
 * (over the policy-checked HTTP client, or from the sandbox's files for `file:` URLs), with hash
 * checks.
 */
import type { SyncVfs } from '../../../vfs/types.js'
import { PipError, PipErrorCode } from './errors.js'
import { type DistFile, fetchPage, fetchProjectFiles, parseSdistFilename, parseWheelFilename } from './index-client.js'
import { type HttpClient, redact } from './network.js'
import { normalizeName } from './requirement.js'
import { sha256, toHex } from './sha256.js'

/** A place that lists distribution files by project. */
export interface Source {
  /** For messages. */
  readonly label: string
  /** The files for `project`, or `undefined` when the source does not know it. */
  files(project: string): Promise<DistFile[] | undefined>
}

/** A simple-API index. */
export class IndexSource implements Source {
  readonly label: string
  readonly #http: HttpClient
  readonly #url: string

  /**
   * @param http - the policy-checked client
   * @param url - the index's base URL
   */
  constructor(http: HttpClient, url: string) {
    this.#http = http
    this.#url = url
    this.label = redact(url)
  }

  files(project: string): Promise<DistFile[] | undefined> {
    return fetchProjectFiles(this.#http, this.#url, project)
  }
}

/** `file://` URL of a sandbox path. */
export function fileUrl(path: string): string {
  return `file://${path.split('/').map(encodeURIComponent).join('/')}`
}

/** The sandbox path of a `file:` URL. */
export function filePath(url: string): string {
  return decodeURIComponent(new URL(url).pathname)
}

function belongsTo(filename: string, key: string): boolean {
  const wheel = parseWheelFilename(filename)
  if (wheel) return normalizeName(wheel.name) === key
  return parseSdistFilename(filename, key) !== undefined
}

/** A `--find-links` directory in the sandbox: every wheel and sdist in it. */
export class DirectorySource implements Source {
  readonly label: string
  readonly #vfs: SyncVfs
  readonly #dir: string

  /**
   * @param vfs - the sandbox filesystem
   * @param dir - absolute directory
   */
  constructor(vfs: SyncVfs, dir: string) {
    this.#vfs = vfs
    this.#dir = dir
    this.label = dir
  }

  async files(project: string): Promise<DistFile[] | undefined> {
    const key = normalizeName(project)
    let names: string[]
    try {
      names = this.#vfs.readdir(this.#dir)
    } catch {
      throw new PipError(PipErrorCode.USAGE, `--find-links directory ${this.#dir} does not exist`)
    }
    const out = names
      .filter((n) => belongsTo(n, key))
      .map((filename) => ({ filename, url: fileUrl(`${this.#dir}/${filename}`), hashes: {}, requiresPython: undefined, yanked: false as const, metadata: undefined }))
    return out.length ? out : undefined
  }
}

/** A `--find-links` HTML page: every link on it that names a distribution of the project. */
export class LinkPageSource implements Source {
  readonly label: string
  readonly #http: HttpClient
  readonly #url: string
  #page: Promise<DistFile[]> | undefined

  /**
   * @param http - the policy-checked client
   * @param url - the page
   */
  constructor(http: HttpClient, url: string) {
    this.#http = http
    this.#url = url
    this.label = redact(url)
  }

  async files(project: string): Promise<DistFile[] | undefined> {
    this.#page ??= fetchPage(this.#http, this.#url).then((all) => all ?? [])
    const key = normalizeName(project)
    const out = (await this.#page).filter((f) => belongsTo(f.filename, key))
    return out.length ? out : undefined
  }
}

/** pip's size format (`12 kB`, `1.2 MB`). */
export function formatSize(bytes: number): string {
  if (bytes > 1000 * 1000) return `${(bytes / 1000 / 1000).toFixed(1)} MB`
  if (bytes > 10 * 1000) return `${Math.floor(bytes / 1000)} kB`
  if (bytes > 1000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${bytes} bytes`
}

/**
 * Fetches a file (http(s) through the client, `file:` from the sandbox) and checks it against
 * the index's sha256 and the user's `--hash` values.
 *
 * @param http - the policy-checked client
 * @param vfs - the sandbox filesystem (for `file:` URLs)
 * @param url - what to fetch
 * @param what - the file name, for messages
 * @param expected - the index's hashes (only sha256 is checked)
 * @param userHashes - `sha256:<hex>` values from `--hash`; one must match when any is given
 */
export async function download(http: HttpClient, vfs: SyncVfs, url: string, what: string, expected: Record<string, string>, userHashes: string[] = []): Promise<Uint8Array> {
  let bytes: Uint8Array
  if (url.startsWith('file:')) {
    try {
      bytes = vfs.readFile(filePath(url))
    } catch {
      throw new PipError(PipErrorCode.NO_MATCHING_DISTRIBUTION, `could not read ${filePath(url)}`)
    }
  } else {
    const res = await http.get(url)
    if (res.status < 200 || res.status >= 300) {
      throw new PipError(PipErrorCode.HTTP, `HTTP error ${res.status} while getting ${redact(url)}`, { url, status: res.status })
    }
    bytes = res.body
  }
  const got = toHex(sha256(bytes))
  const want = expected.sha256
  const mismatch = (expectedHex: string): PipError =>
    new PipError(
      PipErrorCode.HASH_MISMATCH,
      `THESE PACKAGES DO NOT MATCH THE HASHES FROM THE ${userHashes.length ? 'REQUIREMENTS FILE' : 'PACKAGE INDEX'}. The download may have been tampered with or corrupted; nothing was installed.\n    ${what} from ${redact(url)}:\n        Expected sha256 ${expectedHex}\n             Got        ${got}`,
      { url, expected: expectedHex, got },
    )
  if (want && want !== got) throw mismatch(want)
  if (userHashes.length) {
    const sha = userHashes.filter((h) => h.startsWith('sha256:')).map((h) => h.slice(7).toLowerCase())
    if (!sha.includes(got)) throw mismatch(sha.join(' or '))
  }
  return bytes
}
