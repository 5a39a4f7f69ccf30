/**
 * `pip` as a shell command, implemented on the host side: it runs in the kernel worker, fetches
 * from package indexes with the platform's `fetch` (under the sandbox's network settings) and
 * reads and writes site-packages in the sandbox's VFS directly. No Python runs for it.
 *
 * Subcommands: `install`, `uninstall`, `list`, `freeze`, `show`, `check`, `hash`, `index
 * versions`, `help`; `pip3`, `pip3.13` and `python3 -m pip` are the same command. Pure-Python
 * wheels only: a project with only native wheels gets a message that names the remote fallback.
 *
 * Settings, lowest precedence first: pip config files (`/etc/pip.conf`, `~/.config/pip/pip.conf`,
 * `~/.pip/pip.conf`, `$PIP_CONFIG_FILE`), `PIP_*` environment variables (e.g. `PIP_INDEX_URL`, set
 * per sandbox with `envVars`), then options.
 */
import type { ShellCommand, ShellCommandContext, ShellCommandResult } from '../../shell/index.js'
import type { SyncVfs } from '../../vfs/types.js'
import { isVfsError } from '../../vfs/errors.js'
import { resolvePath } from '../../vfs/path.js'
import { PipError, PipErrorCode } from './pip/errors.js'
import { DEFAULT_INDEX_URL, parseSdistFilename, parseWheelFilename, wheelRank } from './pip/index-client.js'
import { type InstallOptions, type PipContext, install } from './pip/install.js'
import { type Layout, SANDBOX_LAYOUT, listInstalled, targetLayout } from './pip/installed.js'
import { type FetchFn, HttpClient, type NetworkPolicy } from './pip/network.js'
import { pipCheck, pipFreeze, pipList, pipShow, pipUninstall } from './pip/query.js'
import { normalizeName, parseRequirement } from './pip/requirement.js'
import { type RequirementSet, emptyRequirementSet, installItem, readRequirementsFile } from './pip/requirements-file.js'
import { sha256, toHex } from './pip/sha256.js'
import { DirectorySource, IndexSource, LinkPageSource, type Source } from './pip/sources.js'
import { Version } from './pip/version.js'

export { PipError, PipErrorCode } from './pip/errors.js'
export type { NetworkPolicy } from './pip/network.js'

/** The version `pip --version` reports. */
const PIP_VERSION = '24.0'

/** How the pip command reaches the world. */
export interface PipHostOptions {
  /** The attached sandbox's filesystem. */
  vfs: () => SyncVfs
  /** The sandbox's network settings (read at each run). */
  network?: (() => NetworkPolicy) | undefined
  /** The platform's fetch (default: the global one). */
  fetch?: FetchFn | undefined
}

type OptType = 'flag' | 'count' | 'value' | 'list'
interface OptSpec {
  names: string[]
  key: string
  type: OptType
}

function opt(key: string, type: OptType, ...names: string[]): OptSpec {
  return { names, key, type }
}

const GLOBAL_OPTS: OptSpec[] = [
  opt('help', 'flag', '-h', '--help'),
  opt('quiet', 'count', '-q', '--quiet'),
  opt('verbose', 'count', '-v', '--verbose'),
  opt('version', 'flag', '-V', '--version'),
  opt('isolated', 'flag', '--isolated'),
  opt('requireVirtualenv', 'flag', '--require-virtualenv'),
  opt('python', 'value', '--python'),
  opt('ignored', 'flag', '--disable-pip-version-check', '--no-cache-dir', '--no-input', '--no-color', '--no-python-version-warning', '--debug'),
  opt('ignoredValue', 'list', '--cache-dir', '--timeout', '--retries', '--proxy', '--trusted-host', '--cert', '--client-cert', '--exists-action', '--log', '--local-log', '--root-user-action', '--use-feature', '--use-deprecated', '--keyring-provider', '--progress-bar'),
]

const COMMAND_OPTS: Record<string, OptSpec[]> = {
  install: [
    opt('requirement', 'list', '-r', '--requirement'),
    opt('constraint', 'list', '-c', '--constraint'),
    opt('editable', 'list', '-e', '--editable'),
    opt('indexUrl', 'value', '-i', '--index-url'),
    opt('extraIndexUrl', 'list', '--extra-index-url'),
    opt('noIndex', 'flag', '--no-index'),
    opt('findLinks', 'list', '-f', '--find-links'),
    opt('upgrade', 'flag', '-U', '--upgrade'),
    opt('upgradeStrategy', 'value', '--upgrade-strategy'),
    opt('forceReinstall', 'flag', '--force-reinstall'),
    opt('ignoreInstalled', 'flag', '-I', '--ignore-installed'),
    opt('noDeps', 'flag', '--no-deps'),
    opt('pre', 'flag', '--pre'),
    opt('target', 'value', '-t', '--target'),
    opt('user', 'flag', '--user'),
    opt('prefix', 'value', '--prefix'),
    opt('root', 'value', '--root'),
    opt('dryRun', 'flag', '--dry-run'),
    opt('requireHashes', 'flag', '--require-hashes'),
    opt('noBinary', 'list', '--no-binary'),
    opt('report', 'value', '--report'),
    opt(
      'ignored',
      'flag',
      '--no-build-isolation',
      '--prefer-binary',
      '--no-compile',
      '--compile',
      '--no-warn-script-location',
      '--no-warn-conflicts',
      '--break-system-packages',
      '--use-pep517',
      '--no-use-pep517',
      '--no-clean',
      '--check-build-dependencies',
    ),
    opt('ignoredValue', 'list', '--only-binary', '-C', '--config-settings', '--global-option', '--src', '--platform', '--python-version', '--implementation', '--abi'),
  ],
  uninstall: [opt('requirement', 'list', '-r', '--requirement'), opt('yes', 'flag', '-y', '--yes'), opt('ignored', 'flag', '--break-system-packages')],
  list: [
    opt('outdated', 'flag', '-o', '--outdated'),
    opt('uptodate', 'flag', '-u', '--uptodate'),
    opt('editable', 'flag', '-e', '--editable'),
    opt('local', 'flag', '-l', '--local'),
    opt('user', 'flag', '--user'),
    opt('path', 'list', '--path'),
    opt('pre', 'flag', '--pre'),
    opt('format', 'value', '--format'),
    opt('notRequired', 'flag', '--not-required'),
    opt('excludeEditable', 'flag', '--exclude-editable'),
    opt('includeEditable', 'flag', '--include-editable'),
    opt('exclude', 'list', '--exclude'),
    opt('indexUrl', 'value', '-i', '--index-url'),
    opt('extraIndexUrl', 'list', '--extra-index-url'),
    opt('noIndex', 'flag', '--no-index'),
    opt('findLinks', 'list', '-f', '--find-links'),
  ],
  freeze: [
    opt('requirement', 'list', '-r', '--requirement'),
    opt('local', 'flag', '-l', '--local'),
    opt('user', 'flag', '--user'),
    opt('path', 'list', '--path'),
    opt('all', 'flag', '--all'),
    opt('excludeEditable', 'flag', '--exclude-editable'),
    opt('exclude', 'list', '--exclude'),
  ],
  show: [opt('files', 'flag', '-f', '--files')],
  check: [],
  hash: [opt('algorithm', 'value', '-a', '--algorithm')],
  index: [
    opt('indexUrl', 'value', '-i', '--index-url'),
    opt('extraIndexUrl', 'list', '--extra-index-url'),
    opt('noIndex', 'flag', '--no-index'),
    opt('findLinks', 'list', '-f', '--find-links'),
    opt('pre', 'flag', '--pre'),
  ],
  help: [],
}

const USAGE = `
Usage:
  pip <command> [options]

Commands:
  install                     Install packages.
  uninstall                   Uninstall packages.
  freeze                      Output installed packages in requirements format.
  list                        List installed packages.
  show                        Show information about installed packages.
  check                       Verify installed packages have compatible dependencies.
  hash                        Compute hashes of package archives.
  index                       Inspect information available from package indexes.
  help                        Show help for commands.

General Options:
  -h, --help                  Show help.
  -q, --quiet                 Give less output (-q: no progress, -qq: no warnings).
  -V, --version               Show version and exit.

daylite's pip installs pure-Python wheels (and local pyproject.toml projects) into
/usr/local/lib/python3.13/site-packages. Packages with native code need the remote fallback.
`

const COMMAND_HELP: Record<string, string> = {
  install: `
Usage:
  pip install [options] <requirement specifier> [package-index-options] ...
  pip install [options] -r <requirements file> [package-index-options] ...
  pip install [options] [-e] <local project path> ...
  pip install [options] <wheel file or URL> ...

Install Options:
  -r, --requirement <file>    Install from the given requirements file (repeatable).
  -c, --constraint <file>     Constrain versions using the given constraints file.
  -e, --editable <path>       Install a local project in editable mode (a .pth file pointing at its source).
  -U, --upgrade               Upgrade the given packages to the newest available version.
  --upgrade-strategy <s>      only-if-needed (default) or eager.
  --force-reinstall           Reinstall all packages even if they are up to date.
  -I, --ignore-installed      Ignore the installed packages.
  --no-deps                   Don't install package dependencies.
  --pre                       Include pre-release and development versions.
  -t, --target <dir>          Install packages into <dir>.
  --dry-run                   Resolve, but don't install anything.
  --require-hashes            Require a --hash for each requirement.

Package Index Options:
  -i, --index-url <url>       Base URL of the Python Package Index (default ${DEFAULT_INDEX_URL}).
  --extra-index-url <url>     Extra URLs of package indexes to use.
  --no-index                  Ignore package index (only looking at --find-links URLs instead).
  -f, --find-links <url>      A directory of wheels, or an HTML page of links to them.
`,
  uninstall: `
Usage:
  pip uninstall [options] <package> ...
  pip uninstall [options] -r <requirements file> ...

Uninstall Options:
  -r, --requirement <file>    Uninstall all the packages listed in the given requirements file.
  -y, --yes                   Don't ask for confirmation of uninstall deletions.
`,
  list: `
Usage:
  pip list [options]

List Options:
  -o, --outdated              List outdated packages (asks the index).
  -u, --uptodate              List up-to-date packages (asks the index).
  -e, --editable              List editable projects.
  --format <fmt>              columns (default), freeze, or json.
  --not-required              List packages that are not dependencies of installed packages.
  --exclude <package>         Exclude specified package from the output.
`,
  freeze: `
Usage:
  pip freeze [options]

Freeze Options:
  --all                       Do not skip these packages in the output: pip, setuptools, wheel.
  --exclude-editable          Exclude editable package from output.
  --exclude <package>         Exclude specified package from the output.
`,
  show: `
Usage:
  pip show [options] <package> ...

Show Options:
  -f, --files                 Show the full list of installed files for each package.
`,
  check: `
Usage:
  pip check
`,
  hash: `
Usage:
  pip hash [options] <file> ...
`,
  index: `
Usage:
  pip index versions <package>
`,
}

interface Parsed {
  command: string | undefined
  opts: Record<string, string | string[] | number | boolean>
  positional: string[]
}

function usageError(message: string): PipError {
  return new PipError(PipErrorCode.USAGE, message)
}

function parseArgs(args: string[]): Parsed {
  const opts: Parsed['opts'] = {}
  const positional: string[] = []
  let command: string | undefined
  let specs = GLOBAL_OPTS
  const find = (name: string): OptSpec | undefined => specs.find((s) => s.names.includes(name))
  const set = (spec: OptSpec, value: string | undefined): void => {
    if (spec.type === 'flag') opts[spec.key] = true
    else if (spec.type === 'count') opts[spec.key] = (typeof opts[spec.key] === 'number' ? (opts[spec.key] as number) : 0) + 1
    else if (spec.type === 'value') opts[spec.key] = value ?? ''
    else opts[spec.key] = [...((opts[spec.key] as string[] | undefined) ?? []), value ?? '']
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--') {
      positional.push(...args.slice(i + 1))
      break
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = eq >= 0 ? a.slice(0, eq) : a
      // Unambiguous prefixes of long options work, as in optparse.
      let spec = find(name)
      if (!spec) {
        const matches = specs.filter((s) => s.names.some((n) => n.startsWith('--') && n.startsWith(name)))
        if (matches.length === 1) spec = matches[0]
      }
      if (!spec) throw usageError(`no such option: ${name}`)
      if (spec.type === 'flag' || spec.type === 'count') {
        if (eq >= 0) throw usageError(`${name} option does not take a value`)
        set(spec, undefined)
      } else {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i]
        if (value === undefined) throw usageError(`${name} option requires 1 argument`)
        set(spec, value)
      }
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const name = `-${a[j]}`
        const spec = find(name)
        if (!spec) throw usageError(`no such option: ${name}`)
        if (spec.type === 'flag' || spec.type === 'count') set(spec, undefined)
        else {
          const rest = a.slice(j + 1)
          const value = rest ? rest : args[++i]
          if (value === undefined) throw usageError(`${name} option requires 1 argument`)
          set(spec, value)
          break
        }
      }
      continue
    }
    if (command === undefined) {
      command = a
      specs = [...GLOBAL_OPTS, ...(COMMAND_OPTS[a] ?? [])]
      continue
    }
    positional.push(a)
  }
  return { command, opts, positional }
}

/** pip's configuration: config files and `PIP_*` variables. */
class Settings {
  readonly #files: Record<string, Record<string, string>> = {}
  readonly #env: Record<string, string>

  constructor(vfs: SyncVfs, env: Record<string, string>, isolated: boolean) {
    this.#env = isolated ? {} : env
    if (isolated) return
    const home = env.HOME ?? '/home/daytona'
    const files = ['/etc/xdg/pip/pip.conf', '/etc/pip.conf', `${home}/.pip/pip.conf`, `${home}/.config/pip/pip.conf`]
    if (env.PIP_CONFIG_FILE) files.push(env.PIP_CONFIG_FILE)
    for (const f of files) {
      let text: string
      try {
        text = new TextDecoder().decode(vfs.readFile(f))
      } catch {
        continue
      }
      let section = 'global'
      let lastKey: string | undefined
      for (const raw of text.split(/\r?\n/)) {
        if (/^\s*[#;]/.test(raw) || !raw.trim()) continue
        const sec = /^\s*\[([^\]]+)\]\s*$/.exec(raw)
        if (sec) {
          section = (sec[1] ?? '').trim()
          lastKey = undefined
          continue
        }
        if (/^\s/.test(raw) && lastKey) {
          const s = (this.#files[section] ??= {})
          s[lastKey] = `${s[lastKey] ?? ''}\n${raw.trim()}`
          continue
        }
        const m = /^\s*([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw)
        if (!m) continue
        lastKey = (m[1] ?? '').toLowerCase().replace(/_/g, '-')
        ;(this.#files[section] ??= {})[lastKey] = (m[2] ?? '').trim()
      }
    }
  }

  /** The value of `key` for `command`: environment, then [command], then [global]. */
  get(key: string, command: string): string | undefined {
    const env = this.#env[`PIP_${key.toUpperCase().replace(/-/g, '_')}`]
    if (env !== undefined && env !== '') return env
    return this.#files[command]?.[key] ?? this.#files.global?.[key]
  }

  list(key: string, command: string): string[] {
    return (this.get(key, command) ?? '').split(/\s+/).filter(Boolean)
  }

  flag(key: string, command: string): boolean {
    return /^(1|true|yes|on)$/i.test(this.get(key, command) ?? '')
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []
}

/** What one run of pip writes: streamed through the shell's sinks when it gives them, else collected. */
class Output {
  stdout = ''
  stderr = ''
  readonly #enc = new TextEncoder()
  readonly #sinks: { stdout?: ((b: Uint8Array) => void) | undefined; stderr?: ((b: Uint8Array) => void) | undefined }

  constructor(
    readonly quiet: number,
    sinks: { stdout?: ((b: Uint8Array) => void) | undefined; stderr?: ((b: Uint8Array) => void) | undefined } = {},
  ) {
    this.#sinks = sinks
  }

  out(text: string): void {
    if (this.#sinks.stdout) this.#sinks.stdout(this.#enc.encode(text))
    else this.stdout += text
  }

  err(text: string): void {
    if (this.#sinks.stderr) this.#sinks.stderr(this.#enc.encode(text))
    else this.stderr += text
  }

  info = (line: string): void => {
    if (this.quiet < 1) this.out(`${line}\n`)
  }
  warn = (line: string): void => {
    if (this.quiet < 2) this.err(`${line}\n`)
  }
  error = (line: string): void => {
    if (this.quiet < 3) this.err(`${line}\n`)
  }
  result(exitCode: number): ShellCommandResult {
    return { stdout: this.stdout, stderr: this.stderr, exitCode }
  }
}

function sources(vfs: SyncVfs, cwd: string, http: HttpClient, settings: Settings, command: string, opts: Parsed['opts'], reqs?: RequirementSet): Source[] {
  const noIndex = opts.noIndex === true || reqs?.noIndex === true || settings.flag('no-index', command)
  const out: Source[] = []
  if (!noIndex) {
    const index = (opts.indexUrl as string | undefined) ?? reqs?.indexUrl ?? settings.get('index-url', command) ?? DEFAULT_INDEX_URL
    out.push(new IndexSource(http, index))
    const extra = [...settings.list('extra-index-url', command), ...(reqs?.extraIndexUrls ?? []), ...strings(opts.extraIndexUrl)]
    for (const url of [...new Set(extra)]) out.push(new IndexSource(http, url))
  }
  for (const link of [...settings.list('find-links', command), ...(reqs?.findLinks ?? []), ...strings(opts.findLinks)]) {
    if (/^https?:\/\//i.test(link)) out.push(new LinkPageSource(http, link))
    else out.push(new DirectorySource(vfs, link.startsWith('file:') ? decodeURIComponent(new URL(link).pathname) : resolvePath(cwd, link)))
  }
  return out
}

async function runInstall(ctx: PipContext, p: Parsed, settings: Settings, ctxShell: ShellCommandContext): Promise<number> {
  const { vfs, cwd } = ctx
  if (p.opts.prefix !== undefined || p.opts.root !== undefined) throw new PipError(PipErrorCode.UNSUPPORTED, '--prefix and --root are not supported by daylite\'s pip; use --target <dir>')
  if (p.opts.report !== undefined) throw new PipError(PipErrorCode.UNSUPPORTED, '--report is not supported by daylite\'s pip')
  if (strings(p.opts.noBinary).some((v) => v.split(',').includes(':all:'))) throw new PipError(PipErrorCode.UNSUPPORTED, "--no-binary :all: asks for source builds, which daylite's pip cannot run; it installs wheels only")
  if (p.opts.user === true) ctx.warn('WARNING: --user is ignored: daylite has one site-packages (/usr/local/lib/python3.13/site-packages), writable by the sandbox user.')
  const reqs = emptyRequirementSet()
  for (const f of strings(p.opts.requirement)) readRequirementsFile(vfs, resolvePath(cwd, f), cwd, ctxShell.env, reqs)
  for (const f of strings(p.opts.constraint)) readRequirementsFile(vfs, resolvePath(cwd, f), cwd, ctxShell.env, reqs, true)
  for (const e of strings(p.opts.editable)) reqs.items.push(installItem(vfs, cwd, e, true, []))
  for (const a of p.positional) reqs.items.push(installItem(vfs, cwd, a, false, []))
  if (reqs.items.length === 0) {
    throw usageError('You must give at least one requirement to install (see "pip help install")')
  }
  const strategy = (p.opts.upgradeStrategy as string | undefined) ?? settings.get('upgrade-strategy', 'install') ?? 'only-if-needed'
  if (strategy !== 'only-if-needed' && strategy !== 'eager') throw usageError(`invalid --upgrade-strategy ${strategy} (only-if-needed or eager)`)
  const upgrade = p.opts.upgrade === true || settings.flag('upgrade', 'install')
  const options: InstallOptions = {
    items: reqs.items,
    sources: sources(vfs, cwd, ctx.http, settings, 'install', p.opts, reqs),
    constraints: reqs.constraints,
    noDeps: p.opts.noDeps === true || settings.flag('no-deps', 'install'),
    upgrade: upgrade ? strategy : 'no',
    forceReinstall: p.opts.forceReinstall === true,
    ignoreInstalled: p.opts.ignoreInstalled === true,
    pre: p.opts.pre === true || reqs.pre || settings.flag('pre', 'install'),
    dryRun: p.opts.dryRun === true,
    requireHashes: p.opts.requireHashes === true || reqs.requireHashes || settings.flag('require-hashes', 'install'),
  }
  await install(ctx, options)
  return 0
}

function runUninstall(ctx: PipContext, p: Parsed, ctxShell: ShellCommandContext): number {
  const names: string[] = []
  const reqs = emptyRequirementSet()
  for (const f of strings(p.opts.requirement)) readRequirementsFile(ctx.vfs, resolvePath(ctx.cwd, f), ctx.cwd, ctxShell.env, reqs)
  for (const item of reqs.items) {
    if (item.kind === 'requirement') names.push(item.req.name)
  }
  for (const a of p.positional) names.push(parseRequirement(a).name)
  if (names.length === 0) throw usageError('You must give at least one requirement to uninstall (see "pip help uninstall")')
  const answers = ctxShell.stdin.split('\n')
  let answered = 0
  const confirm =
    p.opts.yes === true
      ? undefined
      : (name: string, paths: string[]): boolean => {
          ctx.info('  Would remove:')
          for (const path of paths) ctx.info(`    ${path}`)
          const answer = answers[answered++]
          if (answer === undefined || (answered === answers.length && answer === '' && !ctxShell.stdin.endsWith('\n'))) {
            throw new PipError(PipErrorCode.USAGE, `uninstalling ${name} needs confirmation: there is no input to answer "Proceed (Y/n)?" (use -y)`)
          }
          ctx.info(`Proceed (Y/n)? ${answer}`)
          return answer.trim() === '' || /^y(es)?$/i.test(answer.trim())
        }
  pipUninstall(ctx, names, confirm)
  return 0
}

async function runIndex(ctx: PipContext, p: Parsed, settings: Settings, out: Output): Promise<number> {
  const [sub, name] = p.positional
  if (sub !== 'versions' || !name) throw usageError('usage: pip index versions <package>')
  const files = []
  for (const s of sources(ctx.vfs, ctx.cwd, ctx.http, settings, 'index', p.opts)) files.push(...((await s.files(name)) ?? []))
  const versions = new Map<string, Version>()
  for (const f of files) {
    const w = parseWheelFilename(f.filename)
    const v = w ? (normalizeName(w.name) === normalizeName(name) && wheelRank(w) !== undefined ? w.version : undefined) : parseSdistFilename(f.filename, name)
    if (v && (p.opts.pre === true || !v.isPrerelease) && !f.yanked) versions.set(v.toString(), v)
  }
  const sorted = [...versions.values()].sort((a, b) => b.compare(a))
  if (sorted.length === 0) throw new PipError(PipErrorCode.NO_MATCHING_DISTRIBUTION, `No matching distribution found for ${name}`)
  out.out(`${name} (${sorted[0]?.toString() ?? ''})\nAvailable versions: ${sorted.map((v) => v.toString()).join(', ')}\n`)
  return 0
}

async function runList(ctx: PipContext, p: Parsed, settings: Settings, out: Output): Promise<number> {
  const format = (p.opts.format as string | undefined) ?? 'columns'
  if (format !== 'columns' && format !== 'freeze' && format !== 'json') throw usageError(`invalid --format ${format} (columns, freeze or json)`)
  if (p.opts.outdated === true || p.opts.uptodate === true) {
    const srcs = sources(ctx.vfs, ctx.cwd, ctx.http, settings, 'list', p.opts)
    const rows: { name: string; version: string; latest: string }[] = []
    for (const d of listInstalled(ctx.vfs, ctx.layout.site)) {
      let latest: Version | undefined
      for (const s of srcs) {
        for (const f of (await s.files(d.name)) ?? []) {
          const w = parseWheelFilename(f.filename)
          if (!w || wheelRank(w) === undefined || f.yanked || (w.version.isPrerelease && p.opts.pre !== true)) continue
          if (!latest || w.version.compare(latest) > 0) latest = w.version
        }
      }
      const current = Version.parse(d.version)
      if (!latest || !current) continue
      const outdated = latest.compare(current) > 0
      if (outdated === (p.opts.outdated === true)) rows.push({ name: d.name, version: d.version, latest: latest.toString() })
    }
    if (format === 'json') out.out(`${JSON.stringify(rows.map((r) => ({ name: r.name, version: r.version, latest_version: r.latest, latest_filetype: 'wheel' })))}\n`)
    else if (format === 'freeze') out.out(rows.map((r) => `${r.name}==${r.version}\n`).join(''))
    else if (rows.length) {
      const cols = p.opts.outdated === true ? ['Package', 'Version', 'Latest', 'Type'] : ['Package', 'Version']
      const data = rows.map((r) => (p.opts.outdated === true ? [r.name, r.version, r.latest, 'wheel'] : [r.name, r.version]))
      const widths = cols.map((c, i) => Math.max(c.length, ...data.map((d) => (d[i] ?? '').length)))
      const line = (cells: string[]): string => `${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' ').trimEnd()}\n`
      out.out(line(cols) + line(widths.map((w) => '-'.repeat(w))) + data.map(line).join(''))
    }
    return 0
  }
  out.out(pipList(ctx, {
    format,
    editableOnly: p.opts.editable === true,
    excludeEditable: p.opts.excludeEditable === true,
    notRequired: p.opts.notRequired === true,
    exclude: strings(p.opts.exclude),
  }))
  return 0
}

function runHash(ctx: PipContext, p: Parsed, out: Output): number {
  const algo = (p.opts.algorithm as string | undefined) ?? 'sha256'
  if (algo !== 'sha256') throw new PipError(PipErrorCode.UNSUPPORTED, `only sha256 is supported by daylite's pip hash (not ${algo})`)
  if (p.positional.length === 0) throw usageError('You must give at least one file to hash.')
  for (const f of p.positional) {
    let bytes: Uint8Array
    try {
      bytes = ctx.vfs.readFile(resolvePath(ctx.cwd, f))
    } catch {
      throw new PipError(PipErrorCode.OS, `No such file or directory: '${f}'`)
    }
    out.out(`${f}:\n--hash=sha256:${toHex(sha256(bytes))}\n`)
  }
  return 0
}

/**
 * Runs pip with `args` (without the command name) in the shell context `shell`.
 *
 * @param host - the filesystem, network settings and fetch
 * @param args - pip's arguments
 * @param shell - the shell command context (cwd, env, stdin, signal)
 */
export async function runPip(host: PipHostOptions, args: string[], shell: ShellCommandContext): Promise<ShellCommandResult> {
  let parsed: Parsed
  try {
    parsed = parseArgs(args)
  } catch (error) {
    return { stdout: '', stderr: `\nUsage:\n  pip <command> [options]\n\n${error instanceof Error ? error.message : String(error)}\n`, exitCode: 2 }
  }
  const quiet = typeof parsed.opts.quiet === 'number' ? parsed.opts.quiet : 0
  const out = new Output(quiet, { stdout: shell.stdout, stderr: shell.stderr })
  const vfs = host.vfs()
  const settings = new Settings(vfs, shell.env, parsed.opts.isolated === true)
  const command = parsed.command
  if (parsed.opts.version === true) {
    out.out(`pip ${PIP_VERSION} from daylite (host-side pip for the sandbox's Python) (python 3.13)\n`)
    return out.result(0)
  }
  if (parsed.opts.help === true || command === undefined || command === 'help') {
    const topic = command === 'help' ? parsed.positional[0] : command
    if (topic && !COMMAND_HELP[topic]) {
      out.error(`ERROR: unknown command "${topic}"`)
      return out.result(1)
    }
    out.out((topic ? COMMAND_HELP[topic] : USAGE)?.replace(/^\n/, '') ?? '')
    return out.result(command === undefined && parsed.opts.help !== true ? 1 : 0)
  }
  if (!COMMAND_OPTS[command]) {
    if (['download', 'wheel', 'config', 'cache', 'debug', 'inspect', 'completion'].includes(command)) {
      out.error(`ERROR: "pip ${command}" is not supported by daylite's pip (install, uninstall, list, freeze, show, check, hash and index are).`)
      return out.result(1)
    }
    out.error(`ERROR: unknown command "${command}"`)
    return out.result(1)
  }
  if (parsed.opts.python !== undefined) {
    out.error("ERROR: --python is not supported: daylite's pip always installs for the sandbox's python3 (3.13)")
    return out.result(2)
  }
  const target = parsed.opts.target as string | undefined
  const path = strings(parsed.opts.path)[0]
  const layout: Layout =
    command === 'install' && target ? targetLayout(resolvePath(shell.cwd, target)) : path !== undefined ? { ...SANDBOX_LAYOUT, site: resolvePath(shell.cwd, path) } : { ...SANDBOX_LAYOUT }
  const http = new HttpClient(host.fetch ?? ((input, init) => fetch(input, init)), host.network?.() ?? {}, shell.signal)
  const ctx: PipContext = { vfs, cwd: shell.cwd, http, layout, info: out.info, warn: out.warn }
  try {
    let code = 0
    switch (command) {
      case 'install':
        code = await runInstall(ctx, parsed, settings, shell)
        break
      case 'uninstall':
        code = runUninstall(ctx, parsed, shell)
        break
      case 'list':
        code = await runList(ctx, parsed, settings, out)
        break
      case 'freeze':
        out.out(pipFreeze(ctx, { all: parsed.opts.all === true, excludeEditable: parsed.opts.excludeEditable === true, exclude: strings(parsed.opts.exclude) }))
        break
      case 'show': {
        if (parsed.positional.length === 0) {
          out.error('ERROR: Please provide a package name or names.')
          return out.result(1)
        }
        const r = pipShow(ctx, parsed.positional, parsed.opts.files === true, (typeof parsed.opts.verbose === 'number' ? parsed.opts.verbose : 0) > 0)
        out.out(r.text)
        if (r.missing.length) {
          out.warn(`WARNING: Package(s) not found: ${r.missing.join(', ')}`)
          code = 1
        }
        break
      }
      case 'check': {
        const problems = pipCheck(ctx)
        out.out(problems.length ? problems.map((l) => `${l}\n`).join('') : 'No broken requirements found.\n')
        code = problems.length ? 1 : 0
        break
      }
      case 'hash':
        code = runHash(ctx, parsed, out)
        break
      case 'index':
        code = await runIndex(ctx, parsed, settings, out)
        break
    }
    return out.result(code)
  } catch (error) {
    if (shell.signal?.aborted) {
      out.error('ERROR: Operation cancelled by user')
      return out.result(1)
    }
    if (error instanceof PipError) {
      out.error(`ERROR: ${error.message}`)
      return out.result(error.code === PipErrorCode.USAGE ? 2 : 1)
    }
    if (isVfsError(error) || (error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && /^E[A-Z]+$/.test(String((error as { code?: unknown }).code)))) {
      const e = error as Error & { code: string; path?: string }
      const errno = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? '[Errno 28] No space left on device' : e.code
      out.error(`ERROR: Could not install packages due to an OSError: ${errno}: '${e.path ?? ''}' (nothing was changed)`)
      return out.result(1)
    }
    out.error(`ERROR: Exception: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return out.result(2)
  }
}

/** Where `-m pip` sits in python's arguments (after single-letter flags), or -1. */
function moduleIndex(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '-m') return args[i + 1] === 'pip' ? i + 2 : -1
    if (a === '-mpip') return i + 1
    if (!/^-[bBdEhiIOqsSuvx]+$/.test(a)) return -1
  }
  return -1
}

/**
 * The pip commands (`pip`, `pip3`, `pip3.13`), and `python`/`python3` wrapped so that
 * `python3 -m pip …` runs pip. Other python invocations go to the wrapped command unchanged.
 *
 * @example
 * ```ts
 * Object.assign(commands, pipCommands({ vfs: () => vfs, network: () => init }, commands))
 * ```
 */
export function pipCommands(host: PipHostOptions, existing: Record<string, ShellCommand> = {}): Record<string, ShellCommand> {
  const pip: ShellCommand = { streams: true, run: (args, ctx) => runPip(host, args, ctx) }
  const out: Record<string, ShellCommand> = { pip, pip3: pip, 'pip3.13': pip }
  for (const name of ['python', 'python3', 'python3.13']) {
    const inner = existing[name]
    if (!inner) continue
    out[name] = {
      streams: inner.streams === true,
      pipes: inner.pipes === true,
      run(args, ctx) {
        const at = moduleIndex(args)
        return at >= 0 ? runPip(host, args.slice(at), ctx) : inner.run(args, ctx)
      },
    }
  }
  return out
}
