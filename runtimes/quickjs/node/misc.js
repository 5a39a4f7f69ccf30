// The smaller builtins: os, readline (+ promises), string_decoder, timers/promises, perf_hooks
// (performance), vm, async_hooks, tty, v8, diagnostics_channel.
import { N, errnoConstants, monotonicMs } from './native.js'
import { EventEmitter, abortError } from './events.js'
import { Buffer } from './buffer.js'
import { nodeError } from './errors.js'
import { setTimeout as setT, clearTimeout as clearT, setImmediate as setI, setInterval as setIv, clearInterval as clearIv } from './loop.js'
import { process, signals } from './process.js'

// ---- os ------------------------------------------------------------------------------------

const env = () => process.env
export const os = {
  EOL: '\n',
  devNull: '/dev/null',
  platform: () => 'linux',
  type: () => 'Linux',
  release: () => '6.1.0-daylite-wasm',
  version: () => '#1 SMP daylite (WebAssembly)',
  machine: () => 'wasm32',
  arch: () => process.arch,
  endianness: () => 'LE',
  hostname: () => env().HOSTNAME ?? 'daytona',
  homedir: () => env().HOME ?? '/root',
  tmpdir: () => {
    const t = env().TMPDIR ?? env().TMP ?? env().TEMP ?? '/tmp'
    return t.length > 1 && t.endsWith('/') ? t.slice(0, -1) : t
  },
  userInfo: (options) => {
    const info = { uid: 1000, gid: 1000, username: env().USER ?? env().LOGNAME ?? 'daytona', homedir: env().HOME ?? '/home/daytona', shell: env().SHELL ?? '/bin/bash' }
    return options?.encoding === 'buffer' ? { ...info, username: Buffer.from(info.username), homedir: Buffer.from(info.homedir), shell: Buffer.from(info.shell) } : info
  },
  cpus: () => [{ model: 'WebAssembly (QuickJS)', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }],
  availableParallelism: () => 1,
  totalmem: () => 268435456,
  freemem: () => Math.max(0, 268435456 - N.memoryUsage()[0]),
  uptime: () => Math.floor(monotonicMs() / 1000),
  loadavg: () => [0, 0, 0],
  networkInterfaces: () => ({}),
  getPriority: () => 0,
  setPriority: () => {},
  constants: {
    signals: { ...signals },
    errno: errnoConstants(),
    priority: { PRIORITY_LOW: 19, PRIORITY_BELOW_NORMAL: 10, PRIORITY_NORMAL: 0, PRIORITY_ABOVE_NORMAL: -7, PRIORITY_HIGH: -14, PRIORITY_HIGHEST: -20 },
    dlopen: {},
    UV_UDP_REUSEADDR: 4,
  },
}

// ---- string_decoder ------------------------------------------------------------------------

export class StringDecoder {
  constructor(encoding = 'utf8') {
    const enc = String(encoding).toLowerCase().replace('-', '')
    if (!Buffer.isEncoding(enc)) throw nodeError(TypeError, 'ERR_UNKNOWN_ENCODING', `Unknown encoding: ${encoding}`)
    this.encoding = enc === 'utf-8' || enc === 'utf8' ? 'utf8' : enc === 'ucs2' || enc === 'utf16le' ? 'utf16le' : enc === 'binary' ? 'latin1' : enc
    this.pending = Buffer.alloc(0)
  }
  write(buf) {
    if (typeof buf === 'string') return buf
    let bytes = this.pending.length ? Buffer.concat([this.pending, Buffer.from(buf)]) : Buffer.from(buf)
    let keep = 0
    if (this.encoding === 'utf8') {
      let i = bytes.length
      let back = 0
      while (i > 0 && back < 3 && (bytes[i - 1] & 0xc0) === 0x80) {
        i--
        back++
      }
      if (i > 0) {
        const lead = bytes[i - 1]
        const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
        if (need > back + 1) keep = back + 1
      }
    } else if (this.encoding === 'utf16le') keep = bytes.length % 2
    else if (this.encoding === 'base64' || this.encoding === 'base64url') keep = bytes.length % 3
    this.pending = keep ? bytes.subarray(bytes.length - keep) : Buffer.alloc(0)
    bytes = keep ? bytes.subarray(0, bytes.length - keep) : bytes
    return bytes.toString(this.encoding)
  }
  end(buf) {
    let out = buf ? this.write(buf) : ''
    if (this.pending.length) {
      out += this.encoding === 'utf8' ? '\ufffd' : this.pending.toString(this.encoding)
      this.pending = Buffer.alloc(0)
    }
    return out
  }
  text(buf, offset) {
    return this.write(buf.subarray(offset))
  }
}

// ---- readline ------------------------------------------------------------------------------

export class Interface extends EventEmitter {
  constructor(input, output, completer, terminal) {
    super()
    let options = input
    if (!(input && typeof input === 'object' && 'input' in input && typeof input.on !== 'function')) {
      options = { input, output, completer, terminal }
    }
    this.input = options.input
    this.output = options.output
    this.terminal = !!options.terminal
    this.line = ''
    this.cursor = 0
    this.history = []
    this.closed = false
    this._prompt = options.prompt ?? '> '
    this._questions = []
    this._lines = []
    this._waiters = []
    this._partial = ''
    this._decoder = new StringDecoder('utf8')
    this._paused = false
    this._sawReturn = false
    if (this.input) {
      this._onData = (chunk) => this._feed(typeof chunk === 'string' ? chunk : this._decoder.write(chunk))
      this._onEnd = () => {
        const rest = this._partial + this._decoder.end()
        this._partial = ''
        if (rest.length > 0) this._emitLine(rest)
        this.close()
      }
      this.input.on('data', this._onData)
      this.input.on('end', this._onEnd)
    }
    options.signal?.addEventListener('abort', () => this.close(), { once: true })
  }
  _feed(text) {
    let s = this._partial + text
    let i
    while ((i = s.search(/\r\n|\n|\r/)) !== -1) {
      const line = s.slice(0, i)
      const len = s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1
      s = s.slice(i + len)
      this._emitLine(line)
      if (this.closed) return
    }
    this._partial = s
  }
  _emitLine(line) {
    const q = this._questions.shift()
    if (q) {
      q(line)
      return
    }
    if (this._waiters.length) this._waiters.shift().resolve({ value: line, done: false })
    else if (this._iterating) this._lines.push(line)
    this.emit('line', line)
  }
  setPrompt(p) {
    this._prompt = p
  }
  getPrompt() {
    return this._prompt
  }
  prompt() {
    if (this.output && !this.closed) this.output.write(this._prompt)
  }
  question(query, options, cb) {
    if (typeof options === 'function') cb = options
    if (this.closed) throw nodeError(Error, 'ERR_USE_AFTER_CLOSE', 'readline was closed')
    if (this.output) this.output.write(query)
    this._questions.push(cb)
  }
  write(data) {
    if (this.closed) throw nodeError(Error, 'ERR_USE_AFTER_CLOSE', 'readline was closed')
    if (typeof data === 'string' && !this.terminal && this.output) this.output.write(data)
  }
  pause() {
    this._paused = true
    this.input?.pause?.()
    this.emit('pause')
    return this
  }
  resume() {
    this._paused = false
    this.input?.resume?.()
    this.emit('resume')
    return this
  }
  close() {
    if (this.closed) return
    this.closed = true
    if (this.input) {
      this.input.removeListener('data', this._onData)
      this.input.removeListener('end', this._onEnd)
      this.input.pause?.()
    }
    for (const w of this._waiters.splice(0)) w.resolve({ value: undefined, done: true })
    this.emit('close')
  }
  getCursorPos() {
    return { rows: 0, cols: this.cursor }
  }
  [Symbol.asyncIterator]() {
    this._iterating = true
    const self = this
    return {
      next() {
        if (self._lines.length) return Promise.resolve({ value: self._lines.shift(), done: false })
        if (self.closed) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve, reject) => self._waiters.push({ resolve, reject }))
      },
      return() {
        self.close()
        return Promise.resolve({ value: undefined, done: true })
      },
      [Symbol.asyncIterator]() {
        return this
      },
    }
  }
  [Symbol.dispose]() {
    this.close()
  }
}

class PromisesInterface extends Interface {
  question(query, options) {
    return new Promise((resolve, reject) => {
      if (options?.signal?.aborted) return reject(abortError(options.signal.reason))
      super.question(query, resolve)
    })
  }
}

const cursorNoop = (stream, a, b, cb) => {
  const done = [a, b, cb].find((x) => typeof x === 'function')
  if (done) process.nextTick(done)
  return true
}

export const readline = {
  Interface,
  createInterface: (input, output, completer, terminal) => new Interface(input, output, completer, terminal),
  clearLine: cursorNoop,
  clearScreenDown: cursorNoop,
  cursorTo: cursorNoop,
  moveCursor: cursorNoop,
  emitKeypressEvents: () => {},
  promises: {
    Interface: PromisesInterface,
    createInterface: (input, output, completer, terminal) => new PromisesInterface(input, output, completer, terminal),
    Readline: class Readline {
      clearLine() {
        return this
      }
      clearScreenDown() {
        return this
      }
      cursorTo() {
        return this
      }
      moveCursor() {
        return this
      }
      commit() {
        return Promise.resolve()
      }
      rollback() {
        return this
      }
    },
  },
}

// ---- timers/promises -----------------------------------------------------------------------

function abortable(signal, start) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal.reason))
      return
    }
    const cancel = start(resolve)
    signal?.addEventListener('abort', () => {
      cancel()
      reject(abortError(signal.reason))
    }, { once: true })
  })
}

export const timersPromises = {
  setTimeout: (ms, value, options = {}) =>
    abortable(options.signal, (resolve) => {
      const t = setT(() => resolve(value), ms)
      if (options.ref === false) t.unref()
      return () => clearT(t)
    }),
  setImmediate: (value, options = {}) => abortable(options.signal, (resolve) => {
    const im = setI(() => resolve(value))
    return () => void im
  }),
  setInterval: (ms, value, options = {}) => {
    const queue = []
    const waiters = []
    const t = setIv(() => {
      if (waiters.length) waiters.shift()({ value, done: false })
      else queue.push(value)
    }, ms)
    if (options.ref === false) t.unref()
    return {
      next: () => (queue.length ? Promise.resolve({ value: queue.shift(), done: false }) : new Promise((r) => waiters.push(r))),
      return: () => {
        clearIv(t)
        return Promise.resolve({ value: undefined, done: true })
      },
      [Symbol.asyncIterator]() {
        return this
      },
    }
  },
  scheduler: {
    wait: (ms, options) => timersPromises.setTimeout(ms, undefined, options),
    yield: () => timersPromises.setImmediate(),
  },
}

// ---- perf_hooks ----------------------------------------------------------------------------

const timeOrigin = { mono: 0, wall: 0 }
/** Per run: the clock performance.now() counts from. */
export function resetTimeOrigin() {
  timeOrigin.mono = monotonicMs()
  timeOrigin.wall = Date.now()
}

class PerformanceEntry {
  constructor(name, entryType, startTime, duration, detail) {
    this.name = name
    this.entryType = entryType
    this.startTime = startTime
    this.duration = duration
    if (detail !== undefined) this.detail = detail
  }
  toJSON() {
    return { name: this.name, entryType: this.entryType, startTime: this.startTime, duration: this.duration, detail: this.detail }
  }
}
const entries = []
export const performance = {
  now: () => monotonicMs() - timeOrigin.mono,
  get timeOrigin() {
    return timeOrigin.wall
  },
  mark(name, options = {}) {
    const e = new PerformanceEntry(name, 'mark', options.startTime ?? performance.now(), 0, options.detail)
    entries.push(e)
    return e
  },
  measure(name, start, end) {
    const time = (m, dflt) => {
      if (m === undefined) return dflt
      if (typeof m === 'number') return m
      const found = [...entries].reverse().find((e) => e.name === m && e.entryType === 'mark')
      if (!found) throw nodeError(SyntaxError, 'ERR_INVALID_PERFORMANCE_MARK', `The "${m}" performance mark has not been set`)
      return found.startTime
    }
    let s
    let e
    if (start !== null && typeof start === 'object') {
      s = time(start.start, 0)
      e = start.end !== undefined ? time(start.end) : start.duration !== undefined ? s + start.duration : performance.now()
    } else {
      s = time(start, 0)
      e = time(end, performance.now())
    }
    const entry = new PerformanceEntry(name, 'measure', s, e - s, start?.detail)
    entries.push(entry)
    return entry
  },
  getEntries: () => entries.slice(),
  getEntriesByName: (name, type) => entries.filter((e) => e.name === name && (type === undefined || e.entryType === type)),
  getEntriesByType: (type) => entries.filter((e) => e.entryType === type),
  clearMarks: (name) => removeEntries('mark', name),
  clearMeasures: (name) => removeEntries('measure', name),
  clearResourceTimings: () => {},
  timerify: (fn) => fn,
  eventLoopUtilization: () => ({ idle: 0, active: 0, utilization: 0 }),
  toJSON: () => ({ timeOrigin: timeOrigin.wall }),
  nodeTiming: {},
}
function removeEntries(type, name) {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i].entryType === type && (name === undefined || entries[i].name === name)) entries.splice(i, 1)
}

export const perfHooks = {
  performance,
  PerformanceEntry,
  PerformanceObserver: class PerformanceObserver {
    constructor(cb) {
      this.cb = cb
    }
    observe() {}
    disconnect() {}
    static get supportedEntryTypes() {
      return ['mark', 'measure']
    }
  },
  monitorEventLoopDelay: () => ({ enable() {}, disable() {}, percentile: () => 0, min: 0, max: 0, mean: 0, stddev: 0, reset() {} }),
  createHistogram: () => ({ record() {}, min: 0, max: 0, mean: 0, percentile: () => 0 }),
  constants: {},
}

// ---- vm ------------------------------------------------------------------------------------

const inContext = new Function('__daylite_ctx', '__daylite_code', 'with (__daylite_ctx) { return eval(__daylite_code) }')

class Script {
  constructor(code, options = {}) {
    this.code = String(code)
    this.filename = typeof options === 'string' ? options : options.filename ?? 'evalmachine.<anonymous>'
  }
  runInThisContext() {
    return N.evalScript(this.code, this.filename)
  }
  runInContext(context) {
    return inContext(context, this.code)
  }
  runInNewContext(context = {}) {
    return inContext(context, this.code)
  }
  createCachedData() {
    return Buffer.alloc(0)
  }
}
const contexts = new WeakSet()
export const vm = {
  Script,
  createContext: (obj = {}) => {
    contexts.add(obj)
    return obj
  },
  isContext: (obj) => contexts.has(obj),
  runInThisContext: (code, options) => new Script(code, options).runInThisContext(),
  runInContext: (code, context, options) => new Script(code, options).runInContext(context),
  runInNewContext: (code, context, options) => new Script(code, options).runInNewContext(context),
  compileFunction: (code, params = [], options = {}) => {
    void options
    return new Function(...params, code)
  },
  measureMemory: () => Promise.resolve({ total: { jsMemoryEstimate: N.memoryUsage()[2], jsMemoryRange: [0, 0] } }),
  constants: {},
}

// ---- async_hooks ---------------------------------------------------------------------------

class AsyncLocalStorage {
  #store
  #enabled = false
  getStore() {
    return this.#enabled ? this.#store : undefined
  }
  run(store, fn, ...args) {
    const prev = this.#store
    const wasEnabled = this.#enabled
    this.#store = store
    this.#enabled = true
    try {
      return fn(...args)
    } finally {
      this.#store = prev
      this.#enabled = wasEnabled
    }
  }
  exit(fn, ...args) {
    const prev = this.#enabled
    this.#enabled = false
    try {
      return fn(...args)
    } finally {
      this.#enabled = prev
    }
  }
  enterWith(store) {
    this.#store = store
    this.#enabled = true
  }
  disable() {
    this.#enabled = false
    this.#store = undefined
  }
  static bind(fn) {
    return fn
  }
  static snapshot() {
    return (fn, ...args) => fn(...args)
  }
}
class AsyncResource {
  constructor(type) {
    this.type = type
  }
  runInAsyncScope(fn, thisArg, ...args) {
    return fn.apply(thisArg, args)
  }
  emitDestroy() {
    return this
  }
  asyncId() {
    return 1
  }
  triggerAsyncId() {
    return 0
  }
  bind(fn) {
    return fn.bind(this)
  }
  static bind(fn) {
    return fn
  }
}
export const asyncHooks = {
  AsyncLocalStorage,
  AsyncResource,
  createHook: () => ({ enable() { return this }, disable() { return this } }),
  executionAsyncId: () => 1,
  triggerAsyncId: () => 0,
  executionAsyncResource: () => ({}),
}

// ---- tty, v8, diagnostics_channel ----------------------------------------------------------------

export const tty = {
  isatty: (fd) => N.isatty(fd),
  ReadStream: class ReadStream {},
  WriteStream: class WriteStream {},
}

export const v8 = {
  getHeapStatistics: () => {
    const [rss, total, used] = N.memoryUsage()
    return {
      total_heap_size: total, total_heap_size_executable: 0, total_physical_size: rss, total_available_size: 268435456 - rss,
      used_heap_size: used, heap_size_limit: 268435456, malloced_memory: total, peak_malloced_memory: total,
      does_zap_garbage: 0, number_of_native_contexts: 1, number_of_detached_contexts: 0, total_global_handles_size: 0,
      used_global_handles_size: 0, external_memory: 0,
    }
  },
  getHeapSpaceStatistics: () => [],
  setFlagsFromString: () => {},
  serialize: (v) => Buffer.from(JSON.stringify(v)),
  deserialize: (b) => JSON.parse(Buffer.from(b).toString()),
  cachedDataVersionTag: () => 0,
}

const channels = new Map()
class Channel {
  constructor(name) {
    this.name = name
    this._subscribers = []
  }
  get hasSubscribers() {
    return this._subscribers.length > 0
  }
  subscribe(fn) {
    this._subscribers.push(fn)
  }
  unsubscribe(fn) {
    const i = this._subscribers.indexOf(fn)
    if (i !== -1) this._subscribers.splice(i, 1)
    return i !== -1
  }
  publish(message) {
    for (const fn of this._subscribers.slice()) fn(message, this.name)
  }
  bindStore() {}
  unbindStore() {}
  runStores(data, fn, thisArg, ...args) {
    return fn.apply(thisArg, args)
  }
}
export const diagnosticsChannel = {
  channel: (name) => {
    if (!channels.has(name)) channels.set(name, new Channel(name))
    return channels.get(name)
  },
  hasSubscribers: (name) => channels.get(name)?.hasSubscribers ?? false,
  subscribe: (name, fn) => diagnosticsChannel.channel(name).subscribe(fn),
  unsubscribe: (name, fn) => diagnosticsChannel.channel(name).unsubscribe(fn),
  tracingChannel: (name) => ({ name, start: diagnosticsChannel.channel(`tracing:${name}:start`), traceSync: (fn, ctx, thisArg, ...args) => fn.apply(thisArg, args), tracePromise: (fn, ctx, thisArg, ...args) => fn.apply(thisArg, args) }),
  Channel,
}
