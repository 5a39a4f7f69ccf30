import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaConflictError, DaytonaError, DaytonaNotFoundError, DaytonaTimeoutError, DaytonaValidationError, type Sandbox } from '../../src/index.js'

let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create()
})
afterAll(async () => {
  await daytona.dispose()
})

describe('executeCommand', () => {
  it('runs the issue example', async () => {
    const r = await sandbox.process.executeCommand('mkdir -p src && echo hi > src/a.txt && ls -l src | wc -l')
    expect(r.exitCode).toBe(0)
    expect(r.result.trim()).toBe('2')
    expect(r.artifacts?.stdout).toBe(r.result)
  })

  it('interleaves stdout and stderr in write order and reports the exit code', async () => {
    const r = await sandbox.process.executeCommand('echo a; echo b >&2; echo c; exit 3')
    expect(r.result).toBe('a\nb\nc\n')
    expect(r.exitCode).toBe(3)
  })

  it('resolves a relative cwd against the home dir and takes env', async () => {
    await sandbox.process.executeCommand('mkdir -p work/dir')
    const r = await sandbox.process.executeCommand('pwd; echo $X', 'work/dir', { X: 'y' })
    expect(r.result).toBe('/home/daytona/work/dir\ny\n')
    const missing = await sandbox.process.executeCommand('pwd', 'no/such/dir')
    expect(missing.exitCode).toBe(-1)
    expect(missing.result).toContain('no such file or directory')
  })

  it('does not keep shell state between calls (a fresh shell each time)', async () => {
    await sandbox.process.executeCommand('cd /tmp; export GONE=1')
    expect((await sandbox.process.executeCommand('pwd; echo ${GONE:-none}')).result).toBe('/home/daytona\nnone\n')
  })

  it('sees files written through the file API at once, and vice versa', async () => {
    await sandbox.fs.uploadFile(Buffer.from('from api\n'), 'x/api.txt')
    expect((await sandbox.process.executeCommand('cat x/api.txt && echo from shell > x/sh.txt')).result).toBe('from api\n')
    expect((await sandbox.fs.downloadFile('x/sh.txt')).toString()).toBe('from shell\n')
  })

  it('times out with DaytonaTimeoutError; the sandbox and the files written before survive', async () => {
    const started = Date.now()
    await expect(sandbox.process.executeCommand('echo before > t.txt; while true; do :; done', undefined, undefined, 1)).rejects.toBeInstanceOf(
      DaytonaTimeoutError,
    )
    expect(Date.now() - started).toBeLessThan(5_000)
    expect((await sandbox.process.executeCommand('cat t.txt')).result).toBe('before\n')
  })

  it('rejects bad input with typed errors', async () => {
    await expect(sandbox.process.executeCommand(42 as unknown as string)).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(sandbox.process.executeCommand('echo', undefined, undefined, -1)).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(sandbox.process.executeCommand('echo', 'a\0b')).rejects.toBeInstanceOf(DaytonaError)
    await expect(sandbox.process.executeCommand('x'.repeat(2 * 1024 * 1024))).rejects.toBeInstanceOf(DaytonaValidationError)
  })

  it('gives a full disk a non-zero exit code, and recovers after rm', async () => {
    const small = await daytona.create({ limits: { diskBytes: 64 * 1024 } })
    const r = await small.process.executeCommand('head -c 100000 /dev/zero > big.bin; echo "exit=$?"')
    expect(r.result).toMatch(/exit=[1-9]/)
    const again = await small.process.executeCommand('rm -f big.bin && echo ok > small.txt && cat small.txt')
    expect(again.result).toBe('ok\n')
    await small.delete()
  })

  it('runs many commands concurrently on one sandbox', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => sandbox.process.executeCommand(`echo ${i}`)))
    expect(rs.map((r) => r.result)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`))
  })
})

describe('sessions', () => {
  it('keeps cwd, exported variables and functions across commands', async () => {
    await sandbox.process.createSession('s1')
    await sandbox.process.executeSessionCommand('s1', { command: 'cd /tmp' })
    await sandbox.process.executeSessionCommand('s1', { command: 'export FOO=BAR; X=1' })
    await sandbox.process.executeSessionCommand('s1', { command: 'greet() { echo "hi $1"; }' })
    const r = await sandbox.process.executeSessionCommand('s1', { command: 'pwd; echo $FOO $X; greet you' })
    expect(r.output).toBe('/tmp\nBAR 1\nhi you\n')
    expect(r.stdout).toBe('/tmp\nBAR 1\nhi you\n')
    expect(r.exitCode).toBe(0)
    const failed = await sandbox.process.executeSessionCommand('s1', { command: 'echo oops >&2; exit 3' })
    expect(failed).toMatchObject({ exitCode: 3, stderr: 'oops\n' })
    expect((await sandbox.process.executeSessionCommand('s1', { command: 'echo still $FOO' })).output).toBe('still BAR\n')
    const session = await sandbox.process.getSession('s1')
    expect(session.sessionId).toBe('s1')
    expect(session.commands.map((c) => c.exitCode)).toEqual([0, 0, 0, 0, 3, 0])
    expect(session.commands[0]?.command).toBe('cd /tmp')
  })

  it('runs async commands, streams their logs and reports their exit code', async () => {
    await sandbox.process.createSession('s2')
    const { cmdId } = await sandbox.process.executeSessionCommand('s2', {
      command: 'for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.2; done; exit 7',
      runAsync: true,
    })
    expect(cmdId).toBeTruthy()
    expect((await sandbox.process.getSessionCommand('s2', cmdId)).exitCode).toBeUndefined()
    const seen: string[] = []
    const started = Date.now()
    let firstAt = 0
    await sandbox.process.getSessionCommandLogs(
      's2',
      cmdId,
      (c) => {
        if (!firstAt) firstAt = Date.now() - started
        seen.push(`o:${c}`)
      },
      (c) => seen.push(`e:${c}`),
    )
    expect(seen.join('')).toContain('o:out1')
    expect(seen.filter((s) => s.startsWith('o:')).join('').replace(/o:/g, '')).toBe('out1\nout2\nout3\n')
    const endAt = Date.now() - started
    expect(firstAt).toBeLessThan(endAt - 250) // streamed while running (the command lasts ≥ 600 ms), not at the end
    expect((await sandbox.process.getSessionCommand('s2', cmdId)).exitCode).toBe(7)
    const logs = await sandbox.process.getSessionCommandLogs('s2', cmdId)
    expect(logs.stdout).toBe('out1\nout2\nout3\n')
    expect(logs.stderr).toBe('err1\nerr2\nerr3\n')
    expect(logs.output).toBe('out1\nerr1\nout2\nerr2\nout3\nerr3\n')
  })

  it('runs a session’s commands in order even when sent at once', async () => {
    await sandbox.process.createSession('s3')
    const a = sandbox.process.executeSessionCommand('s3', { command: 'sleep 0.1; echo 1 >> order.txt', runAsync: true })
    const b = sandbox.process.executeSessionCommand('s3', { command: 'echo 2 >> order.txt; cat order.txt' })
    await a
    expect((await b).output).toBe('1\n2\n')
  })

  it('lists and deletes sessions; unknown ids are NotFound; duplicates Conflict', async () => {
    await sandbox.process.createSession('s4')
    await expect(sandbox.process.createSession('s4')).rejects.toBeInstanceOf(DaytonaConflictError)
    expect((await sandbox.process.listSessions()).map((s) => s.sessionId)).toContain('s4')
    await sandbox.process.deleteSession('s4')
    expect((await sandbox.process.listSessions()).map((s) => s.sessionId)).not.toContain('s4')
    await expect(sandbox.process.getSession('s4')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(sandbox.process.executeSessionCommand('s4', { command: 'echo' })).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(sandbox.process.getSessionCommand('s1', 'no-such-command')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(sandbox.process.createSession('')).rejects.toBeInstanceOf(DaytonaValidationError)
  })

  it('sendSessionCommandInput feeds the programs of a running command, as they read', async () => {
    const py = await daytona.create({ language: 'python' })
    try {
      await py.process.createSession('in')
      // Input sent while an earlier command still runs waits for this one to start.
      await py.process.executeSessionCommand('in', { command: 'sleep 0.3', runAsync: true })
      const { cmdId } = await py.process.executeSessionCommand('in', {
        command: `python3 -c "a = input('name? '); print('hello', a, flush=True); b = input(); print('then', b)"; echo after`,
        runAsync: true,
      })
      await py.process.sendSessionCommandInput('in', cmdId, 'ada\n')
      let logs = ''
      for (let i = 0; i < 100 && !logs.includes('hello ada'); i++) {
        await new Promise((r) => setTimeout(r, 50))
        logs = (await py.process.getSessionCommandLogs('in', cmdId)).stdout ?? ''
      }
      expect(logs).toBe('name? hello ada\n')
      expect((await py.process.getSessionCommand('in', cmdId)).exitCode).toBeUndefined() // waiting for the second line
      await py.process.sendSessionCommandInput('in', cmdId, 'more\n')
      let exit: number | undefined
      for (let i = 0; i < 100 && exit === undefined; i++) {
        await new Promise((r) => setTimeout(r, 50))
        exit = (await py.process.getSessionCommand('in', cmdId)).exitCode
      }
      expect(exit).toBe(0)
      expect((await py.process.getSessionCommandLogs('in', cmdId)).stdout).toBe('name? hello ada\nthen more\nafter\n')
      // node reads it too (readline over process.stdin).
      const node = await py.process.executeSessionCommand('in', {
        command: `node -e "require('readline').createInterface({ input: process.stdin }).on('line', (l) => { console.log(l.toUpperCase()); if (l === 'bye') process.exit(0) })"`,
        runAsync: true,
      })
      await py.process.sendSessionCommandInput('in', node.cmdId, 'hi\nbye\n')
      await py.process.getSessionCommandLogs('in', node.cmdId, () => {}, () => {})
      expect((await py.process.getSessionCommandLogs('in', node.cmdId)).stdout).toBe('HI\nBYE\n')
      await expect(py.process.sendSessionCommandInput('in', node.cmdId, 'late\n')).rejects.toThrow(/already completed/)
      // Input to a command that does not read it waits for it; the call returns at once.
      const idle = await py.process.executeSessionCommand('in', { command: 'sleep 1', runAsync: true })
      const sent = Date.now()
      await py.process.sendSessionCommandInput('in', idle.cmdId, 'x'.repeat(200_000))
      expect(Date.now() - sent).toBeLessThan(900)
      await py.process.getSessionCommandLogs('in', idle.cmdId, () => {}, () => {})
      // bash's read takes its line from it too.
      const asks = await py.process.executeSessionCommand('in', { command: 'read -p "Name? " name; echo "hi $name"; read -r a b; echo "[$a][$b]"', runAsync: true })
      await py.process.sendSessionCommandInput('in', asks.cmdId, 'grace\n')
      await py.process.sendSessionCommandInput('in', asks.cmdId, 'x  y z\n')
      await py.process.getSessionCommandLogs('in', asks.cmdId, () => {}, () => {})
      expect((await py.process.getSessionCommandLogs('in', asks.cmdId)).stdout).toBe('hi grace\n[x][y z]\n')
      // A program waiting for input holds a process slot like any other (cpu 1 here: the next waits).
      const waiting = await py.process.executeSessionCommand('in', { command: 'python3 -c "print(input())"', runAsync: true })
      let other = false
      const next = py.process.executeCommand('python3 -c "print(2)"').then((r) => ((other = true), r))
      await new Promise((r) => setTimeout(r, 500))
      expect(other).toBe(false)
      await py.process.sendSessionCommandInput('in', waiting.cmdId, 'one\n')
      expect((await next).result).toBe('2\n')
    } finally {
      await py.delete()
    }
  })

  it('closes sessions when the sandbox stops', async () => {
    const s = await daytona.create()
    await s.process.createSession('gone')
    await s.stop()
    await s.start()
    await expect(s.process.getSession('gone')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await s.delete()
  })
})
