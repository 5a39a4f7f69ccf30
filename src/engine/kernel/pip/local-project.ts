/**
 * `pip install ./dir` for a pure-Python project with a `pyproject.toml` `[project]` table (PEP
 * 621): the project's metadata is built from the table, its packages are found as setuptools,
 * hatchling, flit, poetry-core, pdm or uv_build would find them (flat and `src/` layouts, explicit
 * package lists), and the result is a distribution ready to be written, as if a wheel had been
 * built and installed. No build backend runs: a project whose build needs code (setup.py only,
 * dynamic metadata from a plugin, extension modules) is refused with a clear message.
 */
import type { SyncVfs } from '../../../vfs/types.js'
import { type EntryPoint, formatEntryPoints, formatMetadata, parseMetadata } from './metadata.js'
import { type PreparedDist, type PreparedFile } from './dist.js'
import { PipError, PipErrorCode } from './errors.js'
import type { Layout } from './installed.js'
import { isValidName, normalizeName, parseRequirement } from './requirement.js'
import { type TomlTable, type TomlValue, isTable, parseToml } from './toml.js'
import { Version } from './version.js'

/** A local project, prepared. */
export interface LocalProject {
  dist: PreparedDist
  /** Directories an editable install puts on `sys.path`. */
  roots: string[]
}

/** Build backends that compile code: their projects need the remote fallback. */
const NATIVE_BACKENDS = ['maturin', 'scikit_build_core', 'mesonpy', 'setuptools_rust', 'enscons', 'py_build_cmake', 'sipbuild']

/** Top-level names automatic discovery never takes as packages or modules (setuptools' list, abridged). */
const EXCLUDED_TOP = new Set([
  'bin', 'build', 'ci', 'conda.recipe', 'debian', 'dist', 'doc', 'docs', 'documentation', 'example', 'examples', 'manpages', 'requirements',
  'scripts', 'site-packages', 'tasks', 'test', 'tests', 'tools', 'benchmarks', 'venv', 'env', 'node_modules', 'setup', 'conftest', 'noxfile',
  'pavement', 'fabfile', 'toxfile', 'dodo', 'buck', '__pycache__',
])

function badProject(dir: string, why: string): PipError {
  return new PipError(PipErrorCode.BAD_PROJECT, `cannot install the project in ${dir}: ${why}`, { dir })
}

function isDir(vfs: SyncVfs, p: string): boolean {
  try {
    return vfs.stat(p).kind === 'dir'
  } catch {
    return false
  }
}

function isFile(vfs: SyncVfs, p: string): boolean {
  try {
    return vfs.stat(p).kind === 'file'
  } catch {
    return false
  }
}

function readText(vfs: SyncVfs, p: string): string {
  return new TextDecoder().decode(vfs.readFile(p))
}

function str(v: TomlValue | undefined, what: string, dir: string): string | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw badProject(dir, `${what} must be a string`)
  return v
}

function strList(v: TomlValue | undefined, what: string, dir: string): string[] {
  if (v === undefined) return []
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badProject(dir, `${what} must be an array of strings`)
  return v as string[]
}

function table(v: TomlValue | undefined, what: string, dir: string): TomlTable | undefined {
  if (v === undefined) return undefined
  if (!isTable(v)) throw badProject(dir, `${what} must be a table`)
  return v
}

function dig(t: TomlTable, path: string): TomlValue | undefined {
  let cur: TomlValue | undefined = t
  for (const part of path.split('.')) {
    if (!isTable(cur)) return undefined
    cur = cur[part]
  }
  return cur
}

/** `__version__ = "1.2"` in a Python file. */
function versionInFile(vfs: SyncVfs, path: string): string | undefined {
  if (!isFile(vfs, path)) return undefined
  const m = /^(?:__version__|VERSION|version)\s*(?::\s*str\s*)?=\s*(['"])([^'"]+)\1/m.exec(readText(vfs, path))
  return m?.[2]
}

/** What gets copied: a package directory or a module file, and the name it gets in site-packages. */
interface Piece {
  source: string
  target: string
  dir: boolean
}

function globToRe(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`)
}

/** Packages under `root` (dotted names), as setuptools' find_packages / find_namespace_packages. */
function findPackages(vfs: SyncVfs, root: string, namespaces: boolean, prefix = ''): string[] {
  const out: string[] = []
  let names: string[]
  try {
    names = vfs.readdir(root)
  } catch {
    return out
  }
  for (const n of names.sort()) {
    const p = `${root}/${n}`
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) || !isDir(vfs, p)) continue
    const isPkg = isFile(vfs, `${p}/__init__.py`)
    if (!isPkg && !namespaces) continue
    if (!isPkg && !vfs.readdir(p).some((f) => f.endsWith('.py') || isDir(vfs, `${p}/${f}`))) continue
    out.push(`${prefix}${n}`)
    out.push(...findPackages(vfs, p, namespaces, `${prefix}${n}.`))
  }
  return out
}

/** Top-level packages and modules in `root` that automatic discovery would take. */
function autoDiscover(vfs: SyncVfs, root: string, flat: boolean): Piece[] {
  const pieces: Piece[] = []
  let names: string[]
  try {
    names = vfs.readdir(root)
  } catch {
    return pieces
  }
  for (const n of names.sort()) {
    const p = `${root}/${n}`
    const stem = n.replace(/\.py$/, '')
    if (n.startsWith('.') || n.startsWith('_') || (flat && EXCLUDED_TOP.has(stem.toLowerCase()))) continue
    if (isDir(vfs, p) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) && (isFile(vfs, `${p}/__init__.py`) || !flat)) {
      if (!flat && !isFile(vfs, `${p}/__init__.py`) && !vfs.readdir(p).some((f) => f.endsWith('.py'))) continue
      pieces.push({ source: p, target: n, dir: true })
    } else if (n.endsWith('.py') && isFile(vfs, p) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(stem) && n !== 'setup.py') {
      pieces.push({ source: p, target: n, dir: false })
    }
  }
  return pieces
}

/** The import name a project most likely has (`my-pkg` → `my_pkg`). */
function importName(name: string): string {
  return normalizeName(name).replace(/-/g, '_')
}

/** The package or module named `mod` directly in one of `roots`. */
function findModule(vfs: SyncVfs, roots: string[], mod: string): Piece | undefined {
  for (const root of roots) {
    if (isDir(vfs, `${root}/${mod}`)) return { source: `${root}/${mod}`, target: mod, dir: true }
    if (isFile(vfs, `${root}/${mod}.py`)) return { source: `${root}/${mod}.py`, target: `${mod}.py`, dir: false }
  }
  return undefined
}

/** Finds what the backend would put in the wheel. */
function discover(vfs: SyncVfs, dir: string, doc: TomlTable, backend: string, name: string): Piece[] {
  const tool = table(doc.tool, '[tool]', dir) ?? {}
  const guess = importName(name)
  const srcRoots = isDir(vfs, `${dir}/src`) ? [`${dir}/src`, dir] : [dir]
  if (backend.startsWith('setuptools') || tool.setuptools !== undefined) {
    const st = table(tool.setuptools, '[tool.setuptools]', dir) ?? {}
    const pkgDir = table(st['package-dir'], '[tool.setuptools] package-dir', dir) ?? {}
    const rootOf = (pkg: string): string => {
      const parts = pkg.split('.')
      for (let i = parts.length; i > 0; i--) {
        const mapped = pkgDir[parts.slice(0, i).join('.')]
        if (typeof mapped === 'string') return [`${dir}/${mapped}`, ...parts.slice(i)].join('/')
      }
      const base = typeof pkgDir[''] === 'string' ? `${dir}/${pkgDir['']}` : dir
      return `${base}/${parts.join('/')}`
    }
    const pieces: Piece[] = []
    const packages = st.packages
    let names: string[] | undefined
    if (Array.isArray(packages)) names = strList(packages, '[tool.setuptools] packages', dir)
    else if (isTable(packages) || packages === undefined) {
      const find = isTable(packages) ? table(packages.find, '[tool.setuptools.packages.find]', dir) : undefined
      if (find || (packages === undefined && st['py-modules'] === undefined && typeof pkgDir[''] === 'string')) {
        const where = find ? strList(find.where, 'packages.find.where', dir) : []
        const include = find ? strList(find.include, 'packages.find.include', dir) : []
        const exclude = find ? strList(find.exclude, 'packages.find.exclude', dir) : []
        const namespaces = find?.namespaces !== false
        names = []
        for (const w of where.length ? where : [typeof pkgDir[''] === 'string' ? (pkgDir[''] as string) : '.']) {
          for (const pkg of findPackages(vfs, `${dir}/${w}`.replace(/\/\.$/, ''), namespaces)) {
            if (include.length && !include.some((g) => globToRe(g).test(pkg))) continue
            if (exclude.some((g) => globToRe(g).test(pkg))) continue
            if (!include.length && EXCLUDED_TOP.has((pkg.split('.')[0] ?? '').toLowerCase())) continue
            names.push(pkg)
            if (!pkgDir[''] && w !== '.') pkgDir[pkg.split('.')[0] ?? pkg] = `${w}/${pkg.split('.')[0] ?? pkg}`
          }
        }
      }
    } else throw badProject(dir, '[tool.setuptools] packages must be a list or a find table')
    if (names) {
      const tops = names.filter((n) => !names?.some((o) => n.startsWith(`${o}.`)))
      for (const pkg of tops) {
        const source = rootOf(pkg)
        if (!isDir(vfs, source)) throw badProject(dir, `package ${pkg} listed in [tool.setuptools] is not a directory (${source})`)
        pieces.push({ source, target: pkg.split('.').join('/'), dir: true })
      }
    }
    for (const mod of strList(st['py-modules'], '[tool.setuptools] py-modules', dir)) {
      const source = `${typeof pkgDir[''] === 'string' ? `${dir}/${pkgDir['']}` : dir}/${mod.split('.').join('/')}.py`
      if (!isFile(vfs, source)) throw badProject(dir, `module ${mod} listed in py-modules is missing (${source})`)
      pieces.push({ source, target: `${mod.split('.').join('/')}.py`, dir: false })
    }
    if (names !== undefined || st['py-modules'] !== undefined) return pieces
  }
  if (backend.startsWith('hatchling') || tool.hatch !== undefined) {
    const packages = dig(tool, 'hatch.build.targets.wheel.packages')
    if (packages !== undefined) {
      return strList(packages, '[tool.hatch.build.targets.wheel] packages', dir).map((p) => {
        const source = `${dir}/${p.replace(/\/+$/, '')}`
        const base = p.replace(/\/+$/, '').split('/').pop() ?? p
        if (isDir(vfs, source)) return { source, target: base, dir: true }
        if (isFile(vfs, source)) return { source, target: base, dir: false }
        throw badProject(dir, `${p} listed in [tool.hatch.build.targets.wheel] packages does not exist`)
      })
    }
    const found = findModule(vfs, srcRoots, guess)
    if (found) return [found]
  }
  if (backend.startsWith('flit') || tool.flit !== undefined) {
    const mod = str(dig(tool, 'flit.module.name'), '[tool.flit.module] name', dir) ?? guess
    const found = findModule(vfs, srcRoots, mod)
    if (!found) throw badProject(dir, `flit expects a package or module named ${mod} (in ${dir} or ${dir}/src)`)
    return [found]
  }
  if (backend.startsWith('poetry') || dig(tool, 'poetry.packages') !== undefined) {
    const packages = dig(tool, 'poetry.packages')
    if (Array.isArray(packages)) {
      return packages.map((p) => {
        if (!isTable(p) || typeof p.include !== 'string') throw badProject(dir, '[tool.poetry] packages entries need an include string')
        const from = typeof p.from === 'string' ? `${dir}/${p.from}` : dir
        const source = `${from}/${p.include}`
        if (!isDir(vfs, source) && !isFile(vfs, source)) throw badProject(dir, `poetry package ${p.include} does not exist in ${from}`)
        return { source, target: p.include, dir: isDir(vfs, source) }
      })
    }
  }
  if (backend.startsWith('uv_build') || dig(tool, 'uv.build-backend') !== undefined) {
    const root = str(dig(tool, 'uv.build-backend.module-root'), 'module-root', dir) ?? 'src'
    const mod = str(dig(tool, 'uv.build-backend.module-name'), 'module-name', dir) ?? guess
    const found = findModule(vfs, [`${dir}/${root}`.replace(/\/$/, '')], mod)
    if (found) return [found]
  }
  // Automatic discovery: the src layout, else a flat layout (packages and modules at the top).
  const byName = findModule(vfs, srcRoots, guess)
  if (isDir(vfs, `${dir}/src`)) {
    const pieces = autoDiscover(vfs, `${dir}/src`, false)
    if (pieces.length) return pieces
  }
  const flat = autoDiscover(vfs, dir, true)
  if (flat.length > 1 && byName) return [byName]
  if (flat.length) return flat
  if (byName) return [byName]
  return []
}

function copyTree(vfs: SyncVfs, source: string, target: string, out: PreparedFile[]): void {
  if (!isDir(vfs, source)) {
    const st = vfs.stat(source)
    out.push({ path: target, data: vfs.readFile(source), mode: st.mode & 0o111 ? 0o755 : 0o644 })
    return
  }
  for (const n of vfs.readdir(source).sort()) {
    if (n === '__pycache__' || n.endsWith('.pyc') || n.endsWith('.pyo') || n === '.git' || n === '.DS_Store') continue
    const p = `${source}/${n}`
    let kind
    try {
      kind = vfs.stat(p).kind
    } catch {
      continue
    }
    if (kind === 'dir') copyTree(vfs, p, `${target}/${n}`, out)
    else if (kind === 'file') out.push({ path: `${target}/${n}`, data: vfs.readFile(p), mode: vfs.stat(p).mode & 0o111 ? 0o755 : 0o644 })
  }
}

function resolveVersion(vfs: SyncVfs, dir: string, doc: TomlTable, pieces: Piece[]): string | undefined {
  const tool = isTable(doc.tool) ? doc.tool : {}
  const attr = dig(tool, 'setuptools.dynamic.version.attr')
  if (typeof attr === 'string') {
    const parts = attr.split('.')
    const variable = parts.pop()
    const mod = parts.join('/')
    for (const base of [dir, `${dir}/src`]) {
      for (const candidate of [`${base}/${mod}/__init__.py`, `${base}/${mod}.py`]) {
        if (!isFile(vfs, candidate)) continue
        const m = new RegExp(`^${variable}\\s*(?::\\s*str\\s*)?=\\s*(['"])([^'"]+)\\1`, 'm').exec(readText(vfs, candidate))
        if (m?.[2]) return m[2]
      }
    }
  }
  const file = dig(tool, 'setuptools.dynamic.version.file')
  const fileName = Array.isArray(file) ? file[0] : file
  if (typeof fileName === 'string' && isFile(vfs, `${dir}/${fileName}`)) return readText(vfs, `${dir}/${fileName}`).trim()
  for (const key of ['hatch.version.path', 'pdm.version.path']) {
    const p = dig(tool, key)
    if (typeof p === 'string') return versionInFile(vfs, `${dir}/${p}`)
  }
  for (const piece of pieces) {
    const v = versionInFile(vfs, piece.dir ? `${piece.source}/__init__.py` : piece.source)
    if (v) return v
  }
  return undefined
}

function people(v: TomlValue | undefined, dir: string, what: string): { names: string[]; emails: string[] } {
  const names: string[] = []
  const emails: string[] = []
  if (v === undefined) return { names, emails }
  if (!Array.isArray(v)) throw badProject(dir, `[project] ${what} must be an array of tables`)
  for (const p of v) {
    if (!isTable(p)) throw badProject(dir, `[project] ${what} entries must be tables`)
    const name = typeof p.name === 'string' ? p.name : undefined
    const email = typeof p.email === 'string' ? p.email : undefined
    if (email) emails.push(name ? `${name} <${email}>` : email)
    else if (name) names.push(name)
  }
  return { names, emails }
}

/**
 * Reads the project in `dir` and prepares it for installation into `layout`.
 *
 * @param vfs - the sandbox filesystem
 * @param dir - the project directory (absolute)
 * @param layout - where it goes
 * @param editable - install it as a `.pth` pointing at the source instead of copying
 */
export function prepareLocalProject(vfs: SyncVfs, dir: string, layout: Layout, editable: boolean): LocalProject {
  const pyproject = `${dir}/pyproject.toml`
  if (!isFile(vfs, pyproject)) {
    if (isFile(vfs, `${dir}/setup.py`) || isFile(vfs, `${dir}/setup.cfg`)) {
      throw badProject(dir, "it is configured by setup.py/setup.cfg, and daylite's pip cannot run a build backend. Add a pyproject.toml with a [project] table, install a wheel built elsewhere, or use the remote fallback.")
    }
    throw badProject(dir, "neither 'pyproject.toml' nor 'setup.py' found")
  }
  const doc = parseToml(readText(vfs, pyproject), pyproject)
  const buildSystem = table(doc['build-system'], '[build-system]', dir) ?? {}
  const backend = str(buildSystem['build-backend'], '[build-system] build-backend', dir) ?? 'setuptools.build_meta:__legacy__'
  const backendRoot = backend.split(/[.:]/)[0] ?? backend
  const requires = strList(buildSystem.requires, '[build-system] requires', dir)
  const nativeReq = requires.find((r) => NATIVE_BACKENDS.some((n) => normalizeName(r).replace(/-/g, '_').startsWith(n)))
  if (NATIVE_BACKENDS.includes(backendRoot) || nativeReq) {
    throw new PipError(
      PipErrorCode.BAD_PROJECT,
      `cannot install the project in ${dir}: its build backend (${NATIVE_BACKENDS.includes(backendRoot) ? backend : nativeReq}) compiles native code, which daylite's WebAssembly Python cannot build or load. Run it on a remote Daytona sandbox (the remote fallback, \`target: 'remote'\`).`,
      { dir },
    )
  }
  const project = table(doc.project, '[project]', dir)
  if (!project) {
    throw badProject(dir, 'pyproject.toml has no [project] table (PEP 621); daylite reads metadata from it and cannot run a build backend to compute it')
  }
  const dynamic = strList(project.dynamic, '[project] dynamic', dir)
  const name = str(project.name, '[project] name', dir)
  if (!name) throw badProject(dir, '[project] has no name')
  if (!isValidName(name)) throw badProject(dir, `[project] name ${JSON.stringify(name)} is not a valid project name`)
  const tool = isTable(doc.tool) ? doc.tool : {}
  if (isTable(tool.setuptools) && tool.setuptools['ext-modules'] !== undefined) {
    throw badProject(dir, "it declares [tool.setuptools] ext-modules (native code), which daylite's WebAssembly Python cannot build; use the remote fallback")
  }
  let version = str(project.version, '[project] version', dir)
  const pieces = discover(vfs, dir, doc, backendRoot, name)
  if (pieces.length === 0) throw badProject(dir, `no Python package or module found (looked for ${importName(name)} in ${dir} and ${dir}/src)`)
  if (version === undefined) {
    if (!dynamic.includes('version')) throw badProject(dir, '[project] has no version (and does not list it in dynamic)')
    version = resolveVersion(vfs, dir, doc, pieces)
    if (!version) throw badProject(dir, 'its version is dynamic and was not found (looked for __version__ in the package and the backend’s version settings)')
  }
  const parsedVersion = Version.parse(version)
  if (!parsedVersion) throw badProject(dir, `version ${JSON.stringify(version)} is not a valid PEP 440 version`)
  version = parsedVersion.toString()

  let dependencies = strList(project.dependencies, '[project] dependencies', dir)
  if (dynamic.includes('dependencies')) {
    const files = dig(tool, 'setuptools.dynamic.dependencies.file')
    const list = typeof files === 'string' ? [files] : Array.isArray(files) ? files : undefined
    if (!list) throw badProject(dir, 'its dependencies are dynamic; only [tool.setuptools.dynamic] dependencies = {file = …} is supported')
    dependencies = list.flatMap((f) =>
      typeof f === 'string' && isFile(vfs, `${dir}/${f}`)
        ? readText(vfs, `${dir}/${f}`)
            .split('\n')
            .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
            .filter((l) => l && !l.startsWith('-'))
        : [],
    )
  }
  for (const d of dependencies) {
    try {
      parseRequirement(d)
    } catch (error) {
      throw badProject(dir, `[project] dependencies: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const optional = table(project['optional-dependencies'], '[project.optional-dependencies]', dir) ?? {}
  const requiresDist = [...dependencies]
  const extras: string[] = []
  for (const [extra, deps] of Object.entries(optional)) {
    const norm = normalizeName(extra)
    extras.push(norm)
    for (const d of strList(deps, `[project.optional-dependencies] ${extra}`, dir)) {
      const req = parseRequirement(d)
      const semi = d.indexOf(';')
      const base = semi >= 0 ? d.slice(0, semi).trim() : d.trim()
      requiresDist.push(req.marker ? `${base}; (${d.slice(semi + 1).trim()}) and extra == "${norm}"` : `${base}; extra == "${norm}"`)
    }
  }
  const authors = people(project.authors, dir, 'authors')
  const maintainers = people(project.maintainers, dir, 'maintainers')
  const urls = table(project.urls, '[project.urls]', dir) ?? {}
  let license: string | undefined
  let licenseExpression: string | undefined
  if (typeof project.license === 'string') licenseExpression = project.license
  else if (isTable(project.license)) {
    if (typeof project.license.text === 'string') license = project.license.text
    else if (typeof project.license.file === 'string' && isFile(vfs, `${dir}/${project.license.file}`)) license = readText(vfs, `${dir}/${project.license.file}`)
  }
  let readmeBody: string | undefined
  let readmeType: string | undefined
  const readme = project.readme
  const typeOf = (file: string): string => (/\.md$/i.test(file) ? 'text/markdown' : /\.rst$/i.test(file) ? 'text/x-rst' : 'text/plain')
  if (typeof readme === 'string') {
    if (isFile(vfs, `${dir}/${readme}`)) {
      readmeBody = readText(vfs, `${dir}/${readme}`)
      readmeType = typeOf(readme)
    }
  } else if (isTable(readme)) {
    if (typeof readme.file === 'string' && isFile(vfs, `${dir}/${readme.file}`)) readmeBody = readText(vfs, `${dir}/${readme.file}`)
    else if (typeof readme.text === 'string') readmeBody = readme.text
    readmeType = typeof readme['content-type'] === 'string' ? readme['content-type'] : typeof readme.file === 'string' ? typeOf(readme.file) : undefined
  }
  const metadataText = formatMetadata(
    [
      ['Metadata-Version', '2.1'],
      ['Name', name],
      ['Version', version],
      ['Summary', str(project.description, '[project] description', dir)],
      ['Author', authors.names.length ? authors.names.join(', ') : undefined],
      ['Author-email', authors.emails.length ? authors.emails.join(', ') : undefined],
      ['Maintainer', maintainers.names.length ? maintainers.names.join(', ') : undefined],
      ['Maintainer-email', maintainers.emails.length ? maintainers.emails.join(', ') : undefined],
      ['License', license],
      ['License-Expression', licenseExpression],
      ['Keywords', project.keywords !== undefined ? strList(project.keywords, '[project] keywords', dir).join(',') : undefined],
      ['Classifier', strList(project.classifiers, '[project] classifiers', dir)],
      ['Project-URL', Object.entries(urls).map(([k, v]) => `${k}, ${String(v)}`)],
      ['Requires-Python', str(project['requires-python'], '[project] requires-python', dir)],
      ['Requires-Dist', requiresDist],
      ['Provides-Extra', extras],
      ['Description-Content-Type', readmeBody !== undefined ? readmeType : undefined],
    ],
    readmeBody,
  )
  const entryPoints = new Map<string, EntryPoint[]>()
  const addGroup = (group: string, t: TomlTable | undefined): void => {
    if (!t) return
    const eps: EntryPoint[] = []
    for (const [epName, value] of Object.entries(t)) {
      if (typeof value !== 'string') throw badProject(dir, `entry point ${epName} must be a string ("module:function")`)
      const [module = '', attr] = value.replace(/\[.*\]\s*$/, '').trim().split(':')
      if (!/^[A-Za-z_][\w.]*$/.test(module) || (attr !== undefined && !/^[A-Za-z_][\w.]*$/.test(attr))) throw badProject(dir, `entry point ${epName} = ${JSON.stringify(value)} is not "module:attribute"`)
      eps.push({ name: epName, module, attr })
    }
    if (eps.length) entryPoints.set(group, eps)
  }
  addGroup('console_scripts', table(project.scripts, '[project.scripts]', dir))
  addGroup('gui_scripts', table(project['gui-scripts'], '[project.gui-scripts]', dir))
  const groups = table(project['entry-points'], '[project.entry-points]', dir) ?? {}
  for (const [group, t] of Object.entries(groups)) {
    if (group === 'console_scripts' || group === 'gui_scripts') throw badProject(dir, `[project.entry-points.${group}] is not allowed; use [project.scripts] / [project.gui-scripts]`)
    addGroup(group, table(t, `[project.entry-points.${group}]`, dir))
  }

  const distName = importName(name)
  const infoDir = `${layout.site}/${distName}-${version}.dist-info`
  const enc = new TextEncoder()
  const files: PreparedFile[] = [{ path: `${infoDir}/METADATA`, data: enc.encode(metadataText), mode: 0o644 }]
  files.push({ path: `${infoDir}/WHEEL`, data: enc.encode('Wheel-Version: 1.0\nGenerator: daylite\nRoot-Is-Purelib: true\nTag: py3-none-any\n'), mode: 0o644 })
  if (entryPoints.size) files.push({ path: `${infoDir}/entry_points.txt`, data: enc.encode(formatEntryPoints(entryPoints)), mode: 0o644 })
  const roots = [...new Set(pieces.map((p) => p.source.slice(0, p.source.length - p.target.length).replace(/\/+$/, '') || '/'))]
  if (editable) {
    files.push({ path: `${layout.site}/__editable__.${distName}-${version}.pth`, data: enc.encode(`${roots.join('\n')}\n`), mode: 0o644 })
  } else {
    for (const piece of pieces) copyTree(vfs, piece.source, `${layout.site}/${piece.target}`, files)
  }
  return { dist: { name, version, infoDir, files, metadata: parseMetadata(metadataText), entryPoints }, roots }
}
