/**
 * Hostile `node` programs through the public API: each is contained (a timeout, an error, a
 * clear message) and the sandbox, its files and the host carry on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError } from '../../src/index.js'
import type { Sandbox } from '../../src/index.js'

let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create()
  await sandbox.fs.uploadFile(Buffer.from('precious\n'), 'keep.txt')
}, 120_000)

afterAll(async () => {
  await daytona?.dispose()
})

async function node(script: string, timeout = 60) {
  await sandbox.fs.uploadFile(Buffer.from(script), 'hostile.js')
  return sandbox.process.executeCommand('node hostile.js', undefined, undefined, timeout)
}

async function alive(): Promise<void> {
  const r = await sandbox.process.executeCommand(`node -e 'console.log(require("fs").readFileSync("keep.txt", "utf8").trim(), 6 * 7)'`)
  expect(r).toMatchObject({ exitCode: 0, result: 'precious 42\n' })
}

describe('hostile node programs', () => {
  it('an infinite loop is killed at the command timeout; the sandbox and its files stay', async () => {
    const t0 = Date.now()
    await expect(sandbox.process.executeCommand(`node -e 'require("fs").writeFileSync("before.txt", "x"); for(;;){}'`, undefined, undefined, 2)).rejects.toBeInstanceOf(DaytonaTimeoutError)
    expect(Date.now() - t0).toBeLessThan(20_000)
    expect((await sandbox.fs.downloadFile('before.txt')).toString()).toBe('x')
    await alive()
  }, 60_000)

  it('a memory bomb fails inside the guest (out of memory), the host carries on', async () => {
    const r = await node('const a = []\nfor (;;) a.push(new ArrayBuffer(16 << 20))\n')
    expect(r.exitCode).not.toBe(0)
    expect(r.result).toMatch(/out of memory|allocation failed|Maximum/i)
    const caught = await node('const a = []\ntry { for (;;) a.push(new ArrayBuffer(16 << 20)) } catch (e) { a.length = 0; console.log("caught", e.name) }\n')
    expect(caught).toMatchObject({ exitCode: 0 })
    expect(caught.result).toMatch(/^caught (InternalError|RangeError)\n$/)
    await alive()
  }, 120_000)

  it('deep recursion is a catchable RangeError, in JS and in native code', async () => {
    const r = await node(
      [
        'function f(n) { return f(n + 1) + 1 }',
        'try { f(0) } catch (e) { console.log(e instanceof RangeError, e.message) }',
        'let o = {}; for (let i = 0; i < 200000; i++) o = { a: o }',
        'try { JSON.stringify(o) } catch (e) { console.log(e instanceof RangeError) }',
        "try { JSON.parse('['.repeat(100000)) } catch (e) { console.log(e.name) }",
        'const deep = (n) => (n === 0 ? 0 : 1 + deep(n - 1))',
        'console.log(deep(500))',
        'console.log("alive")',
      ].join('\n'),
    )
    expect(r.exitCode).toBe(0)
    const lines = r.result.trim().split('\n')
    expect(lines[0]).toBe('true Maximum call stack size exceeded')
    expect(lines[1]).toBe('true')
    expect(lines[2]).toMatch(/RangeError|SyntaxError/)
    expect(lines.slice(3)).toEqual(['500', 'alive'])
  }, 60_000)

  it('uncaught stack overflow exits 1 with a RangeError, not a host crash', async () => {
    const r = await node('function f() { return f() }\nf()\n')
    expect(r.exitCode).toBe(1)
    expect(r.result).toContain('RangeError: Maximum call stack size exceeded')
    await alive()
  }, 60_000)

  it("modules that need a machine fail with a clear error naming target: 'remote'", async () => {
    for (const name of ['child_process', 'http', 'https', 'net', 'worker_threads', 'cluster', 'dgram', 'tls']) {
      const r = await node(`try { require('${name}') } catch (e) { console.log(e.code, e.message) }`)
      expect(r.exitCode).toBe(0)
      expect(r.result).toContain('ERR_UNAVAILABLE_IN_WASM')
      expect(r.result).toContain(`'${name}' is not available in the WebAssembly sandbox`)
      expect(r.result).toContain("target: 'remote'")
    }
    const uncaught = await node("require('node:child_process').execSync('ls')\n")
    expect(uncaught.exitCode).toBe(1)
    expect(uncaught.result).toContain("The module 'child_process' is not available in the WebAssembly sandbox")
    const esm = await sandbox.process.executeCommand(`node --input-type=module -e "import('child_process').catch((e) => console.log(e.code))"`)
    expect(esm.result).toBe('ERR_UNAVAILABLE_IN_WASM\n')
  }, 120_000)

  it("cannot see the host's files, environment or network", async () => {
    process.env.DAYLITE_HOST_SECRET = 'do-not-leak'
    try {
      const r = await node(
        [
          "const fs = require('fs')",
          `console.log(fs.existsSync(${JSON.stringify(process.cwd() + '/package.json')}), fs.existsSync(${JSON.stringify(import.meta.filename)}))`,
          'console.log(process.env.DAYLITE_HOST_SECRET, Object.values(process.env).includes("do-not-leak"))',
          "fetch('http://example.com').then(() => console.log('fetched'), (e) => console.log('fetch failed:', e.code))",
        ].join('\n'),
      )
      expect(r.result).toBe('false false\nundefined false\nfetch failed: ERR_UNAVAILABLE_IN_WASM\n')
    } finally {
      delete process.env.DAYLITE_HOST_SECRET
    }
  }, 60_000)

  it('an uncaught error and process.exit(n) end the program with their codes, nothing else', async () => {
    const thrown = await node("console.log('out'); throw new TypeError('bad input')\n")
    expect(thrown.exitCode).toBe(1)
    expect(thrown.result).toContain('out\n')
    expect(thrown.result).toContain('TypeError: bad input')
    const exited = await node('setTimeout(() => console.log("late"), 10); process.exit(9)\n')
    expect(exited).toMatchObject({ exitCode: 9, result: '' })
    await alive()
  }, 60_000)
})
