import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError, type Sandbox } from '../../src/index.js'

// CPython 3.13 (runtimes/python) as a shell command, in a process worker against the sandbox's files.
let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create()
})
afterAll(async () => {
  await daytona.dispose()
})

describe('process.codeRun (python)', () => {
  it('runs code in a fresh interpreter with argv and env, Daytona-style', async () => {
    const r = await sandbox.process.codeRun('import os, sys\nprint(sys.argv, os.environ["GREETING"])\nx = 1', { argv: ['a', "it's"], env: { GREETING: 'hi' } })
    expect(r.exitCode).toBe(0)
    expect(r.result).toBe(`['-', 'a', "it's"] hi\n`)
    const again = await sandbox.process.codeRun('print(globals().get("x", "fresh"))')
    expect(again.result).toBe('fresh\n')
    const failed = await sandbox.process.codeRun('raise ValueError("bad")')
    expect(failed.exitCode).toBe(1)
    expect(failed.result).toContain('ValueError: bad')
    await expect(sandbox.process.codeRun('while True: pass', undefined, 1)).rejects.toBeInstanceOf(DaytonaTimeoutError)
  })

  it('refuses a language codeRun does not know, with a typed error', async () => {
    const other = await daytona.create()
    await other.setLabels({ 'code-toolbox-language': 'ruby' })
    await expect(other.process.codeRun('puts 1')).rejects.toThrow(/codeRun supports python, javascript and typescript, not "ruby"/)
    await other.delete()
  })
})

describe('process clocks', () => {
  it('time.process_time() and os.times() count CPU time, not sleeps', async () => {
    const r = await sandbox.process.codeRun('import os, time\nc0, u0 = time.process_time(), os.times().user\ntime.sleep(0.4)\nc1 = time.process_time()\nt = time.perf_counter()\nwhile time.perf_counter() - t < 0.3: pass\nc2, u2 = time.process_time(), os.times().user\nprint(c1 - c0 < 0.1, 0.2 < c2 - c1 < 1.5, u2 - u0 > 0.2)')
    expect(r.result).toBe('True True True\n')
  })
})

describe('python3 in the shell', () => {
  it('runs -c with the standard library (json, sqlite3, zlib)', async () => {
    const r = await sandbox.process.executeCommand(
      `python3 -c "import json, sqlite3, zlib, sys; c = sqlite3.connect(':memory:'); print(json.dumps({'v': c.execute('select 6*7').fetchone()[0]}), len(zlib.compress(b'x' * 1000)) < 100, sys.platform)"`,
    )
    expect(r.result).toBe('{"v": 42} True wasi\n')
    expect(r.exitCode).toBe(0)
  })

  it('runs scripts with arguments from the current directory, and reads and writes sandbox files', async () => {
    await sandbox.fs.uploadFile(Buffer.from('name,score\nada,3\nlin,5\n'), 'proj/data.csv')
    await sandbox.fs.uploadFile(
      Buffer.from('import csv, sys\nrows = list(csv.DictReader(open("data.csv")))\nopen("total.txt", "w").write(str(sum(int(r["score"]) for r in rows)))\nprint(sys.argv[1:], len(rows))\n'),
      'proj/sum.py',
    )
    const r = await sandbox.process.executeCommand('python3 sum.py a b', 'proj')
    expect(r.result).toBe("['a', 'b'] 2\n")
    expect((await sandbox.fs.downloadFile('proj/total.txt')).toString()).toBe('8')
  })

  it('reads stdin from a pipe, reports tracebacks with exit code 1, and runs shebang scripts', async () => {
    expect((await sandbox.process.executeCommand(`printf 'b\\na\\n' | python3 -c "import sys; print(sorted(sys.stdin.read().split()))"`)).result).toBe("['a', 'b']\n")
    const failed = await sandbox.process.executeCommand('python3 -c "1/0"; echo "exit=$?"')
    expect(failed.result).toMatch(/ZeroDivisionError: division by zero\nexit=1\n$/)
    await sandbox.fs.uploadFile(Buffer.from('#!/usr/bin/env python3\nimport sys\nprint("hello", *sys.argv[1:])\n'), 'bin/hello.py')
    await sandbox.fs.setFilePermissions('bin/hello.py', { mode: '755' })
    expect((await sandbox.process.executeCommand('./bin/hello.py world')).result).toBe('hello world\n')
  })

  it('a runaway loop is killed at the timeout; the sandbox keeps working', async () => {
    await expect(sandbox.process.executeCommand('python3 -c "while True: pass"', undefined, undefined, 1)).rejects.toBeInstanceOf(DaytonaTimeoutError)
    expect((await sandbox.process.executeCommand('python3 -c "print(2 + 2)"')).result).toBe('4\n')
  })
})

describe('python3 files through src/wasi (docs/python-conformance.md, daylite bugs 1–5)', () => {
  it('tempfile.TemporaryFile works; an fd keeps a file unlinked or replaced while open; /dev/null and /dev/urandom are devices', async () => {
    const r = await sandbox.process.executeCommand(
      `python3 -c "import tempfile; f = tempfile.TemporaryFile(); f.write(b'x'); f.seek(0); print(f.read())"`,
    )
    expect(r.result).toBe("b'x'\n")
    expect(r.exitCode).toBe(0)
    await sandbox.fs.uploadFile(
      Buffer.from(
        [
          'import os, stat',
          "open('a', 'w').write('old'); open('b', 'w').write('new')",
          "f = open('a'); os.replace('b', 'a'); print(f.read(), open('a').read())",
          "with open('/dev/null', 'w') as n: n.write('x' * 100000)",
          "print(stat.S_ISCHR(os.stat('/dev/null').st_mode), len(open('/dev/urandom', 'rb').read(8)), 'null' in os.listdir('/dev'))",
          "os.symlink('made.txt', 'link'); open('link', 'w').write('via link'); print(open('made.txt').read())",
        ].join('\n'),
      ),
      'files/check.py',
    )
    expect((await sandbox.process.executeCommand('python3 check.py', 'files')).result).toBe('old new\nTrue 8 True\nvia link\n')
    // Nothing left behind: no orphan, no regular /dev/null, nothing hidden in /dev.
    expect((await sandbox.process.executeCommand('ls -a /dev; ls /dev/.daylite 2>&1; cat /dev/null | wc -c')).result).toMatch(/No such file or directory\n0\n$/)
  })

  it('a process killed at its timeout while holding an unlinked file leaves no orphan', async () => {
    const run = sandbox.process.executeCommand(
      `python3 -c "import tempfile; f = tempfile.TemporaryFile(); f.write(b'x' * 100000); f.flush()\nwhile True: pass"`,
      undefined,
      undefined,
      2,
    )
    const killed = expect(run).rejects.toBeInstanceOf(DaytonaTimeoutError)
    // The orphan exists while the process runs (hidden under /dev/.daylite)…
    let seen = 0
    for (let i = 0; i < 150 && seen === 0; i++) {
      seen = await sandbox.fs.listFiles('/dev/.daylite/orphans').then((l) => l.length, () => 0)
      if (seen === 0) await new Promise((r) => setTimeout(r, 10))
    }
    expect(seen).toBe(1)
    await killed
    // …and is gone once it was killed.
    const after = await sandbox.process.executeCommand('ls -a /dev/.daylite 2>&1; ls -A /tmp')
    expect(after.result).toMatch(/No such file or directory\n$/)
  })
})
