// Node's error shapes: `code`-carrying errors (ERR_INVALID_ARG_TYPE…) and system errors from
// the file system (ENOENT: no such file or directory, open '/x') with errno/code/syscall/path.
import { errnoInfo } from './native.js'

/**
 * Sources of user modules by file name, for the first line of an uncaught error; `offset` is the
 * length of the CommonJS wrapper that precedes a file's first line (its columns there are shifted).
 */
export const sources = new Map()

/** Corrects the line-1 columns of CommonJS files in a stack trace (the wrapper shares that line). */
export function fixStackColumns(stack) {
  if (typeof stack !== 'string' || !stack.includes(':1:')) return stack
  return stack.replace(/([(\s])((?:\/|\[)[^\s():]*):1:(\d+)/g, (m, pre, file, col) => {
    const src = sources.get(file)
    if (!src || !src.offset) return m
    return `${pre}${file}:1:${Math.max(1, Number(col) - src.offset)}`
  })
}

function describe(value) {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`
  if (typeof value === 'object') {
    const name = value.constructor?.name
    return name ? `an instance of ${name}` : 'an object'
  }
  let shown = typeof value === 'string' ? `'${value.length > 28 ? value.slice(0, 25) + '...' : value}'` : String(value)
  if (typeof value === 'bigint') shown += 'n'
  return `type ${typeof value} (${shown})`
}

/** An error with Node's `code` and the `Name [CODE]: message` stack header. */
export function nodeError(Base, code, message) {
  const err = new Base(message)
  Object.defineProperty(err, 'code', { value: code, enumerable: true, writable: true, configurable: true })
  if (typeof err.stack === 'string') {
    err.stack = err.stack.replace(/^[^\n]*/, `${err.name} [${code}]: ${message}`)
  }
  return err
}

/** ERR_INVALID_ARG_TYPE: The "path" argument must be of type string. Received … */
export function invalidArgType(name, expected, actual) {
  const what = name.includes('.') ? 'property' : 'argument'
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "${name}" ${what} must be ${expected}. Received ${describe(actual)}`)
}

export function invalidArgValue(name, value, reason = 'is invalid') {
  const shown = typeof value === 'string' ? `'${value}'` : String(value)
  return nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument '${name}' ${reason}. Received ${shown}`)
}

export function outOfRange(name, range, value) {
  return nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`)
}

export function validateString(value, name) {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value)
}

export function validateFunction(value, name) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value)
}

export function validateNumber(value, name) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value)
}

/**
 * A system error as Node reports it: `ENOENT: no such file or directory, open '/x'`, with
 * errno (negative), code, syscall, path and dest.
 */
export function uvError(wasiErrno, syscall, path, dest) {
  const info = errnoInfo(wasiErrno)
  let message = `${info.code}: ${info.message}, ${syscall}`
  if (path !== undefined) message += ` '${path}'`
  if (dest !== undefined) message += ` -> '${dest}'`
  const err = new Error(message)
  err.errno = info.errno
  err.code = info.code
  err.syscall = syscall
  if (path !== undefined) err.path = path
  if (dest !== undefined) err.dest = dest
  return err
}

/** The error thrown for modules that need a real machine (sockets, processes, threads). */
export function unavailableModule(name) {
  return nodeError(
    Error,
    'ERR_UNAVAILABLE_IN_WASM',
    `The module '${name}' is not available in the WebAssembly sandbox (no sockets, processes or threads here). ` +
      `Create the sandbox with target: 'remote' to run this code on a full Linux machine.`,
  )
}
