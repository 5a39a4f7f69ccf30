// `process` and `console`. Output is buffered per run and flushed when the other stream is
// written, before the loop sleeps, on a blocking read and at exit, so stdout and stderr keep
// their relative order (the host sees few, large writes).
import { N, errnoInfo, monotonicMs } from './native.js'
import { EventEmitter } from './events.js'
import { Writable, Readable } from './stream.js'
import { Buffer } from './buffer.js'
import { format, formatWithOptions, inspect, isError } from './inspect.js'
import { nextTick, queueIO, hooks as loopHooks } from './loop.js'
import { invalidArgType, nodeError, uvError, sources } from './errors.js'

export const NODE_VERSION = 'v20.20.2'

// ---- output ------------------------------------------------------------------------------

let pending = ''
let pendingFd = 1
const FLUSH_AT = 1 << 16

export function flushOutput() {
  if (pending === '') return
  const text = pending
  pending = ''
  checkWrite(pendingFd, N.write(pendingFd, text))
}

/**
 * A write to a pipe whose reader has gone fails with EPIPE (`node app.js | head -3`). Node reports
 * it as an 'error' event on process.stdout, fatal when nobody listens; a loop that only writes
 * never lets that event run here, so without a listener the error is thrown where the write
 * happens (uncaught: `Error: write EPIPE`, exit 1). Ignored while exiting and for stderr.
 */
function checkWrite(fd, rc) {
  if (rc >= 0 || exiting || fd !== 1) return
  const info = errnoInfo(-rc)
  const err = new Error(`write ${info.code}`)
  err.errno = info.errno
  err.code = info.code
  err.syscall = 'write'
  if (stdout && stdout.listenerCount('error') > 0) {
    nextTick(() => stdout.emit('error', err))
    return
  }
  throw err
}

export function writeText(fd, text) {
  if (pendingFd !== fd) {
    flushOutput()
    pendingFd = fd
  }
  pending += text
  if (pending.length >= FLUSH_AT) flushOutput()
}

export function writeBytes(fd, bytes) {
  flushOutput()
  checkWrite(fd, N.write(fd, bytes))
}

/** CPU time of this process in µs (the host counts its run time minus the time it was blocked). */
function cpuMicros() {
  return Math.round(N.cpuTime() / 1000)
}

// ---- process.stdout / stderr / stdin ----------------------------------------------------------

function makeOutput(fd) {
  const stream = new Writable({
    decodeStrings: false,
    write(chunk, encoding, cb) {
      if (typeof chunk === 'string') writeText(fd, chunk)
      else writeBytes(fd, chunk)
      cb()
    },
  })
  // Synchronous, like Node's stdout to files and pipes: no queue behind earlier writes.
  stream.write = function (chunk, encoding, cb) {
    if (typeof encoding === 'function') {
      cb = encoding
      encoding = undefined
    }
    if (typeof chunk === 'string') {
      if (encoding && encoding !== 'utf8' && encoding !== 'utf-8') writeBytes(fd, Buffer.from(chunk, encoding))
      else writeText(fd, chunk)
    } else if (chunk instanceof Uint8Array) writeBytes(fd, chunk)
    else throw invalidArgType('chunk', 'of type string or an instance of Buffer, TypedArray, or DataView', chunk)
    if (typeof cb === 'function') nextTick(cb, null)
    return true
  }
  stream.end = function (chunk, encoding, cb) {
    if (typeof chunk === 'function') {
      cb = chunk
      chunk = undefined
    }
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding)
    if (typeof cb === 'function') nextTick(cb)
    return this
  }
  stream.fd = fd
  stream._type = 'pipe'
  stream._isStdio = true
  stream.destroySoon = stream.destroy
  if (N.isatty(fd)) {
    stream.isTTY = true
    stream.columns = 80
    stream.rows = 24
    stream.getColorDepth = () => 1
    stream.hasColors = () => false
    stream.getWindowSize = () => [80, 24]
  }
  stream.cursorTo = (x, y, cb) => {
    if (typeof cb === 'function') nextTick(cb)
    return true
  }
  stream.moveCursor = stream.cursorTo
  stream.clearLine = stream.cursorTo
  stream.clearScreenDown = stream.cursorTo
  return stream
}

function makeStdin() {
  const chunk = new Uint8Array(65536)
  const stream = new Readable({
    highWaterMark: 65536,
    read() {
      // each read completes in the loop's I/O phase, as a pipe's would
      queueIO(() => {
        flushOutput()
        const n = N.read(0, chunk, 0, chunk.length, -1)
        if (n > 0) this.push(Buffer.from(chunk.subarray(0, n)))
        else this.push(null)
      })
    },
  })
  stream.fd = 0
  if (N.isatty(0)) {
    stream.isTTY = true
    stream.setRawMode = () => stream
    stream.isRaw = false
  }
  return stream
}

// ---- process -------------------------------------------------------------------------------

export const process = Object.create(EventEmitter.prototype, {
  [Symbol.toStringTag]: { value: 'process', configurable: true },
})
EventEmitter.call(process)

let exitCode
let exiting = false
let stdout
let stderr
let stdin
let envObject = {}
const startMs = { value: 0 }
let warned = false
let noWarnings = false

function makeEnv(values) {
  const target = {}
  for (const [k, v] of Object.entries(values)) Object.defineProperty(target, k, { value: v, writable: true, enumerable: true, configurable: true })
  return new Proxy(target, {
    set(t, key, value) {
      if (typeof key === 'symbol') return Reflect.set(t, key, value)
      t[key] = String(value)
      return true
    },
    defineProperty(t, key, desc) {
      if ('value' in desc) desc = { ...desc, value: String(desc.value) }
      return Reflect.defineProperty(t, key, desc)
    },
  })
}

function hrtime(prev) {
  const [s, ns] = N.hrtime()
  if (Array.isArray(prev)) {
    let ds = s - prev[0]
    let dns = ns - prev[1]
    if (dns < 0) {
      ds--
      dns += 1e9
    }
    return [ds, dns]
  }
  return [s, ns]
}
hrtime.bigint = () => {
  const [s, ns] = N.hrtime()
  return BigInt(s) * 1000000000n + BigInt(ns)
}

function memoryUsage() {
  const [rss, heapTotal, heapUsed, external] = N.memoryUsage()
  return { rss, heapTotal, heapUsed, external, arrayBuffers: external }
}
memoryUsage.rss = () => N.memoryUsage()[0]

function validateExitCode(code) {
  if (code === undefined || code === null) return code
  if (typeof code === 'string' && /^\s*-?\d+\s*$/.test(code)) return Number(code)
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    throw invalidArgType('code', 'of type number', code)
  }
  return code
}

function emitWarning(warning, type, code, ctor) {
  let name = 'Warning'
  let detail
  if (type !== null && typeof type === 'object' && !Array.isArray(type)) {
    name = type.type ?? name
    code = type.code
    detail = type.detail
  } else if (typeof type === 'string') name = type
  if (typeof code === 'function') code = undefined
  let w = warning
  if (typeof warning === 'string') {
    w = new Error(warning)
    w.name = name
    if (code !== undefined) w.code = code
    if (detail !== undefined) w.detail = detail
  }
  void ctor
  nextTick(() => process.emit('warning', w))
}

function defaultWarningPrinter(w) {
  if (noWarnings) return
  if (w?.name === 'DeprecationWarning' && process.noDeprecation) return
  let text = `(node:${process.pid}) ${w.code ? `[${w.code}] ` : ''}${w.name}: ${w.message}\n`
  if (w.detail) text += `${w.detail}\n`
  if (!warned) {
    warned = true
    text += `(Use \`node --trace-warnings ...\` to show where the warning was created)\n`
  }
  writeText(2, text)
}

const features = { inspector: false, debug: false, uv: true, ipv6: true, tls_alpn: false, tls_sni: false, tls_ocsp: false, tls: false, cached_builtins: true, typescript: 'strip' }

Object.assign(process, {
  title: 'node',
  version: NODE_VERSION,
  versions: {
    node: NODE_VERSION.slice(1),
    acorn: '8.14.0',
    ada: '2.9.2',
    ares: '1.34.5',
    brotli: '1.1.0',
    cjs_module_lexer: '1.4.1',
    icu: '76.1',
    llhttp: '8.1.2',
    modules: '115',
    napi: '10',
    nghttp2: '1.64.0',
    openssl: '3.0.15+quic',
    simdutf: '6.0.3',
    tz: '2025a',
    undici: '6.21.2',
    unicode: '16.0',
    uv: '1.46.0',
    uvwasi: '0.0.21',
    v8: '11.3.244.8-node.26',
    zlib: '1.3.0.1-motley',
    quickjs: '2025-04-26',
    daylite: '1',
  },
  arch: 'wasm32',
  platform: 'linux',
  release: { name: 'node', lts: 'Iron', sourceUrl: '', headersUrl: '' },
  argv: ['/usr/local/bin/node'],
  argv0: 'node',
  execArgv: [],
  execPath: '/usr/local/bin/node',
  pid: 42,
  ppid: 1,
  exitCode: undefined,
  config: { target_defaults: {}, variables: {} },
  features,
  debugPort: 9229,
  allowedNodeEnvironmentFlags: new Set(),
  moduleLoadList: [],
  noDeprecation: false,
  throwDeprecation: false,
  traceDeprecation: false,
  hrtime,
  nextTick,
  memoryUsage,
  emitWarning,
  cwd() {
    const c = N.getcwd()
    if (typeof c === 'number') throw uvError(-c, 'uv_cwd')
    return c
  },
  chdir(dir) {
    if (typeof dir !== 'string') throw invalidArgType('directory', 'of type string', dir)
    const rc = N.chdir(dir)
    if (rc < 0) {
      const info = errnoInfo(-rc)
      const err = new Error(`${info.code}: ${info.message}, chdir ${process.cwd()} -> '${dir}'`)
      err.errno = info.errno
      err.code = info.code
      err.syscall = 'chdir'
      err.path = process.cwd()
      err.dest = dir
      throw err
    }
    // keep PWD in step, as a shell would
    envObject.PWD = process.cwd()
  },
  exit(code) {
    exitNow(code)
  },
  reallyExit(code) {
    exitNow(code)
  },
  abort() {
    flushOutput()
    N.exit(134)
  },
  kill(pid, signal = 'SIGTERM') {
    if (pid === process.pid || pid === 0) {
      const num = typeof signal === 'number' ? signal : SIGNALS[signal] ?? 15
      if (process.listenerCount(typeof signal === 'string' ? signal : 'SIGTERM') > 0) {
        nextTick(() => process.emit(typeof signal === 'string' ? signal : 'SIGTERM', signal))
        return true
      }
      flushOutput()
      N.exit(128 + num)
    }
    const err = uvError(71, 'kill')
    throw err
  },
  uptime() {
    return (monotonicMs() - startMs.value) / 1000
  },
  cpuUsage(prev) {
    const us = cpuMicros()
    const now = { user: us, system: 0 }
    return prev ? { user: now.user - prev.user, system: now.system - prev.system } : now
  },
  resourceUsage() {
    const mem = N.memoryUsage()
    return {
      userCPUTime: cpuMicros(), systemCPUTime: 0, maxRSS: Math.round(mem[0] / 1024),
      sharedMemorySize: 0, unsharedDataSize: 0, unsharedStackSize: 0, minorPageFault: 0, majorPageFault: 0, swappedOut: 0,
      fsRead: 0, fsWrite: 0, ipcSent: 0, ipcReceived: 0, signalsCount: 0, voluntaryContextSwitches: 0, involuntaryContextSwitches: 0,
    }
  },
  constrainedMemory() {
    return 268435456
  },
  availableMemory() {
    return 268435456 - N.memoryUsage()[0]
  },
  umask() {
    return 0o022
  },
  getuid: () => 1000,
  geteuid: () => 1000,
  getgid: () => 1000,
  getegid: () => 1000,
  getgroups: () => [1000],
  setuid() {},
  setgid() {},
  binding(name) {
    throw nodeError(Error, 'ERR_INVALID_MODULE', `No such module: ${name}`)
  },
  dlopen() {
    throw nodeError(Error, 'ERR_DLOPEN_FAILED', 'native addons (.node) cannot be loaded in the WebAssembly sandbox')
  },
  setUncaughtExceptionCaptureCallback(fn) {
    captureCallback = fn
  },
  hasUncaughtExceptionCaptureCallback() {
    return captureCallback !== null
  },
  emit(type, ...args) {
    return EventEmitter.prototype.emit.call(this, type, ...args)
  },
  report: { writeReport() {}, getReport: () => ({}) },
  permission: { has: () => true },
})
let captureCallback = null

Object.defineProperty(process, 'exitCode', {
  get: () => exitCode,
  set(v) {
    exitCode = validateExitCode(v)
  },
  enumerable: true,
  configurable: true,
})
Object.defineProperty(process, 'env', {
  get: () => envObject,
  set(v) {
    envObject = makeEnv(v)
  },
  enumerable: true,
  configurable: true,
})
for (const name of ['stdout', 'stderr', 'stdin']) {
  Object.defineProperty(process, name, {
    get() {
      if (name === 'stdout') return (stdout ??= makeOutput(1))
      if (name === 'stderr') return (stderr ??= makeOutput(2))
      return (stdin ??= makeStdin())
    },
    enumerable: true,
    configurable: true,
  })
}

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 }
export const signals = SIGNALS

/** Per run: argv, environment and clocks. */
export function startRun(argv, execArgv, env) {
  process.argv = argv
  process.execArgv = execArgv
  envObject = makeEnv(env)
  startMs.value = monotonicMs()
  exitCode = undefined
  exiting = false
}

export function setNoWarnings(v) {
  noWarnings = v
}

process.on('warning', defaultWarningPrinter)

// ---- exit and fatal errors -------------------------------------------------------------------

function emitExit(code) {
  if (exiting) return
  exiting = true
  process._exiting = true
  try {
    process.emit('exit', code)
  } catch (err) {
    printFatal(err)
    exitCode = 7
  }
}

/** process.exit(): the 'exit' handlers, the output, then the native exit (nothing else runs). */
export function exitNow(code) {
  if (code !== undefined) exitCode = validateExitCode(code)
  emitExit(exitCode ?? 0)
  flushOutput()
  N.exit(exitCode ?? 0)
}

/** The loop is empty: 'exit' handlers; returns the exit code. */
export function finish() {
  emitExit(exitCode ?? 0)
  flushOutput()
  return exitCode ?? 0
}

/** 'beforeExit': emitted when the loop empties, with listeners. */
export function beforeExit() {
  if (process.listenerCount('beforeExit') === 0) return false
  process.emit('beforeExit', exitCode ?? 0)
  return true
}

export { sources }

function errorLocation(err) {
  let stack
  try {
    stack = err?.stack
  } catch {}
  if (typeof stack !== 'string') return null
  for (const line of stack.split('\n')) {
    const m = /^\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line)
    if (!m || m[1].startsWith('node:internal') || m[1] === '<native>' || m[1] === 'native') continue
    return { file: m[1], line: Number(m[2]), col: Number(m[3]) }
  }
  return null
}

export function printFatal(err, fromPromise) {
  flushOutput()
  let text = ''
  const loc = isError(err) ? errorLocation(err) : null
  if (loc) {
    const src = sources.get(loc.file)
    const line = src?.text.split('\n')[loc.line - 1]
    if (line !== undefined) {
      let col = Math.max(0, loc.col - 1 - (loc.line === 1 ? src.offset : 0))
      // Node points at the throw statement; QuickJS's column is the error's construction
      const thrown = line.lastIndexOf('throw', col)
      if (thrown !== -1) col = thrown
      text += `${loc.file}:${loc.line}\n${line}\n${' '.repeat(col)}^\n\n`
    }
  }
  if (isError(err)) text += inspect(err)
  else if (fromPromise) {
    const reason = typeof err === 'string' ? err : inspect(err)
    text +=
      'node:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\n' +
      `[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${reason}".] {\n  code: 'ERR_UNHANDLED_REJECTION'\n}`
  } else text += `Uncaught ${inspect(err)}`
  text += `\n\nNode.js ${NODE_VERSION}\n`
  N.write(2, text)
}

/** An uncaught exception: 'uncaughtException' handlers, else print it and exit 1. */
export function fatal(err, origin = 'uncaughtException') {
  if (captureCallback) {
    captureCallback(err)
    return
  }
  if (process.listenerCount('uncaughtException') > 0) {
    try {
      process.emit('uncaughtException', err, origin)
      return
    } catch (inner) {
      err = inner
    }
  }
  printFatal(err, origin === 'unhandledRejection')
  exitCode = 1
  emitExit(1)
  flushOutput()
  N.exit(exitCode === 0 || exitCode === undefined ? 1 : exitCode)
}

loopHooks.fatal = fatal
loopHooks.flushOutput = flushOutput
loopHooks.beforeExit = beforeExit
loopHooks.unhandledRejection = (reason, promise) => {
  if (process.listenerCount('unhandledRejection') > 0) {
    process.emit('unhandledRejection', reason, promise)
    return
  }
  fatal(reason, 'unhandledRejection')
}
loopHooks.rejectionHandled = (promise) => process.emit('rejectionHandled', promise)

// ---- console -------------------------------------------------------------------------------

const counts = new Map()
const timers = new Map()
let groupIndent = ''

function consoleWrite(fd, args) {
  let text = formatWithOptions(undefined, ...args)
  if (groupIndent !== '') text = groupIndent + text.replace(/\n/g, `\n${groupIndent}`)
  writeText(fd, text + '\n')
}

function renderTable(head, columns) {
  const widths = head.map((h) => h.length)
  const longest = Math.max(0, ...columns.map((c) => c.length))
  const rows = []
  for (let i = 0; i < head.length; i++) {
    for (let j = 0; j < longest; j++) {
      rows[j] ??= []
      const v = Object.prototype.hasOwnProperty.call(columns[i], j) ? columns[i][j] : ''
      rows[j][i] = v
      widths[i] = Math.max(widths[i], v.length)
    }
  }
  const renderRow = (row) => `│ ${row.map((cell, i) => cell + ' '.repeat(widths[i] - cell.length)).join(' │ ')} │`
  const divider = widths.map((w) => '─'.repeat(w + 2))
  let out = `┌${divider.join('┬')}┐\n${renderRow(head)}\n├${divider.join('┼')}┤\n`
  for (const row of rows) out += `${renderRow(row)}\n`
  return out + `└${divider.join('┴')}┘`
}

function table(data, properties) {
  if (data === null || typeof data !== 'object') return consoleWrite(1, [data])
  const cell = (v) => {
    const depth = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 2 ? -1 : 0
    return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity })
  }
  const indexKey = '(index)'
  const valuesKey = 'Values'
  const keys = []
  const indexCol = []
  const valuesCol = []
  const cols = new Map()
  let hasPrimitives = false
  const entries = data instanceof Map ? [...data.entries()] : Object.entries(data)
  const isMap = data instanceof Map
  if (data instanceof Set) {
    let i = 0
    for (const v of data) entries.push([String(i++), v])
  }
  entries.forEach(([k, v], row) => {
    indexCol.push(isMap ? cell(k) : String(k))
    if (v !== null && typeof v === 'object') {
      for (const key of properties ?? Object.keys(v)) {
        if (!cols.has(key)) {
          cols.set(key, [])
          keys.push(key)
        }
        if (Object.prototype.hasOwnProperty.call(v, key)) cols.get(key)[row] = cell(v[key])
      }
    } else {
      hasPrimitives = true
      valuesCol[row] = cell(v)
    }
  })
  const head = [isMap ? '(iteration index)' : indexKey]
  const columns = [isMap ? indexCol.map((_, i) => String(i)) : indexCol]
  if (isMap) {
    head.push('Key')
    columns.push(indexCol)
  }
  for (const k of keys) {
    head.push(k)
    columns.push(cols.get(k))
  }
  if (hasPrimitives) {
    head.push(valuesKey)
    columns.push(valuesCol)
  }
  writeText(1, groupIndent + renderTable(head, columns).replace(/\n/g, `\n${groupIndent}`) + '\n')
}

function formatMs(ms) {
  if (ms >= 1000) {
    if (ms >= 60000) {
      if (ms >= 3600000) return `${(ms / 3600000).toFixed(3)}h`
      return `${(ms / 60000).toFixed(3)}min`
    }
    return `${(ms / 1000).toFixed(3)}s`
  }
  return `${Number(ms.toFixed(3))}ms`
}

export const console = {
  log: (...args) => consoleWrite(1, args),
  info: (...args) => consoleWrite(1, args),
  debug: (...args) => consoleWrite(1, args),
  warn: (...args) => consoleWrite(2, args),
  error: (...args) => consoleWrite(2, args),
  dir: (obj, options) => writeText(1, groupIndent + inspect(obj, { customInspect: false, ...options }) + '\n'),
  dirxml: (...args) => consoleWrite(1, args),
  trace: (...args) => {
    const err = new Error(format(...args))
    err.name = 'Trace'
    const stack = String(err.stack).split('\n').slice(1).join('\n')
    writeText(2, `${groupIndent}Trace${args.length ? ': ' + format(...args) : ''}\n${stack}\n`)
  },
  assert: (cond, ...args) => {
    if (!cond) {
      if (args.length === 0) consoleWrite(2, ['Assertion failed'])
      else if (typeof args[0] === 'string') consoleWrite(2, [`Assertion failed: ${args[0]}`, ...args.slice(1)])
      else consoleWrite(2, ['Assertion failed:', ...args])
    }
  },
  count: (label = 'default') => {
    label = `${label}`
    const n = (counts.get(label) ?? 0) + 1
    counts.set(label, n)
    consoleWrite(1, [`${label}: ${n}`])
  },
  countReset: (label = 'default') => {
    label = `${label}`
    if (!counts.has(label)) process.emitWarning(`Count for '${label}' does not exist`)
    counts.delete(label)
  },
  time: (label = 'default') => {
    label = `${label}`
    if (timers.has(label)) {
      process.emitWarning(`Label '${label}' already exists for console.time()`)
      return
    }
    timers.set(label, monotonicMs())
  },
  timeEnd: (label = 'default') => {
    label = `${label}`
    const t = timers.get(label)
    if (t === undefined) {
      process.emitWarning(`No such label '${label}' for console.timeEnd()`)
      return
    }
    timers.delete(label)
    consoleWrite(1, [`${label}: ${formatMs(monotonicMs() - t)}`])
  },
  timeLog: (label = 'default', ...data) => {
    label = `${label}`
    const t = timers.get(label)
    if (t === undefined) {
      process.emitWarning(`No such label '${label}' for console.timeLog()`)
      return
    }
    consoleWrite(1, [`${label}: ${formatMs(monotonicMs() - t)}`, ...data])
  },
  group: (...label) => {
    if (label.length) consoleWrite(1, label)
    groupIndent += '  '
  },
  groupCollapsed: (...label) => {
    if (label.length) consoleWrite(1, label)
    groupIndent += '  '
  },
  groupEnd: () => {
    groupIndent = groupIndent.slice(0, -2)
  },
  table,
  clear: () => {},
  profile: () => {},
  profileEnd: () => {},
  timeStamp: () => {},
  context: () => console,
}

/** console.Console: a console writing to the given streams. */
export function Console(stdoutOrOptions, stderrStream) {
  if (!(this instanceof Console)) return new Console(stdoutOrOptions, stderrStream)
  const out = stdoutOrOptions?.stdout ?? stdoutOrOptions
  const err = stdoutOrOptions?.stderr ?? stderrStream ?? out
  const write = (stream, args) => stream.write(formatWithOptions(stdoutOrOptions?.inspectOptions, ...args) + '\n')
  for (const [name, fn] of Object.entries(console)) this[name] = fn
  this.log = this.info = this.debug = (...args) => write(out, args)
  this.warn = this.error = (...args) => write(err, args)
  this.dir = (obj, options) => out.write(inspect(obj, options) + '\n')
}
console.Console = Console
