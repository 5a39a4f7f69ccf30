import { describe, expect, it } from 'vitest'
import { makeShell } from './helpers.js'

function timed(): { log: [number, string][]; push: (s: string) => void } {
  const t0 = Date.now()
  const log: [number, string][] = []
  return { log, push: (s) => log.push([Date.now() - t0, s]) }
}

describe('interleaving and streaming', () => {
  it('output interleaves stdout and stderr in write order', async () => {
    const { shell } = makeShell()
    const r = await shell.exec('echo a; echo b >&2; echo c')
    expect(r.output).toBe('a\nb\nc\n')
    expect(r.stdout).toBe('a\nc\n')
    expect(r.stderr).toBe('b\n')
  })

  it('interleaves inside loops, functions and groups; redirects keep bash semantics', async () => {
    const { shell } = makeShell()
    const r = await shell.exec('for i in 1 2; do echo o$i; echo e$i >&2; done; f() { echo fo; echo fe >&2; }; f; { echo g1; echo g2 >&2; } 2>&1; echo x 2>&1 >/dev/null; ls /nope 2>&1 >/dev/null | tr a-z A-Z')
    expect(r.output).toBe("o1\ne1\no2\ne2\nfo\nfe\ng1\ng2\nLS: CANNOT ACCESS '/NOPE': NO SUCH FILE OR DIRECTORY\n")
    expect(r.stderr).toBe('e1\ne2\nfe\n')
  })

  it('captured contexts are not streamed: $(...), pipes, redirected loops', async () => {
    const { shell } = makeShell()
    const chunks: string[] = []
    const r = await shell.exec('x=$(echo in-sub); echo "$x"; for i in 1 2; do echo $i; done | wc -l; for i in 1 2; do echo $i; done > f; cat f', { onStdout: (s) => chunks.push(s) })
    expect(r.stdout).toBe('in-sub\n2\n1\n2\n')
    expect(chunks.join('')).toBe(r.stdout)
  })

  it('echo a; sleep 1; echo b delivers a before the sleep ends', async () => {
    const { shell } = makeShell()
    const t = timed()
    const r = await shell.exec('echo a; sleep 1; echo b', { onStdout: t.push })
    expect(r.output).toBe('a\nb\n')
    expect(t.log.map((x) => x[1])).toEqual(['a\n', 'b\n'])
    expect(t.log[0]?.[0]).toBeLessThan(300)
    expect(t.log[1]?.[0]).toBeGreaterThanOrEqual(900)
  })

  it('a for loop with sleeps streams each iteration (stdout and stderr)', async () => {
    const { shell } = makeShell()
    const t = timed()
    await shell.exec('for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.3; done', { onStdout: t.push, onStderr: t.push })
    expect(t.log.map((x) => x[1])).toEqual(['out1\n', 'err1\n', 'out2\n', 'err2\n', 'out3\n', 'err3\n'])
    const at = t.log.map((x) => x[0])
    expect(at[0]).toBeLessThan(200)
    expect(at[2]).toBeGreaterThanOrEqual(250)
    expect(at[4]).toBeGreaterThanOrEqual(550)
  })

  it('a function call streams when it returns', async () => {
    const { shell } = makeShell()
    const t = timed()
    await shell.exec('f() { echo in-f; }; f; sleep 0.5; echo after', { onStdout: t.push })
    expect(t.log[0]).toEqual([expect.any(Number), 'in-f\n'])
    expect(t.log[0]?.[0]).toBeLessThan(300)
  })

  it('caps kept output with a marker', async () => {
    const { shell } = makeShell({ limits: { maxOutputBytes: 1000 } })
    const r = await shell.exec('for i in $(seq 1 500); do echo line$i; done; echo done')
    expect(r.truncated).toBe(true)
    expect(r.output.length).toBeLessThan(1100)
    expect(r.output).toContain('[daylite: output truncated]')
    expect(r.exitCode).toBe(0)
  })
})

describe('streaming commands (ShellCommand.streams)', () => {
  const enc = new TextEncoder()
  /** Writes "a", waits, writes "b" to the stream(s) it may write to; returns the rest as its result. */
  const ticker = {
    streams: true,
    async run(args: string[], ctx: import('../../src/shell/index.js').ShellCommandContext) {
      let stdout = ''
      let stderr = ''
      for (const part of ['a', 'b']) {
        if (ctx.stdout) ctx.stdout(enc.encode(`${part}\n`))
        else stdout += `${part}\n`
        if (ctx.stderr) ctx.stderr(enc.encode(`E${part}\n`))
        else stderr += `E${part}\n`
        await new Promise((r) => setTimeout(r, 150))
      }
      return { stdout: stdout + args.join(' '), stderr, exitCode: 0 }
    },
  }

  it('a streaming command reaches the caller while it runs, alone or inside a script', async () => {
    for (const script of ['tick x', 'echo start; tick x; echo end', 'for i in 1; do tick x; done']) {
      const { shell } = makeShell({ commands: { tick: ticker } })
      const t = timed()
      const r = await shell.exec(script, { onStdout: t.push })
      const first = t.log.find(([, s]) => s.includes('a'))
      expect(first?.[0], script).toBeLessThan(140)
      expect(r.output.replace(/start\n|end\n/g, ''), script).toBe('a\nEa\nb\nEb\nx')
    }
  })

  it('does not stream what is captured, piped or redirected, and strips its marker', async () => {
    const { shell, vfs } = makeShell({ commands: { tick: ticker } })
    const r = await shell.exec('v=$(tick 1); echo "[$v]"; tick 2 | tr a-z A-Z; tick 3 > /tmp/o 2>&1; cat /tmp/o; tick 4 2>/dev/null')
    expect(r.stdout).toBe('[a\nb\n1]\nA\nB\n2a\nb\n3Ea\nEb\na\nb\n4')
    expect(vfs.readFile('/tmp/o')).toBeDefined()
  })

  it('a shell function of the same name gets no marker', async () => {
    const { shell } = makeShell({ commands: { tick: ticker } })
    const r = await shell.exec('tick() { echo "fn:$#:$1"; }; tick q')
    expect(r.stdout).toBe('fn:1:q\n')
  })
})
