// util.inspect and util.format with Node's output: quoting, `[Object]` past the depth, circular
// references, `Map(n) {…}`, class names, errors, and Node's line breaking (an object goes on one
// line when it fits in 80 columns and nests at most `compact` (3) levels; long arrays of short
// items are laid out in aligned columns).
import { N } from './native.js'
import { fixStackColumns } from './errors.js'

export const customInspectSymbol = Symbol.for('nodejs.util.inspect.custom')

export const inspectDefaultOptions = {
  showHidden: false,
  depth: 2,
  colors: false,
  customInspect: true,
  showProxy: false,
  maxArrayLength: 100,
  maxStringLength: 10000,
  breakLength: 80,
  compact: 3,
  sorted: false,
  getters: false,
  numericSeparator: false,
}

const OBJECT = 0 // key: value
const ARRAY = 1 // an array entry: the value only
const ARRAY_EXTRAS = 2 // a named property of an array-like

const objToString = (v) => Object.prototype.toString.call(v)
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k)
const IDENT = /^[a-zA-Z_][a-zA-Z_0-9]*$/
const INDEX = /^(?:0|[1-9][0-9]*)$/

function isIndexKey(key) {
  return INDEX.test(key) && Number(key) < 4294967295
}

// ---- strings -------------------------------------------------------------------------------

function escapeChar(code) {
  switch (code) {
    case 8: return '\\b'
    case 9: return '\\t'
    case 10: return '\\n'
    case 12: return '\\f'
    case 13: return '\\r'
    case 92: return '\\\\'
  }
  return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
}

/** A string literal the way Node shows it: single quotes unless the text holds one. */
export function quoteString(str) {
  let quote = "'"
  if (str.includes("'")) {
    if (!str.includes('"')) quote = '"'
    else if (!str.includes('`') && !str.includes('${')) quote = '`'
  }
  let out = ''
  let last = 0
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i)
    let rep
    if (c < 32 || c === 127 || c === 92) rep = escapeChar(c)
    else if (c === quote.charCodeAt(0)) rep = `\\${quote}`
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = str.charCodeAt(i + 1)
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
      rep = `\\u${c.toString(16).toUpperCase()}`
    } else continue
    out += str.slice(last, i) + rep
    last = i + 1
  }
  return quote + out + str.slice(last) + quote
}

function formatNumber(n, numericSeparator) {
  if (Object.is(n, -0)) return '-0'
  const s = `${n}`
  if (!numericSeparator || !Number.isInteger(n) || Math.abs(n) < 1000) return s
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, '_')
}

function formatPrimitive(ctx, value) {
  switch (typeof value) {
    case 'string': {
      let trailer = ''
      if (value.length > ctx.maxStringLength) {
        const remaining = value.length - ctx.maxStringLength
        value = value.slice(0, ctx.maxStringLength)
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`
      }
      if (ctx.compact !== true && value.length > 16 && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
        const lines = value.split(/(?<=\n)/)
        if (lines.length > 1) {
          const indent = ' '.repeat(ctx.indentationLvl)
          return lines.map(quoteString).join(` +\n${indent}  `) + trailer
        }
      }
      return quoteString(value) + trailer
    }
    case 'number': return formatNumber(value, ctx.numericSeparator)
    case 'bigint': return `${value}n`
    case 'boolean': return `${value}`
    case 'undefined': return 'undefined'
    case 'symbol': return value.toString()
  }
  return String(value)
}

// ---- names -------------------------------------------------------------------------------

function getConstructorName(obj) {
  let o = obj
  let guard = 0
  while (o !== null && o !== undefined && guard++ < 1000) {
    const desc = Object.getOwnPropertyDescriptor(o, 'constructor')
    if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '') return desc.value.name
    o = Object.getPrototypeOf(o)
  }
  return null
}

function getPrefix(constructor, tag, fallback, size = '') {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `
    return `[${fallback}${size}: null prototype] `
  }
  if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `
  return `${constructor}${size} `
}

function isClass(fn) {
  try {
    return Function.prototype.toString.call(fn).startsWith('class')
  } catch {
    return false
  }
}

function functionBase(value, constructor, tag) {
  if (isClass(value)) {
    let base = `[class ${value.name || '(anonymous)'}`
    if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`
    if (constructor !== null) {
      const superName = Object.getPrototypeOf(value)?.name
      if (superName) base += ` extends ${superName}`
    } else base += ' extends [null prototype]'
    return base + ']'
  }
  const kind = objToString(value).slice(8, -1)
  let type = 'Function'
  if (kind === 'GeneratorFunction') type = 'GeneratorFunction'
  else if (kind === 'AsyncFunction') type = 'AsyncFunction'
  else if (kind === 'AsyncGeneratorFunction') type = 'AsyncGeneratorFunction'
  let base = `[${type}`
  if (constructor === null) base += ' (null prototype)'
  base += value.name === '' || typeof value.name !== 'string' ? ' (anonymous)' : `: ${value.name}`
  base += ']'
  if (constructor !== type && constructor !== null && constructor !== 'Function') base += ` ${constructor}`
  if (tag !== '' && constructor !== tag && tag !== type) base += ` [${tag}]`
  return base
}

// ---- errors ------------------------------------------------------------------------------

export function isError(value) {
  return value instanceof Error || objToString(value) === '[object Error]'
}

function errorStack(err) {
  let stack
  try {
    stack = err.stack
  } catch {}
  if (typeof stack === 'string' && stack !== '') return fixStackColumns(stack.replace(/\n+$/, ''))
  try {
    return Error.prototype.toString.call(err)
  } catch {
    return '[Error]'
  }
}

function formatError(err, constructor, tag, ctx, keys) {
  const name = err.name != null ? String(err.name) : 'Error'
  const message = err.message != null ? String(err.message) : ''
  let stack = errorStack(err)
  // QuickJS writes the header when the error is made; a name set later (subclasses) is fixed here,
  // as V8's lazily formatted stack would show it.
  const nl = stack.indexOf('\n')
  const first = nl === -1 ? stack : stack.slice(0, nl)
  if (!first.startsWith(name) && /^\w*Error\b/.test(first) && (first.endsWith(`: ${message}`) || first === first.split(':')[0])) {
    const colon = first.indexOf(':')
    stack = name + (colon === -1 ? (message ? `: ${message}` : '') : first.slice(colon)) + (nl === -1 ? '' : stack.slice(nl))
  }
  for (const k of ['name', 'message', 'stack']) {
    const i = keys.indexOf(k)
    if (i !== -1) {
      const v = err[k]
      if (typeof v === 'string' && stack.includes(v)) keys.splice(i, 1)
    }
  }
  if ('cause' in err && !keys.includes('cause') && err.cause !== undefined) keys.push('cause')
  if (Array.isArray(err.errors) && !keys.includes('errors')) keys.push('errors')
  if (constructor === null) {
    stack = `[${name}: null prototype]` + stack.slice(name.length)
  }
  const pos = message ? stack.indexOf(message) : -1
  const stackStart = stack.indexOf('\n    at', pos === -1 ? 0 : pos + message.length)
  if (stackStart === -1) stack = `[${stack}]`
  if (ctx.indentationLvl !== 0) {
    const indentation = ' '.repeat(ctx.indentationLvl)
    stack = stack.replace(/\n/g, `\n${indentation}`)
  }
  return stack
}

// ---- the walk ------------------------------------------------------------------------------

function getKeys(value, showHidden) {
  const symbols = Object.getOwnPropertySymbols(value)
  if (showHidden) return [...Object.getOwnPropertyNames(value), ...symbols]
  const keys = Object.keys(value)
  for (const s of symbols) {
    if (Object.getOwnPropertyDescriptor(value, s)?.enumerable) keys.push(s)
  }
  return keys
}

function formatValue(ctx, value, recurseTimes, typedArray) {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx, value)
  if (value === null) return 'null'
  if (ctx.customInspect) {
    let custom
    try {
      custom = value[customInspectSymbol]
    } catch {}
    if (typeof custom === 'function' && custom !== inspect && !(Object.getOwnPropertyDescriptor(value, 'constructor')?.value?.prototype === value)) {
      const depth = ctx.depth === null ? null : ctx.depth - recurseTimes
      const options = { ...ctx.userOptions, depth, indentationLvl: ctx.indentationLvl, stylize: (s) => s }
      const ret = custom.call(value, depth, options, inspect)
      if (ret !== value) {
        if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes)
        return ret.replace(/\n/g, `\n${' '.repeat(ctx.indentationLvl)}`)
      }
    }
  }
  if (ctx.seen.includes(value)) {
    let index = 1
    if (ctx.circular === undefined) {
      ctx.circular = new Map()
      ctx.circular.set(value, index)
    } else {
      index = ctx.circular.get(value)
      if (index === undefined) {
        index = ctx.circular.size + 1
        ctx.circular.set(value, index)
      }
    }
    return `[Circular *${index}]`
  }
  return formatRaw(ctx, value, recurseTimes, typedArray)
}

function formatRaw(ctx, value, recurseTimes, typedArray) {
  let keys
  let protoProps
  const constructor = getConstructorName(value)
  let tag = ''
  try {
    const t = value[Symbol.toStringTag]
    const shownAsKey = ctx.showHidden ? hasOwn(value, Symbol.toStringTag) : Object.prototype.propertyIsEnumerable.call(value, Symbol.toStringTag)
    if (typeof t === 'string' && t !== '' && t !== constructor && !shownAsKey) tag = t
  } catch {}
  let base = ''
  let formatter = () => []
  let braces
  let noIterator = true
  let extrasType = OBJECT
  const kind = objToString(value)

  if (Array.isArray(value)) {
    noIterator = false
    keys = getKeys(value, ctx.showHidden).filter((k) => typeof k !== 'string' || !isIndexKey(k))
    const prefix = constructor !== 'Array' || tag !== '' ? getPrefix(constructor, tag, 'Array', `(${value.length})`) : ''
    braces = [`${prefix}[`, ']']
    if (value.length === 0 && keys.length === 0) return `${braces[0]}]`
    extrasType = ARRAY_EXTRAS
    formatter = formatArray
  } else if (value instanceof Set || kind === '[object Set]') {
    noIterator = false
    keys = getKeys(value, ctx.showHidden)
    const size = setSize(value)
    const prefix = getPrefix(constructor, tag, 'Set', `(${size})`)
    formatter = formatSet
    if (size === 0 && keys.length === 0) return `${prefix}{}`
    braces = [`${prefix}{`, '}']
  } else if (value instanceof Map || kind === '[object Map]') {
    noIterator = false
    keys = getKeys(value, ctx.showHidden)
    const size = mapSize(value)
    const prefix = getPrefix(constructor, tag, 'Map', `(${size})`)
    formatter = formatMap
    if (size === 0 && keys.length === 0) return `${prefix}{}`
    braces = [`${prefix}{`, '}']
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    noIterator = false
    keys = getKeys(value, ctx.showHidden).filter((k) => typeof k !== 'string' || !isIndexKey(k))
    const fallback = typedArrayName(value)
    const size = value.length
    const prefix = getPrefix(constructor, tag === fallback ? '' : tag, fallback, `(${size})`)
    braces = [`${prefix}[`, ']']
    if (value.length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`
    formatter = formatTypedArray
    extrasType = ARRAY_EXTRAS
  }
  if (noIterator) {
    keys = getKeys(value, ctx.showHidden)
    braces = ['{', '}']
    if (constructor === 'Object' && kind !== '[object Arguments]' && typeof value !== 'function' && !isError(value) && kind !== '[object Date]' && kind !== '[object RegExp]') {
      if (tag !== '') braces[0] = `${getPrefix(constructor, tag, 'Object')}{`
      if (keys.length === 0 && protoProps === undefined) return `${braces[0]}}`
    } else if (kind === '[object Arguments]') {
      keys = keys.filter((k) => typeof k !== 'string' || !isIndexKey(k))
      braces = ['[Arguments] [', ']']
      extrasType = ARRAY_EXTRAS
      formatter = formatArray
      if (value.length === 0 && keys.length === 0) return '[Arguments] []'
    } else if (typeof value === 'function') {
      base = functionBase(value, constructor, tag)
      keys = keys.filter((k) => k !== 'prototype' || ctx.showHidden)
      if (keys.length === 0 && protoProps === undefined) return base
    } else if (kind === '[object RegExp]' && value instanceof RegExp) {
      base = RegExp.prototype.toString.call(value)
      const prefix = getPrefix(constructor, tag, 'RegExp')
      if (prefix !== 'RegExp ') base = `${prefix}${base}`
      if (!ctx.showHidden) keys = keys.filter((k) => k !== 'lastIndex')
      if (keys.length === 0 && protoProps === undefined) return base
    } else if (kind === '[object Date]' && value instanceof Date) {
      const t = Date.prototype.getTime.call(value)
      base = Number.isNaN(t) ? 'Invalid Date' : Date.prototype.toISOString.call(value)
      const prefix = getPrefix(constructor, tag, 'Date')
      if (prefix !== 'Date ') base = `${prefix}${base}`
      if (keys.length === 0 && protoProps === undefined) return base
    } else if (isError(value)) {
      base = formatError(value, constructor, tag, ctx, keys)
      if (keys.length === 0 && protoProps === undefined) return base
    } else if (value instanceof ArrayBuffer || kind === '[object ArrayBuffer]' || kind === '[object SharedArrayBuffer]') {
      const arrayType = kind === '[object SharedArrayBuffer]' ? 'SharedArrayBuffer' : 'ArrayBuffer'
      const prefix = getPrefix(constructor, tag, arrayType)
      if (typedArray === undefined) formatter = formatArrayBuffer
      else if (keys.length === 0 && protoProps === undefined) return prefix + `{ byteLength: ${formatNumber(value.byteLength, false)} }`
      braces[0] = `${prefix}{`
      keys.unshift('byteLength')
    } else if (value instanceof DataView) {
      braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`
      keys.unshift('byteLength', 'byteOffset', 'buffer')
    } else if (value instanceof Promise || kind === '[object Promise]') {
      braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`
      formatter = formatPromise
    } else if (value instanceof WeakSet || kind === '[object WeakSet]') {
      braces[0] = `${getPrefix(constructor, tag, 'WeakSet')}{`
      formatter = () => ['<items unknown>']
    } else if (value instanceof WeakMap || kind === '[object WeakMap]') {
      braces[0] = `${getPrefix(constructor, tag, 'WeakMap')}{`
      formatter = () => ['<items unknown>']
    } else if (kind === '[object Module]' && Object.getPrototypeOf(value) === null) {
      braces[0] = `${getPrefix(constructor, tag === 'Module' ? '' : tag, 'Module')}{`
    } else if (isBoxed(value, kind)) {
      base = boxedBase(value, kind, constructor, tag)
      if (kind === '[object String]') keys = keys.filter((k) => typeof k !== 'string' || !isIndexKey(k) || Number(k) >= value.length)
      if (keys.length === 0 && protoProps === undefined) return base
    } else {
      if (kind === '[object Map Iterator]' || kind === '[object Set Iterator]') tag = kind.slice(8, -1)
      braces[0] = `${getPrefix(constructor, tag, 'Object')}{`
      if (keys.length === 0 && protoProps === undefined) return `${braces[0]}}`
    }
  }

  if (ctx.depth !== null && recurseTimes > ctx.depth) {
    let name = getCtxName(constructor, tag, value, kind)
    return constructor === null ? name : `[${name}]`
  }
  recurseTimes += 1
  ctx.seen.push(value)
  ctx.currentDepth = recurseTimes
  let output
  try {
    output = formatter(ctx, value, recurseTimes)
    for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType))
  } finally {
    ctx.seen.pop()
  }
  if (ctx.sorted) {
    const comparator = ctx.sorted === true ? undefined : ctx.sorted
    if (extrasType === OBJECT) output = output.sort(comparator)
    else if (keys.length > 1) {
      const extras = output.slice(output.length - keys.length).sort(comparator)
      output.splice(output.length - keys.length, keys.length, ...extras)
    }
  }
  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value)
    if (index !== undefined) {
      const reference = `<ref *${index}>`
      if (ctx.compact !== true) base = base === '' ? reference : `${reference} ${base}`
      else braces[0] = `${reference} ${braces[0]}`
    }
  }
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value)
}

function getCtxName(constructor, tag, value, kind) {
  if (constructor === null) {
    const fallback = Array.isArray(value) ? 'Array' : 'Object'
    return getPrefix(null, tag, fallback).slice(0, -1)
  }
  return (tag !== '' && constructor !== tag ? `${constructor} [${tag}]` : constructor)
}

function setSize(s) {
  return Object.getOwnPropertyDescriptor(Set.prototype, 'size').get.call(s)
}

function mapSize(m) {
  return Object.getOwnPropertyDescriptor(Map.prototype, 'size').get.call(m)
}

function typedArrayName(v) {
  const tag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get.call(v)
  return tag || 'TypedArray'
}

function isBoxed(value, kind) {
  return (
    (kind === '[object Number]' && value instanceof Number) ||
    (kind === '[object String]' && value instanceof String) ||
    (kind === '[object Boolean]' && value instanceof Boolean) ||
    (kind === '[object Symbol]' && typeof value === 'object') ||
    (kind === '[object BigInt]' && typeof value === 'object')
  )
}

function boxedBase(value, kind, constructor, tag) {
  let type
  let shown
  const prim = value.valueOf()
  switch (kind) {
    case '[object Number]': type = 'Number'; shown = formatNumber(prim, false); break
    case '[object String]': type = 'String'; shown = quoteString(prim); break
    case '[object Boolean]': type = 'Boolean'; shown = String(prim); break
    case '[object BigInt]': type = 'BigInt'; shown = `${prim}n`; break
    default: type = 'Symbol'; shown = prim.toString()
  }
  let base = `[${type}`
  if (type !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`
  base += `: ${shown}]`
  if (tag !== '' && tag !== constructor) base += ` [${tag}]`
  return base
}

function formatArray(ctx, value, recurseTimes) {
  const length = value.length
  const max = Math.min(Math.max(0, ctx.maxArrayLength), length)
  const output = []
  let i = 0
  for (; i < length && output.length < max; i++) {
    if (!hasOwn(value, i)) {
      let j = i
      while (j < length && !hasOwn(value, j)) j++
      const holes = j - i
      output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`)
      i = j - 1
      continue
    }
    output.push(formatProperty(ctx, value, recurseTimes, i, ARRAY))
  }
  const remaining = length - i
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`)
  return output
}

function formatTypedArray(ctx, value, recurseTimes) {
  const length = value.length
  const max = Math.min(Math.max(0, ctx.maxArrayLength), length)
  const remaining = length - max
  const output = []
  const big = typeof value[0] === 'bigint'
  for (let i = 0; i < max; i++) output.push(big ? `${value[i]}n` : formatNumber(value[i], ctx.numericSeparator))
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`)
  if (ctx.showHidden) {
    ctx.indentationLvl += 2
    for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
      output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`)
    }
    ctx.indentationLvl -= 2
  }
  return output
}

function hexBytes(bytes, max) {
  let out = ''
  const n = Math.min(bytes.length, max)
  for (let i = 0; i < n; i++) out += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0')
  const remaining = bytes.length - n
  if (remaining > 0) out += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`
  return out
}

function formatArrayBuffer(ctx, value) {
  let bytes
  try {
    bytes = new Uint8Array(value)
  } catch {
    return ['(detached)']
  }
  return [`[Uint8Contents]: <${hexBytes(bytes, Math.min(ctx.maxArrayLength, 50))}>`]
}

function formatSet(ctx, value, recurseTimes) {
  const output = []
  const max = Math.max(0, ctx.maxArrayLength)
  let n = 0
  ctx.indentationLvl += 2
  for (const v of Set.prototype.values.call(value)) {
    if (n++ >= max) break
    output.push(formatValue(ctx, v, recurseTimes))
  }
  const remaining = setSize(value) - max
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`)
  ctx.indentationLvl -= 2
  return output
}

function formatMap(ctx, value, recurseTimes) {
  const output = []
  const max = Math.max(0, ctx.maxArrayLength)
  let n = 0
  ctx.indentationLvl += 2
  for (const [k, v] of Map.prototype.entries.call(value)) {
    if (n++ >= max) break
    output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`)
  }
  const remaining = mapSize(value) - max
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`)
  ctx.indentationLvl -= 2
  return output
}

function formatPromise(ctx, value, recurseTimes) {
  const state = N && typeof N.promiseState === 'function' ? N.promiseState(value) : -1
  if (state === 0) return ['<pending>']
  if (state < 0) return ['<unknown>']
  ctx.indentationLvl += 2
  const str = formatValue(ctx, N.promiseResult(value), recurseTimes)
  ctx.indentationLvl -= 2
  return [state === 2 ? `<rejected> ${str}` : str]
}

function formatProperty(ctx, value, recurseTimes, key, type) {
  let name
  let str
  let desc = Object.getOwnPropertyDescriptor(value, key)
  if (desc === undefined) desc = { value: value[key], enumerable: true }
  if ('value' in desc) {
    const diff = ctx.compact !== true || type !== OBJECT ? 2 : 3
    ctx.indentationLvl += diff
    str = formatValue(ctx, desc.value, recurseTimes)
    if (diff === 3 && ctx.breakLength < str.length + ctx.indentationLvl) {
      str = `\n${' '.repeat(ctx.indentationLvl)}${str}`
    }
    ctx.indentationLvl -= diff
  } else if (desc.get !== undefined) {
    const label = desc.set !== undefined ? 'Getter/Setter' : 'Getter'
    if (ctx.getters && (ctx.getters === true || (ctx.getters === 'get' && desc.set === undefined) || (ctx.getters === 'set' && desc.set !== undefined))) {
      try {
        const tmp = desc.get.call(value)
        ctx.indentationLvl += 2
        str = tmp === null || typeof tmp !== 'object' ? `[${label}: ${formatPrimitive(ctx, tmp)}]` : `[${label}] ${formatValue(ctx, tmp, recurseTimes)}`
        ctx.indentationLvl -= 2
      } catch (err) {
        str = `[${label}: <Inspection threw (${err?.message})>]`
      }
    } else str = `[${label}]`
  } else if (desc.set !== undefined) str = '[Setter]'
  else str = 'undefined'
  if (type === ARRAY) return str
  if (typeof key === 'symbol') name = `[${key.toString()}]`
  else if (desc.enumerable === false) name = `[${key}]`
  else if (IDENT.test(key)) name = key
  else name = quoteString(key)
  return `${name}: ${str}`
}

// ---- layout ------------------------------------------------------------------------------

function isBelowBreakLength(ctx, output, start, base) {
  let total = output.length + start
  if (total + output.length > ctx.breakLength) return false
  for (const entry of output) {
    total += entry.length
    if (total > ctx.breakLength) return false
  }
  return base === '' || !base.includes('\n')
}

// Lays out many short array items in columns: about as many columns as make a square of
// 2.5:1 character cells, at most 15 and within the line width; numbers right-aligned.
function groupArrayElements(ctx, output, value) {
  let totalLength = 0
  let maxLength = 0
  let outputLength = output.length
  if (ctx.maxArrayLength < output.length) outputLength-- // leave "... n more items" alone
  const separatorSpace = 2
  const dataLen = new Array(outputLength)
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length
    dataLen[i] = len
    totalLength += len + separatorSpace
    if (maxLength < len) maxLength = len
  }
  const actualMax = maxLength + separatorSpace
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length)
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1)
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      ctx.compact * 4,
      15,
    )
    if (columns <= 1) return output
    const widths = []
    for (let c = 0; c < columns; c++) {
      let w = 0
      for (let j = c; j < output.length; j += columns) if (dataLen[j] > w) w = dataLen[j]
      widths.push(w + separatorSpace)
    }
    let alignRight = true
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
          alignRight = false
          break
        }
      }
    }
    const rows = []
    for (let i = 0; i < outputLength; i += columns) {
      const end = Math.min(i + columns, outputLength)
      let line = ''
      let j = i
      for (; j < end - 1; j++) {
        const cell = `${output[j]}, `
        line += alignRight ? cell.padStart(widths[j - i], ' ') : cell.padEnd(widths[j - i], ' ')
      }
      line += alignRight ? output[j].padStart(widths[j - i] - separatorSpace, ' ') : output[j]
      rows.push(line)
    }
    if (ctx.maxArrayLength < output.length) rows.push(output[outputLength])
    return rows
  }
  return output
}

function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
      const entries = output.length
      if (extrasType === ARRAY_EXTRAS && entries > 6) output = groupArrayElements(ctx, output, value)
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = output.join(', ')
          if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`
  }
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ''} ${output.join(', ')} ${braces[1]}`
  }
  const indentation = ' '.repeat(ctx.indentationLvl)
  const ln = base === '' && braces[0].length === 1 ? ' ' : `${base ? ` ${base}` : ''}\n${indentation}  `
  return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`
}

// ---- public ------------------------------------------------------------------------------

/** util.inspect(value[, options]) (also the legacy (value, showHidden, depth, colors) form). */
export function inspect(value, opts) {
  const ctx = {
    ...inspectDefaultOptions,
    seen: [],
    indentationLvl: 0,
    currentDepth: 0,
    circular: undefined,
    userOptions: undefined,
  }
  if (arguments.length > 1 && (typeof opts !== 'object' || opts === null)) {
    if (typeof arguments[1] === 'boolean') ctx.showHidden = arguments[1]
    if (arguments.length > 2 && arguments[2] !== undefined) ctx.depth = arguments[2]
  } else if (opts && typeof opts === 'object') {
    for (const key of Object.keys(opts)) {
      if (hasOwn(inspectDefaultOptions, key) || key === 'stylize') ctx[key] = opts[key]
    }
    if (typeof opts.indentationLvl === 'number') ctx.indentationLvl = opts.indentationLvl
  }
  if (ctx.depth === Infinity) ctx.depth = null
  if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity
  if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity
  ctx.userOptions = { ...inspectDefaultOptions, ...(opts && typeof opts === 'object' ? opts : {}) }
  return formatValue(ctx, value, 0)
}
inspect.custom = customInspectSymbol
Object.defineProperty(inspect, 'defaultOptions', {
  get: () => inspectDefaultOptions,
  set(options) {
    Object.assign(inspectDefaultOptions, options)
  },
})
inspect.colors = Object.assign(Object.create(null), {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], inverse: [7, 27], hidden: [8, 28],
  strikethrough: [9, 29], black: [30, 39], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39],
  magenta: [35, 39], cyan: [36, 39], white: [37, 39], gray: [90, 39], grey: [90, 39],
})
inspect.styles = Object.assign(Object.create(null), {
  special: 'cyan', number: 'yellow', bigint: 'yellow', boolean: 'yellow', undefined: 'grey', null: 'bold',
  string: 'green', symbol: 'green', date: 'magenta', regexp: 'red', module: 'underline',
})

const BUILTIN_PROTOS = new Set(
  [Object, Array, Error, Date, RegExp, Function, Number, String, Boolean, Symbol, BigInt, Map, Set, Promise, WeakMap, WeakSet, ArrayBuffer, DataView]
    .map((c) => c.prototype),
)
for (const E of [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) BUILTIN_PROTOS.add(E.prototype)

// %s shows objects with inspect unless they bring their own toString
function hasBuiltInToString(value) {
  let o = value
  while (o !== null && o !== undefined) {
    if (hasOwn(o, 'toString')) return BUILTIN_PROTOS.has(o) || Object.getPrototypeOf(o) === null
    o = Object.getPrototypeOf(o)
  }
  return true
}

function stringifySafe(value) {
  try {
    return JSON.stringify(value)
  } catch (err) {
    if (err instanceof TypeError && /circular|cyclic/i.test(String(err.message))) return '[Circular]'
    throw err
  }
}

/** util.formatWithOptions(options, format, ...args) */
export function formatWithOptions(inspectOptions, ...args) {
  const first = args[0]
  let a = 0
  let str = ''
  let join = ''
  if (typeof first === 'string') {
    if (args.length === 1) return first
    let lastPos = 0
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue
      const next = first.charCodeAt(++i)
      if (a + 1 !== args.length) {
        let piece
        switch (next) {
          case 115: { // %s
            const arg = args[++a]
            if (typeof arg === 'number') piece = formatNumber(arg, false)
            else if (typeof arg === 'bigint') piece = `${arg}n`
            else if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) piece = String(arg)
            else piece = inspect(arg, { ...inspectOptions, depth: 0, colors: false, compact: 3 })
            break
          }
          case 106: piece = stringifySafe(args[++a]); break // %j
          case 100: { // %d
            const arg = args[++a]
            if (typeof arg === 'bigint') piece = `${arg}n`
            else if (typeof arg === 'symbol') piece = 'NaN'
            else piece = formatNumber(Number(arg), false)
            break
          }
          case 79: piece = inspect(args[++a], inspectOptions); break // %O
          case 111: piece = inspect(args[++a], { ...inspectOptions, showHidden: true, showProxy: true, depth: 4 }); break // %o
          case 105: { // %i
            const arg = args[++a]
            if (typeof arg === 'bigint') piece = `${arg}n`
            else if (typeof arg === 'symbol') piece = 'NaN'
            else piece = formatNumber(Number.parseInt(arg), false)
            break
          }
          case 102: { // %f
            const arg = args[++a]
            piece = typeof arg === 'symbol' ? 'NaN' : formatNumber(Number.parseFloat(arg), false)
            break
          }
          case 99: a += 1; piece = ''; break // %c
          case 37: // %%
            str += first.slice(lastPos, i)
            lastPos = i + 1
            continue
          default:
            continue
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1)
        str += piece
        lastPos = i + 1
      } else if (next === 37) {
        str += first.slice(lastPos, i)
        lastPos = i + 1
      }
    }
    if (lastPos !== 0) {
      a++
      join = ' '
      if (lastPos < first.length) str += first.slice(lastPos)
    }
  }
  while (a < args.length) {
    const value = args[a]
    str += join
    str += typeof value !== 'string' ? inspect(value, inspectOptions) : value
    join = ' '
    a++
  }
  return str
}

/** util.format(format, ...args) */
export function format(...args) {
  return formatWithOptions(undefined, ...args)
}

/** util.stripVTControlCharacters */
export function stripVTControlCharacters(str) {
  return String(str).replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g, '')
}
