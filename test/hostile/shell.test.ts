/**
 * Hostile shell scripts: runaway loops, memory bombs, deep recursion, output floods, huge
 * commands and environments, a process flood, garbage as a script, a full disk. Each ends with a
 * clear result or a typed error within its limit (plus slack), and the fault stays contained
 * (harness.ts). Python and JavaScript programs have their own suites (python.test.ts here,
 * test/node/hostile.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError, DaytonaValidationError, type Sandbox } from '../../src/index.js'
import { PRECIOUS, bystanderOf, contained, failed, seed, settle, succeeded } from './harness.js'

const MiB = 1024 * 1024

let daytona: Daytona
let bystander: Sandbox
/** The hostile sandbox, with shell limits lowered so that each limit is reached in about a second. */
let sh: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  bystander = await bystanderOf(daytona)
  sh = await daytona.create({ limits: { maxShellCommands: 100_000, maxOutputBytes: 64 * 1024, diskBytes: 8 * MiB } })
  await seed(sh)
})
afterAll(async () => {
  await daytona.dispose()
  expect(daytona.stats().alive).toBe(0)
})

async function run(command: string, limitMs: number, timeout?: number) {
  return settle(sh.process.executeCommand(command, undefined, undefined, timeout), limitMs)
}

describe('hostile shell: runaway loops', () => {
  it('while true; do :; done without a timeout stops at maxShellCommands (exit 126, the limit named)', async () => {
    const r = succeeded(await run('while true; do :; done', 30_000))
    expect(r.exitCode).toBe(126)
    expect(r.result).toMatch(/too many commands executed \(>100000\)/)
    await contained(sh, bystander)
  }, 40_000)

  it('with a timeout the same loop is a DaytonaTimeoutError at its deadline', async () => {
    const o = await run('echo before > before.txt; while true; do :; done', 1_000 + 4_000, 1)
    failed(o, DaytonaTimeoutError)
    expect(o.ms).toBeGreaterThanOrEqual(950)
    expect((await sh.fs.downloadFile('before.txt')).toString()).toBe('before\n')
    await contained(sh, bystander)
  })

  it('a loop without commands stops at maxLoopIterations; until/for ((;;)) loops too', async () => {
    const tight = await daytona.create({ limits: { maxLoopIterations: 10_000 } })
    await seed(tight)
    for (const loop of ['while :; do :; done', 'until false; do :; done', 'for ((;;)); do :; done']) {
      const r = succeeded(await settle(tight.process.executeCommand(loop), 20_000))
      expect(r.exitCode, loop).toBe(126)
      expect(r.result, loop).toMatch(/too many iterations \(10000\)|too many commands/)
    }
    await contained(tight, bystander)
    await tight.delete()
  }, 60_000)
})

describe('hostile shell: memory bombs', () => {
  it('a doubling string x="$x$x" stops at the string length limit (64 MiB)', async () => {
    const r = succeeded(await run('x=a; while true; do x="$x$x"; done', 30_000))
    expect(r.exitCode).toBe(126)
    expect(r.result).toMatch(/string length limit exceeded/)
    await contained(sh, bystander)
  }, 40_000)

  it('a growing array is stopped by a timeout (a+=() is quadratic in the shell), the kernel answers again', async () => {
    const o = await run('a=(); while :; do a+=(x x x x x x x x); done', 2_000 + 4_000, 2)
    failed(o, DaytonaTimeoutError)
    await contained(sh, bystander)
  })

  it('yes | head -c variants and $(yes) are bounded (yes stops after at most 1 MiB)', async () => {
    for (const cmd of ['yes | head -c 100M | wc -c', 'yes | head -c 104857600 | wc -c', 'yes "$(printf %01000d 0)" | head -n 1000000 | wc -c', 'x=$(yes); echo ${#x}', 'cat /dev/zero | head -c 104857600 | wc -c']) {
      const r = succeeded(await run(cmd, 20_000))
      expect(r.exitCode, cmd).toBe(0)
      expect(Number(r.result.trim()), cmd).toBeLessThanOrEqual(MiB)
    }
    await contained(sh, bystander)
  }, 60_000)

  it('brace expansion bombs stop at their work limit', async () => {
    const r = succeeded(await run(`echo ${'{a,b}'.repeat(24)} | wc -c`, 20_000))
    expect(r.exitCode).toBe(126)
    expect(r.result).toMatch(/brace expansion/)
    await contained(sh, bystander)
  })
})

describe('hostile shell: recursion', () => {
  it('f() { f; }; f stops at maxCallDepth', async () => {
    const r = succeeded(await run('f() { f; }; f', 20_000))
    expect(r.exitCode).toBe(126)
    expect(r.result).toMatch(/maximum recursion depth \(1000\) exceeded/)
    await contained(sh, bystander)
  })

  it('the fork bomb :(){ :|:& };: ends at the call depth limit', async () => {
    const r = succeeded(await run(':(){ :|:& };:', 20_000, 20))
    expect(r.exitCode).toBe(126)
    expect(r.result).toMatch(/maximum recursion depth/)
    await contained(sh, bystander)
  })

  it('nested command substitution f() { echo $(f); } stops at its nesting limit', async () => {
    const r = succeeded(await run('f() { echo $(f); }; f', 20_000))
    expect(r.exitCode).toBe(126)
    expect(r.result).toMatch(/substitution nesting limit exceeded/)
    await contained(sh, bystander)
  })
})

describe('hostile shell: output floods', () => {
  it('an echo loop is capped at maxOutputBytes with the marker, and the script still ends', async () => {
    const r = succeeded(await run('i=0; while [ $i -lt 20000 ]; do echo "line $i of the flood"; i=$((i+1)); done; echo end', 60_000))
    expect(r.exitCode).toBe(0)
    expect(r.result).toContain('[daylite: output truncated]')
    // The cap is in bytes: about 64 KiB of ASCII is kept (not a third of it), then the marker.
    expect(r.result.length).toBeGreaterThan(60 * 1024)
    expect(r.result.length).toBeLessThan(64 * 1024 + 100)
    expect(r.result).not.toContain('end\n')
    await contained(sh, bystander)
  }, 70_000)

  it('yes | head -c 100M and a session flood end with bounded logs', async () => {
    const r = succeeded(await run('yes | head -c 100M; yes flood', 20_000))
    expect(r.exitCode).toBe(0)
    expect(r.result.length).toBeLessThanOrEqual(64 * 1024 + 100)
    await sh.process.createSession('flood')
    const s = succeeded(await settle(sh.process.executeSessionCommand('flood', { command: 'for i in $(seq 5000); do echo "session flood line $i"; done' }), 30_000))
    expect(s.exitCode).toBe(0)
    expect((s.output ?? '').length).toBeLessThanOrEqual(64 * 1024 + 200)
    expect(s.output).toMatch(/truncated/)
    await sh.process.deleteSession('flood')
    await contained(sh, bystander)
  }, 40_000)
})

describe('hostile shell: huge commands and environments', () => {
  it('a 10 MB command is refused before it runs (executeCommand and sessions); 10 MB of code goes through codeRun as stdin', async () => {
    const huge = `echo ${'a'.repeat(10 * MiB)}`
    const e = failed(await settle(sh.process.executeCommand(huge), 5_000), DaytonaValidationError)
    expect(e.code).toBe('LIMIT_EXCEEDED')
    await sh.process.createSession('huge')
    failed(await settle(sh.process.executeSessionCommand('huge', { command: huge }), 5_000), DaytonaValidationError)
    const py = await daytona.create({ language: 'python' })
    const r = succeeded(await settle(py.process.codeRun(`# ${'x'.repeat(10 * MiB)}\nprint("read it all")`), 60_000))
    expect(r).toMatchObject({ exitCode: 0, result: 'read it all\n' })
    await py.delete()
    await contained(sh, bystander)
  }, 70_000)

  it('an environment of 100k variables works; a 50 MB value is refused with LIMIT_EXCEEDED (maxEnvBytes)', async () => {
    const many: Record<string, string> = {}
    for (let i = 0; i < 100_000; i++) many[`V${i}`] = 'x'
    const r = succeeded(await settle(sh.process.executeCommand('echo $V0 $V99999', undefined, many), 30_000))
    expect(r.result).toBe('x x\n')
    const big = { BIG: 'x'.repeat(50 * MiB) }
    expect(failed(await settle(sh.process.executeCommand('echo ${#BIG}', undefined, big), 5_000), DaytonaValidationError).code).toBe('LIMIT_EXCEEDED')
    expect(failed(await settle(sh.process.codeRun('print(1)', { env: big }), 5_000), DaytonaValidationError).code).toBe('LIMIT_EXCEEDED')
    expect(failed(await settle(sh.updateEnv(big), 5_000), DaytonaValidationError).code).toBe('LIMIT_EXCEEDED')
    failed(await settle(sh.process.executeCommand('true', undefined, { A: 1 } as never), 5_000), DaytonaValidationError)
    failed(await settle(sh.process.executeCommand('true', undefined, ['x'] as never), 5_000), DaytonaValidationError)
    await contained(sh, bystander)
  }, 60_000)
})

describe('hostile shell: processes, garbage, disk', () => {
  it('200 background python3 processes run cpu at a time and all finish', async () => {
    const py = await daytona.create({ language: 'python' })
    await seed(py)
    const r = succeeded(await settle(py.process.executeCommand("for i in $(seq 200); do python3 -c 'print(1)' & done; wait", undefined, undefined, 170), 180_000))
    expect(r.exitCode).toBe(0)
    expect(r.result).toBe('1\n'.repeat(200))
    await contained(py, bystander)
    await py.delete()
  }, 190_000)

  it('binary garbage as a script, a sourced file, an executable and the command itself fails cleanly', async () => {
    const garbage = Buffer.alloc(4096)
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256
    await sh.fs.uploadFile(garbage, 'g.bin')
    await sh.fs.uploadFile(Buffer.concat([Buffer.from('#!/bin/sh\n'), garbage]), 'g.sh')
    const r = succeeded(await run('sh g.bin; echo rc=$?; chmod +x g.bin g.sh; ./g.bin; echo rc=$?; ./g.sh; echo rc=$?; . ./g.bin; echo rc=$?', 20_000))
    const codes = [...r.result.matchAll(/rc=(\d+)/g)].map((m) => Number(m[1]))
    expect(codes).toHaveLength(4)
    for (const c of codes) expect(c).toBeGreaterThan(0)
    for (const enc of ['latin1', 'utf8'] as const) {
      const g = succeeded(await run(garbage.toString(enc).replace(/\0/g, ''), 20_000))
      expect(g.exitCode).toBeGreaterThan(0)
    }
    await contained(sh, bystander)
  }, 40_000)

  it('binary garbage as JavaScript or TypeScript (a file, stdin, codeRun) is a SyntaxError with exit 1', async () => {
    const garbage = Buffer.alloc(2048)
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 104729 + 7) % 256
    await sh.fs.uploadFile(garbage, 'g.js')
    const r = succeeded(await run('node g.js; echo rc=$?; node - < g.js; echo rc=$?; ts-node g.js; echo rc=$?', 60_000))
    expect([...r.result.matchAll(/rc=(\d+)/g)].map((m) => Number(m[1]))).toEqual([1, 1, 1])
    expect(r.result).toMatch(/SyntaxError/)
    for (const language of ['javascript', 'typescript'] as const) {
      const box = await daytona.create({ language })
      const c = succeeded(await settle(box.process.codeRun(garbage.toString('latin1')), 40_000))
      expect(c.exitCode, language).toBe(1)
      expect(c.result, language).toMatch(/SyntaxError|Error/)
      await box.delete()
    }
    await contained(sh, bystander)
  }, 90_000)

  it('filling the disk to the quota fails with ENOSPC in the shell; rm makes room again', async () => {
    const r = succeeded(await run('head -c 65536 /dev/zero > chunk; i=0; while cp chunk c$i 2>err; do i=$((i+1)); done; cat err; echo copies=$i', 30_000))
    expect(r.result).toMatch(/ENOSPC|No space left/i)
    const copies = Number(/copies=(\d+)/.exec(r.result)?.[1])
    expect(copies * 65536).toBeLessThanOrEqual(8 * MiB)
    expect(copies * 65536).toBeGreaterThan(6 * MiB)
    expect((await sh.fs.downloadFile('keep.txt')).toString()).toBe(PRECIOUS)
    const freed = succeeded(await run('rm -f c* chunk err; echo more > more.txt && cat more.txt', 10_000))
    expect(freed).toMatchObject({ exitCode: 0, result: 'more\n' })
    await contained(sh, bystander)
  }, 40_000)
})
