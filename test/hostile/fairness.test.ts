/**
 * Fair sharing: a sandbox running many busy programs gets `cpu` of them at a time (the rest queue),
 * so another sandbox's commands keep answering quickly on the same host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError, type Sandbox } from '../../src/index.js'

let daytona: Daytona
let busy: Sandbox
let quiet: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  busy = await daytona.create({ language: 'python' }) // Daytona's default: 1 vCPU = one process at a time
  quiet = await daytona.create()
  // Warm both: the python runtime and image, and the quiet sandbox's kernel.
  await busy.process.executeCommand('python3 -c "print(1)"')
  for (let i = 0; i < 20; i++) await quiet.process.executeCommand('echo warm')
})
afterAll(async () => {
  await daytona.dispose()
})

describe('fair sharing', () => {
  it("50 busy python processes in one sandbox do not stall another sandbox's echo", async () => {
    const started = Date.now()
    const flood = Array.from({ length: 50 }, () =>
      busy.process.executeCommand('python3 -c "while True: pass"', undefined, undefined, 3).catch((e: unknown) => e),
    )
    await new Promise((r) => setTimeout(r, 300)) // the flood is running
    const latencies: number[] = []
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now()
      const r = await quiet.process.executeCommand('echo hi')
      latencies.push(performance.now() - t0)
      expect(r.result).toBe('hi\n')
    }
    latencies.sort((a, b) => a - b)
    const p50 = latencies[15] ?? Infinity
    // A few milliseconds on an idle machine (echo alone is ~0.5 ms); generous for shared CI machines.
    expect(p50).toBeLessThan(25)
    // The flood queued behind one slot: the first ran to its 3 s timeout, the rest waited their turn
    // and timed out too (a queued command's deadline counts while it waits).
    const results = await Promise.all(flood)
    expect(results.every((r) => r instanceof DaytonaTimeoutError)).toBe(true)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect((await busy.process.executeCommand('echo alive')).result).toBe('alive\n')
  }, 60_000)

  it('resize raises the number of processes a sandbox runs at once', async () => {
    const s = await daytona.create({ language: 'python' })
    const two = () => Promise.all([0, 1].map(() => s.process.executeCommand('python3 -c "import time; time.sleep(0.6)"')))
    let t0 = performance.now()
    await two()
    const serial = performance.now() - t0
    await s.resize({ cpu: 2 })
    t0 = performance.now()
    await two()
    const parallel = performance.now() - t0
    expect(serial).toBeGreaterThan(1150)
    expect(parallel).toBeLessThan(serial - 300)
    await s.delete()
  }, 30_000)
})
