/**
 * The node corpus: small scripts of the kind agents write (test/node/corpus/*.js|mjs|ts), each run
 * by real Node (this machine's, through child_process) and by our `node` inside a sandbox through
 * the public API; stdout and the exit code must be identical. TypeScript entries run under `tsx`
 * in the sandbox and, as the reference, under real Node with test/node/register-ts.mjs (the same
 * swc transpile, tsx's conveniences).
 *
 * Conventions: a `// args: a b` line gives arguments, `<name>.stdin` next to a script is its
 * stdin, `packages/` becomes `node_modules/`; only top-level files are entries.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona } from '../../src/index.js'
import type { Sandbox } from '../../src/index.js'

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url))
const REGISTER_TS = fileURLToPath(new URL('./register-ts.mjs', import.meta.url))
const WORK = '/home/daytona/corpus'
const ENV = { GREETING: 'hi there', LANG: 'C.UTF-8' }

const entries = readdirSync(CORPUS)
  .filter((f) => /\.(?:js|mjs|cjs|ts)$/.test(f) && statSync(join(CORPUS, f)).isFile())
  .sort()

function argsOf(file: string): string[] {
  const m = /^\/\/ args: (.*)$/m.exec(readFileSync(join(CORPUS, file), 'utf8'))
  return m?.[1]?.split(' ').filter(Boolean) ?? []
}

function stdinOf(file: string): string | undefined {
  const p = join(CORPUS, file.replace(/\.\w+$/, '.stdin'))
  return existsSync(p) ? p : undefined
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : [p]
  })
}

let daytona: Daytona
let sandbox: Sandbox
let reference: string
let tsAvailable = false

beforeAll(async () => {
  // the reference runs in a copy, as scripts create and remove files next to themselves
  reference = mkdtempSync(join(tmpdir(), 'daylite-node-corpus-'))
  cpSync(CORPUS, reference, { recursive: true })
  cpSync(join(CORPUS, 'packages'), join(reference, 'node_modules'), { recursive: true })
  daytona = new Daytona()
  sandbox = await daytona.create()
  await sandbox.fs.uploadFiles(
    files(CORPUS).map((p) => {
      const rel = relative(CORPUS, p).replace(/^packages\//, 'node_modules/')
      return { source: readFileSync(p), destination: `${WORK}/${rel}` }
    }),
  )
  const probe = await sandbox.process.executeCommand(`tsx -e 'const n: number = 1; console.log(n)'`, WORK)
  tsAvailable = probe.exitCode === 0
}, 120_000)

afterAll(async () => {
  await daytona?.dispose()
  if (reference) rmSync(reference, { recursive: true, force: true })
})

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

describe('node corpus: same stdout and exit code as real Node', () => {
  it('has at least 40 scripts', () => {
    expect(entries.length).toBeGreaterThanOrEqual(40)
  })

  for (const file of entries) {
    it(file, async (ctx) => {
      const ts = file.endsWith('.ts')
      if (ts && !tsAvailable) ctx.skip()
      const args = argsOf(file)
      const stdin = stdinOf(file)
      const ref = spawnSync(process.execPath, ['--no-warnings', ...(ts ? ['--import', REGISTER_TS] : []), file, ...args], {
        cwd: reference,
        env: { ...ENV, HOME: '/home/daytona', PATH: process.env.PATH ?? '/usr/bin:/bin' },
        input: stdin ? readFileSync(stdin) : '',
        encoding: 'utf8',
        timeout: 30_000,
      })
      const command = `${ts ? 'tsx' : 'node'} ${[file, ...args].map(quote).join(' ')}${stdin ? ` < ${quote(relative(CORPUS, stdin))}` : ''} 2>/dev/null`
      const ours = await sandbox.process.executeCommand(command, WORK, ENV, 60)
      expect({ stdout: ours.result, exitCode: ours.exitCode }).toEqual({ stdout: ref.stdout, exitCode: ref.status })
    }, 90_000)
  }
})
