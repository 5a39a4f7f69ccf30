/**
 * The soak in short, in CI: bench/soak.mjs (run in full by `npm run soak`: 200 sandboxes for 10
 * minutes) with 20 sandboxes for 30 seconds, in a child process of its own so that its RSS and
 * worker counts are its alone. It checks every answer, then every sandbox's files, and exits
 * non-zero on a failed check, a leaked worker or RSS growth.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SOAK = fileURLToPath(new URL('../../bench/soak.mjs', import.meta.url))

describe('soak (short)', () => {
  it('20 sandboxes under a mixed workload for 30 s: every check passes, no worker is leaked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daylite-soak-'))
    const out = join(dir, 'SOAK.md')
    try {
      const args = ['--expose-gc', SOAK, '--minutes', String(30 / 60), '--sandboxes', '20', '--clients', '6', '--kernel-workers', '4', '--out', out]
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
      let log = ''
      child.stderr.on('data', (d: Buffer) => (log += d.toString()))
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          resolve(null)
        }, 100_000)
        child.on('exit', (c) => {
          clearTimeout(timer)
          resolve(c)
        })
      })
      expect(code, log).toBe(0)
      const report = readFileSync(out, 'utf8')
      expect(report).toContain('| failed checks | 0 |')
      expect(report).toMatch(/\| kernel workers: max alive \/ after deleting all \/ after dispose \| [1-4] \/ \d+ \(leased 0\) \/ 0 \|/)
      const ops = Number(/\| operations checked \| ([\d,]+)/.exec(report)?.[1]?.replace(/,/g, ''))
      expect(ops).toBeGreaterThan(100)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 110_000)
})
