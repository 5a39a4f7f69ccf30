// node:assert (and assert/strict) with AssertionError, and the deep equality that
// util.isDeepStrictEqual shares.
import { inspect, isError } from './inspect.js'
import { nodeError } from './errors.js'
import { sources } from './process.js'

// ---- deep equality ---------------------------------------------------------------------------

const tag = (v) => Object.prototype.toString.call(v)

function ownKeys(v, strict) {
  const keys = Object.keys(v)
  if (strict) for (const s of Object.getOwnPropertySymbols(v)) if (Object.prototype.propertyIsEnumerable.call(v, s)) keys.push(s)
  return keys
}

export function isDeepEqual(a, b, strict, memo) {
  if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true // eslint-disable-line eqeqeq
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (!strict && (typeof a !== 'object' || a === null) && (typeof b !== 'object' || b === null)) return a == b // eslint-disable-line eqeqeq
    return false
  }
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const ta = tag(a)
  if (ta !== tag(b)) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  memo ??= { a: [], b: [] }
  for (let i = 0; i < memo.a.length; i++) if (memo.a[i] === a && memo.b[i] === b) return true
  memo.a.push(a)
  memo.b.push(b)
  try {
    return compareObjects(a, b, strict, memo, ta)
  } finally {
    memo.a.pop()
    memo.b.pop()
  }
}

function compareObjects(a, b, strict, memo, ta) {
  if (ta === '[object Date]') {
    if (a.getTime() !== b.getTime() && !(Number.isNaN(a.getTime()) && Number.isNaN(b.getTime()))) return false
  } else if (ta === '[object RegExp]') {
    if (String(a) !== String(b) || a.lastIndex !== b.lastIndex) return false
  } else if (isError(a)) {
    if (a.message !== b.message || a.name !== b.name) return false
    if ('cause' in a !== 'cause' in b || !isDeepEqual(a.cause, b.cause, strict, memo)) return false
  } else if (ArrayBuffer.isView(a)) {
    if (a.byteLength !== b.byteLength) return false
    const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    if (!strict && !(a instanceof Uint8Array) && a.length === b.length) {
      for (let i = 0; i < a.length; i++) if (!isDeepEqual(a[i], b[i], strict, memo)) return false
    } else for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false
    const ka = ownKeys(a, strict).filter((k) => typeof k !== 'string' || !/^\d+$/.test(k))
    const kb = ownKeys(b, strict).filter((k) => typeof k !== 'string' || !/^\d+$/.test(k))
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepEqual(a[k], b[k], strict, memo))
  } else if (ta === '[object ArrayBuffer]') {
    if (a.byteLength !== b.byteLength) return false
    const ua = new Uint8Array(a)
    const ub = new Uint8Array(b)
    for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false
    return true
  } else if (ta === '[object Number]' || ta === '[object String]' || ta === '[object Boolean]' || ta === '[object BigInt]' || ta === '[object Symbol]') {
    if (!Object.is(a.valueOf(), b.valueOf())) return false
  }
  if (Array.isArray(a) && a.length !== b.length) return false
  const ka = ownKeys(a, strict)
  const kb = ownKeys(b, strict)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false
  }
  for (const k of ka) {
    if (!isDeepEqual(a[k], b[k], strict, memo)) return false
  }
  if (ta === '[object Set]') {
    if (a.size !== b.size) return false
    const rest = []
    for (const v of a) {
      if (typeof v === 'object' && v !== null) rest.push(v)
      else if (!b.has(v)) {
        if (strict) return false
        rest.push(v)
      }
    }
    if (rest.length) {
      const candidates = [...b].filter((v) => (typeof v === 'object' && v !== null) || !a.has(v))
      for (const v of rest) {
        const i = candidates.findIndex((c) => isDeepEqual(v, c, strict, memo))
        if (i === -1) return false
        candidates.splice(i, 1)
      }
    }
  } else if (ta === '[object Map]') {
    if (a.size !== b.size) return false
    const rest = []
    for (const [k, v] of a) {
      if (typeof k === 'object' && k !== null) rest.push([k, v])
      else if (!b.has(k) || !isDeepEqual(v, b.get(k), strict, memo)) {
        if (strict) return false
        rest.push([k, v])
      }
    }
    if (rest.length) {
      const candidates = [...b].filter(([k]) => (typeof k === 'object' && k !== null) || !a.has(k))
      for (const [k, v] of rest) {
        const i = candidates.findIndex(([ck, cv]) => isDeepEqual(k, ck, strict, memo) && isDeepEqual(v, cv, strict, memo))
        if (i === -1) return false
        candidates.splice(i, 1)
      }
    }
  }
  return true
}

// ---- AssertionError ------------------------------------------------------------------------

const OPERATOR_MESSAGES = {
  deepStrictEqual: 'Expected values to be strictly deep-equal:',
  strictEqual: 'Expected values to be strictly equal:',
  strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
  deepEqual: 'Expected values to be loosely deep-equal:',
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  notStrictEqualObject: 'Expected "actual" not to be reference-equal to "expected":',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notIdentical: 'Values identical but not reference-equal:',
}

function show(v) {
  return inspect(v, { compact: false, sorted: true, getters: true, depth: 1000, customInspect: false, maxArrayLength: Infinity, breakLength: Infinity })
}

function diffMessage(header, actual, expected) {
  const a = show(actual).split('\n')
  const e = show(expected).split('\n')
  if (a.length === 1 && e.length === 1 && a[0] !== e[0] && (typeof actual !== 'object' || actual === null) && (typeof expected !== 'object' || expected === null)) {
    return `${header}\n\n${a[0]} !== ${e[0]}\n`
  }
  // a line diff: common lines shown once, differing ones as + actual / - expected
  const out = []
  const n = a.length
  const m = e.length
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === e[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === e[j]) {
      out.push(`  ${a[i]}`)
      i++
      j++
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`+ ${a[i++]}`)
    else out.push(`- ${e[j++]}`)
  }
  return `${header}\n+ actual - expected\n\n${out.join('\n')}\n`
}

export class AssertionError extends Error {
  constructor(options) {
    if (options === null || typeof options !== 'object') {
      throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "options" argument must be of type object. Received ${String(options)}`)
    }
    const { message, actual, expected, operator, stackStartFn } = options
    let msg
    if (message !== undefined && message !== null) msg = String(message)
    else if (operator === 'deepStrictEqual' || operator === 'strictEqual' || operator === 'deepEqual') {
      msg = diffMessage(OPERATOR_MESSAGES[operator], actual, expected)
    } else if (operator === 'notDeepStrictEqual' || operator === 'notStrictEqual' || operator === 'notDeepEqual') {
      const shown = show(actual)
      msg = shown.includes('\n') || typeof actual === 'object' ? `${OPERATOR_MESSAGES[operator]}\n\n${shown}\n` : `${OPERATOR_MESSAGES[operator]} ${shown}`
      if (operator === 'notStrictEqual' && (typeof actual !== 'object' || actual === null)) msg = `${OPERATOR_MESSAGES[operator]} ${shown}`
    } else {
      msg = `${inspect(actual)} ${operator} ${inspect(expected)}`
    }
    super(msg)
    void stackStartFn
    this.generatedMessage = message === undefined || message === null
    this.code = 'ERR_ASSERTION'
    this.actual = actual
    this.expected = expected
    this.operator = operator
    Object.defineProperty(this, 'name', { value: 'AssertionError', enumerable: false, writable: true, configurable: true })
    if (typeof this.stack === 'string') this.stack = this.stack.replace(/^Error/, 'AssertionError [ERR_ASSERTION]')
  }
  toString() {
    return `${this.name} [${this.code}]: ${this.message}`
  }
}

function fail(options) {
  if (options.message instanceof Error) throw options.message
  throw new AssertionError(options)
}

// The source text of the failing call, as Node shows it: "assert(x > 1)".
function callSource() {
  const stack = String(new Error().stack).split('\n')
  for (const line of stack.slice(1)) {
    const m = /\((\/.+?):(\d+):(\d+)\)$|at (\/.+?):(\d+):(\d+)$/.exec(line)
    if (!m) continue
    const file = m[1] ?? m[4]
    if (file.startsWith('node:internal')) continue
    const src = sources.get(file)
    if (!src) return null
    const lineNo = Number(m[2] ?? m[5])
    const text = src.text.split('\n')[lineNo - 1]
    if (text === undefined) return null
    const m2 = /\bassert(?:\.ok|\.strict)?\s*\(/.exec(text)
    if (!m2) return null
    let depth = 0
    let end = m2.index
    for (let i = m2.index; i < text.length; i++) {
      if (text[i] === '(') depth++
      else if (text[i] === ')' && --depth === 0) {
        end = i + 1
        break
      }
    }
    return depth === 0 ? text.slice(m2.index, end) : null
  }
  return null
}

function innerOk(args, fn) {
  const [value, message] = args
  if (value) return
  let generated = false
  let msg = message
  if (args.length === 0) {
    msg = 'No value argument passed to `assert.ok()`'
    generated = true
  } else if (message === undefined || message === null) {
    const src = callSource()
    msg = src ? `The expression evaluated to a falsy value:\n\n  ${src}\n` : `${inspect(value)} == true`
    generated = true
  }
  const err = new AssertionError({ actual: value, expected: true, message: msg, operator: '==', stackStartFn: fn })
  err.generatedMessage = generated
  if (message instanceof Error) throw message
  throw err
}

function matchesExpected(err, expected, message, fnName) {
  if (expected === undefined) return
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof expected) return
    if (Error.isPrototypeOf?.(expected) || expected === Error) {
      const e = new AssertionError({ actual: err, expected, operator: fnName, message: message ?? `The error is expected to be an instance of "${expected.name}". Received "${err?.constructor?.name}"\n\nError message:\n\n${err?.message}` })
      e.generatedMessage = !message
      throw e
    }
    if (expected.prototype !== undefined && /^class\b/.test(Function.prototype.toString.call(expected))) {
      throw new AssertionError({ actual: err, expected, operator: fnName, message: message ?? `The error is expected to be an instance of "${expected.name}". Received "${err?.constructor?.name}"` })
    }
    const res = expected.call({}, err)
    if (res !== true) {
      throw new AssertionError({ actual: err, expected, operator: fnName, message: message ?? `The ${expected.name ? `"${expected.name}" validation function` : 'validation function'} is expected to return "true". Received ${inspect(res)}\n\nCaught error:\n\n${err}` })
    }
    return
  }
  if (expected instanceof RegExp) {
    if (expected.test(String(err))) return
    throw new AssertionError({ actual: err, expected, operator: fnName, message: message ?? `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(String(err))}\n` })
  }
  if (typeof expected === 'object' && expected !== null) {
    for (const key of Object.keys(expected)) {
      const want = expected[key]
      const got = err?.[key]
      const ok = want instanceof RegExp && typeof got === 'string' ? want.test(got) : isDeepEqual(got, want, true)
      if (!ok) {
        throw new AssertionError({ actual: err, expected, operator: fnName, message: message ?? diffMessage('Expected values to be strictly deep-equal:', { [key]: got }, { [key]: want }) })
      }
    }
  }
}

function getActual(fn) {
  if (typeof fn !== 'function') throw nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "fn" argument must be of type function. Received ${inspect(fn)}`)
  try {
    fn()
  } catch (err) {
    return { threw: true, err }
  }
  return { threw: false }
}

async function getActualAsync(fnOrPromise) {
  try {
    const p = typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise
    if (!p || typeof p.then !== 'function') {
      throw nodeError(TypeError, 'ERR_INVALID_RETURN_VALUE', 'Expected instance of Promise to be returned from the "promiseFn" function but got type undefined.')
    }
    await p
  } catch (err) {
    if (err?.code === 'ERR_INVALID_RETURN_VALUE') throw err
    return { threw: true, err }
  }
  return { threw: false }
}

function makeAssert(strict) {
  const assert = function ok(...args) {
    innerOk(args, ok)
  }
  assert.ok = function ok(...args) {
    innerOk(args, ok)
  }
  assert.fail = function (message = 'Failed') {
    if (message instanceof Error) throw message
    const err = new AssertionError({ message, operator: 'fail' })
    err.generatedMessage = arguments.length === 0
    throw err
  }
  assert.equal = strict
    ? (actual, expected, message) => assert.strictEqual(actual, expected, message)
    : (actual, expected, message) => {
        // eslint-disable-next-line eqeqeq
        if (!(actual == expected || (actual !== actual && expected !== expected))) fail({ actual, expected, message, operator: '==' })
      }
  assert.notEqual = strict
    ? (actual, expected, message) => assert.notStrictEqual(actual, expected, message)
    : (actual, expected, message) => {
        // eslint-disable-next-line eqeqeq
        if (actual == expected || (actual !== actual && expected !== expected)) fail({ actual, expected, message, operator: '!=' })
      }
  assert.strictEqual = (actual, expected, message) => {
    if (!Object.is(actual, expected)) fail({ actual, expected, message, operator: 'strictEqual' })
  }
  assert.notStrictEqual = (actual, expected, message) => {
    if (Object.is(actual, expected)) fail({ actual, expected, message, operator: 'notStrictEqual' })
  }
  assert.deepStrictEqual = (actual, expected, message) => {
    if (!isDeepEqual(actual, expected, true)) fail({ actual, expected, message, operator: 'deepStrictEqual' })
  }
  assert.notDeepStrictEqual = (actual, expected, message) => {
    if (isDeepEqual(actual, expected, true)) fail({ actual, expected, message, operator: 'notDeepStrictEqual' })
  }
  assert.deepEqual = strict
    ? assert.deepStrictEqual
    : (actual, expected, message) => {
        if (!isDeepEqual(actual, expected, false)) fail({ actual, expected, message, operator: 'deepEqual' })
      }
  assert.notDeepEqual = strict
    ? assert.notDeepStrictEqual
    : (actual, expected, message) => {
        if (isDeepEqual(actual, expected, false)) fail({ actual, expected, message, operator: 'notDeepEqual' })
      }
  assert.partialDeepStrictEqual = (actual, expected, message) => {
    const partial = (a, e) => {
      if (typeof e !== 'object' || e === null) return Object.is(a, e)
      if (typeof a !== 'object' || a === null) return false
      return Object.keys(e).every((k) => partial(a[k], e[k]))
    }
    if (!partial(actual, expected)) fail({ actual, expected, message, operator: 'partialDeepStrictEqual' })
  }
  assert.throws = function throws(fn, expected, message) {
    if (typeof expected === 'string') {
      message = expected
      expected = undefined
    }
    const r = getActual(fn)
    if (!r.threw) {
      let msg = 'Missing expected exception'
      if (expected && expected.name) msg += ` (${expected.name})`
      msg += message ? `: ${message}` : '.'
      const err = new AssertionError({ actual: undefined, expected, operator: 'throws', message: msg })
      err.generatedMessage = !message
      throw err
    }
    matchesExpected(r.err, expected, message, 'throws')
  }
  assert.doesNotThrow = function doesNotThrow(fn, expected, message) {
    if (typeof expected === 'string') message = expected
    const r = getActual(fn)
    if (r.threw) {
      throw new AssertionError({ actual: r.err, expected, operator: 'doesNotThrow', message: `Got unwanted exception${message ? `: ${message}` : '.'}\nActual message: "${r.err?.message}"` })
    }
  }
  assert.rejects = async function rejects(fn, expected, message) {
    if (typeof expected === 'string') {
      message = expected
      expected = undefined
    }
    const r = await getActualAsync(fn)
    if (!r.threw) {
      let msg = 'Missing expected rejection'
      if (expected && expected.name) msg += ` (${expected.name})`
      msg += message ? `: ${message}` : '.'
      throw new AssertionError({ actual: undefined, expected, operator: 'rejects', message: msg })
    }
    matchesExpected(r.err, expected, message, 'rejects')
  }
  assert.doesNotReject = async function doesNotReject(fn, expected, message) {
    if (typeof expected === 'string') message = expected
    const r = await getActualAsync(fn)
    if (r.threw) {
      throw new AssertionError({ actual: r.err, expected, operator: 'doesNotReject', message: `Got unwanted rejection${message ? `: ${message}` : '.'}\nActual message: "${r.err?.message}"` })
    }
  }
  assert.match = (string, regexp, message) => {
    if (typeof string !== 'string' || !regexp.test(string)) {
      fail({
        actual: string, expected: regexp, operator: 'match',
        message: message ?? (typeof string !== 'string'
          ? `The "string" argument must be of type string. Received type ${typeof string} (${inspect(string)})`
          : `The input did not match the regular expression ${inspect(regexp)}. Input:\n\n${inspect(string)}\n`),
      })
    }
  }
  assert.doesNotMatch = (string, regexp, message) => {
    if (typeof string !== 'string' || regexp.test(string)) {
      fail({ actual: string, expected: regexp, operator: 'doesNotMatch', message: message ?? `The input was expected to not match the regular expression ${inspect(regexp)}. Input:\n\n${inspect(string)}\n` })
    }
  }
  assert.ifError = (value) => {
    if (value !== null && value !== undefined) {
      let msg = 'ifError got unwanted exception: '
      msg += typeof value === 'object' && typeof value.message === 'string' ? (value.message || value.constructor?.name) : inspect(value)
      const err = new AssertionError({ actual: value, expected: null, operator: 'ifError', message: msg })
      err.origin = value
      throw err
    }
  }
  assert.AssertionError = AssertionError
  assert.CallTracker = class CallTracker {
    calls(fn = () => {}, exact = 1) {
      void exact
      return fn
    }
    verify() {}
    report() {
      return []
    }
  }
  return assert
}

export const assert = makeAssert(false)
export const strict = makeAssert(true)
assert.strict = strict
strict.strict = strict
