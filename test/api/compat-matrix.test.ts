import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as daylite from '../../src/index.js'

const root = new URL('../../', import.meta.url)
const CLASSES = ['Daytona', 'Sandbox', 'Process', 'FileSystem', 'Git', 'CodeInterpreter'] as const

/** Public method names of a class in the SDK's declaration file. */
function sdkMethods(cls: string): string[] {
  const text = readFileSync(new URL(`node_modules/@daytonaio/sdk/cjs/${cls}.d.ts`, root), 'utf8')
  const start = text.indexOf(`export declare class ${cls} `)
  const body = text.slice(start, text.indexOf('\n}', start))
  const names = new Set<string>()
  for (const line of body.split('\n')) {
    const m = /^ {4}(?!private |static )([A-Za-z_][\w]*|\[Symbol\.asyncDispose\])(?:<[^>]*>)?\(/.exec(line)
    if (m?.[1]) names.add(m[1])
  }
  return [...names]
}

function matrix(): Map<string, string> {
  const readme = readFileSync(new URL('README.md', root), 'utf8')
  const table = readme.slice(readme.indexOf('<!-- compat-matrix:start -->'), readme.indexOf('<!-- compat-matrix:end -->'))
  const rows = new Map<string, string>()
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (cells.length < 4 || !cells[1]?.includes('.')) continue
    rows.set(cells[1], cells[2] ?? '')
  }
  return rows
}

function ours(cls: string): object | undefined {
  const exported = (daylite as Record<string, unknown>)[cls]
  return typeof exported === 'function' ? (exported.prototype as object) : undefined
}

describe('README compatibility matrix', () => {
  const rows = matrix()

  it('lists every public method of the SDK classes with a known status', () => {
    for (const cls of CLASSES) {
      for (const method of sdkMethods(cls)) {
        const status = rows.get(`${cls}.${method}`)
        expect(status, `${cls}.${method} is missing from the README matrix`).toBeDefined()
        expect(['supported', 'partial', 'planned', 'remote-only', 'n/a'], `${cls}.${method}`).toContain(status)
      }
    }
    expect(sdkMethods('Sandbox').length).toBeGreaterThan(30)
  })

  it('matches the code: supported/partial methods exist, the others do not', () => {
    for (const [name, status] of rows) {
      const dot = name.indexOf('.')
      const cls = name.slice(0, dot)
      const method = name.slice(dot + 1)
      if (method === 'constructor') continue
      const proto = ours(cls)
      const key = method === '[Symbol.asyncDispose]' ? Symbol.asyncDispose : method
      const has = proto !== undefined && typeof (proto as Record<string | symbol, unknown>)[key] === 'function'
      if (status === 'supported' || status === 'partial') expect(has, `${name} is marked ${status} but daylite has no such method`).toBe(true)
      else expect(has, `${name} is marked ${status} but daylite has it: update the matrix`).toBe(false)
    }
  })
})
