import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Daytona, DaytonaGoneError } from '../../src/index.js'

describe('kernel workers', () => {
  it('dispose leaves no worker alive and later calls fail with a typed error', async () => {
    const daytona = new Daytona()
    const boxes = await Promise.all([daytona.create(), daytona.create(), daytona.create()])
    await Promise.all(boxes.map((b) => b.process.executeCommand('echo hi')))
    expect(daytona.stats().alive).toBeGreaterThan(0)
    await daytona.dispose()
    expect(daytona.stats()).toMatchObject({ alive: 0, idle: 0, leased: 0, sandboxes: 0 })
    await expect(daytona.create()).rejects.toBeInstanceOf(DaytonaGoneError)
    await expect(boxes[0]?.process.executeCommand('echo')).rejects.toBeTruthy()
    await daytona.dispose() // twice is fine
  })

  it('await using disposes', async () => {
    let stats
    {
      await using daytona = new Daytona()
      const s = await daytona.create()
      await s.process.executeCommand('true')
      stats = daytona
    }
    expect(stats.stats().alive).toBe(0)
  })

  it('a process that forgets to dispose still exits (idle workers do not hold it)', async () => {
    const script = `
      import { Daytona } from ${JSON.stringify(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))}
      const d = new Daytona()
      const s = await d.create()
      const r = await s.process.executeCommand('echo done')
      process.stdout.write(r.result)
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve(null)
      }, 15_000)
      child.on('exit', (c) => {
        clearTimeout(timer)
        resolve(c)
      })
    })
    expect(out).toBe('done\n')
    expect(code).toBe(0)
  })

  it('shares a bounded pool: 100 sandboxes created and used concurrently', async () => {
    const daytona = new Daytona({ limits: { maxKernelWorkers: 4, parkAfterMs: 10 } })
    let peak = 0
    const sampler = setInterval(() => (peak = Math.max(peak, daytona.stats().alive)), 1)
    try {
      const boxes = await Promise.all(Array.from({ length: 100 }, (_, i) => daytona.create({ labels: { i: String(i) } })))
      const results = await Promise.all(
        boxes.map(async (b, i) => {
          await b.fs.uploadFile(Buffer.from(`n${i}`), 'n.txt')
          return (await b.process.executeCommand('cat n.txt; echo; ls | wc -l')).result
        }),
      )
      expect(results).toEqual(boxes.map((_, i) => `n${i}\n1\n`))
      expect(daytona.stats().alive).toBeLessThanOrEqual(4)
      // every sandbox kept its own file through parking and re-attaching
      const again = await Promise.all(boxes.map((b) => b.process.executeCommand('cat n.txt')))
      expect(again.map((r) => r.result)).toEqual(boxes.map((_, i) => `n${i}`))
      expect(peak).toBeLessThanOrEqual(4)
    } finally {
      clearInterval(sampler)
      await daytona.dispose()
    }
  }, 120_000)

  it('a crashed kernel puts the sandbox in the error state; recover() brings its files back', async () => {
    const daytona = new Daytona({ limits: { parkAfterMs: 30 } })
    try {
      const s = await daytona.create()
      await s.process.executeCommand('echo safe > safe.txt')
      await new Promise((r) => setTimeout(r, 200)) // parked: safe.txt is in the host-side checkpoint
      await s.process.executeCommand('echo hi') // attached again
      // Simulate a crash: the worker dies under the sandbox.
      const { killAttachedWorker } = await import('../support/engine.js')
      await killAttachedWorker(s)
      await s.refreshData()
      expect(s.state).toBe('error')
      expect(s.recoverable).toBe(true)
      await s.recover()
      expect(s.state).toBe('started')
      expect((await s.process.executeCommand('cat safe.txt')).result).toBe('safe\n')
    } finally {
      await daytona.dispose()
    }
  })
})
