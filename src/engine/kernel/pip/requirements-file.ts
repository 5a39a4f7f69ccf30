/**
 * Requirements files (`-r requirements.txt`, `-c constraints.txt`) in pip's format: one
 * requirement per line, `#` comments, `\` continuations, `${VAR}` expansion, nested `-r`/`-c`,
 * the file-wide options (`-i`, `--extra-index-url`, `--no-index`, `-f`, `--pre`,
 * `--require-hashes`) and the per-requirement `--hash`.
 */
import type { SyncVfs } from '../../../vfs/types.js'
import { resolvePath } from '../../../vfs/path.js'
import { PipError, PipErrorCode } from './errors.js'
import { type InstallItem, looksLikePath, splitPathExtras } from './install.js'
import { type Requirement, parseRequirement } from './requirement.js'

/** Everything requirements files and the command line add up to. */
export interface RequirementSet {
  items: InstallItem[]
  constraints: Requirement[]
  indexUrl: string | undefined
  extraIndexUrls: string[]
  findLinks: string[]
  noIndex: boolean
  pre: boolean
  requireHashes: boolean
}

/** An empty {@link RequirementSet}. */
export function emptyRequirementSet(): RequirementSet {
  return { items: [], constraints: [], indexUrl: undefined, extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, requireHashes: false }
}

/** Splits a line into words the way pip's shlex does (quotes, backslash escapes). */
export function splitWords(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let has = false
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? ''
    if (quote) {
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i] ?? ''
      else cur += c
    } else if (c === '"' || c === "'") {
      quote = c
      has = true
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i] ?? ''
      has = true
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur)
      cur = ''
      has = false
    } else cur += c
  }
  if (quote) throw new PipError(PipErrorCode.INVALID_REQUIREMENT, `unterminated quote in: ${line}`)
  if (has || cur) out.push(cur)
  return out
}

/**
 * Turns a command-line or requirements-file argument into an install item: a local path or a
 * URL (`./pkg[extra]`, `dist/x.whl`, `https://…/x.whl`) or a PEP 508 requirement.
 */
export function installItem(vfs: SyncVfs, cwd: string, arg: string, editable: boolean, hashes: string[]): InstallItem {
  if (/^(git|hg|svn|bzr)\+/.test(arg)) {
    throw new PipError(PipErrorCode.UNSUPPORTED, `${arg}: version-control requirements are not supported by daylite's pip; clone the repository and install the directory`)
  }
  if (editable || /^https?:\/\//i.test(arg) || looksLikePath(vfs, cwd, arg)) {
    const { path, extras } = splitPathExtras(arg)
    return { kind: 'path', path, extras, editable, hashes }
  }
  return { kind: 'requirement', req: parseRequirement(arg), hashes }
}

function expandVars(line: string, env: Record<string, string>): string {
  return line.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => env[name] ?? whole)
}

/**
 * Reads requirements file `path` (and the files it includes) into `into`.
 *
 * @param vfs - the sandbox filesystem
 * @param path - the file (absolute)
 * @param cwd - relative requirement paths resolve against the current directory, as pip does
 * @param env - for `${VAR}` expansion
 * @param into - the set to add to
 * @param constraint - the file is a constraints file (`-c`)
 */
export function readRequirementsFile(vfs: SyncVfs, path: string, cwd: string, env: Record<string, string>, into: RequirementSet, constraint = false, depth = 0): void {
  if (depth > 20) throw new PipError(PipErrorCode.INVALID_REQUIREMENT, `requirements files include each other too deeply (at ${path})`)
  let text: string
  try {
    text = new TextDecoder().decode(vfs.readFile(path))
  } catch {
    throw new PipError(PipErrorCode.INVALID_REQUIREMENT, `Could not open requirements file: [Errno 2] No such file or directory: '${path}'`)
  }
  const dir = path.slice(0, path.lastIndexOf('/')) || '/'
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    let line = lines[i] ?? ''
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + (lines[++i] ?? '')
    line = expandVars(line.replace(/(^|\s+)#.*$/, ''), env).trim()
    if (!line) continue
    const where = `${path} (line ${lineNo})`
    try {
      if (line.startsWith('-')) {
        fileOption(vfs, splitWords(line), dir, cwd, env, into, constraint, depth, where)
        continue
      }
      // Per-requirement options start at the first " --".
      const optAt = line.search(/\s--[a-zA-Z]/)
      const reqText = optAt >= 0 ? line.slice(0, optAt).trim() : line
      const hashes: string[] = []
      if (optAt >= 0) {
        const words = splitWords(line.slice(optAt))
        for (let w = 0; w < words.length; w++) {
          const word = words[w] ?? ''
          const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : words[++w]
          const name = word.split('=')[0]
          if (name === '--hash') {
            if (!value || !/^(sha256|sha384|sha512):[0-9a-fA-F]+$/.test(value)) throw new PipError(PipErrorCode.INVALID_REQUIREMENT, `invalid --hash ${value ?? ''} (expected sha256:<hex>)`)
            if (!value.startsWith('sha256:')) throw new PipError(PipErrorCode.UNSUPPORTED, `--hash ${value}: only sha256 hashes are checked by daylite's pip`)
            hashes.push(value.toLowerCase())
          } else if (name === '--config-settings' || name === '--global-option' || name === '--install-option') {
            // Build options: nothing is built.
          } else throw new PipError(PipErrorCode.USAGE, `unknown option ${name} after a requirement`)
        }
      }
      if (constraint) {
        const req = parseRequirement(reqText)
        into.constraints.push(req)
      } else into.items.push(installItem(vfs, cwd, reqText, false, hashes))
    } catch (error) {
      if (error instanceof PipError) throw new PipError(error.code, `${error.message} (from ${where})`, error.data)
      throw error
    }
  }
}

function fileOption(vfs: SyncVfs, words: string[], dir: string, cwd: string, env: Record<string, string>, into: RequirementSet, constraint: boolean, depth: number, where: string): void {
  let i = 0
  const take = (word: string, name: string): string => {
    if (word.includes('=')) return word.slice(word.indexOf('=') + 1)
    if (word.startsWith('-') && !word.startsWith('--') && word.length > 2) return word.slice(2)
    const v = words[++i]
    if (v === undefined) throw new PipError(PipErrorCode.USAGE, `${name} requires an argument`)
    return v
  }
  for (; i < words.length; i++) {
    const word = words[i] ?? ''
    const name = word.startsWith('--') ? (word.split('=')[0] ?? word) : word.slice(0, 2)
    switch (name) {
      case '-r':
      case '--requirement':
      case '-c':
      case '--constraint': {
        const file = take(word, name)
        readRequirementsFile(vfs, resolvePath(dir, file), cwd, env, into, constraint || name === '-c' || name === '--constraint', depth + 1)
        break
      }
      case '-e':
      case '--editable': {
        const target = take(word, name)
        if (constraint) throw new PipError(PipErrorCode.USAGE, 'editable requirements are not allowed in constraints files')
        into.items.push(installItem(vfs, cwd, target, true, []))
        break
      }
      case '-i':
      case '--index-url':
        into.indexUrl = take(word, name)
        break
      case '--extra-index-url':
        into.extraIndexUrls.push(take(word, name))
        break
      case '-f':
      case '--find-links':
        into.findLinks.push(take(word, name))
        break
      case '--no-index':
        into.noIndex = true
        break
      case '--pre':
        into.pre = true
        break
      case '--require-hashes':
        into.requireHashes = true
        break
      case '--trusted-host':
      case '--only-binary':
      case '--no-binary':
      case '--use-feature':
        take(word, name)
        break
      case '--prefer-binary':
        break
      default:
        throw new PipError(PipErrorCode.USAGE, `unknown option ${word} in ${where}`)
    }
  }
}
