import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaTimeoutError, type Sandbox } from '../../src/index.js'

// WASI programs as shell commands: qjs (QuickJS) runs in a process worker against the sandbox's files.
let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create({ language: 'javascript' })
})
afterAll(async () => {
  await daytona.dispose()
})

describe('qjs in the shell', () => {
  it('evaluates code, runs files, and gives exit codes', async () => {
    expect((await sandbox.process.executeCommand('qjs -e "print(6 * 7)"')).result).toBe('42\n')
    await sandbox.fs.uploadFile(Buffer.from('print(scriptArgs.slice(1).join("+"))\n'), 'args.js')
    expect((await sandbox.process.executeCommand('qjs args.js a b c')).result).toBe('a+b+c\n')
    const failed = await sandbox.process.executeCommand('qjs -e "throw new Error(\'boom\')"; echo "exit=$?"')
    expect(failed.result).toMatch(/Error: boom[\s\S]*exit=1\n$/)
  })

  it('reads and writes the sandbox files (visible to the file API and the shell at once)', async () => {
    await sandbox.fs.uploadFile(Buffer.from('3\n4\n'), 'in.txt')
    const code = `import * as std from 'std'; const n = std.loadFile('in.txt').trim().split('\\n').map(Number); const f = std.open('out.txt', 'w'); f.puts(String(n[0] * n[1])); f.close()`
    await sandbox.fs.uploadFile(Buffer.from(code), 'calc.mjs')
    const r = await sandbox.process.executeCommand('qjs --module calc.mjs && cat out.txt')
    expect(r.result).toBe('12')
    expect((await sandbox.fs.downloadFile('out.txt')).toString()).toBe('12')
  })

  it('takes stdin from a pipe and feeds a pipeline', async () => {
    const r = await sandbox.process.executeCommand(`printf 'x\\ny\\n' | qjs --std -e "let l; while ((l = std.in.getline()) !== null) print(l.toUpperCase())" | sort -r`)
    expect(r.result).toBe('Y\nX\n')
  })

  it('runs an executable script with a #!/usr/bin/env qjs shebang', async () => {
    await sandbox.fs.uploadFile(Buffer.from('#!/usr/bin/env qjs\nprint("shebang ok", scriptArgs[1])\n'), 'tool.js')
    await sandbox.fs.setFilePermissions('tool.js', { mode: '755' })
    expect((await sandbox.process.executeCommand('./tool.js --flag')).result).toBe('shebang ok --flag\n')
  })

  it('an infinite loop is killed at the timeout; the sandbox and its files survive', async () => {
    await sandbox.fs.uploadFile(Buffer.from('kept'), 'kept.txt')
    const started = Date.now()
    await expect(sandbox.process.executeCommand('qjs -e "for (;;) {}"', undefined, undefined, 1)).rejects.toBeInstanceOf(DaytonaTimeoutError)
    expect(Date.now() - started).toBeLessThan(6_000)
    expect((await sandbox.process.executeCommand('cat kept.txt; qjs -e "print(1)"')).result).toBe('kept1\n')
  })

  it('a memory bomb is an error inside the program, not a host crash', async () => {
    const r = await sandbox.process.executeCommand('qjs -e "const a = []; for (;;) a.push(new ArrayBuffer(16 << 20))"; echo "exit=$?"')
    expect(r.result).toMatch(/out of memory[\s\S]*exit=[1-9]/)
    expect((await sandbox.process.executeCommand('echo alive')).result).toBe('alive\n')
  })
})
