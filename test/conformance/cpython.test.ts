/**
 * CPython's own test suite inside a daylite sandbox: a selection of Lib/test from the Debian
 * source package python.wasm is built from (runtimes/python/python313-tests.zip, made by
 * runtimes/python/build-tests.sh), run module by module with unittest by driver.py, compared with
 * the pass counts recorded in cpython-baseline.json. Skips we add are in cpython-skips.json, each
 * group with its reason. docs/python-conformance.md has the table and how to rebuild or update.
 *
 *   npx vitest run test/conformance                                   # needs `npm run build` first
 *   CPYTHON_CONFORMANCE_UPDATE=1 npx vitest run test/conformance      # rewrite the baseline
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, type Sandbox } from '../../src/index.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '../..')
const ZIP_KEY = 'python/python313-tests.zip'
const BASELINE_FILE = join(HERE, 'cpython-baseline.json')
const SKIPS_FILE = join(HERE, 'cpython-skips.json')
const DOC_FILE = join(ROOT, 'docs/python-conformance.md')
const DOC_START = '<!-- conformance:start -->'
const DOC_END = '<!-- conformance:end -->'
const UPDATE = process.env.CPYTHON_CONFORMANCE_UPDATE === '1'
/** Wall-time cap of one module's run in the sandbox, unless the baseline gives its own. */
const MODULE_TIMEOUT_S = 120
/** Where the selection is unpacked in the sandbox (relative to the home directory). */
const WORK = 'cpython-tests'
const MARK = '@@conformance@@ '

interface Counts {
  run: number
  passed: number
  failed: number
  errors: number
  skipped: number
}

interface ModuleReport extends Counts {
  module: string
  expectedFailures: number
  seconds: number
  failures: string[]
  skipReasons: Record<string, number>
  unusedSkips: string[]
  importError?: string
}

interface SkipGroup {
  label: string
  reason: string
  ids: string[]
}

interface Baseline {
  python: string
  source: string
  modules: Record<string, Counts & { seconds?: number; timeoutSeconds?: number }>
}

const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline
const skipGroups = (JSON.parse(readFileSync(SKIPS_FILE, 'utf8')) as { skips: SkipGroup[] }).skips
const reports = new Map<string, ModuleReport>()
let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'runtimes/manifest.json'), 'utf8')) as {
    artifacts: Record<string, { sha256: string; bytes: number }>
  }
  const zip = readFileSync(join(ROOT, 'runtimes', ZIP_KEY))
  const entry = manifest.artifacts[ZIP_KEY]
  // A zip that does not match its manifest entry was not made by build-tests.sh: refuse it.
  expect(entry, `${ZIP_KEY} in runtimes/manifest.json`).toBeDefined()
  expect(zip.length).toBe(entry?.bytes)
  expect(createHash('sha256').update(zip).digest('hex')).toBe(entry?.sha256)

  daytona = new Daytona()
  sandbox = await daytona.create({ labels: { suite: 'cpython-conformance' } })
  await sandbox.fs.uploadFile(zip, `${WORK}/tests.zip`)
  await sandbox.fs.uploadFile(readFileSync(join(HERE, 'driver.py')), `${WORK}/driver.py`)
  await sandbox.fs.uploadFile(readFileSync(join(HERE, 'cpython-skips.json')), `${WORK}/skips.json`)
  // Unpacked, not imported from the zip: several modules read data files next to themselves.
  const r = await sandbox.process.executeCommand('python3 -m zipfile -e tests.zip lib && rm tests.zip', WORK, undefined, 120)
  expect(r.result, 'unpacking the test zip').toBe('')
  expect(r.exitCode).toBe(0)
}, 240_000)

afterAll(async () => {
  await daytona?.dispose()
  if (!UPDATE) return
  const modules: Baseline['modules'] = {}
  for (const [name, old] of Object.entries(baseline.modules)) {
    const r = reports.get(name)
    if (r === undefined || r.importError !== undefined) {
      modules[name] = old
      continue
    }
    const { run, passed, failed, errors, skipped, seconds } = r
    modules[name] = { run, passed, failed, errors, skipped, seconds, ...(old.timeoutSeconds ? { timeoutSeconds: old.timeoutSeconds } : {}) }
  }
  writeFileSync(BASELINE_FILE, `${JSON.stringify({ ...baseline, modules }, null, 2)}\n`)
  const doc = readFileSync(DOC_FILE, 'utf8')
  const start = doc.indexOf(DOC_START)
  const end = doc.indexOf(DOC_END)
  if (start < 0 || end < start) throw new Error(`${DOC_FILE}: no ${DOC_START} … ${DOC_END} block`)
  writeFileSync(DOC_FILE, `${doc.slice(0, start + DOC_START.length)}\n${renderTables(modules)}\n${doc.slice(end)}`)
})

/** The generated part of docs/python-conformance.md: the module table and the skip-list groups. */
function renderTables(modules: Baseline['modules']): string {
  const ours = (reasons: Record<string, number>) => {
    const parts: string[] = []
    for (const g of skipGroups) {
      const n = reasons[`skip list: ${g.reason}`]
      if (n) parts.push(`${g.label} (${n})`)
    }
    return parts.join('; ')
  }
  const theirs = (reasons: Record<string, number>) =>
    Object.entries(reasons)
      .filter(([r]) => !r.startsWith('skip list: '))
      .slice(0, 3)
      .map(([r, n]) => `${r.replace(/\|/g, '\\|').slice(0, 60)} (${n})`)
      .join('; ')
  const rows = ['| module | run | passed | failed | errors | skipped | by our skip list | CPython\'s own skips, top reasons | s |', '|---|---:|---:|---:|---:|---:|---|---|---:|']
  const total = { run: 0, passed: 0, failed: 0, errors: 0, skipped: 0, seconds: 0 }
  const perGroup = new Map<string, { n: number; modules: Set<string> }>()
  for (const [name, c] of Object.entries(modules)) {
    const reasons = reports.get(name)?.skipReasons ?? {}
    rows.push(`| ${name} | ${c.run} | ${c.passed} | ${c.failed} | ${c.errors} | ${c.skipped} | ${ours(reasons)} | ${theirs(reasons)} | ${c.seconds ?? ''} |`)
    for (const k of ['run', 'passed', 'failed', 'errors', 'skipped'] as const) total[k] += c[k]
    total.seconds += c.seconds ?? 0
    for (const g of skipGroups) {
      const n = reasons[`skip list: ${g.reason}`]
      if (!n) continue
      const e = perGroup.get(g.label) ?? { n: 0, modules: new Set<string>() }
      e.n += n
      e.modules.add(name)
      perGroup.set(g.label, e)
    }
  }
  rows.push(`| **total** | ${total.run} | ${total.passed} | ${total.failed} | ${total.errors} | ${total.skipped} | | | ${total.seconds.toFixed(1)} |`)
  const groups = ['| skip-list group | tests | modules | reason |', '|---|---:|---|---|']
  for (const g of skipGroups) {
    const e = perGroup.get(g.label)
    groups.push(`| ${g.label} | ${e?.n ?? 0} | ${[...(e?.modules ?? [])].join(', ')} | ${g.reason.replace(/\|/g, '\\|')} |`)
  }
  return `${rows.join('\n')}\n\n${groups.join('\n')}`
}

describe('CPython Lib/test in a sandbox (test/conformance/cpython-baseline.json)', () => {
  it('the baseline lists exactly the test modules of runtimes/python/tests-select.txt', () => {
    const selected = readFileSync(join(ROOT, 'runtimes/python/tests-select.txt'), 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      // test/test_json (a package), test/test_re.py, test/test_asyncio/test_tasks.py (a package's module)
      .map((l) => /^test\/(test_\w+?(?:\/test_\w+?)?)(\.py)?$/.exec(l)?.[1]?.replace('/', '.'))
      .filter((m): m is string => m !== undefined)
    expect(Object.keys(baseline.modules).sort()).toEqual(selected.sort())
  })

  it.skipIf(UPDATE)('docs/python-conformance.md shows the recorded counts', () => {
    const doc = readFileSync(DOC_FILE, 'utf8')
    const shown: Record<string, Counts> = {}
    for (const m of doc.matchAll(/^\| (test_[\w.]+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|/gm)) {
      shown[m[1] as string] = { run: Number(m[2]), passed: Number(m[3]), failed: Number(m[4]), errors: Number(m[5]), skipped: Number(m[6]) }
    }
    const recorded = Object.fromEntries(
      Object.entries(baseline.modules).map(([name, { run, passed, failed, errors, skipped }]) => [name, { run, passed, failed, errors, skipped }]),
    )
    expect(shown, 'regenerate with CPYTHON_CONFORMANCE_UPDATE=1').toEqual(recorded)
  })

  for (const [name, recorded] of Object.entries(baseline.modules)) {
    const timeoutS = recorded.timeoutSeconds ?? MODULE_TIMEOUT_S
    it(
      name,
      async () => {
        const r = await sandbox.process.executeCommand(`python3 driver.py lib skips.json ${name} --verbose`, WORK, undefined, timeoutS)
        const line = r.result.split('\n').find((l) => l.startsWith(MARK))
        if (line === undefined) throw new Error(`${name}: the driver printed no result (exit ${r.exitCode}):\n${r.result.slice(-4000)}`)
        const report = JSON.parse(line.slice(MARK.length)) as ModuleReport
        reports.set(name, report)
        if (report.importError !== undefined) throw new Error(`${name} failed to import:\n${report.importError}`)
        const counts = (c: Counts) => `run ${c.run}, passed ${c.passed}, failed ${c.failed}, errors ${c.errors}, skipped ${c.skipped}`
        const explain = [
          `${name}: ${counts(report)} in ${report.seconds} s (recorded: ${counts(recorded)})`,
          ...report.failures.map((f) => `  failing: ${f}`),
          report.failures.length > 0 ? `output (tracebacks):\n${r.result.slice(-6000)}` : '',
        ].join('\n')
        if (report.passed > recorded.passed && !UPDATE) console.info(`${explain}\n  more passes than recorded: update the baseline`)
        expect(report.unusedSkips, `${name}: skip-list ids that matched no test`).toEqual([])
        if (!UPDATE) expect(report.passed, explain).toBeGreaterThanOrEqual(recorded.passed)
      },
      (timeoutS + 30) * 1000,
    )
  }
})
