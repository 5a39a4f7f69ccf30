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
