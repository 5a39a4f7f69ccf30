import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
// Inside the repo so that the packed package resolves its dependencies (just-bash) from our node_modules.
const work = `${root}.pack-test`

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the packed package', () => {
  it('installs from its tarball and every export of src/index.ts is importable and works', () => {
    rmSync(work, { recursive: true, force: true })
    mkdirSync(`${work}/node_modules/daylite`, { recursive: true })
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop() ?? ''
    execFileSync('tar', ['-xzf', `${work}/${tarball}`, '-C', `${work}/node_modules/daylite`, '--strip-components=1'])
    const pkg = JSON.parse(readFileSync(`${work}/node_modules/daylite/package.json`, 'utf8')) as { files: string[] }
    expect(pkg.files).toContain('dist')
    const source = readFileSync(`${root}src/index.ts`, 'utf8')
    const names = [...source.matchAll(/export \{([^}]*)\}/g)]
      .flatMap((m) => (m[1] ?? '').split(','))
      .map((n) => n.trim())
      .filter((n) => n !== '' && !n.startsWith('type '))
    expect(names.length).toBeGreaterThan(30)
    writeFileSync(
      `${work}/check.mjs`,
      `import * as daylite from 'daylite'
const missing = ${JSON.stringify(names)}.filter((n) => !(n in daylite))
if (missing.length) throw new Error('missing exports: ' + missing.join(', '))
const d = new daylite.Daytona()
const s = await d.create()
const r = await s.process.executeCommand('echo packed; qjs -e "print(6 * 7)"')
await d.dispose()
process.stdout.write(JSON.stringify({ result: r.result, count: Object.keys(daylite).length }))
`,
    )
    const out = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: work, encoding: 'utf8', timeout: 30_000 })) as { result: string; count: number }
    expect(out.result).toBe('packed\n42\n')
    expect(out.count).toBe(names.length)
  }, 60_000)
})
