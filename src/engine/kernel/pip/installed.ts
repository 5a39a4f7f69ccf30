/**
 * What is installed: the `.dist-info` (and `.egg-info`) directories of a site-packages, read
 * straight from the sandbox's VFS, and the files an uninstall removes (RECORD's, their
 * `__pycache__` entries and the metadata directory).
 */
import type { SyncVfs } from '../../../vfs/types.js'
import { normalizePath, resolvePath } from '../../../vfs/path.js'
import { Metadata, parseMetadata, parseRecord } from './metadata.js'
import { normalizeName } from './requirement.js'
import { Version } from './version.js'

/** Where pip puts things. */
export interface Layout {
  /** site-packages (purelib and platlib). */
  site: string
  /** Console scripts and `.data/scripts`. */
  scripts: string
  /** `.data/data` (the prefix). */
  data: string
  /** `.data/headers`. */
  headers: string
}

/** The layout of daylite's Python (`sysconfig.get_paths()` in a sandbox). */
export const SANDBOX_LAYOUT: Readonly<Layout> = Object.freeze({
  site: '/usr/local/lib/python3.13/site-packages',
  scripts: '/usr/local/bin',
  data: '/usr/local',
  headers: '/usr/local/include/python3.13',
})

/** The layout of `pip install --target DIR`. */
export function targetLayout(dir: string): Layout {
  return { site: dir, scripts: `${dir}/bin`, data: dir, headers: `${dir}/include` }
}

/** An installed distribution. */
export interface InstalledDist {
  /** The name as its metadata spells it. */
  name: string
  /** Normalised name. */
  key: string
  version: string
  /** Absolute path of its `.dist-info` (or `.egg-info`). */
  infoDir: string
  metadata: Metadata
  /** The site-packages it is in. */
  site: string
  /** The parsed `direct_url.json` (PEP 610), when installed from a URL or a directory. */
  directUrl: { url: string; editable: boolean } | undefined
  /** Installed by a user's request (REQUESTED exists). */
  requested: boolean
}

function readText(vfs: SyncVfs, path: string): string | undefined {
  try {
    return new TextDecoder().decode(vfs.readFile(path))
  } catch {
    return undefined
  }
}

function isDir(vfs: SyncVfs, path: string): boolean {
  try {
    return vfs.stat(path).kind === 'dir'
  } catch {
    return false
  }
}

/** Reads one `.dist-info`/`.egg-info` directory (or `.egg-info` file), or `undefined` when it is not one. */
export function readInstalled(vfs: SyncVfs, site: string, entry: string): InstalledDist | undefined {
  const infoDir = `${site}/${entry}`
  let text: string | undefined
  if (entry.endsWith('.dist-info')) text = readText(vfs, `${infoDir}/METADATA`)
  else if (entry.endsWith('.egg-info')) text = isDir(vfs, infoDir) ? readText(vfs, `${infoDir}/PKG-INFO`) : readText(vfs, infoDir)
  if (text === undefined) return undefined
  const metadata = parseMetadata(text)
  const stem = entry.replace(/\.(dist|egg)-info$/, '')
  const name = metadata.get('Name') ?? stem.split('-')[0] ?? stem
  const version = metadata.get('Version') ?? stem.split('-')[1] ?? ''
  let directUrl: InstalledDist['directUrl']
  const du = readText(vfs, `${infoDir}/direct_url.json`)
  if (du) {
    try {
      const j = JSON.parse(du) as { url?: unknown; dir_info?: { editable?: unknown } }
      if (typeof j.url === 'string') directUrl = { url: j.url, editable: j.dir_info?.editable === true }
    } catch {
      directUrl = undefined
    }
  }
  return { name, key: normalizeName(name), version, infoDir, metadata, site, directUrl, requested: vfs.exists(`${infoDir}/REQUESTED`) }
}

/** Every distribution installed in `site`, sorted by name. */
export function listInstalled(vfs: SyncVfs, site: string): InstalledDist[] {
  let entries: string[]
  try {
    entries = vfs.readdir(site)
  } catch {
    return []
  }
  const out: InstalledDist[] = []
  const seen = new Set<string>()
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.dist-info') && !entry.endsWith('.egg-info')) continue
    const d = readInstalled(vfs, site, entry)
    if (!d || seen.has(d.key)) continue
    seen.add(d.key)
    out.push(d)
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** The installed distribution called `name` (any spelling), if any. */
export function findInstalled(vfs: SyncVfs, site: string, name: string): InstalledDist | undefined {
  const key = normalizeName(name)
  return listInstalled(vfs, site).find((d) => d.key === key)
}

/** The installed version, parsed (`undefined` for a non-PEP 440 version). */
export function installedVersion(d: InstalledDist): Version | undefined {
  return Version.parse(d.version)
}

/** The absolute paths of every file the distribution owns, from its RECORD (plus `__pycache__` files of its modules). */
export function ownedFiles(vfs: SyncVfs, d: InstalledDist): string[] {
  const files = new Set<string>()
  const record = readText(vfs, `${d.infoDir}/RECORD`)
  if (record !== undefined) {
    for (const row of parseRecord(record)) {
      if (!row.path) continue
      const path = resolvePath(d.site, row.path)
      files.add(path)
      const m = /^(.*)\/([^/]+)\.py$/.exec(path)
      if (m) {
        const cache = `${m[1]}/__pycache__`
        try {
          for (const f of vfs.readdir(cache)) if (f.startsWith(`${m[2]}.`) && f.endsWith('.pyc')) files.add(`${cache}/${f}`)
        } catch {
          // no cache
        }
      }
    }
  } else {
    const list = readText(vfs, `${d.infoDir}/installed-files.txt`)
    for (const line of (list ?? '').split('\n')) if (line.trim()) files.add(resolvePath(d.infoDir, line.trim()))
  }
  // Everything in the metadata directory goes too, whatever RECORD says.
  const walk = (dir: string): void => {
    let names: string[]
    try {
      names = vfs.readdir(dir)
    } catch {
      return
    }
    for (const n of names) {
      const p = `${dir}/${n}`
      if (isDir(vfs, p)) walk(p)
      else files.add(p)
    }
  }
  if (isDir(vfs, d.infoDir)) walk(d.infoDir)
  else files.add(d.infoDir)
  return [...files].map((f) => normalizePath(f))
}

/** Whether `d` can be uninstalled (it has a RECORD or an installed-files list). */
export function hasRecord(vfs: SyncVfs, d: InstalledDist): boolean {
  return vfs.exists(`${d.infoDir}/RECORD`) || vfs.exists(`${d.infoDir}/installed-files.txt`)
}

/** The directories that may be left empty by removing `files` (their parents, up to a root). */
export function parentDirs(files: string[], roots: Set<string>): string[] {
  const dirs = new Set<string>()
  for (const f of files) {
    let d = f.slice(0, f.lastIndexOf('/'))
    while (d && d !== '/' && !roots.has(d)) {
      dirs.add(d)
      d = d.slice(0, d.lastIndexOf('/'))
    }
  }
  return [...dirs]
}

/** pip's short listing of what an uninstall removes (directories collapsed to `dir/*`). */
export function compressForDisplay(files: string[], d: InstalledDist, layout: Layout): string[] {
  const out = new Set<string>()
  for (const f of files) {
    if (f.startsWith(`${d.site}/`)) {
      const top = f.slice(d.site.length + 1).split('/')[0] ?? ''
      const full = `${d.site}/${top}`
      out.add(f === full ? f : `${full}/*`)
    } else if (f.startsWith(`${layout.scripts}/`)) out.add(f)
    else out.add(f)
  }
  return [...out].sort()
}
