// daylite's Node.js surface for QuickJS. daylite_node.c evaluates this module once (daylite_init),
// the linear memory is then snapshotted, and every `node` run starts from that memory with
// daylite_run, which calls main(argv) below, runs the event loop through tick()/runTicks()/
// afterJobs() and ends with finish(). Nothing here may read the environment, the clock or the
// working directory at load time: that would be baked into the snapshot.
import * as std from 'std'
import { N } from './native.js'
import { nodeError } from './errors.js'
import { inspect } from './inspect.js'
import * as loop from './loop.js'
import * as events from './events.js'
import * as bufferModule from './buffer.js'
import pathMod from './path.js'
import * as fs from './fs.js'
import * as url from './url.js'
import * as streamModule from './stream.js'
import { util, types as utilTypes } from './util.js'
import { assert, strict as assertStrict, AssertionError } from './assert.js'
import { crypto, webcrypto } from './crypto.js'
import * as misc from './misc.js'
import * as proc from './process.js'
import * as modules from './modules.js'
import { installIntl } from './intl.js'
import './esm-bridge.js'

const { process, console } = proc
const { Buffer } = bufferModule

// ---- globals -------------------------------------------------------------------------------

class DOMException extends Error {
  constructor(message = '', options = 'Error') {
    super(message)
    const name = typeof options === 'string' ? options : options?.name ?? 'Error'
    Object.defineProperty(this, 'name', { value: name, configurable: true, writable: true })
    if (options?.cause !== undefined) this.cause = options.cause
  }
  get code() {
    const codes = { IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5, NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25 }
    return codes[this.name] ?? 0
  }
}

function cloneError(value) {
  const fn = inspect(value)
  return new DOMException(`${fn} could not be cloned.`, 'DataCloneError')
}

function structuredClone(value, options) {
  void options
  const seen = new Map()
  const clone = (v) => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
      if (typeof v === 'symbol') throw cloneError(v)
      return v
    }
    if (typeof v === 'function') throw cloneError(v)
    if (seen.has(v)) return seen.get(v)
    const tag = Object.prototype.toString.call(v)
    let out
    switch (tag) {
      case '[object Date]': out = new Date(v.getTime()); break
      case '[object RegExp]': out = new RegExp(v.source, v.flags); break
      case '[object Boolean]': case '[object Number]': case '[object String]': case '[object BigInt]':
        out = Object(v.valueOf())
        break
      case '[object ArrayBuffer]': out = v.slice(0); break
      case '[object Map]':
        out = new Map()
        seen.set(v, out)
        for (const [k, val] of v) out.set(clone(k), clone(val))
        return out
      case '[object Set]':
        out = new Set()
        seen.set(v, out)
        for (const val of v) out.add(clone(val))
        return out
      case '[object Error]': {
        const Ctor = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[v.name] ?? Error
        out = new Ctor(v.message)
        seen.set(v, out)
        if (v.stack !== undefined) out.stack = v.stack
        if ('cause' in v) out.cause = clone(v.cause)
        return out
      }
      default:
        if (ArrayBuffer.isView(v)) {
          const buf = clone(v.buffer)
          out = v instanceof DataView ? new DataView(buf, v.byteOffset, v.byteLength) : new (Object.getPrototypeOf(Object.getPrototypeOf(v)) === Uint8Array.prototype ? Uint8Array : v.constructor)(buf, v.byteOffset, v.length)
          break
        }
        if (tag === '[object WeakMap]' || tag === '[object WeakSet]' || tag === '[object Promise]' || tag === '[object WeakRef]') throw cloneError(v)
        out = Array.isArray(v) ? new Array(v.length) : {}
        seen.set(v, out)
        for (const key of Object.keys(v)) out[key] = clone(v[key])
        return out
    }
    seen.set(v, out)
    return out
  }
  return clone(value)
}

function queueMicrotask(callback) {
  if (typeof callback !== 'function') throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "callback" argument must be of type function. Received ${inspect(callback)}`)
  Promise.resolve().then(() => {
    try {
      callback()
    } catch (err) {
      proc.fatal(err)
    }
  })
}

function fetchUnavailable() {
  return Promise.reject(
    nodeError(TypeError, 'ERR_UNAVAILABLE_IN_WASM', "fetch failed: the WebAssembly sandbox has no network. Create the sandbox with target: 'remote' for network access."),
  )
}

const globals = {
  global: globalThis,
  console,
  process,
  Buffer,
  setTimeout: loop.setTimeout,
  clearTimeout: loop.clearTimeout,
  setInterval: loop.setInterval,
  clearInterval: loop.clearInterval,
  setImmediate: loop.setImmediate,
  clearImmediate: loop.clearImmediate,
  queueMicrotask,
  structuredClone,
  URL: url.URL,
  URLSearchParams: url.URLSearchParams,
  TextEncoder: bufferModule.TextEncoder,
  TextDecoder: bufferModule.TextDecoder,
  atob: bufferModule.atob,
  btoa: bufferModule.btoa,
  Blob: bufferModule.Blob,
  File: bufferModule.File,
  Event: events.Event,
  EventTarget: events.EventTarget,
  CustomEvent: events.CustomEvent,
  AbortController: events.AbortController,
  AbortSignal: events.AbortSignal,
  DOMException,
  crypto: webcrypto,
  performance: misc.performance,
  fetch: fetchUnavailable,
}
for (const [name, value] of Object.entries(globals)) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false })
}
for (const name of ['print', 'scriptArgs', 'std', 'os']) delete globalThis[name]
Object.defineProperty(globalThis, Symbol.toStringTag, { value: 'global', configurable: true, writable: false })

installIntl(globalThis)
// util.promisify(setTimeout) and util.promisify(setImmediate) give timers/promises' versions
Object.defineProperty(loop.setTimeout, util.promisify.custom, { value: misc.timersPromises.setTimeout, configurable: true })
Object.defineProperty(loop.setImmediate, util.promisify.custom, { value: misc.timersPromises.setImmediate, configurable: true })
streamModule.setNextTick(loop.nextTick)
events.setWarningHandler((message, type) => process.emitWarning(message, type))
fs.hooks.writeStdio = (fd, bytes) => proc.writeBytes(fd, bytes)

if (typeof Error.captureStackTrace !== 'function') {
  Error.captureStackTrace = function captureStackTrace(target) {
    if (target === null || typeof target !== 'object') return
    const frames = String(new Error().stack).split('\n').slice(2).join('\n')
    let header
    try {
      header = Error.prototype.toString.call(target)
    } catch {
      header = 'Error'
    }
    Object.defineProperty(target, 'stack', { value: frames ? `${header}\n${frames}` : header, writable: true, configurable: true })
  }
}
if (Error.stackTraceLimit === undefined) Error.stackTraceLimit = 10

// ---- builtin modules -----------------------------------------------------------------------

const fsModule = {
  ...fs,
  promises: fs.promises,
  default: undefined,
}
delete fsModule.default
delete fsModule.hooks

const timersModule = {
  setTimeout: loop.setTimeout,
  clearTimeout: loop.clearTimeout,
  setInterval: loop.setInterval,
  clearInterval: loop.clearInterval,
  setImmediate: loop.setImmediate,
  clearImmediate: loop.clearImmediate,
  promises: misc.timersPromises,
}

const eventsModule = events.EventEmitter
Object.assign(eventsModule, {
  Event: events.Event,
  EventTarget: events.EventTarget,
  CustomEvent: events.CustomEvent,
  abortError: undefined,
})
delete eventsModule.abortError

const bufferExports = {
  Buffer,
  SlowBuffer: bufferModule.SlowBuffer,
  kMaxLength: bufferModule.kMaxLength,
  kStringMaxLength: bufferModule.kStringMaxLength,
  constants: bufferModule.constants,
  INSPECT_MAX_BYTES: bufferModule.INSPECT_MAX_BYTES,
  Blob: bufferModule.Blob,
  File: bufferModule.File,
  atob: bufferModule.atob,
  btoa: bufferModule.btoa,
  isUtf8: bufferModule.isUtf8,
  isAscii: bufferModule.isAscii,
  transcode: (buf, from, to) => Buffer.from(Buffer.from(buf).toString(from), to),
}

const urlModule = {
  URL: url.URL,
  URLSearchParams: url.URLSearchParams,
  fileURLToPath: url.fileURLToPath,
  pathToFileURL: url.pathToFileURL,
  urlToHttpOptions: url.urlToHttpOptions,
  domainToASCII: url.domainToASCII,
  domainToUnicode: url.domainToUnicode,
  parse: url.urlParse,
  format: url.urlFormat,
  resolve: url.urlResolve,
  Url: function Url() {},
}

const querystring = {
  parse: url.qsParse,
  decode: url.qsParse,
  stringify: url.qsStringify,
  encode: url.qsStringify,
  escape: url.qsEscape,
  unescape: url.qsUnescape,
}

const consoleModule = Object.assign(Object.create(null), console)

const BUILTINS = {
  assert,
  'assert/strict': assertStrict,
  async_hooks: misc.asyncHooks,
  buffer: bufferExports,
  console: consoleModule,
  constants: { ...misc.os.constants.errno, ...misc.os.constants.signals, ...fs.constants },
  crypto,
  diagnostics_channel: misc.diagnosticsChannel,
  events: eventsModule,
  fs: fsModule,
  'fs/promises': fs.promises,
  module: modules.Module,
  os: misc.os,
  path: pathMod,
  'path/posix': pathMod,
  'path/win32': pathMod,
  perf_hooks: misc.perfHooks,
  process,
  punycode: { toASCII: url.domainToASCII, toUnicode: url.domainToUnicode, encode: (s) => s, decode: (s) => s },
  querystring,
  readline: misc.readline,
  'readline/promises': misc.readline.promises,
  stream: streamModule.Stream,
  'stream/promises': streamModule.promises,
  'stream/web': { ReadableStream: undefined, WritableStream: undefined, TransformStream: undefined },
  string_decoder: { StringDecoder: misc.StringDecoder },
  sys: util,
  timers: timersModule,
  'timers/promises': misc.timersPromises,
  tty: misc.tty,
  url: urlModule,
  util,
  'util/types': utilTypes,
  v8: misc.v8,
  vm: misc.vm,
}
for (const [name, value] of Object.entries(BUILTINS)) modules.registerBuiltin(name, value)
for (const name of ['child_process', 'cluster', 'dgram', 'dns', 'dns/promises', 'http', 'http2', 'https', 'inspector', 'inspector/promises', 'net', 'repl', 'tls', 'trace_events', 'wasi', 'worker_threads', 'zlib', 'sqlite', 'test', 'test/reporters', 'sea']) {
  modules.registerUnavailable(name)
}
util.inspect = inspect
assert.AssertionError = AssertionError

// ---- main ----------------------------------------------------------------------------------

const VALUE_OPTIONS = new Set([
  '-e', '--eval', '-p', '--print', '-r', '--require', '--import', '--input-type', '--max-old-space-size', '--stack-size', '--title',
  '--loader', '--experimental-loader', '--env-file', '--conditions', '-C', '--unhandled-rejections', '--redirect-warnings',
  '--inspect-port', '--disable-warning', '--secure-heap', '--icu-data-dir', '--openssl-config', '--tls-cipher-list', '--experimental-default-type',
])
const TS_VALUE_OPTIONS = new Set(['-P', '--project', '-O', '--compiler-options', '--compilerOptions', '-C', '--compiler', '-I', '--ignore', '-D', '--ignore-diagnostics', '--ignoreDiagnostics', '--cwd', '--scope-dir', '--tsconfig', '--dir'])
const TS_FLAGS = new Set(['-T', '--transpile-only', '--transpileOnly', '--esm', '--swc', '-H', '--compiler-host', '--files', '--skip-project', '--skipProject', '--skip-ignore', '--type-check', '--pretty', '--log-error', '--prefer-ts-exts', '--no-cache', '--scope', '--show-config', '--emit'])

function parseCommandLine(argv) {
  const tool = pathMod.basename(argv[0] ?? 'node')
  const typescript = tool === 'ts-node' || tool === 'tsx'
  const o = { tool, typescript, evalCode: undefined, print: false, requires: [], imports: [], inputType: undefined, check: false, version: false, help: false, script: undefined, args: [], execArgv: [], envFiles: [], memory: 0, noWarnings: false }
  let i = 1
  const take = (arg, eq) => {
    if (eq !== -1) return arg.slice(eq + 1)
    if (i + 1 >= argv.length) throw new Error(`${tool}: ${arg} requires an argument`)
    o.execArgv.push(argv[i + 1])
    return argv[++i]
  }
  for (; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      i++
      break
    }
    if (arg === '-' || !arg.startsWith('-')) break
    o.execArgv.push(arg)
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (name === '-e' || name === '--eval') o.evalCode = take(arg, eq)
    else if (name === '-p' || name === '--print' || name === '-pe' || name === '-ep') {
      o.print = true
      o.evalCode = take(arg, eq)
    } else if (name === '-r' || name === '--require') o.requires.push(take(arg, eq))
    else if (name === '--import' || name === '--loader' || name === '--experimental-loader') o.imports.push(take(arg, eq))
    else if (name === '--input-type') o.inputType = take(arg, eq)
    else if (name === '--env-file' || name === '--env-file-if-exists') o.envFiles.push([take(arg, eq), name === '--env-file-if-exists'])
    else if (name === '--max-old-space-size') o.memory = Number(take(arg, eq)) * 1024 * 1024
    else if (name === '-c' || name === '--check') o.check = true
    else if (name === '-v' || name === '--version') o.version = true
    else if (name === '-h' || name === '--help') o.help = true
    else if (name === '--no-warnings') o.noWarnings = true
    else if (name === '--no-deprecation') process.noDeprecation = true
    else if (name === '--throw-deprecation') process.throwDeprecation = true
    else if (VALUE_OPTIONS.has(name)) take(arg, eq)
    else if (o.typescript && TS_VALUE_OPTIONS.has(name)) take(arg, eq)
    else if (o.typescript && TS_FLAGS.has(name)) continue
    // other flags (--experimental-*, --enable-source-maps, --trace-*, --inspect…) change nothing here
  }
  if (o.evalCode === undefined && !o.version && !o.help && i < argv.length) {
    o.script = argv[i++]
  }
  o.args = argv.slice(i)
  return o
}

function parseEnvFile(text) {
  const out = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/.exec(line)
    if (!m) continue
    let value = m[2].trim()
    const q = value[0]
    if ((q === '"' || q === "'" || q === '`') && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1)
      if (q === '"') value = value.replace(/\\n/g, '\n')
    } else {
      const hash = value.indexOf(' #')
      if (hash !== -1) value = value.slice(0, hash).trim()
    }
    out[m[1]] = value
  }
  return out
}

const TS_REGISTER = /^(?:ts-node(?:\/.*)?|tsx(?:\/.*)?|@swc-node\/register.*|@swc\/register|esbuild-register(?:\/.*)?|@babel\/register|source-map-support\/register|tsconfig-paths\/register)$/

function evalModuleName(kind) {
  const cwd = N.getcwd()
  return `${cwd === '/' ? '' : cwd}/${kind}`
}

function runEval(code, o, filename) {
  const isTs = o.typescript
  if (isTs) code = N.transpile(code, `${filename}.ts`)
  const asModule = o.inputType === 'module' || (o.inputType !== 'commonjs' && modules.hasModuleSyntax(code) && !compiles(code, filename))
  if (asModule) {
    if (o.print) throw nodeError(Error, 'ERR_EVAL_ESM_CANNOT_PRINT', '--print cannot be used with ESM input')
    const [promise] = N.evalModule(code, evalModuleName(filename === '[eval]' ? '[eval1]' : filename))
    promise.then(undefined, (err) => proc.fatal(err))
    return
  }
  const m = new modules.Module(filename, null)
  const cwd = N.getcwd()
  m.filename = pathMod.join(cwd, filename)
  m.paths = modules.nodeModulePaths(cwd)
  m.loaded = true
  const require = modules.makeRequire(m)
  for (const [name, value] of Object.entries({ module: m, exports: m.exports, require, __filename: filename, __dirname: '.' })) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true })
  }
  proc.sources.set(filename, { text: code, offset: 0 })
  const result = N.evalScript(code, filename)
  if (o.print) console.log(result)
}

function compiles(code, filename) {
  try {
    N.evalScript(`(function () { ${code}\n})`, filename)
    return true
  } catch (err) {
    return !(err instanceof SyntaxError)
  }
}

function moduleNotFound(request) {
  const err = new Error(`Cannot find module '${request}'`)
  err.code = 'MODULE_NOT_FOUND'
  err.requireStack = []
  err.stack = `${err.stack}`.replace(/\n[\s\S]*$/, '') + '\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n    at Module._load (node:internal/modules/cjs/loader:1051:27)\n    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:174:12)\n    at node:internal/main/run_main_module:28:49'
  return err
}

function runMain(script, o) {
  const target = pathMod.resolve(script)
  let filename
  try {
    filename = modules.Module._resolveFilename(target, null, true)
  } catch {
    throw moduleNotFound(target)
  }
  if (o.check) {
    const text = N.readFile(filename, true)
    if (typeof text === 'number') throw moduleNotFound(target)
    const code = /\.(?:ts|mts|cts)$/.test(filename) ? N.transpile(text, filename) : text
    if (modules.formatOf(filename) === 'esm' || modules.hasModuleSyntax(code)) N.evalModule(`export {}`, `${filename}?check`)
    else N.evalScript(`(function () { ${code.startsWith('#!') ? '//' + code.slice(2) : code}\n})`, filename)
    return
  }
  process.argv[1] = filename
  let format = modules.formatOf(filename)
  if (/\.(?:ts|tsx)$/.test(filename)) {
    const text = N.readFile(filename, true)
    format = typeof text === 'string' && modules.hasModuleSyntax(N.transpile(text, filename)) ? 'esm' : 'cjs'
  } else if (format === 'cjs' && filename.endsWith('.js')) {
    const text = N.readFile(filename, true)
    if (typeof text === 'string' && modules.hasModuleSyntax(text) && !compiles(text.startsWith('#!') ? '//' + text.slice(2) : text, filename)) format = 'esm'
  }
  if (format === 'esm') {
    N.importModule(filename).then(undefined, (err) => proc.fatal(err))
    return
  }
  modules.Module._load(filename, null, true)
}

const HELP = `Usage: node [options] [ script.js ] [arguments]
       node [options] -e "script" [arguments]
       node [options] -p "script" [arguments]

daylite's node: QuickJS in WebAssembly with a Node.js-compatible library.
Options: -e, --eval  -p, --print  -r, --require  --input-type=module|commonjs
         -c, --check  --env-file=file  --max-old-space-size=MB  -v, --version
`

function main(argv) {
  const o = parseCommandLine(argv)
  const env = std.getenviron()
  for (const [file, optional] of o.envFiles) {
    const text = N.readFile(file, true)
    if (typeof text === 'number') {
      if (optional) continue
      N.write(2, `${o.tool}: ${file}: not found\n`)
      N.exit(9)
    }
    for (const [k, v] of Object.entries(parseEnvFile(text))) if (!(k in env)) env[k] = v
  }
  const scriptArgv = o.script !== undefined ? [o.script] : []
  proc.startRun([process.execPath, ...scriptArgv, ...o.args], o.execArgv, env)
  misc.resetTimeOrigin()
  proc.setNoWarnings(o.noWarnings || /(^|,)\s*--no-warnings\b/.test(env.NODE_OPTIONS ?? ''))
  if (o.memory > 0) N.setMemoryLimit(o.memory)
  if (o.version) {
    console.log(proc.NODE_VERSION)
    return
  }
  if (o.help) {
    process.stdout.write(HELP)
    return
  }
  for (const r of o.requires) {
    if (TS_REGISTER.test(r)) continue
    const base = new modules.Module(pathMod.join(N.getcwd(), '[preload]'), null)
    base.filename = base.id
    base.paths = modules.nodeModulePaths(N.getcwd())
    modules.Module._load(r, base, false)
  }
  if (o.evalCode !== undefined) {
    runEval(o.evalCode, o, '[eval]')
    return
  }
  if (o.script !== undefined && o.script !== '-') {
    runMain(o.script, o)
    return
  }
  // no script: the program comes from stdin
  const code = N.readFile(0, true)
  runEval(typeof code === 'string' ? code : '', o, '[stdin]')
}

// ---- hooks for daylite_node.c ----------------------------------------------------------------

Object.assign(N, {
  main(argv) {
    try {
      main(argv)
    } catch (err) {
      proc.fatal(err)
    }
  },
  resolve: modules.resolve,
  load: modules.load,
  initMeta: modules.initMeta,
  runTicks: loop.runTicks,
  afterJobs: loop.afterJobs,
  tick() {
    const r = loop.tick()
    if (r !== 0) proc.flushOutput()
    return r
  },
  finish: proc.finish,
  onRejection: loop.onRejection,
  onFatal(err) {
    proc.fatal(err)
  },
})
