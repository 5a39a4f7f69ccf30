import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const src = fileURLToPath(new URL('../../src', import.meta.url))

/**
 * Which top-level folders each folder may import (DESIGN.md: api → engine → {shell, proc, git, runtimes} → {wasi, vfs}).
 * `remote` (the remote fallback) and `native` (host processes, for `daylite serve --backend native`)
 * are sandbox backends beside the engine: they implement `engine/backend.ts`'s seam and import only
 * the engine; `api` chooses between the engine and `remote`, `server` between the engine and `native`
 * (docs/decisions/0006-remote.md).
 */
const ALLOWED: Record<string, string[]> = {
  vfs: [],
  wasi: ['vfs'],
  proc: ['wasi', 'vfs', 'platform'],
  runtimes: ['proc', 'wasi', 'vfs', 'platform'],
  shell: ['vfs'],
  git: ['vfs'],
  platform: [],
  engine: ['shell', 'proc', 'git', 'runtimes', 'wasi', 'vfs', 'platform'],
  api: ['engine', 'remote', 'platform'],
  remote: ['engine', 'platform'],
  native: ['engine', 'platform'],
  server: ['api', 'engine', 'native', 'platform'],
  cli: ['api', 'server', 'native', 'engine', 'platform'],
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

function area(path: string): string {
  return relative(src, path).split('/')[0] ?? ''
}

describe('import graph', () => {
  it('imports go one way and vfs imports nothing from the project', () => {
    const violations: string[] = []
    for (const file of files(src)) {
      const from = area(file)
      if (from === 'index.ts') continue
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2] ?? ''
        let to: string | undefined
        if (spec === '#platform') to = 'platform'
        else if (spec.startsWith('.')) to = area(resolve(dirname(file), spec))
        if (!to || to === from) continue
        if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(src, file)} imports ${spec} (${from} → ${to})`)
      }
    }
    expect(violations).toEqual([])
  })

  it('only src/platform asks where it runs', () => {
    const offenders = files(src)
      .filter((f) => area(f) !== 'platform')
      .filter((f) => /typeof window|typeof document|process\.versions\.node|from 'node:worker_threads'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f))
    expect(offenders).toEqual([])
  })
})
