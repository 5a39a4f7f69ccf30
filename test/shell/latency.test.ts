/**
 * Latency numbers for docs/decisions/0001-shell.md. Runs only with DAYLITE_BENCH=1.
 */
import { Bash, InMemoryFs } from 'just-bash'
import { describe, expect, it } from 'vitest'
import { makeShell } from './helpers.js'

/** Medians of `a` and `b`, measured alternately so JIT warm-up and GC hit both alike. */
async function medians(n: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  for (let i = 0; i < 5; i++) {
    await a()
    await b()
  }
  const ta: number[] = []
  const tb: number[] = []
  for (let i = 0; i < n; i++) {
    let t = performance.now()
    await a()
    ta.push(performance.now() - t)
    t = performance.now()
    await b()
    tb.push(performance.now() - t)
  }
  const med = (x: number[]): number => x.sort((p, q) => p - q)[Math.floor(x.length / 2)] ?? 0
  return [med(ta), med(tb)]
}

describe.skipIf(process.env.DAYLITE_BENCH !== '1')('latency', () => {
  it('daylite Shell over Vfs vs just-bash over InMemoryFs', async () => {
    const { shell, vfs } = makeShell()
    const mem = new InMemoryFs()
    const bash = new Bash({ fs: mem, defenseInDepth: false, cwd: '/w' })
    for (let d = 0; d < 20; d++) {
      vfs.mkdir(`/w/d${d}`, { recursive: true })
      await mem.mkdir(`/w/d${d}`, { recursive: true })
      for (let f = 0; f < 50; f++) {
        const text = `line one\n${f % 7 === 0 ? 'NEEDLE here\n' : 'nothing\n'}`.repeat(5)
        vfs.writeFile(`/w/d${d}/f${f}.txt`, text)
        await mem.writeFile(`/w/d${d}/f${f}.txt`, text)
      }
    }
    const rows: [string, number, number][] = []
    for (const [label, script, n] of [
      ['echo hi', 'echo hi', 500],
      ['echo a; echo b >&2; echo c', 'echo a; echo b >&2; echo c', 200],
      ['ls -l of 50 files', 'ls -l /w/d0 > /dev/null', 100],
      ['grep -r over 1,000 files', 'grep -r NEEDLE /w | wc -l', 30],
      ['for loop 1000 iterations', 'for i in $(seq 1000); do x=$((i*2)); done', 30],
    ] as const) {
      const [a, b] = await medians(n, () => shell.exec(script, { cwd: '/w' }), () => bash.exec(script))
      rows.push([label, a, b])
    }
    const ses = shell.createSession('/w')
    const [s1, s2] = await medians(200, () => shell.exec('echo hi', { session: ses }), () => shell.exec('echo hi'))
    rows.push(['echo hi in a session (vs no session)', s1, s2])
    console.log(`\n${rows.map(([l, a, b]) => `| ${l} | ${a.toFixed(2)} ms | ${b.toFixed(2)} ms |`).join('\n')}`)
    const grep = await shell.exec('grep -r NEEDLE /w | wc -l')
    expect(grep.stdout.trim()).toBe(String(20 * 8 * 5))
  })
})
