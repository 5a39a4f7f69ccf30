/**
 * Hostile Python: each case ends with a clear result or a typed error within its limit, the host
 * and the sandbox survive, and files written before the fault are intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError, type Sandbox } from '../../src/index.js'

let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create({ language: 'python' })
  await sandbox.fs.uploadFile(Buffer.from('precious'), 'keep.txt')
})
afterAll(async () => {
  await daytona.dispose()
})

async function intact(): Promise<void> {
  expect((await sandbox.fs.downloadFile('keep.txt')).toString()).toBe('precious')
  expect((await sandbox.process.executeCommand('echo ok')).result).toBe('ok\n')
}

describe('hostile python', () => {
  it('while True: pass is killed at its timeout', async () => {
    const t0 = Date.now()
    await expect(sandbox.process.codeRun('while True: pass', undefined, 1)).rejects.toBeInstanceOf(DaytonaTimeoutError)
    expect(Date.now() - t0).toBeLessThan(4000)
    await intact()
  })

  it('a 16 GiB allocation is a clean error (wasm32: OverflowError), 2 GiB a MemoryError, never a host crash', async () => {
    const r = await sandbox.process.codeRun('try:\n    b = bytearray(16 * 1024**3)\nexcept (MemoryError, OverflowError) as e:\n    print(type(e).__name__)\ntry:\n    b = bytearray(2**31 - 1)\nexcept MemoryError as e:\n    print("MemoryError")')
    expect(r.result).toBe('OverflowError\nMemoryError\n')
    const grow = await sandbox.process.codeRun('x = []\ntry:\n    while True:\n        x.append(bytearray(64 * 1024**2))\nexcept MemoryError:\n    n = len(x); x = None; print("stopped after", n)')
    expect(grow.result).toMatch(/^stopped after \d+\n$/)
    await intact()
  })

  it("the sandbox's memory limit caps each process: past it Python gets MemoryError", async () => {
    const small = await daytona.create({ language: 'python', limits: { memoryBytes: 96 * 1024 ** 2 } })
    const r = await small.process.codeRun('try:\n    b = bytearray(128 * 1024**2)\n    print("allocated")\nexcept MemoryError:\n    print("MemoryError")\nc = bytearray(16 * 1024**2)\nprint("small ok")')
    expect(r.result).toBe('MemoryError\nsmall ok\n')
    await small.delete()
  })

  it('os.system and subprocess fail cleanly', async () => {
    const r = await sandbox.process.codeRun(
      'import os, subprocess\ntry:\n    print("system", os.system("ls"))\nexcept Exception as e:\n    print("system", type(e).__name__)\ntry:\n    subprocess.run(["ls"])\nexcept Exception as e:\n    print("subprocess", type(e).__name__)',
    )
    expect(r.exitCode).toBe(0)
    expect(r.result).toMatch(/^system (AttributeError|OSError|-1|127)\nsubprocess \w+Error\n$/)
    await intact()
  })

  it('deep recursion is a RecursionError', async () => {
    const r = await sandbox.process.codeRun('import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RecursionError as e:\n    print("RecursionError")\n', undefined, 30)
    expect(r.result).toMatch(/RecursionError|wasm trap|stack/)
    const plain = await sandbox.process.codeRun('def f(n):\n    return f(n + 1)\nf(0)')
    expect(plain.exitCode).toBe(1)
    expect(plain.result).toContain('RecursionError: maximum recursion depth exceeded')
    await intact()
  })

  it('a flood of output is capped with a marker and the command still ends', async () => {
    const t0 = Date.now()
    const r = await sandbox.process.codeRun('import sys\nline = "x" * 1023 + "\\n"\nfor i in range(200 * 1024):\n    sys.stdout.write(line)\nprint("end")', undefined, 120)
    expect(r.exitCode).toBe(0)
    expect(r.result.length).toBeLessThan(11 * 1024 * 1024)
    expect(r.result).toMatch(/truncated/i)
    expect(Date.now() - t0).toBeLessThan(60_000)
    await intact()
  }, 130_000)

  it('endless output the shell must hold (into wc, into $(…)) is stopped at the capture cap, not the timeout', async () => {
    const t0 = Date.now()
    const flood = `python3 -c "import sys\nwhile True: sys.stdout.write('x' * 100000)"`
    const r = await sandbox.process.executeCommand(`${flood} | wc -c; x=$(${flood}); echo "held \${#x}"`, undefined, undefined, 60)
    expect(r.exitCode).toBe(0)
    expect(r.result).toMatch(/python3: stopped: more than 67108864 bytes of output for the shell to hold/)
    const held = /held (\d+)/.exec(r.result)
    expect(Number(held?.[1])).toBeLessThanOrEqual(64 * 1024 * 1024)
    expect(Date.now() - t0).toBeLessThan(50_000)
    await intact()
  }, 70_000)

  it("cannot see the host's files or environment variables", async () => {
    process.env.DAYLITE_HOST_SECRET = 'do-not-leak'
    const r = await sandbox.process.codeRun(
      'import os\nprint(os.environ.get("DAYLITE_HOST_SECRET"))\nprint(os.path.exists("/work"), os.path.exists("/etc/shadow"), os.path.exists("/proc/self/environ"))\nprint(sorted(os.listdir("/"))[:3])',
    )
    expect(r.result.split('\n')[0]).toBe('None')
    expect(r.result.split('\n')[1]).toBe('False False False')
    delete process.env.DAYLITE_HOST_SECRET
  })

  it('binary garbage as code is a SyntaxError with exit 1', async () => {
    const r = await sandbox.process.codeRun('\u0000\u0001\u00ff garbage \ud7ff')
    expect(r.exitCode).toBe(1)
    expect(r.result).toMatch(/SyntaxError|ValueError/)
    await intact()
  })
})
