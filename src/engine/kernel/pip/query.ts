/**
 * The read-only subcommands: `pip list`, `pip freeze`, `pip show` and `pip check`, over the
 * `.dist-info` directories in site-packages; and `pip uninstall`.
 */
import { PipError, PipErrorCode } from './errors.js'
import { type PipContext, removeDist } from './install.js'
import { type InstalledDist, compressForDisplay, findInstalled, hasRecord, listInstalled, ownedFiles } from './installed.js'
import { parseRecord } from './metadata.js'
import { markerApplies, normalizeName, parseRequirement } from './requirement.js'
import { FileTransaction } from './transaction.js'
import { Version } from './version.js'
import { filePath } from './sources.js'

/** Projects `pip freeze` leaves out unless `--all`. */
const FREEZE_HIDDEN = new Set(['pip', 'setuptools', 'wheel', 'distribute'])

/** Options of {@link pipList}. */
export interface ListOptions {
  format: 'columns' | 'freeze' | 'json'
  editableOnly: boolean
  excludeEditable: boolean
  notRequired: boolean
  exclude: string[]
}

function isEditable(d: InstalledDist): boolean {
  return d.directUrl?.editable === true
}

function requiredBy(all: InstalledDist[], d: InstalledDist): string[] {
  const out: string[] = []
  for (const other of all) {
    for (const line of other.metadata.getAll('Requires-Dist')) {
      try {
        const r = parseRequirement(line)
        if (r.key === d.key && markerApplies(r.marker, [])) {
          out.push(other.name)
          break
        }
      } catch {
        // ignore invalid lines
      }
    }
  }
  return out
}

/** `pip list`. */
export function pipList(ctx: PipContext, opts: ListOptions): string {
  const exclude = new Set(opts.exclude.map(normalizeName))
  let dists = listInstalled(ctx.vfs, ctx.layout.site).filter((d) => !exclude.has(d.key))
  if (opts.editableOnly) dists = dists.filter(isEditable)
  if (opts.excludeEditable) dists = dists.filter((d) => !isEditable(d))
  if (opts.notRequired) {
    const all = listInstalled(ctx.vfs, ctx.layout.site)
    dists = dists.filter((d) => requiredBy(all, d).length === 0)
  }
  dists.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
  if (opts.format === 'json') {
    return `${JSON.stringify(dists.map((d) => (isEditable(d) ? { name: d.name, version: d.version, editable_project_location: d.directUrl ? filePath(d.directUrl.url) : '' } : { name: d.name, version: d.version })))}\n`
  }
  if (opts.format === 'freeze') return dists.map((d) => `${d.name}==${d.version}\n`).join('')
  if (dists.length === 0) return ''
  const rows = dists.map((d) => [d.name, d.version, isEditable(d) && d.directUrl ? filePath(d.directUrl.url) : ''])
  const editableCol = rows.some((r) => r[2])
  const header = editableCol ? ['Package', 'Version', 'Editable project location'] : ['Package', 'Version']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    `${cells
      .slice(0, header.length)
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(' ')
      .trimEnd()}\n`
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('')
}

/** `pip freeze`. */
export function pipFreeze(ctx: PipContext, opts: { all: boolean; excludeEditable: boolean; exclude: string[] }): string {
  const exclude = new Set(opts.exclude.map(normalizeName))
  let out = ''
  const dists = listInstalled(ctx.vfs, ctx.layout.site).sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
  for (const d of dists) {
    if (exclude.has(d.key) || (!opts.all && FREEZE_HIDDEN.has(d.key))) continue
    if (isEditable(d)) {
      if (opts.excludeEditable) continue
      out += `# Editable install with no version control (${d.name}==${d.version})\n-e ${d.directUrl ? filePath(d.directUrl.url) : ''}\n`
    } else if (d.directUrl) out += `${d.name} @ ${d.directUrl.url}\n`
    else out += `${d.name}==${d.version}\n`
  }
  return out
}

/** `pip show`: the report, and the names not found. */
export function pipShow(ctx: PipContext, names: string[], files: boolean, verbose: boolean): { text: string; missing: string[] } {
  const all = listInstalled(ctx.vfs, ctx.layout.site)
  const blocks: string[] = []
  const missing: string[] = []
  for (const name of names) {
    const d = all.find((x) => x.key === normalizeName(name))
    if (!d) {
      missing.push(name)
      continue
    }
    const m = d.metadata
    const requires = new Set<string>()
    for (const line of m.getAll('Requires-Dist')) {
      try {
        const r = parseRequirement(line)
        if (markerApplies(r.marker, [])) requires.add(r.name)
      } catch {
        // ignore
      }
    }
    const homepage = m.get('Home-page') ?? m.getAll('Project-URL').find((u) => /^home\s*page\s*,/i.test(u))?.replace(/^[^,]*,\s*/, '') ?? ''
    const authorEmail = m.get('Author-email') ?? ''
    const lines = [
      `Name: ${d.name}`,
      `Version: ${d.version}`,
      `Summary: ${m.get('Summary') ?? ''}`,
      `Home-page: ${homepage}`,
      `Author: ${m.get('Author') ?? ''}`,
      `Author-email: ${authorEmail}`,
      `License: ${(m.get('License-Expression') ?? m.get('License') ?? '').split('\n')[0] ?? ''}`,
      `Location: ${d.site}`,
    ]
    if (isEditable(d) && d.directUrl) lines.push(`Editable project location: ${filePath(d.directUrl.url)}`)
    lines.push(`Requires: ${[...requires].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).join(', ')}`)
    lines.push(`Required-by: ${requiredBy(all, d).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())).join(', ')}`)
    if (verbose) {
      lines.push(`Metadata-Version: ${m.get('Metadata-Version') ?? ''}`)
      lines.push(`Installer: ${readInstaller(ctx, d)}`)
      lines.push('Classifiers:', ...m.getAll('Classifier').map((c) => `  ${c}`))
      lines.push('Entry-points:')
      try {
        const ep = new TextDecoder().decode(ctx.vfs.readFile(`${d.infoDir}/entry_points.txt`))
        lines.push(
          ...ep
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => `  ${l.trim()}`),
        )
      } catch {
        // none
      }
    }
    if (files) {
      lines.push('Files:')
      try {
        const record = new TextDecoder().decode(ctx.vfs.readFile(`${d.infoDir}/RECORD`))
        for (const row of parseRecord(record)) lines.push(`  ${row.path}`)
      } catch {
        lines.push('Cannot locate RECORD or installed-files.txt')
      }
    }
    blocks.push(`${lines.join('\n')}\n`)
  }
  return { text: blocks.join('---\n'), missing }
}

function readInstaller(ctx: PipContext, d: InstalledDist): string {
  try {
    return new TextDecoder().decode(ctx.vfs.readFile(`${d.infoDir}/INSTALLER`)).trim()
  } catch {
    return ''
  }
}

/** `pip check`: broken requirements, one line each (empty when none). */
export function pipCheck(ctx: PipContext): string[] {
  const all = listInstalled(ctx.vfs, ctx.layout.site)
  const byKey = new Map(all.map((d) => [d.key, d]))
  const problems: string[] = []
  for (const d of all) {
    for (const line of d.metadata.getAll('Requires-Dist')) {
      let r
      try {
        r = parseRequirement(line)
      } catch {
        continue
      }
      if (!markerApplies(r.marker, [])) continue
      const dep = byKey.get(r.key)
      if (!dep) problems.push(`${d.name} ${d.version} requires ${r.name}, which is not installed.`)
      else {
        const v = Version.parse(dep.version)
        if (v && !r.specifier.contains(v, true)) problems.push(`${d.name} ${d.version} has requirement ${r.name}${r.specifier.toString()}, but you have ${dep.name} ${dep.version}.`)
      }
    }
  }
  return problems
}

/**
 * `pip uninstall`: removes each named distribution (all or nothing per call).
 *
 * @param confirm - asked with the files to remove when `-y` was not given; false skips the project
 */
export function pipUninstall(ctx: PipContext, names: string[], confirm: ((name: string, paths: string[]) => boolean) | undefined): void {
  const tx = new FileTransaction(ctx.vfs)
  try {
    for (const name of names) {
      const d = findInstalled(ctx.vfs, ctx.layout.site, name)
      if (!d) {
        ctx.warn(`WARNING: Skipping ${name} as it is not installed.`)
        continue
      }
      if (!hasRecord(ctx.vfs, d)) {
        throw new PipError(PipErrorCode.OS, `Cannot uninstall ${d.name} ${d.version}: no RECORD file was found for ${d.name}. Hint: the package was installed by something other than pip; remove ${d.infoDir} and its files by hand.`)
      }
      ctx.info(`Found existing installation: ${d.name} ${d.version}`)
      ctx.info(`Uninstalling ${d.name}-${d.version}:`)
      if (confirm) {
        const shown = compressForDisplay(ownedFiles(ctx.vfs, d), d, ctx.layout)
        if (!confirm(`${d.name}-${d.version}`, shown)) continue
      }
      removeDist(ctx, tx, d)
      ctx.info(`  Successfully uninstalled ${d.name}-${d.version}`)
    }
    tx.commit()
  } catch (error) {
    tx.rollback()
    throw error
  }
}
