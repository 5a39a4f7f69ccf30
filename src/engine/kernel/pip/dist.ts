/**
 * A distribution ready to be written: its files (absolute paths and bytes), metadata and entry
 * points, whether it came from a wheel or a local project; and what pip adds when it installs one
 * (console-script launchers, INSTALLER, REQUESTED, direct_url.json and the rewritten RECORD).
 */
import { type EntryPoint, type Metadata, formatRecord, type RecordRow } from './metadata.js'
import type { Layout } from './installed.js'
import { sha256, toBase64Url } from './sha256.js'

/** A file to write. */
export interface PreparedFile {
  /** Absolute path. */
  path: string
  data: Uint8Array
  mode: number
}

/** A distribution unpacked in memory, not written yet. */
export interface PreparedDist {
  /** Name as its metadata spells it. */
  name: string
  version: string
  /** Absolute path of the `.dist-info` directory it installs. */
  infoDir: string
  /** Every file of the distribution (the `.dist-info` included, RECORD excluded). */
  files: PreparedFile[]
  metadata: Metadata
  entryPoints: Map<string, EntryPoint[]>
}

/** What {@link finishDist} adds. */
export interface FinishOptions {
  layout: Layout
  /** The user asked for it (not only a dependency): writes REQUESTED. */
  requested: boolean
  /** PEP 610 `direct_url.json` content, for URL and directory installs. */
  directUrl?: Record<string, unknown> | undefined
}

/** The first line of every script daylite writes. */
export const SCRIPT_SHEBANG = '#!/usr/bin/env python3'

/** The delimiter that ends the shell part of a launcher; as a Python line it is a no-op. */
const SHELL_END = 'pass  # end of the shell prologue (daylite)'

/**
 * Wraps Python source as an executable that runs the same from a `#!/usr/bin/env python3`
 * shebang and as a bash script (daylite's shell runs bare-name `PATH` commands as bash): line 2
 * is a Python string literal that bash reads as `python3 "$0" "$@"; exit $?` followed by a
 * here-document that swallows the Python code.
 */
export function pythonLauncher(source: string): string {
  const body = source.endsWith('\n') ? source : `${source}\n`
  return `${SCRIPT_SHEBANG}\n''''python3 "$0" "$@"; exit $?; : <<'${SHELL_END}' #'''\n${body}${SHELL_END}\n`
}

/** The Python source of a console script for `module:attr` (as pip's launchers). */
export function consoleScriptSource(ep: EntryPoint): string {
  const [head = '', ...rest] = (ep.attr ?? '').split('.')
  const call = [head, ...rest].join('.')
  return [
    '# -*- coding: utf-8 -*-',
    'import re',
    'import sys',
    `from ${ep.module} import ${head}`,
    "if __name__ == '__main__':",
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])",
    `    sys.exit(${call}())`,
    '',
  ].join('\n')
}

/** `path` relative to the directory `from` (both absolute), with `..` as needed. */
export function relativePath(from: string, path: string): string {
  const a = from.split('/').filter(Boolean)
  const b = path.split('/').filter(Boolean)
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return [...new Array<string>(a.length - i).fill('..'), ...b.slice(i)].join('/')
}

/**
 * The complete file list pip writes for `dist`: its files, console-script launchers, INSTALLER,
 * REQUESTED, direct_url.json and a RECORD of them all (paths relative to site-packages).
 */
export function finishDist(dist: PreparedDist, options: FinishOptions): PreparedFile[] {
  const enc = new TextEncoder()
  const files = [...dist.files]
  for (const group of ['console_scripts', 'gui_scripts']) {
    for (const ep of dist.entryPoints.get(group) ?? []) {
      if (!ep.attr || !/^[A-Za-z0-9_.+-]+$/.test(ep.name)) continue
      files.push({ path: `${options.layout.scripts}/${ep.name}`, data: enc.encode(pythonLauncher(consoleScriptSource(ep))), mode: 0o755 })
    }
  }
  files.push({ path: `${dist.infoDir}/INSTALLER`, data: enc.encode('daylite\n'), mode: 0o644 })
  if (options.requested) files.push({ path: `${dist.infoDir}/REQUESTED`, data: new Uint8Array(0), mode: 0o644 })
  if (options.directUrl) files.push({ path: `${dist.infoDir}/direct_url.json`, data: enc.encode(JSON.stringify(options.directUrl)), mode: 0o644 })
  // Later entries win (a console script replacing a .data script of the same name).
  const byPath = new Map<string, PreparedFile>()
  for (const f of files) byPath.set(f.path, f)
  const unique = [...byPath.values()]
  const site = options.layout.site
  const rows: RecordRow[] = unique.map((f) => ({ path: relativePath(site, f.path), hash: `sha256=${toBase64Url(sha256(f.data))}`, size: String(f.data.length) }))
  rows.push({ path: relativePath(site, `${dist.infoDir}/RECORD`), hash: '', size: '' })
  unique.push({ path: `${dist.infoDir}/RECORD`, data: enc.encode(formatRecord(rows)), mode: 0o644 })
  return unique
}
