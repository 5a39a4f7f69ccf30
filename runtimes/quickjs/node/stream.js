// node:stream, the common subset: Readable (flowing and paused modes, pipe, async iteration,
// Readable.from), Writable (ordered writes, end/finish, final), Duplex, Transform, PassThrough,
// pipeline and finished (callback and promise forms). Events are emitted asynchronously
// (process.nextTick) as in Node.
import { EventEmitter } from './events.js'
import { Buffer } from './buffer.js'
import { nodeError } from './errors.js'

let tick = (fn, ...args) => Promise.resolve().then(() => fn(...args))
/** The prelude installs process.nextTick here. */
export function setNextTick(fn) {
  tick = fn
}

function toBuffer(chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding)
  if (chunk instanceof Buffer) return chunk
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${chunk === null ? 'null' : typeof chunk}`)
}

// ---- Readable ------------------------------------------------------------------------------

export function Readable(options = {}) {
  if (!(this instanceof Readable)) return new Readable(options)
  EventEmitter.call(this, options)
  const state = {
    objectMode: !!(options.objectMode || options.readableObjectMode),
    highWaterMark: options.highWaterMark ?? options.readableHighWaterMark ?? (options.objectMode ? 16 : 65536),
    buffer: [],
    length: 0,
    flowing: null,
    ended: false,
    endEmitted: false,
    reading: false,
    sync: false,
    destroyed: false,
    errored: null,
    decoder: null,
    encoding: null,
    pipes: [],
    scheduled: false,
    autoDestroy: options.autoDestroy !== false,
    emitClose: options.emitClose !== false,
    closed: false,
  }
  Object.defineProperty(this, '_readableState', { value: state, writable: true, configurable: true })
  if (options.encoding) this.setEncoding(options.encoding)
  if (typeof options.read === 'function') this._read = options.read
  if (typeof options.destroy === 'function') this._destroy = options.destroy
  if (typeof options.construct === 'function') this._construct = options.construct
  options.signal?.addEventListener('abort', () => this.destroy(options.signal.reason), { once: true })
}
Object.setPrototypeOf(Readable.prototype, EventEmitter.prototype)
Object.setPrototypeOf(Readable, EventEmitter)

const R = Readable.prototype

R._read = function () {
  throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _read() method is not implemented')
}

Object.defineProperties(R, {
  readable: {
    get() {
      const s = this._readableState
      return !!s && !s.destroyed && !s.endEmitted
    },
    set() {},
    configurable: true,
  },
  readableEnded: { get() { return this._readableState.endEmitted }, configurable: true },
  readableFlowing: { get() { return this._readableState.flowing }, configurable: true },
  readableLength: { get() { return this._readableState.length }, configurable: true },
  readableObjectMode: { get() { return this._readableState.objectMode }, configurable: true },
  readableEncoding: { get() { return this._readableState.encoding }, configurable: true },
  readableHighWaterMark: { get() { return this._readableState.highWaterMark }, configurable: true },
  destroyed: {
    get() {
      return this._readableState?.destroyed ?? this._writableState?.destroyed ?? false
    },
    set(v) {
      if (this._readableState) this._readableState.destroyed = v
      if (this._writableState) this._writableState.destroyed = v
    },
    configurable: true,
  },
  closed: { get() { return this._readableState?.closed ?? this._writableState?.closed ?? false }, configurable: true },
  errored: { get() { return this._readableState?.errored ?? this._writableState?.errored ?? null }, configurable: true },
})

R.push = function (chunk, encoding) {
  const s = this._readableState
  if (s.destroyed) return false
  if (chunk === null) {
    s.ended = true
    s.reading = false
    scheduleFlow(this)
    return false
  }
  if (!s.objectMode) {
    if (typeof chunk === 'string') {
      if (s.encoding === null || (encoding && encoding !== s.encoding)) chunk = Buffer.from(chunk, encoding)
    } else chunk = toBuffer(chunk)
    if (chunk.length === 0) {
      s.reading = false
      return true
    }
    if (s.decoder && typeof chunk !== 'string') chunk = s.decoder.write(chunk)
  }
  s.buffer.push(chunk)
  s.length += s.objectMode ? 1 : chunk.length
  s.reading = false
  scheduleFlow(this)
  if (s.flowing === null || s.flowing === false) this.emit('readable')
  return s.length < s.highWaterMark
}

R.unshift = function (chunk) {
  const s = this._readableState
  s.buffer.unshift(chunk)
  s.length += s.objectMode ? 1 : chunk.length
}

function scheduleFlow(stream) {
  const s = stream._readableState
  if (s.scheduled) return
  s.scheduled = true
  tick(() => {
    s.scheduled = false
    flow(stream)
  })
}

function flow(stream) {
  const s = stream._readableState
  if (s.destroyed) return
  while (s.flowing && s.buffer.length > 0) {
    const chunk = s.buffer.shift()
    s.length -= s.objectMode ? 1 : chunk.length
    stream.emit('data', chunk)
    if (s.destroyed) return
  }
  if (s.ended) {
    if (s.buffer.length === 0 && !s.endEmitted && (s.flowing || s.flowing === null || s.readCalled)) {
      if (s.decoder) {
        const rest = s.decoder.end()
        if (rest) {
          s.buffer.push(rest)
          s.length += rest.length
          if (s.flowing) return flow(stream)
        }
      }
      if (s.flowing === null && stream.listenerCount('end') === 0 && !s.readCalled) return
      if (s.endScheduled) return
      // 'end' comes on its own tick, after the last 'data' handlers' promise jobs (as in Node)
      s.endScheduled = true
      tick(() => {
        if (s.endEmitted || s.destroyed || s.buffer.length > 0) {
          s.endScheduled = false
          if (s.buffer.length > 0) scheduleFlow(stream)
          return
        }
        s.endEmitted = true
        stream.emit('end')
        if (s.autoDestroy && (!stream._writableState || stream._writableState.finished)) stream.destroy()
      })
    }
    return
  }
  if ((s.flowing || s.readCalled) && !s.reading && s.length < s.highWaterMark) {
    s.reading = true
    try {
      stream._read(s.highWaterMark)
    } catch (err) {
      stream.destroy(err)
    }
  }
}

R.read = function (n) {
  const s = this._readableState
  s.readCalled = true
  if (s.buffer.length === 0) {
    if (!s.ended) scheduleFlow(this)
    else scheduleFlow(this)
    return null
  }
  let out
  if (s.objectMode) {
    out = s.buffer.shift()
    s.length -= 1
  } else if (n === undefined || n >= s.length) {
    out = typeof s.buffer[0] === 'string' ? s.buffer.join('') : Buffer.concat(s.buffer)
    s.buffer = []
    s.length = 0
  } else {
    const all = typeof s.buffer[0] === 'string' ? s.buffer.join('') : Buffer.concat(s.buffer)
    out = all.slice(0, n)
    s.buffer = [all.slice(n)]
    s.length -= n
  }
  scheduleFlow(this)
  return out
}

R.on = function (ev, fn) {
  const res = EventEmitter.prototype.on.call(this, ev, fn)
  const s = this._readableState
  if (ev === 'data' && s.flowing !== false) this.resume()
  else if (ev === 'readable') {
    s.flowing = false
    s.readCalled = true
    scheduleFlow(this)
  } else if (ev === 'end' && s.endEmitted === false) scheduleFlow(this)
  return res
}
R.addListener = R.on

R.resume = function () {
  const s = this._readableState
  s.flowing = true
  scheduleFlow(this)
  return this
}
R.pause = function () {
  this._readableState.flowing = false
  return this
}
R.isPaused = function () {
  return this._readableState.flowing === false
}

R.setEncoding = function (enc) {
  const s = this._readableState
  s.encoding = enc
  s.decoder = new StringDecoderLite(enc)
  s.buffer = s.buffer.map((b) => (typeof b === 'string' ? b : s.decoder.write(b)))
  return this
}

R.pipe = function (dest, options = {}) {
  const s = this._readableState
  s.pipes.push(dest)
  this.on('data', (chunk) => {
    if (dest.write(chunk) === false) {
      this.pause()
      dest.once('drain', () => this.resume())
    }
  })
  if (options.end !== false && dest !== globalThis.process?.stdout && dest !== globalThis.process?.stderr) {
    this.once('end', () => dest.end())
  }
  dest.emit('pipe', this)
  return dest
}
R.unpipe = function (dest) {
  const s = this._readableState
  s.pipes = dest ? s.pipes.filter((d) => d !== dest) : []
  return this
}

R.destroy = function (err, cb) {
  return destroyStream(this, err, cb)
}
R._destroy = function (err, cb) {
  cb(err)
}

function destroyStream(stream, err, cb) {
  const rs = stream._readableState
  const ws = stream._writableState
  if ((rs ?? ws).destroyed) {
    if (typeof cb === 'function') cb(err)
    return stream
  }
  if (rs) rs.destroyed = true
  if (ws) ws.destroyed = true
  if (err) {
    if (rs) rs.errored = err
    if (ws) ws.errored = err
  }
  stream._destroy(err ?? null, (e) => {
    tick(() => {
      if (e) stream.emit('error', e)
      if (rs) rs.closed = true
      if (ws) ws.closed = true
      if ((rs ?? ws).emitClose) stream.emit('close')
      if (typeof cb === 'function') cb(e)
    })
  })
  return stream
}

R[Symbol.asyncIterator] = function () {
  const stream = this
  const queue = []
  const waiters = []
  let done = false
  let error = null
  const settle = () => {
    while (waiters.length) {
      const w = waiters.shift()
      if (queue.length) w.resolve({ value: queue.shift(), done: false })
      else if (error) w.reject(error)
      else if (done) w.resolve({ value: undefined, done: true })
      else {
        waiters.unshift(w)
        break
      }
    }
  }
  stream.on('data', (chunk) => {
    queue.push(chunk)
    settle()
  })
  stream.on('end', () => {
    done = true
    settle()
  })
  stream.on('error', (err) => {
    error = err
    settle()
  })
  stream.on('close', () => {
    done = true
    settle()
  })
  return {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift(), done: false })
      if (error) return Promise.reject(error)
      if (done) return Promise.resolve({ value: undefined, done: true })
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }))
    },
    return() {
      done = true
      stream.destroy()
      return Promise.resolve({ value: undefined, done: true })
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

R.toArray = async function () {
  const out = []
  for await (const chunk of this) out.push(chunk)
  return out
}

Readable.from = function from(iterable, options = {}) {
  if (typeof iterable === 'string' || iterable instanceof Uint8Array) {
    return new Readable({
      objectMode: true,
      ...options,
      read() {
        this.push(iterable)
        this.push(null)
      },
    })
  }
  const it = iterable[Symbol.asyncIterator] ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]()
  return new Readable({
    objectMode: true,
    ...options,
    read() {
      Promise.resolve(it.next()).then(
        ({ value, done }) => {
          if (done) this.push(null)
          else Promise.resolve(value).then((v) => this.push(v), (e) => this.destroy(e))
        },
        (err) => this.destroy(err),
      )
    },
  })
}

// A UTF-8 (or other) decoder that keeps partial characters between chunks.
class StringDecoderLite {
  constructor(enc) {
    this.enc = enc
    this.pending = null
  }
  write(buf) {
    if (this.pending) {
      buf = Buffer.concat([this.pending, buf])
      this.pending = null
    }
    if (this.enc === 'utf8' || this.enc === 'utf-8') {
      let cut = buf.length
      let back = 0
      while (cut > 0 && back < 3 && (buf[cut - 1] & 0xc0) === 0x80) {
        cut--
        back++
      }
      if (cut > 0) {
        const lead = buf[cut - 1]
        const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
        if (need > back + 1) {
          this.pending = buf.slice(cut - 1)
          buf = buf.slice(0, cut - 1)
        }
      }
    }
    return buf.toString(this.enc)
  }
  end() {
    const rest = this.pending ? this.pending.toString(this.enc) : ''
    this.pending = null
    return rest
  }
}

// ---- Writable ------------------------------------------------------------------------------

export function Writable(options = {}) {
  if (!(this instanceof Writable) && !(this instanceof Duplex)) return new Writable(options)
  EventEmitter.call(this, options)
  initWritable(this, options)
}
Object.setPrototypeOf(Writable.prototype, EventEmitter.prototype)
Object.setPrototypeOf(Writable, EventEmitter)

function initWritable(stream, options) {
  const state = {
    objectMode: !!(options.objectMode || options.writableObjectMode),
    highWaterMark: options.highWaterMark ?? options.writableHighWaterMark ?? (options.objectMode ? 16 : 65536),
    decodeStrings: options.decodeStrings !== false,
    defaultEncoding: options.defaultEncoding ?? 'utf8',
    queue: [],
    writing: false,
    length: 0,
    ending: false,
    ended: false,
    finished: false,
    destroyed: false,
    errored: null,
    needDrain: false,
    corked: 0,
    autoDestroy: options.autoDestroy !== false,
    emitClose: options.emitClose !== false,
    closed: false,
    finalCalled: false,
  }
  Object.defineProperty(stream, '_writableState', { value: state, writable: true, configurable: true })
  if (typeof options.write === 'function') stream._write = options.write
  if (typeof options.writev === 'function') stream._writev = options.writev
  if (typeof options.final === 'function') stream._final = options.final
  if (typeof options.destroy === 'function') stream._destroy = options.destroy
}

const W = Writable.prototype

W._write = function (chunk, encoding, cb) {
  if (this._writev) this._writev([{ chunk, encoding }], cb)
  else throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _write() method is not implemented')
}

Object.defineProperties(W, {
  writable: {
    get() {
      const s = this._writableState
      return !!s && !s.destroyed && !s.ending
    },
    set() {},
    configurable: true,
  },
  writableEnded: { get() { return this._writableState.ending }, configurable: true },
  writableFinished: { get() { return this._writableState.finished }, configurable: true },
  writableLength: { get() { return this._writableState.length }, configurable: true },
  writableObjectMode: { get() { return this._writableState.objectMode }, configurable: true },
  writableHighWaterMark: { get() { return this._writableState.highWaterMark }, configurable: true },
  writableCorked: { get() { return this._writableState.corked }, configurable: true },
  writableNeedDrain: { get() { return this._writableState.needDrain }, configurable: true },
})
if (!Object.getOwnPropertyDescriptor(W, 'destroyed')) {
  Object.defineProperty(W, 'destroyed', Object.getOwnPropertyDescriptor(R, 'destroyed'))
  Object.defineProperty(W, 'closed', Object.getOwnPropertyDescriptor(R, 'closed'))
  Object.defineProperty(W, 'errored', Object.getOwnPropertyDescriptor(R, 'errored'))
}

W.write = function (chunk, encoding, cb) {
  const s = this._writableState
  if (typeof encoding === 'function') {
    cb = encoding
    encoding = undefined
  }
  encoding = encoding ?? s.defaultEncoding
  if (chunk === null) throw nodeError(TypeError, 'ERR_STREAM_NULL_VALUES', 'May not write null values to stream')
  if (s.ending || s.destroyed) {
    const err = nodeError(Error, s.destroyed ? 'ERR_STREAM_DESTROYED' : 'ERR_STREAM_WRITE_AFTER_END', s.destroyed ? 'Cannot call write after a stream was destroyed' : 'write after end')
    tick(() => {
      if (typeof cb === 'function') cb(err)
      this.emit('error', err)
    })
    return false
  }
  if (!s.objectMode) {
    if (typeof chunk === 'string' && s.decodeStrings) {
      chunk = Buffer.from(chunk, encoding)
      encoding = 'buffer'
    } else if (typeof chunk !== 'string') {
      chunk = toBuffer(chunk)
      encoding = 'buffer'
    }
  }
  const len = s.objectMode ? 1 : chunk.length
  s.length += len
  s.queue.push({ chunk, encoding, cb, len })
  const ok = s.length < s.highWaterMark
  if (!ok) s.needDrain = true
  if (!s.writing && s.corked === 0) doWrite(this)
  return ok
}

function doWrite(stream) {
  const s = stream._writableState
  if (s.writing || s.queue.length === 0 || s.destroyed) {
    if (!s.writing && s.queue.length === 0) maybeFinish(stream)
    return
  }
  const entry = s.queue.shift()
  s.writing = true
  let sync = true
  const done = (err) => {
    const after = () => {
      s.writing = false
      s.length -= entry.len
      if (typeof entry.cb === 'function') entry.cb(err ?? null)
      if (err) {
        s.errored = err
        stream.destroy(err)
        return
      }
      if (s.needDrain && s.length === 0 && !s.ending) {
        s.needDrain = false
        stream.emit('drain')
      }
      doWrite(stream)
    }
    if (sync) tick(after)
    else after()
  }
  try {
    stream._write(entry.chunk, entry.encoding, done)
  } catch (err) {
    done(err)
  }
  sync = false
}

function maybeFinish(stream) {
  const s = stream._writableState
  if (!s.ending || s.finished || s.writing || s.queue.length > 0 || s.finalCalled) return
  s.finalCalled = true
  const finish = (err) => {
    if (err) {
      stream.destroy(err)
      return
    }
    s.finished = true
    tick(() => {
      stream.emit('finish')
      if (s.autoDestroy && (!stream._readableState || stream._readableState.endEmitted)) stream.destroy()
    })
  }
  if (typeof stream._final === 'function') {
    try {
      stream._final(finish)
    } catch (err) {
      finish(err)
    }
  } else finish()
}

W.end = function (chunk, encoding, cb) {
  const s = this._writableState
  if (typeof chunk === 'function') {
    cb = chunk
    chunk = null
  } else if (typeof encoding === 'function') {
    cb = encoding
    encoding = undefined
  }
  if (chunk !== null && chunk !== undefined) this.write(chunk, encoding)
  if (typeof cb === 'function') {
    if (s.finished) tick(cb)
    else this.once('finish', cb)
  }
  if (!s.ending) {
    s.ending = true
    s.ended = true
    s.corked = 0
    if (!s.writing) doWrite(this)
  }
  return this
}
W.cork = function () {
  this._writableState.corked++
}
W.uncork = function () {
  const s = this._writableState
  if (s.corked > 0) s.corked--
  if (s.corked === 0) doWrite(this)
}
W.setDefaultEncoding = function (enc) {
  this._writableState.defaultEncoding = enc
  return this
}
W.destroy = function (err, cb) {
  return destroyStream(this, err, cb)
}
W._destroy = function (err, cb) {
  cb(err)
}

// ---- Duplex, Transform, PassThrough ------------------------------------------------------------

export function Duplex(options = {}) {
  if (!(this instanceof Duplex)) return new Duplex(options)
  Readable.call(this, options)
  initWritable(this, options)
  if (options.allowHalfOpen === false) this.once('end', () => this.end())
}
Object.setPrototypeOf(Duplex.prototype, Readable.prototype)
Object.setPrototypeOf(Duplex, Readable)
for (const key of Reflect.ownKeys(W)) {
  if (key === 'constructor' || key === 'destroy' || key === '_destroy') continue
  if (!Object.prototype.hasOwnProperty.call(Duplex.prototype, key)) {
    Object.defineProperty(Duplex.prototype, key, Object.getOwnPropertyDescriptor(W, key))
  }
}

export function Transform(options = {}) {
  if (!(this instanceof Transform)) return new Transform(options)
  Duplex.call(this, options)
  if (typeof options.transform === 'function') this._transform = options.transform
  if (typeof options.flush === 'function') this._flush = options.flush
  this._readableState.sync = false
}
Object.setPrototypeOf(Transform.prototype, Duplex.prototype)
Object.setPrototypeOf(Transform, Duplex)

Transform.prototype._write = function (chunk, encoding, cb) {
  try {
    this._transform(chunk, encoding, (err, data) => {
      if (err) return cb(err)
      if (data !== undefined && data !== null) this.push(data)
      cb()
    })
  } catch (err) {
    cb(err)
  }
}
Transform.prototype._read = function () {}
Transform.prototype._final = function (cb) {
  const done = (err, data) => {
    if (err) return cb(err)
    if (data !== undefined && data !== null) this.push(data)
    this.push(null)
    cb()
  }
  if (typeof this._flush === 'function') this._flush(done)
  else done()
}
Transform.prototype._transform = function () {
  throw nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', 'The _transform() method is not implemented')
}

export function PassThrough(options) {
  if (!(this instanceof PassThrough)) return new PassThrough(options)
  Transform.call(this, options)
}
Object.setPrototypeOf(PassThrough.prototype, Transform.prototype)
Object.setPrototypeOf(PassThrough, Transform)
PassThrough.prototype._transform = function (chunk, encoding, cb) {
  cb(null, chunk)
}

export function Stream(options) {
  EventEmitter.call(this, options)
}
Object.setPrototypeOf(Stream.prototype, EventEmitter.prototype)
Object.setPrototypeOf(Stream, EventEmitter)
Stream.prototype.pipe = R.pipe

// ---- helpers ---------------------------------------------------------------------------------

export function finished(stream, options, cb) {
  if (typeof options === 'function') {
    cb = options
    options = {}
  }
  let called = false
  const done = (err) => {
    if (called) return
    called = true
    cb(err ?? undefined)
  }
  stream.on('error', done)
  if (stream._readableState && options.readable !== false) {
    if (stream._readableState.endEmitted) tick(done)
    else stream.on('end', () => done())
  } else if (stream._writableState) {
    if (stream._writableState.finished) tick(done)
    else stream.on('finish', () => done())
  }
  stream.on('close', () => {
    if (!called) {
      const rs = stream._readableState
      const ws = stream._writableState
      if ((rs && !rs.endEmitted && options.readable !== false) || (ws && !ws.finished && !rs)) {
        done(nodeError(Error, 'ERR_STREAM_PREMATURE_CLOSE', 'Premature close'))
      } else done()
    }
  })
  return () => {}
}

export function pipeline(...streams) {
  const cb = typeof streams[streams.length - 1] === 'function' ? streams.pop() : () => {}
  if (Array.isArray(streams[0])) streams = streams[0]
  let error = null
  let remaining = streams.length
  const last = streams[streams.length - 1]
  const onDone = (err) => {
    if (err && !error) {
      error = err
      for (const s of streams) if (typeof s.destroy === 'function') s.destroy()
      cb(err)
      return
    }
    if (--remaining === 0 && !error) cb(undefined)
  }
  for (let i = 0; i < streams.length; i++) {
    let s = streams[i]
    if (typeof s === 'function') s = streams[i] = s(streams[i - 1])
    if (s && typeof s[Symbol.asyncIterator] === 'function' && typeof s.pipe !== 'function' && !(s instanceof Readable)) s = streams[i] = Readable.from(s)
    if (i > 0) streams[i - 1].pipe(s)
    finished(s, { readable: i < streams.length - 1 || !s._writableState }, onDone)
  }
  return last
}

export function addAbortSignal(signal, stream) {
  signal.addEventListener('abort', () => stream.destroy(signal.reason), { once: true })
  return stream
}

export function isReadable(stream) {
  return !!stream?._readableState && !stream._readableState.destroyed && !stream._readableState.endEmitted
}

export const promises = {
  pipeline: (...streams) => new Promise((resolve, reject) => pipeline(...streams, (err) => (err ? reject(err) : resolve()))),
  finished: (stream, options) => new Promise((resolve, reject) => finished(stream, options ?? {}, (err) => (err ? reject(err) : resolve()))),
}

Stream.Stream = Stream
Stream.Readable = Readable
Stream.Writable = Writable
Stream.Duplex = Duplex
Stream.Transform = Transform
Stream.PassThrough = PassThrough
Stream.pipeline = pipeline
Stream.finished = finished
Stream.addAbortSignal = addAbortSignal
Stream.isReadable = isReadable
Stream.promises = promises
