// The event loop, in Node's order: after each callback the process.nextTick queue and then the
// promise jobs run (daylite_node.c drains them: runTicks, jobs, afterJobs); then timers that are
// due, one at a time, then I/O completions (fs callbacks and promises), then setImmediate
// callbacks. The C loop asks tick() for the next step: 0 = ran something, > 0 = sleep that many
// ms, < 0 = nothing left (the process ends).
import { N, monotonicMs } from './native.js'
import { customInspectSymbol } from './inspect.js'
import { validateFunction } from './errors.js'

/** Set by the prelude: fatal(err, origin), flushOutput(), beforeExit() (true if it emitted). */
export const hooks = {
  fatal(err) {
    throw err
  },
  flushOutput() {},
  beforeExit() {
    return false
  },
  unhandledRejection(reason, promise) {
    void promise
    throw reason
  },
  rejectionHandled() {},
}

// ---- process.nextTick ------------------------------------------------------------------------

let ticks = []
export function nextTick(callback, ...args) {
  validateFunction(callback, 'callback')
  ticks.push(args.length ? () => callback(...args) : callback)
}

export function runTicks() {
  while (ticks.length > 0) {
    const batch = ticks
    ticks = []
    for (let i = 0; i < batch.length; i++) {
      try {
        batch[i]()
      } catch (err) {
        ticks = batch.slice(i + 1).concat(ticks)
        hooks.fatal(err, 'uncaughtException')
      }
    }
  }
}

// ---- unhandled rejections ----------------------------------------------------------------

const pendingRejections = new Map()
const reported = new WeakSet()

export function onRejection(promise, reason, handled) {
  if (!handled) pendingRejections.set(promise, reason)
  else if (pendingRejections.has(promise)) pendingRejections.delete(promise)
  else if (reported.has(promise)) hooks.rejectionHandled(promise)
}

/** After the promise jobs: more ticks queued, or rejections that nobody handled (Node: fatal). */
export function afterJobs() {
  if (ticks.length > 0) return true
  if (pendingRejections.size === 0) return false
  const list = [...pendingRejections]
  pendingRejections.clear()
  for (const [promise, reason] of list) {
    reported.add(promise)
    hooks.unhandledRejection(reason, promise)
  }
  return true
}

// ---- timers ---------------------------------------------------------------------------------

const TIMEOUT_MAX = 2 ** 31 - 1
let seq = 0
let refed = 0
const heap = [] // min-heap of Timeout by (when, id)
const byId = new Map()

function less(a, b) {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq)
}
function heapPush(t) {
  heap.push(t)
  let i = heap.length - 1
  while (i > 0) {
    const p = (i - 1) >> 1
    if (!less(heap[i], heap[p])) break
    ;[heap[i], heap[p]] = [heap[p], heap[i]]
    i = p
  }
}
function heapPop() {
  const top = heap[0]
  const last = heap.pop()
  if (heap.length > 0) {
    heap[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && less(heap[l], heap[m])) m = l
      if (r < heap.length && less(heap[r], heap[m])) m = r
      if (m === i) break
      ;[heap[i], heap[m]] = [heap[m], heap[i]]
      i = m
    }
  }
  return top
}

function coerceDelay(ms) {
  ms = Number(ms)
  if (!(ms >= 1 && ms <= TIMEOUT_MAX)) ms = 1
  return ms
}

export class Timeout {
  constructor(callback, delay, args, repeat) {
    this._idleTimeout = delay
    this._onTimeout = callback
    this._timerArgs = args
    this._repeat = repeat ? delay : null
    this._destroyed = false
    this._refed = true
    this._id = ++seq
    this._seq = seq
    this._when = monotonicMs() + delay
    this._active = true
    refed++
    byId.set(this._id, this)
    heapPush(this)
  }
  ref() {
    if (!this._refed && this._active) refed++
    this._refed = true
    return this
  }
  unref() {
    if (this._refed && this._active) refed--
    this._refed = false
    return this
  }
  hasRef() {
    return this._refed
  }
  refresh() {
    if (this._active) {
      this._when = monotonicMs() + this._idleTimeout
      this._seq = ++seq
      heap.sort((a, b) => (less(a, b) ? -1 : 1))
    }
    return this
  }
  close() {
    clearTimer(this)
    return this
  }
  [Symbol.toPrimitive]() {
    return this._id
  }
  [customInspectSymbol]() {
    return `Timeout { _idleTimeout: ${this._idleTimeout}, _repeat: ${this._repeat}, _destroyed: ${this._destroyed} }`
  }
}

function clearTimer(t) {
  if (t === undefined || t === null) return
  if (typeof t === 'number' || typeof t === 'string') t = byId.get(Number(t))
  if (!(t instanceof Timeout) || !t._active) return
  t._active = false
  t._destroyed = true
  if (t._refed) refed--
  byId.delete(t._id)
}

export function setTimeout(callback, delay, ...args) {
  validateFunction(callback, 'callback')
  return new Timeout(callback, coerceDelay(delay), args, false)
}
export function setInterval(callback, delay, ...args) {
  validateFunction(callback, 'callback')
  return new Timeout(callback, coerceDelay(delay), args, true)
}
export const clearTimeout = clearTimer
export const clearInterval = clearTimer

export class Immediate {
  constructor(callback, args) {
    this._onImmediate = callback
    this._argv = args
    this._destroyed = false
    this._refed = true
    immediateRefs++
  }
  ref() {
    if (!this._refed && !this._destroyed) immediateRefs++
    this._refed = true
    return this
  }
  unref() {
    if (this._refed && !this._destroyed) immediateRefs--
    this._refed = false
    return this
  }
  hasRef() {
    return this._refed
  }
}
let immediates = []
let immediateRefs = 0

export function setImmediate(callback, ...args) {
  validateFunction(callback, 'callback')
  const im = new Immediate(callback, args)
  immediates.push(im)
  return im
}
export function clearImmediate(im) {
  if (im instanceof Immediate && !im._destroyed) {
    im._destroyed = true
    if (im._refed) immediateRefs--
  }
}

// ---- I/O completions (fs callbacks and promises) -----------------------------------------------

let io = []
/** Runs fn in the loop's poll phase (after timers, before immediates), as a finished I/O would. */
export function queueIO(fn) {
  io.push(fn)
}

// ---- the loop --------------------------------------------------------------------------------

const TIMERS = 0
const POLL = 1
const CHECK = 2
let phase = TIMERS
let batch = null
let batchIndex = 0
let beforeExitPending = false
let firstIteration = true

function run(fn) {
  try {
    fn()
  } catch (err) {
    hooks.fatal(err, 'uncaughtException')
  }
}

function runTimer(t) {
  if (t._repeat !== null) {
    t._when = monotonicMs() + t._repeat
    t._seq = ++seq
    heapPush(t)
  } else {
    t._active = false
    t._destroyed = true
    if (t._refed) refed--
    byId.delete(t._id)
  }
  run(() => t._onTimeout(...t._timerArgs))
}

function nextActiveTimer() {
  while (heap.length > 0 && (!heap[0]._active || byId.get(heap[0]._id) !== heap[0])) heapPop()
  return heap[0]
}

/** One step of the loop; see the file comment for the result. */
export function tick() {
  if (phase === TIMERS) {
    const t = nextActiveTimer()
    const now = monotonicMs()
    if (t !== undefined && t._when <= now) {
      heapPop()
      beforeExitPending = false
      runTimer(t)
      return 0
    }
    // Node's first loop iteration starts well after the main script's setTimeout(fn, 0) is due;
    // this script ran faster than 1 ms, so wait that out (setTimeout(0) runs before setImmediate)
    if (firstIteration && t !== undefined && t._idleTimeout <= 1 && t._when - now <= 1) return t._when - now
    firstIteration = false
    phase = POLL
  }
  if (phase === POLL) {
    if (io.length > 0) {
      const fn = io.shift()
      beforeExitPending = false
      run(fn)
      return 0
    }
    phase = CHECK
    batch = immediates
    batchIndex = 0
    immediates = []
  }
  if (phase === CHECK) {
    while (batch !== null && batchIndex < batch.length) {
      const im = batch[batchIndex++]
      if (im._destroyed) continue
      im._destroyed = true
      if (im._refed) immediateRefs--
      beforeExitPending = false
      run(() => im._onImmediate(...im._argv))
      return 0
    }
    batch = null
    phase = TIMERS
  }
  if (io.length > 0 || immediates.length > 0) return 0
  const t = nextActiveTimer()
  if (refed > 0 && t !== undefined) {
    hooks.flushOutput()
    return Math.max(0, t._when - monotonicMs())
  }
  if (!beforeExitPending && hooks.beforeExit()) {
    beforeExitPending = true
    return 0
  }
  return -1
}

/** Sleeps for real (Atomics-free: WASI poll_oneoff in the host). */
export function sleepMs(ms) {
  N.sleep(ms)
}
