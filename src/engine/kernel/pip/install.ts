/**
 * `pip install`: resolve, download, unpack, then write everything in one transaction.
 *
 * Resolution is breadth-first and does not backtrack: each project gets the newest version that
 * satisfies every constraint known when it is reached (its installed version when that already
 * satisfies them), and a later constraint the chosen version does not satisfy is a conflict,
 * reported with every requirement on that project and where it came from. All downloads, hash
 * checks and unpacking happen before the first file is written; a failure while writing (a full
 * disk) rolls every change back, so a failed install leaves nothing half-installed.
 */
import type { SyncVfs } from '../../../vfs/types.js'
import { resolvePath } from '../../../vfs/path.js'
import { type PreparedDist, type PreparedFile, finishDist } from './dist.js'
import { PipError, PipErrorCode } from './errors.js'
import { type DistFile, isNativeWheel, parseSdistFilename, parseWheelFilename, wheelRank } from './index-client.js'
import { type InstalledDist, type Layout, findInstalled, hasRecord, ownedFiles, parentDirs } from './installed.js'
import { prepareLocalProject } from './local-project.js'
import { type Metadata, parseMetadata } from './metadata.js'
import type { HttpClient } from './network.js'
import { redact } from './network.js'
import {
  type Requirement,
  SANDBOX_PYTHON_VERSION,
  markerApplies,
  normalizeName,
  parseRequirement,
  requirementLabel,
} from './requirement.js'
import { type Source, download, filePath, fileUrl, formatSize } from './sources.js'
import { FileTransaction } from './transaction.js'
import { SpecifierSet, Version } from './version.js'
import { prepareWheel } from './wheel.js'
import { ZipReader } from './zip.js'

/** What pip's subcommands share. */
export interface PipContext {
  vfs: SyncVfs
  cwd: string
  http: HttpClient
  layout: Layout
  /** Progress lines (stdout; silenced by `-q`). */
  info(line: string): void
  /** Warnings (stderr; silenced by `-qq`). */
  warn(line: string): void
}

/** Where progress lines and warnings go. */
type Log = Pick<PipContext, 'info' | 'warn'>

/** A log that keeps its lines until it is replayed (for work done concurrently). */
function bufferedLog(): Log & { replay(to: Log): void } {
  const lines: ['info' | 'warn', string][] = []
  return {
    info: (line) => void lines.push(['info', line]),
    warn: (line) => void lines.push(['warn', line]),
    replay: (to) => {
      for (const [kind, line] of lines) to[kind](line)
    },
  }
}

/** One thing the user asked to install. */
export type InstallItem =
  | { kind: 'requirement'; req: Requirement; hashes: string[] }
  | { kind: 'path'; path: string; extras: string[]; editable: boolean; hashes: string[] }

/** Options of {@link install}. */
export interface InstallOptions {
  items: InstallItem[]
  /** Indexes and find-links, in order of preference. */
  sources: Source[]
  /** Constraints (`-c`): limit versions, never cause an install. */
  constraints: Requirement[]
  noDeps: boolean
  /** `-U`: only-if-needed (top-level only) or eager (everything). */
  upgrade: 'no' | 'only-if-needed' | 'eager'
  forceReinstall: boolean
  ignoreInstalled: boolean
  pre: boolean
  dryRun: boolean
  requireHashes: boolean
}

/** A version of a project ready to be installed. */
interface Candidate {
  name: string
  key: string
  version: Version
  metadata: Metadata
  /** For messages and direct_url. */
  origin: string
  /** Lazily fetched wheel bytes (index and URL candidates). */
  wheel?: Uint8Array
  fetch?: (log: Log, indent?: string) => Promise<Uint8Array>
  filename?: string
  /** A local project, already prepared. */
  local?: PreparedDist
  directUrl?: Record<string, unknown>
}

interface Constraint {
  spec: SpecifierSet
  text: string
  /** `undefined`: the user. */
  from: string | undefined
}

interface Node {
  key: string
  name: string
  constraints: Constraint[]
  extras: Set<string>
  requested: boolean
  hashes: string[]
  direct?: Candidate
  chosen?: { installed: InstalledDist; version: Version } | { candidate: Candidate; replaces: InstalledDist | undefined }
  deps: Set<string>
  /** The project whose dependency this was first (for "Collecting x (from y)"). */
  parent?: string
}

function versionOf(n: Node): Version | undefined {
  if (!n.chosen) return undefined
  return 'installed' in n.chosen ? n.chosen.version : n.chosen.candidate.version
}

function metadataOf(n: Node): Metadata | undefined {
  if (!n.chosen) return undefined
  return 'installed' in n.chosen ? n.chosen.installed.metadata : n.chosen.candidate.metadata
}

/** Reads METADATA from a wheel without unpacking the rest. */
async function wheelMetadata(bytes: Uint8Array, filename: string): Promise<Metadata> {
  const zip = ZipReader.open(bytes, filename)
  const stem = normalizeName(filename.split('-')[0] ?? '')
  const entry = zip.entries.find((e) => /^[^/]+\.dist-info\/METADATA$/.test(e.name) && normalizeName(e.name.replace(/-[^-/]*\.dist-info\/METADATA$/, '')) === stem)
  if (!entry) throw new PipError(PipErrorCode.BAD_WHEEL, `${filename} is not a valid wheel: it has no .dist-info/METADATA`)
  return parseMetadata(new TextDecoder().decode(await zip.read(entry)))
}

function isDir(vfs: SyncVfs, p: string): boolean {
  try {
    return vfs.stat(p).kind === 'dir'
  } catch {
    return false
  }
}

/** Whether an argument names a local path (or file URL) rather than a project. */
export function looksLikePath(vfs: SyncVfs, cwd: string, arg: string): boolean {
  if (arg.startsWith('file:')) return true
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return false
  if (arg.includes('/') || arg === '.' || arg === '..' || arg.endsWith('.whl')) return true
  const p = resolvePath(cwd, arg)
  return isDir(vfs, p) && (vfs.exists(`${p}/pyproject.toml`) || vfs.exists(`${p}/setup.py`))
}

/** Splits `./pkg[extra1,extra2]` into the path and its extras. */
export function splitPathExtras(arg: string): { path: string; extras: string[] } {
  const m = /^(.*?)\[([A-Za-z0-9._,\s-]*)\]$/.exec(arg)
  if (!m) return { path: arg, extras: [] }
  return {
    path: m[1] ?? '',
    extras: (m[2] ?? '')
      .split(',')
      .map((e) => normalizeName(e.trim()))
      .filter(Boolean),
  }
}

class Resolver {
  readonly #ctx: PipContext
  readonly #opts: InstallOptions
  readonly nodes = new Map<string, Node>()
  readonly #constraints = new Map<string, Requirement[]>()
  #next: string[] = []

  constructor(ctx: PipContext, opts: InstallOptions) {
    this.#ctx = ctx
    this.#opts = opts
    for (const c of opts.constraints) {
      const list = this.#constraints.get(c.key) ?? []
      list.push(c)
      this.#constraints.set(c.key, list)
    }
  }

  #node(key: string, name: string): Node {
    let n = this.nodes.get(key)
    if (!n) {
      n = { key, name, constraints: [], extras: new Set(), requested: false, hashes: [], deps: new Set() }
      this.nodes.set(key, n)
    }
    return n
  }

  async run(): Promise<void> {
    for (const item of this.#opts.items) {
      if (item.kind === 'path') {
        const cand = await this.#direct(item.path, item.editable, item.hashes)
        const n = this.#node(cand.key, cand.name)
        if (n.direct) throw new PipError(PipErrorCode.CONFLICT, `Double requirement given: ${cand.name} from ${cand.origin} and ${n.direct.origin}`)
        n.direct = cand
        n.requested = true
        n.hashes.push(...item.hashes)
        for (const e of item.extras) n.extras.add(e)
        this.#next.push(n.key)
      } else {
        const req = item.req
        if (req.key === 'pip') {
          // `pip install -U pip` is common in setup scripts: the sandbox's pip is built in.
          this.#ctx.info(`Requirement already satisfied: ${req.text} (daylite's pip is built in and is not installed from the index)`)
          continue
        }
        const n = this.#node(req.key, req.name)
        n.requested = true
        n.hashes.push(...item.hashes)
        for (const e of req.extras) n.extras.add(e)
        if (req.url) {
          const cand = await this.#direct(req.url, false, item.hashes, req)
          if (n.direct && n.direct.origin !== cand.origin) throw new PipError(PipErrorCode.CONFLICT, `Double requirement given: ${req.text} and ${n.direct.origin}`)
          n.direct = cand
        } else n.constraints.push({ spec: req.specifier, text: requirementLabel(req), from: undefined })
        this.#next.push(n.key)
      }
      if (this.#opts.requireHashes && item.hashes.length === 0) {
        const what = item.kind === 'path' ? item.path : item.req.text
        throw new PipError(PipErrorCode.HASH_MISMATCH, `Hashes are required in --require-hashes mode, but they are missing from the requirement ${what}`)
      }
    }
    while (this.#next.length) {
      const round = [...new Set(this.#next)]
      this.#next = []
      // The projects of one round are looked up and fetched concurrently; their lines come out in order.
      const pending = round.map((key) => this.nodes.get(key)).filter((n): n is Node => n !== undefined && !n.chosen)
      const logs = pending.map(() => bufferedLog())
      const results = await Promise.allSettled(pending.map((n, i) => this.#choose(n, logs[i] ?? this.#ctx)))
      for (let i = 0; i < pending.length; i++) {
        logs[i]?.replay(this.#ctx)
        const r = results[i]
        if (r?.status === 'rejected') throw r.reason
      }
      for (const n of pending) this.#expand(n, [...n.extras])
    }
  }

  /** Adds the dependencies of `n` that apply with `extras`. */
  #expand(n: Node, extras: string[]): void {
    const metadata = metadataOf(n)
    const version = versionOf(n)
    if (!metadata || !version) return
    const name = metadata.get('Name') ?? n.name
    const provided = new Set(metadata.getAll('Provides-Extra').map(normalizeName))
    for (const e of extras) {
      if (!provided.has(e)) this.#ctx.warn(`WARNING: ${name} ${version.toString()} does not provide the extra '${e}'`)
    }
    if (this.#opts.noDeps) return
    const from = `${name} ${version.toString()}`
    for (const line of metadata.getAll('Requires-Dist')) {
      let req: Requirement
      try {
        req = parseRequirement(line)
      } catch {
        this.#ctx.warn(`WARNING: ignoring the invalid requirement ${JSON.stringify(line)} of ${from}`)
        continue
      }
      if (!markerApplies(req.marker, extras)) continue
      n.deps.add(req.key)
      this.#add(req, from, name)
    }
  }

  /** A requirement of an already chosen project. */
  #add(req: Requirement, from: string, parent: string): void {
    if (req.key === 'pip') return
    const n = this.#node(req.key, req.name)
    if (req.url) {
      throw new PipError(PipErrorCode.UNSUPPORTED, `${from} depends on ${req.text}, a direct URL; daylite's pip installs direct URLs only when you ask for them`)
    }
    n.constraints.push({ spec: req.specifier, text: requirementLabel(req), from })
    const newExtras = req.extras.filter((e) => !n.extras.has(e))
    for (const e of newExtras) n.extras.add(e)
    const version = versionOf(n)
    if (version) {
      if (!req.specifier.contains(version, true)) throw this.#conflict(n, version)
      if (newExtras.length) this.#expand(n, newExtras)
      return
    }
    n.parent ??= parent
    this.#next.push(n.key)
  }

  #conflict(n: Node, version?: Version): PipError {
    const lines = n.constraints.map((c) => (c.from ? `    ${c.from} depends on ${c.text}` : `    The user requested ${c.text}`))
    for (const c of this.#constraints.get(n.key) ?? []) lines.push(`    The user requested (constraint) ${requirementLabel(c)}`)
    if (n.direct) lines.push(`    The user requested ${n.direct.name} ${n.direct.version.toString()} from ${n.direct.origin}`)
    const chosen = version ? ` (${n.name} ${version.toString()} was chosen first)` : ''
    return new PipError(
      PipErrorCode.CONFLICT,
      `Cannot install ${n.name} because these package versions have conflicting dependencies${chosen}.\n\nThe conflict is caused by:\n${lines.join('\n')}\n\nTo fix this you could try to loosen the range of package versions you've specified, or pin ${n.name} to a version every requirement accepts. (daylite's pip picks the newest version that satisfies the requirements known when it reaches a package, and does not backtrack.)`,
      { project: n.key },
    )
  }

  #spec(n: Node): SpecifierSet {
    let spec = new SpecifierSet()
    for (const c of n.constraints) spec = spec.and(c.spec)
    for (const c of this.#constraints.get(n.key) ?? []) spec = spec.and(c.specifier)
    return spec
  }

  #label(n: Node): string {
    const extras = n.extras.size ? `[${[...n.extras].join(',')}]` : ''
    const specs = [...new Set(n.constraints.map((c) => c.spec.toString()).filter(Boolean))].join(',')
    return `${n.name}${extras}${specs}`
  }

  async #choose(n: Node, log: Log): Promise<void> {
    const spec = this.#spec(n)
    const parent = n.parent
    const fromText = parent ? ` (from ${parent})` : ''
    const installed = this.#opts.ignoreInstalled ? undefined : findInstalled(this.#ctx.vfs, this.#ctx.layout.site, n.key)
    const installedVersion = installed ? Version.parse(installed.version) : undefined
    if (n.direct) {
      const d = n.direct
      if (!spec.contains(d.version, true)) throw this.#conflict(n, d.version)
      if (installed && installedVersion && d.local === undefined && installedVersion.compare(d.version) === 0 && !this.#opts.forceReinstall) {
        log.warn(`WARNING: ${d.name} ${installed.version} is already installed with the same version as the provided wheel. Use --force-reinstall to force an installation of the wheel.`)
        n.chosen = { installed, version: installedVersion }
        return
      }
      n.chosen = { candidate: d, replaces: installed }
      return
    }
    const upgrade = this.#opts.upgrade === 'eager' || (this.#opts.upgrade === 'only-if-needed' && n.requested)
    const satisfied = installed && installedVersion && spec.contains(installedVersion, true) && !this.#opts.forceReinstall
    if (satisfied && !upgrade) {
      log.info(`Requirement already satisfied: ${this.#label(n)} in ${installed.site}${fromText} (${installed.version})`)
      n.chosen = { installed, version: installedVersion }
      return
    }
    log.info(`Collecting ${this.#label(n)}${fromText}`)
    const best = await this.#find(n, spec, log)
    if (satisfied && installedVersion.compare(best.version) >= 0) {
      log.info(`Requirement already satisfied: ${this.#label(n)} in ${installed.site}${fromText} (${installed.version})`)
      n.chosen = { installed, version: installedVersion }
      return
    }
    n.chosen = { candidate: best, replaces: installed }
  }

  /** The newest installable version from the sources. */
  async #find(n: Node, spec: SpecifierSet, log: Log): Promise<Candidate> {
    const files: DistFile[] = []
    let known = false
    for (const source of this.#opts.sources) {
      const list = await source.files(n.name)
      if (list) {
        known = true
        files.push(...list)
      }
    }
    const notFound = (why: string, versions: string[]): PipError =>
      new PipError(
        PipErrorCode.NO_MATCHING_DISTRIBUTION,
        `Could not find a version that satisfies the requirement ${this.#label(n)} (from versions: ${versions.length ? versions.join(', ') : 'none'})${why}\nERROR: No matching distribution found for ${this.#label(n)}`,
        { project: n.key },
      )
    if (this.#opts.sources.length === 0) throw notFound(' (no index: --no-index without --find-links)', [])
    if (!known) throw notFound('', [])
    const python = Version.strict(SANDBOX_PYTHON_VERSION)
    type Entry = { version: Version; file: DistFile; wheel: ReturnType<typeof parseWheelFilename> }
    const entries: Entry[] = []
    const skippedPython = new Set<string>()
    for (const file of files) {
      const wheel = parseWheelFilename(file.filename)
      let version: Version | undefined
      if (wheel) {
        if (normalizeName(wheel.name) !== n.key) continue
        version = wheel.version
      } else version = parseSdistFilename(file.filename, n.key)
      if (!version) continue
      if (file.requiresPython) {
        let ok = true
        try {
          ok = SpecifierSet.parse(file.requiresPython).contains(python, true)
        } catch {
          ok = true
        }
        if (!ok) {
          skippedPython.add(version.toString())
          continue
        }
      }
      entries.push({ version, file, wheel })
    }
    const allVersions = [...new Map(entries.map((e) => [e.version.toString(), e.version])).values()].sort((a, b) => a.compare(b)).map((v) => v.toString())
    const pinned = spec.specs.some((s) => (s.op === '==' || s.op === '===') && !s.version.endsWith('.*'))
    const usable = entries.filter((e) => !e.file.yanked || pinned)
    const byVersion = new Map<string, Entry[]>()
    for (const e of usable) {
      const k = e.version.toString()
      byVersion.set(k, [...(byVersion.get(k) ?? []), e])
    }
    const versions = [...byVersion.values()].map((list) => ({ version: (list[0] as Entry).version, list }))
    const matching = spec.filter(versions, this.#opts.pre ? true : undefined).sort((a, b) => b.version.compare(a.version))
    if (matching.length === 0) {
      // Each requirement alone can be met, but not all together: a conflict, not a missing version.
      const alone = n.constraints.every((c) => c.spec.filter(versions, true).length > 0)
      if (n.constraints.length > 1 && alone) throw this.#conflict(n)
      const why = skippedPython.size ? ` (versions ${[...skippedPython].join(', ')} require a different Python than 3.13)` : ''
      throw notFound(why, allVersions)
    }
    for (const { version, list } of matching) {
      let bestFile: Entry | undefined
      let bestRank = Infinity
      for (const e of list) {
        if (!e.wheel) continue
        const r = wheelRank(e.wheel)
        if (r !== undefined && r < bestRank) {
          bestRank = r
          bestFile = e
        }
      }
      if (!bestFile) continue
      if (bestFile.file.yanked) log.warn(`WARNING: The candidate selected for download or install is a yanked version: '${n.name}' candidate (version ${version.toString()} at ${redact(bestFile.file.url)})\nReason for being yanked: ${typeof bestFile.file.yanked === 'string' ? bestFile.file.yanked : '<none given>'}`)
      return this.#indexCandidate(n, version, bestFile.file, log)
    }
    // Nothing installable: say why, from the newest matching version.
    const newest = matching[0]
    const native = newest?.list.filter((e) => e.wheel && isNativeWheel(e.wheel)) ?? []
    const v = newest?.version.toString() ?? ''
    if (native.length) {
      const tags = [...new Set(native.flatMap((e) => e.wheel?.tags.map((t) => `${t.python}-${t.abi}-${t.platform}`) ?? []))].slice(0, 4)
      throw new PipError(
        PipErrorCode.NATIVE_ONLY,
        `${n.name} ${v} has native code: the index has only platform-specific wheels for it (${tags.join(', ')}${native.length > 4 ? ', …' : ''}), and daylite's Python runs on WebAssembly, where only pure-Python wheels (py3-none-any) can be installed. Run this in a sandbox on a remote Daytona instead (the remote fallback: \`target: 'remote'\`).`,
        { project: n.key, version: v },
      )
    }
    if (newest?.list.some((e) => !e.wheel)) {
      throw new PipError(
        PipErrorCode.SDIST_ONLY,
        `${n.name} ${v} is published only as a source distribution (${newest.list.map((e) => e.file.filename).join(', ')}); daylite's pip installs wheels and cannot run a build. Install a wheel built elsewhere (pip install ./x.whl), or use the remote fallback (\`target: 'remote'\`).`,
        { project: n.key, version: v },
      )
    }
    throw notFound(' (no wheel for Python 3.13)', allVersions)
  }

  async #indexCandidate(n: Node, version: Version, file: DistFile, log: Log): Promise<Candidate> {
    const { http, vfs } = this.#ctx
    let metadata: Metadata
    let wheel: Uint8Array | undefined
    const fetchWheel = async (to: Log, indent = '  '): Promise<Uint8Array> => {
      const bytes = await download(http, vfs, file.url, file.filename, file.hashes, n.hashes)
      to.info(`${indent}Downloading ${file.filename} (${formatSize(bytes.length)})`)
      return bytes
    }
    if (file.metadata !== undefined && !file.url.startsWith('file:')) {
      const bytes = await download(http, vfs, `${file.url}.metadata`, `${file.filename}.metadata`, file.metadata)
      log.info(`  Downloading ${file.filename}.metadata (${formatSize(bytes.length)})`)
      metadata = parseMetadata(new TextDecoder().decode(bytes))
    } else {
      wheel = await fetchWheel(log)
      metadata = await wheelMetadata(wheel, file.filename)
    }
    const cand: Candidate = {
      name: metadata.get('Name') ?? n.name,
      key: n.key,
      version,
      metadata,
      origin: redact(file.url),
      filename: file.filename,
      fetch: fetchWheel,
    }
    if (wheel) cand.wheel = wheel
    this.#checkMetadata(cand)
    return cand
  }

  #checkMetadata(c: Candidate): void {
    const name = c.metadata.get('Name')
    if (!name || normalizeName(name) !== c.key) throw new PipError(PipErrorCode.BAD_WHEEL, `${c.origin} has metadata for ${name ?? '(no name)'}, not ${c.name}`)
    const v = Version.parse(c.metadata.get('Version') ?? '')
    if (!v || v.compare(c.version) !== 0) throw new PipError(PipErrorCode.BAD_WHEEL, `${c.origin} has metadata for version ${c.metadata.get('Version') ?? '(none)'}, not ${c.version.toString()}`)
    const rp = c.metadata.get('Requires-Python')
    if (rp) {
      let ok = true
      try {
        ok = SpecifierSet.parse(rp).contains(Version.strict(SANDBOX_PYTHON_VERSION), true)
      } catch {
        ok = true
      }
      if (!ok) throw new PipError(PipErrorCode.NO_MATCHING_DISTRIBUTION, `Package '${c.name}' requires a different Python: ${SANDBOX_PYTHON_VERSION} not in '${rp}'`)
    }
  }

  /** A candidate from a local path, a file: URL or an http(s) wheel URL. */
  async #direct(target: string, editable: boolean, hashes: string[], req?: Requirement): Promise<Candidate> {
    const { vfs, cwd, http, layout } = this.#ctx
    if (/^https?:\/\//i.test(target)) {
      const filename = decodeURIComponent(new URL(target).pathname.split('/').pop() ?? '')
      const wheelName = parseWheelFilename(filename)
      if (!wheelName) throw new PipError(PipErrorCode.SDIST_ONLY, `${redact(target)} is not a wheel; daylite's pip installs wheels (and local projects) only`)
      if (wheelRank(wheelName) === undefined) throw this.#nativeWheel(filename)
      const url = new URL(target)
      const expected: Record<string, string> = {}
      const frag = /^#sha256=([0-9a-f]+)$/i.exec(url.hash)
      if (frag?.[1]) expected.sha256 = frag[1].toLowerCase()
      url.hash = ''
      this.#ctx.info(`Collecting ${req ? `${req.name} @ ` : ''}${redact(url.href)}`)
      const bytes = await download(http, vfs, url.href, filename, expected, hashes)
      this.#ctx.info(`  Downloading ${filename} (${formatSize(bytes.length)})`)
      const metadata = await wheelMetadata(bytes, filename)
      const name = metadata.get('Name') ?? wheelName.name
      const cand: Candidate = { name, key: normalizeName(name), version: wheelName.version, metadata, origin: redact(url.href), wheel: bytes, filename, directUrl: { url: url.href, archive_info: {} } }
      this.#checkDirectName(cand, req)
      this.#checkMetadata(cand)
      return cand
    }
    const path = target.startsWith('file:') ? filePath(target) : resolvePath(cwd, target)
    let kind: string
    try {
      kind = vfs.stat(path).kind
    } catch {
      throw new PipError(PipErrorCode.NO_MATCHING_DISTRIBUTION, `Invalid requirement: '${target}': ${path} does not exist`)
    }
    if (kind === 'dir') {
      this.#ctx.info(`Processing ${target.startsWith('file:') ? path : target}`)
      const { dist } = prepareLocalProject(vfs, path, layout, editable)
      const version = Version.strict(dist.version)
      const cand: Candidate = {
        name: dist.name,
        key: normalizeName(dist.name),
        version,
        metadata: dist.metadata,
        origin: path,
        local: dist,
        directUrl: { url: fileUrl(path), dir_info: editable ? { editable: true } : {} },
      }
      this.#checkDirectName(cand, req)
      return cand
    }
    if (editable) throw new PipError(PipErrorCode.USAGE, `${target} is not a directory; -e/--editable takes a project directory`)
    const filename = path.split('/').pop() ?? ''
    const wheelName = parseWheelFilename(filename)
    if (!wheelName) {
      throw new PipError(PipErrorCode.SDIST_ONLY, `${target} is not a wheel; daylite's pip installs wheels and project directories (with pyproject.toml), not source archives`)
    }
    if (wheelRank(wheelName) === undefined) throw this.#nativeWheel(filename)
    this.#ctx.info(`Processing ${target}`)
    const bytes = await download(http, vfs, fileUrl(path), filename, {}, hashes)
    const metadata = await wheelMetadata(bytes, filename)
    const name = metadata.get('Name') ?? wheelName.name
    const cand: Candidate = { name, key: normalizeName(name), version: wheelName.version, metadata, origin: path, wheel: bytes, filename, directUrl: { url: fileUrl(path), archive_info: {} } }
    this.#checkDirectName(cand, req)
    this.#checkMetadata(cand)
    return cand
  }

  #checkDirectName(c: Candidate, req: Requirement | undefined): void {
    if (req && req.key !== c.key) throw new PipError(PipErrorCode.CONFLICT, `The requirement ${req.text} names ${req.name}, but ${c.origin} is ${c.name}`)
  }

  #nativeWheel(filename: string): PipError {
    return new PipError(
      PipErrorCode.NATIVE_ONLY,
      `${filename} is a platform-specific (native) wheel; daylite's Python runs on WebAssembly and installs only pure-Python wheels (py3-none-any). Run this in a sandbox on a remote Daytona instead (the remote fallback: \`target: 'remote'\`).`,
    )
  }
}

/** Install order: dependencies before the projects that need them. */
function installOrder(nodes: Map<string, Node>): Node[] {
  const out: Node[] = []
  const seen = new Set<string>()
  const visit = (key: string): void => {
    if (seen.has(key)) return
    seen.add(key)
    const n = nodes.get(key)
    if (!n) return
    for (const d of [...n.deps].sort()) visit(d)
    if (n.chosen && 'candidate' in n.chosen) out.push(n)
  }
  for (const key of nodes.keys()) visit(key)
  return out
}

/**
 * Installs the requested projects and their dependencies.
 *
 * @returns the installed `name-version` strings
 */
export async function install(ctx: PipContext, opts: InstallOptions): Promise<string[]> {
  const resolver = new Resolver(ctx, opts)
  await resolver.run()
  const order = installOrder(resolver.nodes)
  if (order.length === 0) return []
  const label = (n: Node): string => {
    const c = n.chosen && 'candidate' in n.chosen ? n.chosen.candidate : undefined
    return `${c?.name ?? n.name}-${c?.version.toString() ?? ''}`
  }
  if (opts.dryRun) {
    ctx.info(`Would install ${order.map(label).sort((a, b) => a.localeCompare(b)).join(' ')}`)
    return []
  }
  // Download (concurrently; lines in order) and unpack everything before touching the filesystem.
  const chosen = order.flatMap((node) => (node.chosen && 'candidate' in node.chosen ? [{ node, candidate: node.chosen.candidate, replaces: node.chosen.replaces }] : []))
  const logs = chosen.map(() => bufferedLog())
  const downloads = await Promise.allSettled(chosen.map((c, i) => (c.candidate.local ? Promise.resolve(undefined) : (c.candidate.wheel ?? c.candidate.fetch?.(logs[i] ?? ctx, '')))))
  const prepared: { node: Node; candidate: Candidate; dist: PreparedDist; replaces: InstalledDist | undefined }[] = []
  for (let i = 0; i < chosen.length; i++) {
    logs[i]?.replay(ctx)
    const d = downloads[i]
    if (d?.status === 'rejected') throw d.reason
  }
  for (let i = 0; i < chosen.length; i++) {
    const c = chosen[i]
    const d = downloads[i]
    if (!c || d?.status !== 'fulfilled') continue
    let dist: PreparedDist
    if (c.candidate.local) dist = c.candidate.local
    else {
      if (!d.value || !c.candidate.filename) throw new PipError(PipErrorCode.BAD_WHEEL, `no wheel for ${c.candidate.name}`)
      dist = await prepareWheel(d.value, c.candidate.filename, ctx.layout)
    }
    prepared.push({ ...c, dist })
  }
  for (const p of prepared) {
    if (p.replaces && !hasRecord(ctx.vfs, p.replaces)) {
      throw new PipError(PipErrorCode.OS, `Cannot uninstall ${p.replaces.name} ${p.replaces.version}: it has no RECORD file, so its files are unknown. Remove ${p.replaces.infoDir} by hand first.`)
    }
  }
  ctx.info(`Installing collected packages: ${prepared.map((p) => p.dist.name).join(', ')}`)
  const tx = new FileTransaction(ctx.vfs)
  try {
    for (const p of prepared) {
      if (p.replaces) {
        ctx.info(`  Attempting uninstall: ${p.replaces.name}`)
        ctx.info(`    Found existing installation: ${p.replaces.name} ${p.replaces.version}`)
        ctx.info(`    Uninstalling ${p.replaces.name}-${p.replaces.version}:`)
        removeDist(ctx, tx, p.replaces)
        ctx.info(`      Successfully uninstalled ${p.replaces.name}-${p.replaces.version}`)
      }
      const files: PreparedFile[] = finishDist(p.dist, { layout: ctx.layout, requested: p.node.requested, directUrl: p.candidate.directUrl })
      for (const f of files) tx.write(f.path, f.data, f.mode)
    }
    tx.commit()
  } catch (error) {
    tx.rollback()
    throw error
  }
  // Sorted by name as pip does (code-point order: capitalised names first).
  const names = prepared.map((p) => `${p.dist.name}-${p.dist.version}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  ctx.info(`Successfully installed ${names.join(' ')}`)
  return names
}

/** Removes an installed distribution's files inside `tx`. */
export function removeDist(ctx: PipContext, tx: FileTransaction, d: InstalledDist): string[] {
  const files = ownedFiles(ctx.vfs, d)
  for (const f of files) tx.remove(f)
  const roots = new Set([d.site, ctx.layout.scripts, ctx.layout.data, ctx.layout.site, '/usr/local', '/usr', '/'])
  tx.pruneDirs(
    parentDirs(files, roots).filter((dir) => dir.startsWith(`${d.site}/`) || dir.startsWith(`${ctx.layout.headers}`)),
    roots,
  )
  return files
}
