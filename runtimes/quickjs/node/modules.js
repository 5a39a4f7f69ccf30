// Modules: CommonJS (require with Node's resolution: relative files with .js/.json/.ts, folders
// with package.json "main" or index.js, node_modules with "exports"; module.exports, require.cache,
// createRequire) and ES modules through QuickJS's loader hooks (resolve/load below, called by
// daylite_node.c): relative and bare imports, node: builtins as synthetic modules that re-export
// the CommonJS object, CommonJS files imported from ESM, JSON, TypeScript (transpiled by the host).
import { N } from './native.js'
import pathMod from './path.js'
import { nodeError, unavailableModule } from './errors.js'
import { fileURLToPath, pathToFileURL, URL } from './url.js'
import { sources } from './process.js'

const S_IFMT = 0o170000
const S_IFDIR = 0o040000
const S_IFREG = 0o100000

/** name -> module object, and names that exist only to say "not here" */
const builtins = new Map()
const unavailable = new Set()
/** The prelude registers the builtin modules. */
export function registerBuiltin(name, value) {
  builtins.set(name, value)
}
export function registerUnavailable(name) {
  unavailable.add(name)
}

function bareBuiltinName(request) {
  const name = request.startsWith('node:') ? request.slice(5) : request
  if (builtins.has(name) || unavailable.has(name)) return name
  return null
}

export function isBuiltin(request) {
  return typeof request === 'string' && bareBuiltinName(request) !== null
}

export function loadBuiltin(name) {
  if (unavailable.has(name)) throw unavailableModule(name)
  return builtins.get(name)
}

/** Set per run: TypeScript goes through the host's transpiler. */
export const options = { typescript: true }

// ---- file system probes ----------------------------------------------------------------------

function kind(path) {
  const st = N.stat(path, true)
  if (typeof st === 'number') return 0
  const t = st[2] & S_IFMT
  return t === S_IFREG ? 1 : t === S_IFDIR ? 2 : 3
}

function readText(path) {
  const r = N.readFile(path, true)
  if (typeof r === 'number') return null
  return r
}

const packageJsonCache = new Map()
function readPackageJson(dir) {
  const file = `${dir === '/' ? '' : dir}/package.json`
  if (packageJsonCache.has(file)) return packageJsonCache.get(file)
  const text = readText(file)
  let json = null
  if (text !== null) {
    try {
      json = JSON.parse(text)
    } catch (err) {
      const e = nodeError(Error, 'ERR_INVALID_PACKAGE_CONFIG', `Invalid package config ${file}.`)
      e.cause = err
      throw e
    }
  }
  packageJsonCache.set(file, json)
  return json
}

/** The "type" of the nearest package.json. */
function packageType(file) {
  let dir = pathMod.dirname(file)
  for (;;) {
    if (pathMod.basename(dir) === 'node_modules') return 'commonjs'
    const pkg = readPackageJson(dir)
    if (pkg) return pkg.type === 'module' ? 'module' : 'commonjs'
    if (dir === '/') return 'commonjs'
    dir = pathMod.dirname(dir)
  }
}

const TS = /\.(?:ts|mts|cts|tsx)$/

/** 'esm' or 'cjs' for a file, by extension, then by package type. */
export function formatOf(file) {
  if (file.endsWith('.mjs') || file.endsWith('.mts')) return 'esm'
  if (file.endsWith('.cjs') || file.endsWith('.cts')) return 'cjs'
  if (file.endsWith('.json')) return 'json'
  if (file.endsWith('.node')) return 'addon'
  return packageType(file) === 'module' ? 'esm' : 'cjs'
}

// ---- resolution (shared) ---------------------------------------------------------------------

const CJS_EXTENSIONS = ['.js', '.json', '.node', '.cjs', '.ts', '.mjs']
const ESM_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.json']

function tryFile(path, extensions) {
  if (kind(path) === 1) return path
  for (const ext of extensions) {
    if (kind(path + ext) === 1) return path + ext
  }
  return null
}

function tryIndex(dir, extensions) {
  for (const ext of extensions) {
    const f = `${dir}/index${ext}`
    if (kind(f) === 1) return f
  }
  return null
}

function tryDirectory(dir, extensions) {
  if (kind(dir) !== 2) return null
  const pkg = readPackageJson(dir)
  if (pkg && typeof pkg.main === 'string' && pkg.main !== '') {
    const main = pathMod.resolve(dir, pkg.main)
    const found = tryFile(main, extensions) ?? tryIndex(main, extensions)
    if (found) return found
  }
  return tryIndex(dir, extensions)
}

function resolvePath(path, extensions) {
  return tryFile(path, extensions) ?? tryDirectory(path, extensions)
}

// package.json "exports": a string, conditions, or subpaths ("./x", "./x/*")
function resolveExportsTarget(target, conditions, star) {
  if (typeof target === 'string') return star === undefined ? target : target.replace(/\*/g, star)
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = resolveExportsTarget(t, conditions, star)
      if (r) return r
    }
    return null
  }
  if (target && typeof target === 'object') {
    for (const key of Object.keys(target)) {
      if (key === 'default' || conditions.includes(key)) {
        const r = resolveExportsTarget(target[key], conditions, star)
        if (r) return r
      }
    }
  }
  return null
}

function resolveExports(pkgDir, exportsField, subpath, conditions) {
  let map = exportsField
  if (typeof map === 'string' || Array.isArray(map) || (map && Object.keys(map).every((k) => !k.startsWith('.')))) {
    map = { '.': map }
  }
  if (Object.prototype.hasOwnProperty.call(map, subpath)) {
    const t = resolveExportsTarget(map[subpath], conditions)
    return t ? pathMod.resolve(pkgDir, t) : null
  }
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*')
    if (star === -1) continue
    const prefix = key.slice(0, star)
    const suffix = key.slice(star + 1)
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      const t = resolveExportsTarget(map[key], conditions, subpath.slice(prefix.length, subpath.length - suffix.length))
      return t ? pathMod.resolve(pkgDir, t) : null
    }
  }
  return undefined
}

export function nodeModulePaths(from) {
  const paths = []
  let dir = pathMod.resolve(from)
  for (;;) {
    if (pathMod.basename(dir) !== 'node_modules') paths.push(dir === '/' ? '/node_modules' : `${dir}/node_modules`)
    if (dir === '/') break
    dir = pathMod.dirname(dir)
  }
  return paths
}

function splitPackage(request) {
  const parts = request.split('/')
  const nameLen = request.startsWith('@') ? 2 : 1
  return { name: parts.slice(0, nameLen).join('/'), subpath: parts.length > nameLen ? './' + parts.slice(nameLen).join('/') : '.' }
}

function resolvePackage(request, fromDir, conditions, extensions, extraPaths = []) {
  const { name, subpath } = splitPackage(request)
  for (const base of [...nodeModulePaths(fromDir), ...extraPaths]) {
    const pkgDir = `${base}/${name}`
    if (kind(pkgDir) !== 2) continue
    const pkg = readPackageJson(pkgDir)
    if (pkg && pkg.exports !== undefined && pkg.exports !== null) {
      const r = resolveExports(pkgDir, pkg.exports, subpath, conditions)
      if (r) {
        const found = tryFile(r, [])
        if (found) return found
      } else if (r === null || subpath === '.') {
        const err = nodeError(Error, 'ERR_PACKAGE_PATH_NOT_EXPORTED', subpath === '.' ? `No "exports" main defined in ${pkgDir}/package.json` : `Package subpath '${subpath}' is not defined by "exports" in ${pkgDir}/package.json`)
        throw err
      }
    }
    const target = subpath === '.' ? pkgDir : `${base}/${request}`
    const found = resolvePath(target, extensions)
    if (found) return found
  }
  return null
}

// ---- CommonJS --------------------------------------------------------------------------------

const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { '
const WRAP_TAIL = '\n})'

function stripShebang(text) {
  return text.startsWith('#!') ? '//' + text.slice(2) : text
}

function stripBom(text) {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

export class Module {
  constructor(id = '', parent) {
    this.id = id
    this.path = pathMod.dirname(id)
    this.exports = {}
    this.filename = null
    this.loaded = false
    this.children = []
    this.paths = []
    Object.defineProperty(this, 'parent', { value: parent, writable: true, enumerable: false, configurable: true })
    if (parent && Array.isArray(parent.children)) parent.children.push(this)
  }

  require(id) {
    if (typeof id !== 'string') {
      throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "id" argument must be of type string. Received ${id === null ? 'null' : typeof id}`)
    }
    if (id === '') throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', "The argument 'id' must be a non-empty string. Received ''")
    return Module._load(id, this, false)
  }

  _compile(content, filename) {
    sources.set(filename, { text: content, offset: WRAP_HEAD.length })
    const wrapper = N.evalScript(WRAP_HEAD + stripShebang(content) + WRAP_TAIL, filename)
    const require = makeRequire(this)
    return wrapper.call(this.exports, this.exports, require, this, filename, pathMod.dirname(filename))
  }
}

Module._cache = Object.create(null)
Module._pathCache = Object.create(null)
Module._extensions = Object.create(null)
// Node's globalPaths: $HOME/.node_modules, $HOME/.node_libraries, $PREFIX/lib/node; read when asked,
// from this run's HOME (the prelude is evaluated once, in the snapshot's init environment).
Object.defineProperty(Module, 'globalPaths', {
  enumerable: true,
  get() {
    const home = globalThis.process?.env?.HOME
    return [...(home ? [pathMod.join(home, '.node_modules'), pathMod.join(home, '.node_libraries')] : []), '/usr/local/lib/node']
  },
})
Module.wrapper = [WRAP_HEAD, WRAP_TAIL]
Module.wrap = (script) => WRAP_HEAD + script + WRAP_TAIL
Module.Module = Module
Module.isBuiltin = isBuiltin
Module.createRequire = createRequire
Module._nodeModulePaths = nodeModulePaths
Module.register = () => {}
Module.syncBuiltinESMExports = () => {}
Module.findSourceMap = () => undefined
Module.SourceMap = class SourceMap {}
Module.enableCompileCache = () => ({ status: 0 })
Module.getCompileCacheDir = () => undefined
Object.defineProperty(Module, 'builtinModules', { get: () => [...builtins.keys()].filter((n) => !n.startsWith('_')).sort(), enumerable: true })

function notFound(request, parent) {
  const stack = []
  for (let m = parent; m && m.filename; m = m.parent) stack.push(m.filename)
  let message = `Cannot find module '${request}'`
  if (stack.length) message += `\nRequire stack:\n- ${stack.join('\n- ')}`
  const err = new Error(message)
  err.code = 'MODULE_NOT_FOUND'
  err.requireStack = stack
  return err
}

Module._resolveFilename = function (request, parent, isMain, opts) {
  if (isBuiltin(request)) return request.startsWith('node:') ? request : request
  const fromDir = parent?.filename ? pathMod.dirname(parent.filename) : parent?.path ?? N.getcwd()
  let found = null
  if (request.startsWith('./') || request.startsWith('../') || request.startsWith('/') || request === '.' || request === '..') {
    const bases = opts?.paths ?? [fromDir]
    for (const b of bases) {
      found = resolvePath(pathMod.resolve(b, request), CJS_EXTENSIONS)
      if (found) break
    }
  } else if (request.startsWith('#')) {
    found = resolveImports(request, fromDir, ['require', 'node', 'default'], CJS_EXTENSIONS)
  } else {
    const extra = (opts?.paths ?? []).concat(envNodePath())
    found = resolvePackage(request, opts?.paths?.[0] ?? fromDir, ['require', 'node', 'default'], CJS_EXTENSIONS, extra)
  }
  if (!found) throw notFound(request, parent)
  return found
}

function envNodePath() {
  const np = globalThis.process?.env?.NODE_PATH
  return np ? np.split(':').filter(Boolean) : []
}

// package.json "imports" (#name)
function resolveImports(request, fromDir, conditions, extensions) {
  let dir = fromDir
  for (;;) {
    const pkg = readPackageJson(dir)
    if (pkg) {
      if (pkg.imports) {
        const r = resolveExports(dir, pkg.imports, request, conditions)
        if (r) return tryFile(r, extensions)
      }
      return null
    }
    if (dir === '/') return null
    dir = pathMod.dirname(dir)
  }
}

Module._load = function (request, parent, isMain) {
  const builtinName = bareBuiltinName(request)
  if (builtinName !== null) return loadBuiltin(builtinName)
  const filename = Module._resolveFilename(request, parent, isMain)
  const cached = Module._cache[filename]
  if (cached !== undefined) {
    if (parent && !parent.children.includes(cached)) parent.children.push(cached)
    return cached.exports
  }
  const module = new Module(filename, parent)
  module.filename = filename
  module.paths = nodeModulePaths(pathMod.dirname(filename))
  if (isMain) {
    mainModule.value = module
    module.id = '.'
  }
  Module._cache[filename] = module
  let threw = true
  try {
    loadInto(module, filename)
    threw = false
  } finally {
    if (threw) delete Module._cache[filename]
  }
  module.loaded = true
  return module.exports
}

function extOf(filename) {
  const base = pathMod.basename(filename)
  const dot = base.lastIndexOf('.')
  return dot <= 0 ? '' : base.slice(dot)
}

function loadInto(module, filename) {
  const ext = extOf(filename)
  const custom = Module._extensions[ext]
  if (typeof custom === 'function' && !DEFAULT_EXTENSIONS.has(custom)) {
    custom(module, filename)
    return
  }
  if (ext === '.json') {
    const text = readText(filename)
    try {
      module.exports = JSON.parse(stripBom(text))
    } catch (err) {
      throw prefixMessage(err, filename)
    }
    return
  }
  if (ext === '.node') throw nodeError(Error, 'ERR_DLOPEN_FAILED', `Cannot load native addon ${filename}: native addons are not available in the WebAssembly sandbox`)
  let text = readText(filename)
  if (text === null) throw notFound(filename, module.parent)
  text = stripBom(text)
  if (TS.test(filename)) text = N.transpile(text, filename)
  const format = ext === '.mjs' || ext === '.mts' ? 'esm' : ext === '.cjs' || ext === '.cts' ? 'cjs' : TS.test(filename) ? (hasModuleSyntax(text) ? 'esm' : 'cjs') : formatOf(filename)
  if (format === 'esm') {
    module.exports = requireESM(filename)
    return
  }
  try {
    module._compile(text, filename)
  } catch (err) {
    // Node 22 runs a .js file with ESM syntax as a module; do the same.
    if (err instanceof SyntaxError && hasModuleSyntax(text) && !module.loaded && Object.keys(module.exports).length === 0 && isModuleSyntaxError(err)) {
      module.exports = requireESM(filename)
      return
    }
    throw err
  }
}

// Node names the file in a JSON syntax error; the stack's first line follows the message.
function prefixMessage(err, filename) {
  const old = err.message
  err.message = `${filename}: ${old}`
  if (typeof err.stack === 'string') err.stack = err.stack.replace(old, err.message)
  return err
}

const DEFAULT_EXTENSIONS = new Set()
for (const ext of ['.js', '.json', '.node']) {
  const fn = function (module, filename) {
    loadInto(module, filename)
  }
  DEFAULT_EXTENSIONS.add(fn)
  Module._extensions[ext] = fn
}

function isModuleSyntaxError(err) {
  return /import|export|module|await/i.test(String(err.message))
}

const MODULE_SYNTAX = /(^|[\n;])\s*(import\s*[\w{*'"]|export\s+(default|const|let|var|function|class|async|\{|\*)|export\s*\{)/

export function hasModuleSyntax(text) {
  return MODULE_SYNTAX.test(text) || /\bimport\.meta\b/.test(text)
}

/** require() of an ES module (Node 22): evaluated at once; top-level await is an error. */
function requireESM(filename) {
  const [promise, ns] = N.evalModule(`import * as ns from ${JSON.stringify(filename)}; export { ns }`, `${filename}?require`)
  const state = N.promiseState(promise)
  if (state === 2) throw N.promiseResult(promise)
  if (state === 0) {
    throw nodeError(Error, 'ERR_REQUIRE_ASYNC_MODULE', `require() cannot be used on an ESM graph with top-level await. Use import() instead. To see where the top-level await comes from, use --experimental-print-required-tla.\n  From ${filename}`)
  }
  return ns.ns
}

export const mainModule = { value: undefined }

export function makeRequire(module) {
  const require = (id) => module.require(id)
  require.resolve = (request, opts) => {
    if (isBuiltin(request)) return request
    return Module._resolveFilename(request, module, false, opts)
  }
  require.resolve.paths = (request) => (isBuiltin(request) ? null : nodeModulePaths(module.path ?? '/'))
  require.main = mainModule.value
  Object.defineProperty(require, 'main', { get: () => mainModule.value, enumerable: true, configurable: true })
  require.extensions = Module._extensions
  require.cache = Module._cache
  return require
}

export function createRequire(filename) {
  if (filename instanceof URL || (typeof filename === 'string' && filename.startsWith('file:'))) filename = fileURLToPath(filename)
  if (typeof filename !== 'string' || !filename.startsWith('/')) {
    throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'filename' must be a file URL object, file URL string, or absolute path string. Received ${String(filename)}`)
  }
  const m = new Module(filename, null)
  m.filename = filename.endsWith('/') ? `${filename}noop.js` : filename
  m.path = pathMod.dirname(m.filename)
  m.paths = nodeModulePaths(m.path)
  return makeRequire(m)
}

// ---- ES modules: the loader hooks ------------------------------------------------------------

const ESM_BRIDGE = 'node:internal/esm-bridge.js'
const IDENT = /^[A-Za-z_$][\w$]*$/
const RESERVED = new Set(['default', 'import', 'export', 'delete', 'new', 'function', 'class', 'var', 'let', 'const', 'if', 'else', 'for', 'while', 'do', 'return', 'switch', 'case', 'break', 'continue', 'throw', 'try', 'catch', 'finally', 'typeof', 'instanceof', 'in', 'of', 'void', 'with', 'yield', 'await', 'this', 'super', 'null', 'true', 'false', 'enum', 'debugger', 'extends', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'arguments', 'eval'])

/** The CommonJS exports a synthetic ESM wrapper re-exports, by module name. */
const bridged = new Map()
export const esmBridge = {
  get: (key) => bridged.get(key),
  createRequire: (filename) => createRequire(filename),
}

function baseDir(base) {
  if (base.startsWith('/')) return pathMod.dirname(base.replace(/\?require$/, ''))
  return N.getcwd()
}

/** QuickJS's normalize hook: (importer, specifier) -> module name (an absolute path or node:x). */
export function resolve(base, specifier) {
  if (specifier === ESM_BRIDGE) return specifier
  const builtinName = bareBuiltinName(specifier)
  if (builtinName !== null) return `node:${builtinName}`
  if (specifier.startsWith('node:')) {
    const err = nodeError(Error, 'ERR_UNKNOWN_BUILTIN_MODULE', `No such built-in module: ${specifier}`)
    throw err
  }
  if (specifier.startsWith('file:')) specifier = fileURLToPath(specifier)
  const fromDir = baseDir(base)
  const importer = base.startsWith('/') ? base.replace(/\?require$/, '') : fromDir
  let found = null
  if (specifier.startsWith('/') || specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    const target = pathMod.resolve(fromDir, specifier)
    found = resolvePath(target, ESM_EXTENSIONS)
    if (!found) {
      const err = nodeError(Error, 'ERR_MODULE_NOT_FOUND', `Cannot find module '${target}' imported from ${importer}`)
      err.url = pathToFileURL(target).href
      throw err
    }
    return found
  }
  if (specifier.startsWith('#')) found = resolveImports(specifier, fromDir, ['import', 'node', 'default'], ESM_EXTENSIONS)
  else found = resolvePackage(specifier, fromDir, ['import', 'node', 'default'], ESM_EXTENSIONS, envNodePath())
  if (!found) {
    const { name } = splitPackage(specifier)
    throw nodeError(Error, 'ERR_MODULE_NOT_FOUND', `Cannot find package '${name}' imported from ${importer}`)
  }
  return found
}

function reexportSource(key, value) {
  const names = value !== null && (typeof value === 'object' || typeof value === 'function') ? Object.keys(value).filter((k) => IDENT.test(k) && !RESERVED.has(k)) : []
  let src = `import { esmBridge } from '${ESM_BRIDGE}';\nconst m = esmBridge.get(${JSON.stringify(key)});\nexport default m;\n`
  if (names.length) src += `export const { ${names.join(', ')} } = m;\n`
  return src
}

/** QuickJS's load hook: module name -> ES module source. */
export function load(name) {
  if (name.startsWith('node:')) {
    const value = loadBuiltin(name.slice(5))
    bridged.set(name, value)
    return reexportSource(name, value)
  }
  const text = readText(name)
  if (text === null) throw nodeError(Error, 'ERR_MODULE_NOT_FOUND', `Cannot find module '${name}'`)
  const ext = extOf(name)
  if (ext === '.json') {
    try {
      JSON.parse(stripBom(text))
    } catch (err) {
      throw prefixMessage(err, name)
    }
    return `export default ${stripBom(text)};\n`
  }
  let source = stripShebang(stripBom(text))
  if (TS.test(name)) {
    source = N.transpile(source, name)
    sources.set(name, { text: source, offset: 0 })
    if (!hasModuleSyntax(source)) {
      // a plain script: run it as CommonJS and re-export module.exports
      const value = requireCJS(name, source)
      bridged.set(name, value)
      return reexportSource(name, value)
    }
    // ts-node and tsx give TypeScript files CommonJS's names even when they use import/export;
    // declared on the first line, so line numbers stay
    let prefix = ''
    if (!declares(source, '__filename')) prefix += `const __filename = ${JSON.stringify(name)};`
    if (!declares(source, '__dirname')) prefix += `const __dirname = ${JSON.stringify(pathMod.dirname(name))};`
    if (!declares(source, 'require')) {
      prefix += `import { esmBridge as __daylite_bridge } from '${ESM_BRIDGE}';const require = __daylite_bridge.createRequire(${JSON.stringify(name)});`
    }
    return stripImportAttributes(prefix + source)
  }
  const format = formatOf(name)
  if (format === 'cjs' && !(hasModuleSyntax(source) && !compilesAsScript(source, name))) {
    const value = requireCJS(name)
    bridged.set(name, value)
    return reexportSource(name, value)
  }
  sources.set(name, { text: source, offset: 0 })
  return stripImportAttributes(source)
}

// QuickJS does not parse import attributes (`import x from './a.json' with { type: 'json' }`):
// JSON modules load by extension anyway, so the attributes are dropped.
const IMPORT_ATTRIBUTES = /(\bfrom\s*(['"])[^'"\n]+\2|\bimport\s*(['"])[^'"\n]+\3)\s*(?:with|assert)\s*\{[^}]*\}/g

export function stripImportAttributes(source) {
  return source.includes('with') || source.includes('assert') ? source.replace(IMPORT_ATTRIBUTES, '$1') : source
}

function declares(source, id) {
  return (
    new RegExp(`\\b(?:const|let|var|function|class)\\s+${id}\\b`).test(source) ||
    new RegExp(`\\bimport\\s+${id}\\b|\\bas\\s+${id}\\b|\\bimport\\s*\\{[^}]*\\b${id}\\b[^}]*\\}`).test(source)
  )
}

function compilesAsScript(source, name) {
  try {
    N.evalScript(WRAP_HEAD + source + WRAP_TAIL, name)
    return true
  } catch (err) {
    return !(err instanceof SyntaxError)
  }
}

function requireCJS(filename, transpiled) {
  const cached = Module._cache[filename]
  if (cached) return cached.exports
  const module = new Module(filename, null)
  module.filename = filename
  module.paths = nodeModulePaths(pathMod.dirname(filename))
  Module._cache[filename] = module
  try {
    if (transpiled !== undefined) module._compile(transpiled, filename)
    else loadInto(module, filename)
  } catch (err) {
    delete Module._cache[filename]
    throw err
  }
  module.loaded = true
  return module.exports
}

/** import.meta for a module: url, filename, dirname, resolve(). */
export function initMeta(meta, name) {
  if (name.startsWith('/')) {
    const file = name.replace(/\?require$/, '')
    meta.url = pathToFileURL(file).href
    meta.filename = file
    meta.dirname = pathMod.dirname(file)
    meta.resolve = (specifier) => {
      const r = resolve(file, String(specifier))
      return r.startsWith('node:') ? r : pathToFileURL(r).href
    }
  } else {
    meta.url = name
    meta.resolve = (specifier) => {
      const r = resolve(N.getcwd() + '/', String(specifier))
      return r.startsWith('node:') ? r : pathToFileURL(r).href
    }
  }
}
