// node:events: EventEmitter (on/once/prepend/off/emit, 'error' semantics, newListener and
// removeListener events, max-listener warning, events.once/on), and the web's Event,
// EventTarget, AbortController and AbortSignal.
import { nodeError, validateFunction } from './errors.js'
import { inspect } from './inspect.js'

const kEvents = Symbol('kEvents')
const kMax = Symbol('kMaxListeners')
const kWarned = Symbol('kWarned')
export const errorMonitor = Symbol('events.errorMonitor')
const captureRejectionSymbol = Symbol.for('nodejs.rejection')

let warn = (message) => {
  void message
}
/** The prelude routes the leak warning to process.emitWarning. */
export function setWarningHandler(fn) {
  warn = fn
}

function events(emitter) {
  let map = emitter[kEvents]
  if (map === undefined || !Object.prototype.hasOwnProperty.call(emitter, kEvents)) {
    map = Object.create(null)
    Object.defineProperty(emitter, kEvents, { value: map, writable: true, configurable: true })
  }
  return map
}

function addListener(emitter, type, listener, prepend) {
  validateFunction(listener, 'listener')
  const map = events(emitter)
  if (map.newListener !== undefined) emitter.emit('newListener', type, listener.listener ?? listener)
  const list = (map[type] ??= [])
  if (prepend) list.unshift(listener)
  else list.push(listener)
  const max = emitter.getMaxListeners()
  if (max > 0 && list.length > max && !list[kWarned]) {
    list[kWarned] = true
    const name = emitter.constructor?.name ?? 'EventEmitter'
    warn(
      `Possible ${name} memory leak detected. ${list.length} ${String(type)} listeners added to ${inspect(emitter, { depth: -1 })}. ` +
        'Use emitter.setMaxListeners() to increase limit',
      'MaxListenersExceededWarning',
    )
  }
  return emitter
}

function onceWrapper(emitter, type, listener) {
  const state = { fired: false }
  function wrapped(...args) {
    if (state.fired) return undefined
    state.fired = true
    emitter.removeListener(type, wrapped)
    return listener.apply(this, args)
  }
  wrapped.listener = listener
  return wrapped
}

// A function, not a class: old code calls EventEmitter.call(this) from its own constructors.
export function EventEmitter(options) {
  events(this)
  if (options?.captureRejections) this[Symbol.for('nodejs.captureRejections')] = true
}

Object.defineProperty(EventEmitter, 'defaultMaxListeners', {
  enumerable: true,
  get: () => defaultMaxListeners,
  set(n) {
    defaultMaxListeners = n
  },
})

const proto = {
  setMaxListeners(n) {
    this[kMax] = n
    return this
  },
  getMaxListeners() {
    return this[kMax] === undefined ? defaultMaxListeners : this[kMax]
  },

  on(type, listener) {
    return addListener(this, type, listener, false)
  },
  addListener(type, listener) {
    return addListener(this, type, listener, false)
  },
  prependListener(type, listener) {
    return addListener(this, type, listener, true)
  },
  once(type, listener) {
    validateFunction(listener, 'listener')
    return addListener(this, type, onceWrapper(this, type, listener), false)
  },
  prependOnceListener(type, listener) {
    validateFunction(listener, 'listener')
    return addListener(this, type, onceWrapper(this, type, listener), true)
  },

  removeListener(type, listener) {
    validateFunction(listener, 'listener')
    const map = events(this)
    const list = map[type]
    if (list === undefined) return this
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        const removed = list[i]
        list.splice(i, 1)
        if (list.length === 0) delete map[type]
        if (map.removeListener !== undefined) this.emit('removeListener', type, removed.listener ?? removed)
        break
      }
    }
    return this
  },
  off(type, listener) {
    return this.removeListener(type, listener)
  },

  removeAllListeners(type) {
    const map = events(this)
    if (type === undefined) {
      for (const key of Reflect.ownKeys(map)) {
        if (key !== 'removeListener') this.removeAllListeners(key)
      }
      this.removeAllListeners('removeListener')
      this[kEvents] = Object.create(null)
      return this
    }
    const list = map[type]
    if (list !== undefined) {
      for (let i = list.length - 1; i >= 0; i--) this.removeListener(type, list[i])
    }
    return this
  },

  emit(type, ...args) {
    const map = events(this)
    if (type === 'error') {
      if (map[errorMonitor] !== undefined) this.emit(errorMonitor, ...args)
      if (map.error === undefined) {
        const er = args[0]
        if (er instanceof Error) throw er
        const err = nodeError(Error, 'ERR_UNHANDLED_ERROR', `Unhandled error. (${inspect(er)})`)
        err.context = er
        throw err
      }
    }
    const list = map[type]
    if (list === undefined) return false
    for (const listener of list.slice()) {
      const result = listener.apply(this, args)
      if (result !== undefined && result !== null && typeof result.then === 'function' && this[Symbol.for('nodejs.captureRejections')]) {
        result.then(undefined, (err) => {
          if (typeof this[captureRejectionSymbol] === 'function') this[captureRejectionSymbol](err, type, ...args)
          else this.emit('error', err)
        })
      }
    }
    return true
  },

  listeners(type) {
    const list = events(this)[type]
    return list === undefined ? [] : list.map((l) => l.listener ?? l)
  },
  rawListeners(type) {
    const list = events(this)[type]
    return list === undefined ? [] : list.slice()
  },
  listenerCount(type, listener) {
    const list = events(this)[type]
    if (list === undefined) return 0
    if (listener === undefined) return list.length
    return list.filter((l) => l === listener || l.listener === listener).length
  },
  eventNames() {
    return Reflect.ownKeys(events(this))
  },
}
for (const [name, fn] of Object.entries(proto)) {
  Object.defineProperty(EventEmitter.prototype, name, { value: fn, writable: true, configurable: true })
}
let defaultMaxListeners = 10

/** events.once(emitter, name[, { signal }]) → Promise of the arguments array. */
export function once(emitter, name, options) {
  return new Promise((resolve, reject) => {
    const signal = options?.signal
    if (signal?.aborted) {
      reject(abortError(signal.reason))
      return
    }
    if (typeof emitter.addEventListener === 'function' && typeof emitter.on !== 'function') {
      emitter.addEventListener(name, (...args) => resolve(args), { once: true })
      return
    }
    const onError = (err) => {
      emitter.removeListener(name, onEvent)
      reject(err)
    }
    const onEvent = (...args) => {
      if (name !== 'error') emitter.removeListener('error', onError)
      resolve(args)
    }
    emitter.once(name, onEvent)
    if (name !== 'error') emitter.once('error', onError)
    signal?.addEventListener('abort', () => {
      emitter.removeListener(name, onEvent)
      emitter.removeListener('error', onError)
      reject(abortError(signal.reason))
    }, { once: true })
  })
}

/** events.on(emitter, name): an async iterator of argument arrays. */
export function on(emitter, name, options) {
  const queue = []
  const waiting = []
  let error = null
  let done = false
  const onEvent = (...args) => {
    const w = waiting.shift()
    if (w) w.resolve({ value: args, done: false })
    else queue.push(args)
  }
  const onError = (err) => {
    done = true
    const w = waiting.shift()
    if (w) w.reject(err)
    else error = err
  }
  emitter.on(name, onEvent)
  if (name !== 'error') emitter.on('error', onError)
  const close = () => {
    done = true
    emitter.removeListener(name, onEvent)
    emitter.removeListener('error', onError)
    for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true })
  }
  options?.signal?.addEventListener('abort', () => onError(abortError(options.signal.reason)), { once: true })
  return {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift(), done: false })
      if (error) {
        const e = error
        error = null
        return Promise.reject(e)
      }
      if (done) return Promise.resolve({ value: undefined, done: true })
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }))
    },
    return() {
      close()
      return Promise.resolve({ value: undefined, done: true })
    },
    throw(err) {
      close()
      return Promise.reject(err)
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

export function getEventListeners(emitter, name) {
  if (typeof emitter.listeners === 'function') return emitter.listeners(name)
  return emitter[kTargetListeners]?.get(name)?.map((l) => l.callback) ?? []
}

export function listenerCount(emitter, name) {
  return emitter.listenerCount(name)
}

export function setMaxListeners(n, ...targets) {
  if (targets.length === 0) defaultMaxListeners = n
  for (const t of targets) t.setMaxListeners?.(n)
}

// ---- web events ----------------------------------------------------------------------------

export function abortError(reason) {
  const err = new Error('This operation was aborted')
  err.name = 'AbortError'
  err.code = 'ABORT_ERR'
  if (reason !== undefined) err.cause = reason
  return err
}

export class Event {
  #type
  #timeStamp
  constructor(type, options = {}) {
    if (arguments.length === 0) throw new TypeError('The "type" argument must be specified')
    this.#type = String(type)
    this.#timeStamp = Date.now()
    this.bubbles = !!options.bubbles
    this.cancelable = !!options.cancelable
    this.composed = !!options.composed
    this.defaultPrevented = false
    this.target = null
    this.currentTarget = null
    this.isTrusted = false
  }
  get type() {
    return this.#type
  }
  get timeStamp() {
    return this.#timeStamp
  }
  preventDefault() {
    if (this.cancelable) this.defaultPrevented = true
  }
  stopPropagation() {}
  stopImmediatePropagation() {
    this._stopped = true
  }
  composedPath() {
    return this.currentTarget ? [this.currentTarget] : []
  }
}

export class CustomEvent extends Event {
  constructor(type, options = {}) {
    super(type, options)
    this.detail = options.detail ?? null
  }
}

const kTargetListeners = Symbol('kTargetListeners')

export class EventTarget {
  constructor() {
    Object.defineProperty(this, kTargetListeners, { value: new Map() })
  }
  addEventListener(type, callback, options) {
    if (callback == null) return
    const once = typeof options === 'object' && options !== null && !!options.once
    const list = this[kTargetListeners].get(type) ?? []
    if (list.some((l) => l.callback === callback)) return
    list.push({ callback, once })
    this[kTargetListeners].set(type, list)
    options?.signal?.addEventListener('abort', () => this.removeEventListener(type, callback), { once: true })
  }
  removeEventListener(type, callback) {
    const list = this[kTargetListeners].get(type)
    if (!list) return
    const i = list.findIndex((l) => l.callback === callback)
    if (i !== -1) list.splice(i, 1)
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError('The "event" argument must be an instance of Event.')
    const list = this[kTargetListeners].get(event.type)
    event.target = this
    event.currentTarget = this
    const handler = this[`on${event.type}`]
    if (typeof handler === 'function') handler.call(this, event)
    if (list) {
      for (const l of list.slice()) {
        if (l.once) this.removeEventListener(event.type, l.callback)
        if (typeof l.callback === 'function') l.callback.call(this, event)
        else l.callback.handleEvent(event)
        if (event._stopped) break
      }
    }
    event.currentTarget = null
    return !event.defaultPrevented
  }
}

export class AbortSignal extends EventTarget {
  constructor() {
    super()
    this.aborted = false
    this.reason = undefined
    this.onabort = null
  }
  throwIfAborted() {
    if (this.aborted) throw this.reason
  }
  static abort(reason) {
    const c = new AbortController()
    c.abort(reason)
    return c.signal
  }
  static timeout(ms) {
    const c = new AbortController()
    const t = setTimeout(() => {
      const err = new Error('The operation was aborted due to timeout')
      err.name = 'TimeoutError'
      err.code = 23
      c.abort(err)
    }, ms)
    t.unref?.()
    return c.signal
  }
  static any(signals) {
    const c = new AbortController()
    for (const s of signals) {
      if (s.aborted) {
        c.abort(s.reason)
        break
      }
      s.addEventListener('abort', () => c.abort(s.reason), { once: true })
    }
    return c.signal
  }
}

export class AbortController {
  #signal = new AbortSignal()
  get signal() {
    return this.#signal
  }
  abort(reason) {
    const s = this.#signal
    if (s.aborted) return
    s.aborted = true
    if (reason === undefined) {
      reason = new Error('This operation was aborted')
      reason.name = 'AbortError'
      reason.code = 20
    }
    s.reason = reason
    s.dispatchEvent(new Event('abort'))
  }
}

EventEmitter.EventEmitter = EventEmitter
EventEmitter.once = once
EventEmitter.on = on
EventEmitter.errorMonitor = errorMonitor
EventEmitter.captureRejectionSymbol = captureRejectionSymbol
EventEmitter.getEventListeners = getEventListeners
EventEmitter.listenerCount = listenerCount
EventEmitter.setMaxListeners = setMaxListeners
EventEmitter.usingDomains = false
