import { describe, expect, it } from 'vitest'
import { makeShell, makeVfs, USER } from './helpers.js'
import { Shell } from '../../src/shell/index.js'

describe('timeouts, disk full, hostile input', () => {
  it('infinite loop stops at timeoutMs with files written before kept', async () => {
    const { shell, vfs } = makeShell()
    const t0 = Date.now()
    const r = await shell.exec('echo kept > k.txt; echo before; while true; do :; done', { timeoutMs: 500 })
    const elapsed = Date.now() - t0
    expect(r.timedOut).toBe(true)
    expect(r.exitCode).toBe(124)
    expect(elapsed).toBeLessThan(2500)
    expect(r.stdout).toBe('before\n')
    expect(new TextDecoder().decode(vfs.readFile('/home/daytona/k.txt'))).toBe('kept\n')
  })

  it('a busy loop ends when the abort generation moves (read between statements, no event loop needed)', async () => {
    let generation = 0
    const { shell, vfs } = makeShell({
      abortGeneration: () => generation,
      // Stands for another thread bumping the shared counter while this one is stuck in the loop.
      commands: { bump: { run: async () => ((generation += 1), { stdout: '', stderr: '', exitCode: 0 }) } },
    })
    const t0 = Date.now()
    const r = await shell.exec('echo kept > k.txt; i=0; while true; do i=$((i+1)); if [ $i = 50 ]; then bump; fi; done; echo never', { timeoutMs: 60_000 })
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(r.timedOut).toBe(true)
    expect(r.output).not.toContain('never')
    expect(new TextDecoder().decode(vfs.readFile('/home/daytona/k.txt'))).toBe('kept\n')
    // The next exec starts from the new generation and runs normally.
    expect((await shell.exec('echo ok')).stdout).toBe('ok\n')
  })

  it('sleep longer than the timeout returns at the timeout', async () => {
    const { shell } = makeShell()
    const t0 = Date.now()
    const r = await shell.exec('sleep 30; echo never', { timeoutMs: 300 })
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(r.timedOut).toBe(true)
    expect(r.output).not.toContain('never')
  })

  it('abort signal cancels', async () => {
    const { shell } = makeShell()
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 200)
    const r = await shell.exec('echo a; sleep 10; echo b', { signal: ac.signal })
    expect(r.timedOut).toBe(true)
    expect(r.output).toMatch(/^a\n/)
    expect(r.output).not.toMatch(/^b$/m)
  })

  it('ENOSPC through a redirect, tee and cp gives non-zero exit and a message, never a rejection', async () => {
    const vfs = makeVfs()
    vfs.setQuota({ maxBytes: vfs.usage().bytes + 2000 })
    const shell = new Shell({ vfs, user: USER })
    const big = 'x'.repeat(3000)
    const r1 = await shell.exec(`echo ok; echo ${big} > big.txt; echo "rc=$?"; { echo ${big}; } >> big.txt`)
    expect(r1.stdout).toBe('ok\nrc=1\n')
    expect(r1.stderr).toMatch(/no space left on device/i)
    expect(r1.exitCode).toBe(1)
    const r2 = await shell.exec(`echo ${big} | tee t.txt >/dev/null; echo "tee=$?"`)
    expect(r2.stdout).toBe('tee=1\n')
    expect(r2.stderr).toMatch(/^tee: /)
    await shell.exec('echo small > s.txt')
    vfs.setQuota({ maxBytes: vfs.usage().bytes + 10 })
    const r3 = await shell.exec(`printf '%3000s' x > /tmp/x 2>/dev/null; cp s.txt s2.txt && cp s.txt s3.txt && cp s.txt s4.txt; echo "cp=$?"`)
    expect(r3.output).toMatch(/cp=1/)
  })

  it('binary garbage as a script is a syntax error, not a crash', async () => {
    const { shell } = makeShell()
    const bytes = new Uint8Array(4096)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff
    const r = await shell.exec(new TextDecoder('latin1').decode(bytes))
    expect(typeof r.exitCode).toBe('number')
    expect(r.exitCode).not.toBe(0)
  })

  it('a 900 KB command line runs; a 1 MB one is a clean error (just-bash parser cap 1,000,000 bytes)', async () => {
    const { shell } = makeShell()
    const ok = await shell.exec(`echo ${'a'.repeat(900 * 1024)} | wc -c`)
    expect(ok.stdout.trim()).toBe(String(900 * 1024 + 1))
    const big = await shell.exec(`echo ${'a'.repeat(1024 * 1024)} | wc -c`)
    expect(big.exitCode).toBe(2)
    expect(big.stderr).toMatch(/Input too large/)
  })

  it('fork-bomb-like recursion is bounded by limits', async () => {
    const { shell } = makeShell()
    const t0 = Date.now()
    const r = await shell.exec('f(){ f|f& }; f', { timeoutMs: 10_000 })
    expect(Date.now() - t0).toBeLessThan(12_000)
    expect(r.exitCode).not.toBe(0)
  })

  it('runaway recursion and command counts hit just-bash limits', async () => {
    const { shell } = makeShell({ limits: { maxCommandCount: 1000, maxCallDepth: 50 } })
    const r1 = await shell.exec('g() { g; }; g')
    expect(r1.exitCode).not.toBe(0)
    expect(r1.stderr).toMatch(/recursion|depth/)
    const r2 = await shell.exec('while true; do :; done')
    expect(r2.exitCode).toBe(126)
  })
})
