import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError, type Sandbox } from '../../src/index.js'

// process.codeRun for javascript and typescript: `node -` / `ts-node -` on QuickJS, a fresh process per call.
let daytona: Daytona
let js: Sandbox
let ts: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  js = await daytona.create({ language: 'javascript' })
  ts = await daytona.create({ language: 'typescript' })
})
afterAll(async () => {
  await daytona.dispose()
})

describe('codeRun javascript', () => {
  it('runs with argv (process.argv.slice(2)) and env, stdout+stderr interleaved, exit code', async () => {
    const r = await js.process.codeRun('console.log(process.argv.slice(2), process.env.GREETING)\nconsole.error("to stderr")\nconsole.log("after")', {
      argv: ['a', "it's"],
      env: { GREETING: 'hi' },
    })
    expect(r).toMatchObject({ exitCode: 0, result: "[ 'a', \"it's\" ] hi\nto stderr\nafter\n" })
    const failed = await js.process.codeRun('throw new TypeError("bad")')
    expect(failed.exitCode).toBe(1)
    expect(failed.result).toContain('TypeError: bad')
    expect((await js.process.codeRun('process.exitCode = 4')).exitCode).toBe(4)
    expect((await js.process.codeRun('setTimeout(() => { console.log("later"); process.exit(5) }, 20)')).exitCode).toBe(5)
  })

  it('process.cpuUsage() counts CPU time, not the time a timer waits', async () => {
    const r = await js.process.codeRun('const a = process.cpuUsage()\nsetTimeout(() => {\n  const waited = process.cpuUsage(a).user\n  const t = Date.now()\n  while (Date.now() - t < 300) {}\n  const busy = process.cpuUsage(a).user - waited\n  console.log(waited < 100_000, busy > 200_000 && busy < 1_500_000)\n}, 400)')
    expect(r.result).toBe('true true\n')
  })

  it('is a fresh process each time, and reaches the sandbox files', async () => {
    await js.process.codeRun('globalThis.leak = 1; require("fs").writeFileSync("from-js.txt", "written")')
    const r = await js.process.codeRun('console.log(typeof globalThis.leak, require("fs").readFileSync("from-js.txt", "utf8"))')
    expect(r.result).toBe('undefined written\n')
  })

  it('a runaway loop is killed at the timeout; the sandbox keeps working', async () => {
    const t0 = Date.now()
    await expect(js.process.codeRun('for (;;) {}', undefined, 1)).rejects.toBeInstanceOf(DaytonaTimeoutError)
    expect(Date.now() - t0).toBeLessThan(4000)
    expect((await js.process.codeRun('console.log("alive")')).result).toBe('alive\n')
  })
})

describe('codeRun typescript', () => {
  it('strips types without checking them: interfaces, generics, enums, namespaces, as', async () => {
    const code = [
      'interface P { n: number }',
      'enum Color { Red, Green = 5 }',
      'namespace NS { export const k: number = 2 }',
      'function id<T>(v: T): T { return v }',
      'const p: P = { n: 6 }',
      'const wrong: number = "not checked" as unknown as number',
      'console.log(p.n * 7, Color.Green, NS.k, id<string>("x"), typeof wrong, process.argv.slice(2))',
    ].join('\n')
    const r = await ts.process.codeRun(code, { argv: ['z'] })
    expect(r).toMatchObject({ exitCode: 0, result: "42 5 2 x string [ 'z' ]\n" })
  })

  it('a syntax error is reported with its position and exit code 1', async () => {
    const r = await ts.process.codeRun('const x: = 1')
    expect(r.exitCode).toBe(1)
    expect(r.result).toMatch(/1:\d+/)
  })
})
