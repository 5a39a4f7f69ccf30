// node:util: format/inspect (inspect.js), promisify/callbackify, inherits, deprecate, types,
// isDeepStrictEqual, parseArgs, styleText, debuglog, the legacy is* helpers.
import { format, formatWithOptions, inspect, isError, stripVTControlCharacters } from './inspect.js'
import { isDeepEqual } from './assert.js'
import { invalidArgType, nodeError, validateFunction } from './errors.js'
import { TextDecoder, TextEncoder } from './buffer.js'
import { nextTick } from './loop.js'

export const promisifyCustom = Symbol.for('nodejs.util.promisify.custom')

export function promisify(original) {
  validateFunction(original, 'original')
  if (original[promisifyCustom]) {
    const fn = original[promisifyCustom]
    validateFunction(fn, 'util.promisify.custom')
    return fn
  }
  function fn(...args) {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (err, ...values) => {
        if (err) return reject(err)
        resolve(values.length > 1 && original.__promisifyMulti ? values : values[0])
      })
    })
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original))
  Object.defineProperty(fn, promisifyCustom, { value: fn, enumerable: false, writable: false, configurable: true })
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original))
}
promisify.custom = promisifyCustom

export function callbackify(original) {
  validateFunction(original, 'original')
  function callbackified(...args) {
    const cb = args.pop()
    validateFunction(cb, 'last argument')
    original.apply(this, args).then(
      (value) => nextTick(cb, null, value),
      (reason) => {
        if (!reason) {
          const err = nodeError(Error, 'ERR_FALSY_VALUE_REJECTION', 'Promise was rejected with falsy value')
          err.reason = reason
          reason = err
        }
        nextTick(cb, reason)
      },
    )
  }
  return callbackified
}

export function inherits(ctor, superCtor) {
  if (ctor === undefined || ctor === null) throw invalidArgType('ctor', 'of type function', ctor)
  if (superCtor === undefined || superCtor === null) throw invalidArgType('superCtor', 'of type function', superCtor)
  if (superCtor.prototype === undefined) throw invalidArgType('superCtor.prototype', 'of type object', superCtor.prototype)
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true })
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype)
}

const deprecationsSeen = new Set()
export function deprecate(fn, msg, code) {
  let warned = false
  function deprecated(...args) {
    if (!warned && !globalThis.process?.noDeprecation) {
      warned = true
      if (code === undefined || !deprecationsSeen.has(code)) {
        if (code !== undefined) deprecationsSeen.add(code)
        globalThis.process?.emitWarning(msg, 'DeprecationWarning', code)
      }
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args)
  }
  Object.setPrototypeOf(deprecated, fn)
  if (fn.prototype) deprecated.prototype = fn.prototype
  return deprecated
}

const debugEnabled = new Map()
export function debuglog(section, cb) {
  const name = String(section).toUpperCase()
  let enabled
  const log = (...args) => {
    if (enabled === undefined) {
      const env = globalThis.process?.env?.NODE_DEBUG ?? ''
      enabled = env.split(/[\s,]+/).some((s) => s && new RegExp(`^${s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(name))
      debugEnabled.set(name, enabled)
      if (enabled && typeof cb === 'function') cb(log)
    }
    if (enabled) globalThis.process?.stderr.write(`${name} ${globalThis.process.pid}: ${format(...args)}\n`)
  }
  Object.defineProperty(log, 'enabled', {
    get() {
      if (enabled === undefined) log.call(null)
      return enabled
    },
  })
  return log
}

const tag = (v) => Object.prototype.toString.call(v)
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get

export const types = {
  isPromise: (v) => v instanceof Promise || tag(v) === '[object Promise]',
  isDate: (v) => tag(v) === '[object Date]' && v instanceof Date,
  isRegExp: (v) => tag(v) === '[object RegExp]' && v instanceof RegExp,
  isMap: (v) => v instanceof Map,
  isSet: (v) => v instanceof Set,
  isWeakMap: (v) => v instanceof WeakMap,
  isWeakSet: (v) => v instanceof WeakSet,
  isNativeError: (v) => isError(v),
  isAsyncFunction: (v) => typeof v === 'function' && /^\[object Async(Generator)?Function\]$/.test(tag(v)),
  isGeneratorFunction: (v) => typeof v === 'function' && /^\[object (Async)?GeneratorFunction\]$/.test(tag(v)),
  isGeneratorObject: (v) => tag(v) === '[object Generator]' || tag(v) === '[object AsyncGenerator]',
  isArrayBuffer: (v) => v instanceof ArrayBuffer,
  isSharedArrayBuffer: (v) => typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer,
  isAnyArrayBuffer: (v) => v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer),
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isTypedArray: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) !== undefined,
  isUint8Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Uint8Array',
  isUint8ClampedArray: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Uint8ClampedArray',
  isUint16Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Uint16Array',
  isUint32Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Uint32Array',
  isInt8Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Int8Array',
  isInt16Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Int16Array',
  isInt32Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Int32Array',
  isFloat32Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Float32Array',
  isFloat64Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'Float64Array',
  isBigInt64Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'BigInt64Array',
  isBigUint64Array: (v) => ArrayBuffer.isView(v) && typedArrayTag.call(v) === 'BigUint64Array',
  isDataView: (v) => v instanceof DataView,
  isBoxedPrimitive: (v) => ['[object Number]', '[object String]', '[object Boolean]', '[object BigInt]', '[object Symbol]'].includes(tag(v)) && typeof v === 'object',
  isNumberObject: (v) => typeof v === 'object' && tag(v) === '[object Number]',
  isStringObject: (v) => typeof v === 'object' && tag(v) === '[object String]',
  isBooleanObject: (v) => typeof v === 'object' && tag(v) === '[object Boolean]',
  isBigIntObject: (v) => typeof v === 'object' && tag(v) === '[object BigInt]',
  isSymbolObject: (v) => typeof v === 'object' && tag(v) === '[object Symbol]',
  isMapIterator: (v) => tag(v) === '[object Map Iterator]',
  isSetIterator: (v) => tag(v) === '[object Set Iterator]',
  isModuleNamespaceObject: (v) => tag(v) === '[object Module]' && Object.getPrototypeOf(v) === null,
  isArgumentsObject: (v) => tag(v) === '[object Arguments]',
  isProxy: () => false,
  isExternal: () => false,
  isWeakRef: (v) => typeof WeakRef !== 'undefined' && v instanceof WeakRef,
  isKeyObject: () => false,
  isCryptoKey: () => false,
}

export function isDeepStrictEqual(a, b) {
  return isDeepEqual(a, b, true)
}

/** util.parseArgs({ args, options, strict, allowPositionals, tokens }) */
export function parseArgs(config = {}) {
  const args = config.args ?? globalThis.process.argv.slice(2)
  const options = config.options ?? {}
  const strict = config.strict ?? true
  const allowPositionals = config.allowPositionals ?? !strict
  const values = { __proto__: null }
  const positionals = []
  const tokens = []
  const shortToLong = {}
  for (const [name, o] of Object.entries(options)) if (o.short) shortToLong[o.short] = name
  const set = (name, value, raw, index) => {
    const o = options[name]
    if (!o) {
      if (strict) throw nodeError(TypeError, 'ERR_PARSE_ARGS_UNKNOWN_OPTION', `Unknown option '${raw}'${allowPositionals ? `. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- ${JSON.stringify(raw)}` : ''}`)
      values[name] = value ?? true
      return
    }
    if (o.type === 'string' && value === undefined) {
      if (strict) throw nodeError(TypeError, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '${o.short ? `-${o.short}, ` : ''}--${name} <value>' argument missing`)
    }
    if (o.type === 'boolean' && value !== undefined && strict) {
      throw nodeError(TypeError, 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', `Option '--${name}' does not take an argument`)
    }
    const v = o.type === 'boolean' ? true : value
    if (o.multiple) (values[name] ??= []).push(v)
    else values[name] = v
    tokens.push({ kind: 'option', name, rawName: raw, index, value, inlineValue: undefined })
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') {
      tokens.push({ kind: 'option-terminator', index: i })
      for (const p of args.slice(i + 1)) positionals.push(p)
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
      let value = eq === -1 ? undefined : arg.slice(eq + 1)
      if (value === undefined && options[name]?.type === 'string' && i + 1 < args.length) value = args[++i]
      set(name, value, `--${name}`, i)
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const long = shortToLong[arg[j]] ?? arg[j]
        if (options[long]?.type === 'string') {
          const rest = arg.slice(j + 1)
          set(long, rest !== '' ? rest : args[++i], `-${arg[j]}`, i)
          break
        }
        set(long, undefined, `-${arg[j]}`, i)
      }
    } else {
      if (!allowPositionals) throw nodeError(TypeError, 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL', `Unexpected argument '${arg}'. This command does not take positional arguments`)
      positionals.push(arg)
      tokens.push({ kind: 'positional', index: i, value: arg })
    }
  }
  for (const [name, o] of Object.entries(options)) if (o.default !== undefined && values[name] === undefined) values[name] = o.default
  const result = { values, positionals }
  if (config.tokens) result.tokens = tokens
  return result
}

export function styleText(format, text) {
  void format
  return String(text)
}

export function getSystemErrorName(errno) {
  const names = { '-2': 'ENOENT', '-13': 'EACCES', '-17': 'EEXIST', '-20': 'ENOTDIR', '-21': 'EISDIR', '-22': 'EINVAL', '-39': 'ENOTEMPTY', '-1': 'EPERM' }
  return names[String(errno)] ?? `Unknown system error ${errno}`
}

export function toUSVString(str) {
  return String(str).toWellFormed?.() ?? String(str)
}

export function aborted(signal, resource) {
  void resource
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

export function transferableAbortSignal(s) {
  return s
}
export function transferableAbortController() {
  return new AbortController()
}

export const util = {
  format,
  formatWithOptions,
  inspect,
  promisify,
  callbackify,
  inherits,
  deprecate,
  debuglog,
  debug: debuglog,
  types,
  isDeepStrictEqual,
  parseArgs,
  styleText,
  stripVTControlCharacters,
  getSystemErrorName,
  toUSVString,
  aborted,
  transferableAbortSignal,
  transferableAbortController,
  TextEncoder,
  TextDecoder,
  isArray: Array.isArray,
  isBoolean: (v) => typeof v === 'boolean',
  isBuffer: (v) => globalThis.Buffer?.isBuffer(v) ?? false,
  isNull: (v) => v === null,
  isNullOrUndefined: (v) => v === null || v === undefined,
  isNumber: (v) => typeof v === 'number',
  isString: (v) => typeof v === 'string',
  isSymbol: (v) => typeof v === 'symbol',
  isUndefined: (v) => v === undefined,
  isRegExp: types.isRegExp,
  isObject: (v) => v !== null && typeof v === 'object',
  isDate: types.isDate,
  isError: isError,
  isFunction: (v) => typeof v === 'function',
  isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
  log: (...args) => {
    const d = new Date()
    const pad = (n) => String(n).padStart(2, '0')
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
    globalThis.console.log('%s - %s', `${d.getDate()} ${months[d.getMonth()]} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`, format(...args))
  },
}
