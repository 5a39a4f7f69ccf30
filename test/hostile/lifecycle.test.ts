/**
 * Hostile lifecycles: `delete()`, `stop()` and `dispose()` while commands run, a kernel worker
 * that dies under its sandbox, many concurrent calls on one sandbox, and long runs of commands.
 * Every pending call settles with a typed error, nothing hangs, no worker is leaked
 * (`daytona.stats()`), and the files of the last checkpoint survive.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError, type Sandbox } from '../../src/index.js'
import { killAttachedWorker } from '../support/engine.js'
import { PRECIOUS, bystanderOf, contained, failed, seed, settle, succeeded } from './harness.js'

const WATCHDOG_GRACE_MS = 1_000
const PARK_AFTER_MS = 100

let daytona: Daytona
let bystander: Sandbox

beforeAll(async () => {
  daytona = new Daytona({ limits: { parkAfterMs: PARK_AFTER_MS, watchdogGraceMs: WATCHDOG_GRACE_MS } })
  bystander = await bystanderOf(daytona)
})
afterAll(async () => {
  await daytona.dispose()
  expect(daytona.stats()).toMatchObject({ alive: 0, leased: 0, sandboxes: 0 })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until the sandbox has parked: its files are then in the host-side checkpoint. */
async function checkpointed(): Promise<void> {
  await sleep(PARK_AFTER_MS * 4)
}

/** Leases held once every idle sandbox has parked: only sandboxes with work in flight hold one. */
async function leasesWhenIdle(): Promise<number> {
  await sleep(PARK_AFTER_MS * 5)
  return daytona.stats().leased
}

/** Busy commands of each kind: a shell loop (busy kernel), python and node (busy process workers), sleep. */
const BUSY: Record<string, string> = {
  'a shell loop': 'while true; do :; done',
  python: 'python3 -c "while True: pass"',
  node: `node -e 'for (;;) {}'`,
  sleep: 'sleep 60',
}

describe('delete() while a command runs', () => {
  for (const [kind, command] of Object.entries(BUSY)) {
    it(`${kind}: the command settles with a typed error, delete() returns promptly, no lease is left`, async () => {
      const s = await daytona.create()
      await seed(s)
      const running = settle(s.process.executeCommand(command), 10_000)
      await sleep(500)
      const del = await settle(s.delete(), WATCHDOG_GRACE_MS + 3_000)
      succeeded(del)
      const r = await running
      const e = failed(r)
      expect(e).not.toBeInstanceOf(DaytonaTimeoutError)
      expect(r.ms).toBeLessThan(5_000)
      failed(await settle(s.process.executeCommand('echo gone'), 5_000))
      await contained(undefined, bystander)
      expect(await leasesWhenIdle()).toBe(0)
    }, 30_000)
  }

  it('session commands and code-interpreter runs settle too (the session logs say why)', async () => {
    const s = await daytona.create({ language: 'python' })
    await seed(s)
    await s.process.createSession('busy')
    const session = settle(s.process.executeSessionCommand('busy', { command: 'sleep 60' }), 10_000)
    const async = await s.process.executeSessionCommand('busy', { command: 'echo queued', runAsync: true })
    const interp = settle(s.codeInterpreter.runCode('while True: pass'), 10_000)
    await sleep(500)
    succeeded(await settle(s.delete(), WATCHDOG_GRACE_MS + 3_000))
    const sr = await session
    // A session command records its failure as exit code and log (as Daytona's daemon does).
    if (sr.ok) expect(sr.value.exitCode).not.toBe(0)
    failed(await interp)
    expect(async.cmdId).toBeTruthy()
    await contained(undefined, bystander)
    expect(await leasesWhenIdle()).toBe(0)
  }, 30_000)
})

describe('stop() while a command runs', () => {
  for (const kind of ['python', 'node', 'sleep']) {
    it(`${kind}: the command is aborted with a typed error (not a timeout); start() brings back every file`, async () => {
      const s = await daytona.create()
      await seed(s)
      await s.fs.uploadFile(Buffer.from(PRECIOUS), 'just-written.txt') // after the last checkpoint
      const running = settle(s.process.executeCommand(BUSY[kind] as string), 10_000)
      await sleep(500)
      const stop = await settle(s.stop(), WATCHDOG_GRACE_MS + 3_000)
      succeeded(stop)
      const e = failed(await running)
      expect(e, e.message).not.toBeInstanceOf(DaytonaTimeoutError)
      expect(s.state).toBe('stopped')
      failed(await settle(s.process.executeCommand('echo stopped'), 5_000))
      await s.start()
      await contained(s, bystander, ['keep.txt', 'just-written.txt'])
      await s.delete()
    }, 30_000)
  }

  it('a busy shell loop: stop() ends it at once (the shared abort generation) and every file survives, even those after the checkpoint', async () => {
    const s = await daytona.create()
    await seed(s)
    await s.process.executeCommand('echo hi')
    await checkpointed()
    await s.fs.uploadFile(Buffer.from(PRECIOUS), 'just-written.txt') // after the last checkpoint
    const running = settle(s.process.executeCommand(`echo during > during.txt; ${BUSY['a shell loop'] as string}`), 10_000)
    await sleep(300)
    const stop = await settle(s.stop(), WATCHDOG_GRACE_MS + 3_000)
    succeeded(stop)
    // Well inside the watchdog's grace: the kernel was not terminated, it handed its state back.
    expect(stop.ms).toBeLessThan(WATCHDOG_GRACE_MS)
    const e = failed(await running)
    expect(e, e.message).not.toBeInstanceOf(DaytonaTimeoutError)
    await s.start()
    await contained(s, bystander, ['keep.txt', 'just-written.txt'])
    expect((await s.fs.downloadFile('during.txt')).toString()).toBe('during\n')
    await s.delete()
  }, 30_000)

  it('dispose() with commands running everywhere: every call settles, no worker is left', async () => {
    const d = new Daytona({ limits: { watchdogGraceMs: WATCHDOG_GRACE_MS } })
    const boxes = await Promise.all([d.create(), d.create(), d.create()])
    const calls = boxes.flatMap((b) => Object.values(BUSY).map((c) => settle(b.process.executeCommand(c), 10_000)))
    await sleep(500)
    succeeded(await settle(d.dispose(), 5_000))
    for (const r of await Promise.all(calls)) failed(r)
    expect(d.stats()).toMatchObject({ alive: 0, idle: 0, leased: 0, sandboxes: 0 })
    failed(await settle(d.create(), 5_000))
    await contained(undefined, bystander)
  }, 30_000)
})

describe('a kernel worker that dies', () => {
  it('the sandbox reports error, a call in flight settles typed, recover() brings back its files', async () => {
    const s = await daytona.create()
    await seed(s)
    await s.process.executeCommand('mkdir -p data && echo 1 > data/one')
    await checkpointed()
    const running = settle(s.process.executeCommand('sleep 30'), 10_000)
    await sleep(200)
    await killAttachedWorker(s)
    const e = failed(await running)
    expect(e.message).toMatch(/kernel|crash|stopped|terminated/i)
    await s.refreshData()
    expect(s.state).toBe('error')
    expect(s.recoverable).toBe(true)
    expect(s.errorReason).toMatch(/recover\(\)/)
    // Calls on a sandbox in error fail at once with a typed error; start() says to recover.
    failed(await settle(s.process.executeCommand('echo'), 5_000))
    failed(await settle(s.start(), 5_000))
    await contained(undefined, bystander)
    succeeded(await settle(s.recover(), 10_000))
    expect(s.state).toBe('started')
    expect((await s.process.executeCommand('cat data/one')).result).toBe('1\n')
    await contained(s, bystander)
    await s.delete()
    expect(await leasesWhenIdle()).toBe(0)
  }, 30_000)

  it('a crash right after writes loses only what came after the last checkpoint, never the sandbox', async () => {
    const s = await daytona.create()
    await seed(s)
    await checkpointed()
    await s.fs.uploadFile(Buffer.from('late'), 'late.txt')
    await killAttachedWorker(s)
    await s.refreshData()
    expect(s.state).toBe('error')
    await s.recover()
    await contained(s, bystander)
    failed(await settle(s.fs.downloadFile('late.txt'), 5_000))
    // Recovered twice in a row is fine too.
    await s.process.executeCommand('echo x')
    await killAttachedWorker(s)
    await s.recover()
    await contained(s, bystander)
    await s.delete()
  }, 30_000)
})

describe('load on one sandbox', () => {
  it('50 concurrent mixed calls (exec, fs, codeRun, node, sessions, interpreter) all answer correctly', async () => {
    const s = await daytona.create({ language: 'python' })
    await s.resize({ cpu: 2 })
    await seed(s)
    await s.process.createSession('shared')
    const checks: Promise<boolean>[] = []
    for (let i = 0; i < 50; i++) {
      switch (i % 8) {
        case 0:
          checks.push(s.process.executeCommand(`echo ${i} > f${i}.txt && cat f${i}.txt`).then((r) => r.result === `${i}\n`))
          break
        case 1:
          checks.push(s.fs.uploadFile(Buffer.from(`u${i}`), `up/u${i}.txt`).then(() => s.fs.downloadFile(`up/u${i}.txt`)).then((b) => b.toString() === `u${i}`))
          break
        case 2:
          checks.push(s.process.codeRun(`print(${i} * 2)`).then((r) => r.result === `${i * 2}\n`))
          break
        case 3:
          checks.push(s.fs.listFiles('.').then((l) => l.some((f) => f.name === 'keep.txt')))
          break
        case 4:
          checks.push(s.process.executeCommand(`node -e 'console.log(${i} + 1)'`).then((r) => r.result === `${i + 1}\n`))
          break
        case 5:
          checks.push(s.process.executeSessionCommand('shared', { command: `echo s${i}` }).then((r) => r.output === `s${i}\n`))
          break
        case 6:
          checks.push(s.codeInterpreter.runCode(`print(${i})`).then((r) => r.stdout === `${i}\n`))
          break
        default:
          checks.push(s.fs.findFiles('.', 'precious').then((m) => m.some((x) => x.file.endsWith('/keep.txt'))))
      }
    }
    const outcome = await settle(Promise.all(checks), 90_000)
    expect(succeeded(outcome)).toEqual(checks.map(() => true))
    await contained(s, bystander)
    await s.delete()
  }, 100_000)

  it('1,000 sequential commands: the host heap does not grow, no worker is added', async () => {
    // Measured with a real collection: --expose-gc turned on at run time, gc() from a fresh context.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const s = await daytona.create()
    await seed(s)
    for (let i = 0; i < 100; i++) await s.process.executeCommand(`echo warm ${i}`)
    const before = heap(gc)
    const workers = daytona.stats().alive
    for (let i = 0; i < 1_000; i++) {
      const r = await s.process.executeCommand(i % 10 === 0 ? `echo ${i} >> log.txt; wc -l < log.txt` : `echo ${i}`)
      if (i % 10 !== 0) expect(r.result).toBe(`${i}\n`)
    }
    const after = heap(gc)
    // Heap + external of the host after a full GC: grows by well under a MiB over 1,000 commands
    // (a leak of a command's output, callbacks or listeners would be tens of MiB here).
    expect(after - before).toBeLessThan(4 * 1024 * 1024)
    expect(daytona.stats().alive).toBeLessThanOrEqual(workers)
    expect((await s.process.executeCommand('wc -l < log.txt')).result).toBe('100\n')
    await contained(s, bystander)
    await s.delete()
  }, 120_000)

  it('200 sandboxes created, used and deleted leave no worker and no lease behind', async () => {
    const before = daytona.stats()
    for (let round = 0; round < 4; round++) {
      const boxes = await Promise.all(Array.from({ length: 50 }, () => daytona.create()))
      const results = await Promise.all(boxes.map((b, i) => b.process.executeCommand(`echo ${i}`)))
      expect(results.map((r) => r.result)).toEqual(boxes.map((_, i) => `${i}\n`))
      await Promise.all(boxes.map((b) => b.delete()))
    }
    expect(daytona.stats().sandboxes).toBe(before.sandboxes)
    expect(await leasesWhenIdle()).toBe(0)
    expect(daytona.stats().alive).toBeLessThanOrEqual(8)
    await contained(undefined, bystander)
  }, 120_000)
})

/** Host heap plus external memory after a full collection. */
function heap(gc: () => void): number {
  gc()
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.external
}
