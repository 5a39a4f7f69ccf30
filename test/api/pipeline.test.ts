/**
 * Pipelines of real programs (CPython and QuickJS in process workers): stages run at the same
 * time through a pipe with backpressure, a consumer that is done gives its producer EPIPE, and
 * what the shell holds for a stage that reads whole inputs is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, type Sandbox } from '../../src/index.js'

let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create({ language: 'python' })
  await sandbox.fs.uploadFile(
    Buffer.from('import sys, time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.4)\n'),
    'slow.py',
  )
  await sandbox.fs.uploadFile(
    Buffer.from('import sys\nfor line in sys.stdin:\n    print("got", line.strip(), flush=True)\n'),
    'echo_lines.py',
  )
})
afterAll(async () => {
  await daytona.dispose()
})

describe('pipelines of programs', () => {
  it('python3 with endless output | head -3 ends with three lines; python sees BrokenPipeError, as on Linux', async () => {
    const started = Date.now()
    const r = await sandbox.process.executeCommand('python3 -c "while True: print(1)" | head -3; echo "status ${PIPESTATUS[@]}"', undefined, undefined, 20)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(r.exitCode).toBe(0)
    expect(r.result.startsWith('1\n1\n1\n')).toBe(true)
    expect(r.result).toContain('BrokenPipeError')
    expect(r.result).toMatch(/status 1 0\n$/)
  })

  it('node with endless output | head -2: uncaught write EPIPE, exit 1, like Node', async () => {
    const r = await sandbox.process.executeCommand('node -e "let i = 0; for (;;) console.log(i++)" | head -2; echo "status ${PIPESTATUS[@]}"', undefined, undefined, 20)
    expect(r.result.startsWith('0\n1\n')).toBe(true)
    expect(r.result).toContain('Error: write EPIPE')
    expect(r.result).toMatch(/status 1 0\n$/)
  })

  it('stages run at the same time: the consumer prints each line while the producer still runs', async () => {
    await sandbox.process.createSession('pipe')
    const { cmdId } = await sandbox.process.executeSessionCommand('pipe', { command: 'python3 slow.py | python3 echo_lines.py', runAsync: true })
    const started = Date.now()
    const seen: [number, string][] = []
    await sandbox.process.getSessionCommandLogs('pipe', cmdId, (chunk) => seen.push([Date.now() - started, chunk]), () => {})
    const text = seen.map((s) => s[1]).join('')
    expect(text).toBe('got 0\ngot 1\ngot 2\n')
    const end = Date.now() - started
    // The producer sleeps 0.4 s after each line: "got 0" reached the log well before the end.
    expect(seen[0]?.[0]).toBeLessThan(end - 500)
    expect((await sandbox.process.getSessionCommand('pipe', cmdId)).exitCode).toBe(0)
  })

  it('grep over a live pipe: -m ends an endless producer; matches reach the log while the producer runs', async () => {
    const r = await sandbox.process.executeCommand('python3 -c "import itertools\nfor i in itertools.count(): print(i)" 2>/dev/null | grep -m 2 "^9"; echo "status ${PIPESTATUS[@]}"', undefined, undefined, 20)
    expect(r.result).toBe('9\n90\nstatus 1 0\n')
    await sandbox.process.createSession('grep')
    const { cmdId } = await sandbox.process.executeSessionCommand('grep', { command: 'python3 slow.py | grep -v 1', runAsync: true })
    const started = Date.now()
    const seen: [number, string][] = []
    await sandbox.process.getSessionCommandLogs('grep', cmdId, (chunk) => seen.push([Date.now() - started, chunk]), () => {})
    expect(seen.map((s) => s[1]).join('')).toBe('0\n2\n')
    expect(seen[0]?.[0]).toBeLessThan(Date.now() - started - 500)
  })

  it('a consumer that stops reading early ends the producer; pipefail and PIPESTATUS see both', async () => {
    const r = await sandbox.process.executeCommand(
      `set -o pipefail; python3 -c "import sys; [print(i) for i in range(10**9)]" 2>/dev/null | python3 -c "import sys; print(sys.stdin.readline().strip())"; echo "rc=$? \${PIPESTATUS[@]}"`,
      undefined,
      undefined,
      20,
    )
    expect(r.result).toBe('0\nrc=1 1 0\n')
    // The last stage's output when the shell captures it ($(…), a redirection) comes back too.
    const captured = await sandbox.process.executeCommand(`x=$(python3 -c "print(1)" | python3 -c "import sys; print(sys.stdin.read().strip() + '!')"); echo "x=$x"; python3 -c "print(2)" | node -e "process.stdin.on('data', (d) => console.log(String(d).trim() + '?'))" > out.txt; cat out.txt`)
    expect(captured.result).toBe('x=1!\n2?\n')
    const failing = await sandbox.process.executeCommand('python3 -c "import sys; print(7); sys.exit(3)" | node -e "process.stdin.on(\'data\', (d) => process.stdout.write(String(d)))"; echo "rc=$? ${PIPESTATUS[@]}"')
    expect(failing.result).toBe('7\nrc=0 3 0\n')
  })

  it('bytes pass through unchanged, between programs and into the shell\'s own commands', async () => {
    const gen = `python3 -c "import sys; sys.stdout.buffer.write(bytes(range(256)) * 1000)"`
    const r = await sandbox.process.executeCommand(`${gen} | python3 -c "import sys, hashlib; print(hashlib.md5(sys.stdin.buffer.read()).hexdigest())"; ${gen} | md5sum; ${gen} | wc -c`)
    const md5 = (await sandbox.process.executeCommand(`python3 -c "import hashlib; print(hashlib.md5(bytes(range(256)) * 1000).hexdigest())"`)).result.trim()
    expect(r.result).toBe(`${md5}\n${md5}  -\n256000\n`)
  })

  it('scripts run by path or by name from PATH take part like the programs they run', async () => {
    await sandbox.fs.uploadFile(Buffer.from('#!/usr/bin/env python3\nwhile True:\n    print("g")\n'), '/usr/local/bin/endless')
    await sandbox.fs.uploadFile(Buffer.from('#!/bin/bash\nwc -l | tr -d " "\n'), 'count.sh')
    await sandbox.fs.uploadFile(Buffer.from('#!/usr/bin/env python3\nimport sys\nfor line in sys.stdin:\n    print(line.upper(), end="", flush=True)\n'), 'upper.py')
    await sandbox.process.executeCommand('chmod +x /usr/local/bin/endless count.sh upper.py')
    const r = await sandbox.process.executeCommand('endless 2>/dev/null | head -2; /usr/local/bin/endless 2>/dev/null | ./upper.py 2>/dev/null | head -1; python3 -c "print(1); print(2)" | ./count.sh; echo abc | ./upper.py', undefined, undefined, 20)
    expect(r.result).toBe('g\ng\nG\n2\nABC\n')
  })

  it('a pipeline is one process against the cpu limit: cpu=1 does not deadlock on a full pipe', async () => {
    const one = await daytona.create({ image: 'debian:12', resources: { cpu: 1, memory: 1 } })
    try {
      const r = await one.process.executeCommand('python3 -c "import sys; sys.stdout.write(\'x\' * 1000000)" | python3 -c "import sys; print(len(sys.stdin.read()))"', undefined, undefined, 20)
      expect(r.result).toBe('1000000\n')
    } finally {
      await one.delete()
    }
  })
})
