/**
 * `daylite serve --backend native` through the real, unmodified Daytona SDK (`@daytonaio/sdk`
 * 0.218) on 127.0.0.1: real bash, python3 and node processes in per-sandbox directories.
 */
import { existsSync, readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import {
  Daytona,
  DaytonaConflictError,
  DaytonaError,
  DaytonaFileNotFoundError,
  DaytonaNotFoundError,
  DaytonaTimeoutError,
  DaytonaValidationError,
  type Sandbox,
} from '@daytonaio/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NativeRegistry } from '../../src/native/index.js'
import { which } from '../../src/native/run.js'
import { createServer, type DayliteServer } from '../../src/server/index.js'

for (const name of Object.keys(process.env)) if (name.startsWith('DAYTONA_')) delete process.env[name]

/** True while `pid` runs (a zombie no one has reaped yet has ended). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

let server: DayliteServer
let daytona: Daytona
let sandbox: Sandbox
let home: string

beforeAll(async () => {
  server = await createServer({ port: 0, backend: 'native' })
  daytona = new Daytona({ apiUrl: server.apiUrl, apiKey: 'local' })
  sandbox = await daytona.create({ labels: { suite: 'native' }, envVars: { BASE: 'b' } })
  home = (await sandbox.getUserHomeDir()) as string
})

afterAll(async () => {
  await daytona?.[Symbol.asyncDispose]()
  await server?.close()
})

describe('daylite serve --backend native, through the real SDK', () => {
  it('creates a started sandbox in a directory of its own; commands are real host processes', async () => {
    expect(server.engine).toBeInstanceOf(NativeRegistry)
    expect(sandbox.state).toBe('started')
    expect(home.startsWith((server.engine as NativeRegistry).root)).toBe(true)
    expect(await sandbox.getWorkDir()).toBe(home)
    const r = await sandbox.process.executeCommand('echo "$HOME|$BASE|$(pwd)"; [ -n "$BASH_VERSION" ] && echo bash')
    expect(r).toMatchObject({ exitCode: 0, result: `${home}|b|${home}\nbash\n` })
    // What WebAssembly cannot do: a socket bound to a port.
    const bound = await sandbox.process.executeCommand(`python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print('bound')"`)
    expect(bound).toMatchObject({ exitCode: 0, result: 'bound\n' })
    const fail = await sandbox.process.executeCommand('echo out; echo err >&2; exit 3')
    expect(fail).toMatchObject({ exitCode: 3, result: 'out\nerr\n' })
    expect((await sandbox.process.executeCommand('mkdir -p sub && pwd', undefined, { X: '1' })).exitCode).toBe(0)
    expect((await sandbox.process.executeCommand('pwd; echo $X', 'sub', { X: '1' })).result).toBe(`${home}/sub\n1\n`)
  })

  it('codeRun runs python3, node and TypeScript with argv and env', async () => {
    const py = await sandbox.process.codeRun('import os, sys; print(sys.argv[1:], os.environ["X"])', { argv: ['a'], env: { X: 'y' } })
    expect(py).toMatchObject({ exitCode: 0, result: "['a'] y\n" })
    const js = await daytona.create({ language: 'typescript' })
    const ts = await js.process.codeRun('const n: number = 6; console.log(n * 7, process.argv.slice(2))', { argv: ['z'] })
    expect(ts).toMatchObject({ exitCode: 0, result: "42 [ 'z' ]\n" })
    await js.delete()
  })

  it('files: upload, list, download with per-file errors, details, move, permissions, search, find, replace, streams', async () => {
    await sandbox.fs.createFolder('data', '755')
    const binary = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256))
    await sandbox.fs.uploadFiles([
      { source: Buffer.from('hello world\nbye\n'), destination: 'data/a.txt' },
      { source: binary, destination: 'data/bin/blob.bin' },
      { source: Buffer.from('ünïcode ✓'), destination: 'data/ünï cödé.txt' },
    ])
    expect((await sandbox.fs.listFiles('data')).map((f) => f.name).sort()).toEqual(['a.txt', 'bin', 'ünï cödé.txt'])
    expect((await sandbox.fs.listFiles('data', { depth: 2 })).map((f) => f.path)).toContain(`${home}/data/bin/blob.bin`)
    expect(Buffer.compare(await sandbox.fs.downloadFile('data/bin/blob.bin'), binary)).toBe(0)
    const results = await sandbox.fs.downloadFiles([{ source: 'data/a.txt' }, { source: 'data/missing.txt' }, { source: 'data/ünï cödé.txt' }])
    expect(results[0]?.result?.toString()).toBe('hello world\nbye\n')
    expect(results[1]?.errorDetails).toMatchObject({ statusCode: 404, code: 'FILE_NOT_FOUND' })
    expect(results[2]?.result?.toString()).toBe('ünïcode ✓')
    await expect(sandbox.fs.downloadFile('data/missing.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
    expect(await sandbox.fs.getFileDetails('data/a.txt')).toMatchObject({ name: 'a.txt', isDir: false, size: 16, permissions: '0644' })
    await sandbox.fs.moveFiles('data/a.txt', 'data/b.txt')
    await sandbox.fs.setFilePermissions('data/b.txt', { mode: '600' })
    expect((await sandbox.fs.getFileDetails('data/b.txt')).permissions).toBe('0600')
    expect((await sandbox.fs.searchFiles('data', '**/*.bin')).files).toEqual(['data/bin/blob.bin'])
    expect(await sandbox.fs.findFiles('data', 'world')).toEqual([{ file: `${home}/data/b.txt`, line: 1, content: 'hello world' }])
    expect((await sandbox.fs.replaceInFiles(['data/b.txt'], 'world', 'there'))[0]?.success).toBe(true)
    expect((await sandbox.process.executeCommand('cat data/b.txt')).result).toBe('hello there\nbye\n')
    const parts = Array.from({ length: 20 }, (_, i) => Buffer.alloc(10_000, i))
    await sandbox.fs.uploadFileStream(Readable.from(parts), 'stream/big.bin')
    const chunks: Buffer[] = []
    for await (const c of await sandbox.fs.downloadFileStream('stream/big.bin')) chunks.push(c as Buffer)
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.concat(parts))).toBe(0)
    await sandbox.fs.deleteFile('stream', true)
    await expect(sandbox.fs.getFileDetails('stream/big.bin')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
  })

  it('sessions: state persists, async commands stream their logs, input reaches a running command', async () => {
    await sandbox.process.createSession('dev')
    await expect(sandbox.process.createSession('dev')).rejects.toBeInstanceOf(DaytonaConflictError)
    await sandbox.process.executeSessionCommand('dev', { command: 'cd data && export N=7 && f() { echo "f:$1"; }' })
    const sync = await sandbox.process.executeSessionCommand('dev', { command: 'echo $N $(pwd); f x; echo oops >&2' })
    expect(sync).toMatchObject({ exitCode: 0, stdout: `7 ${home}/data\nf:x\n`, stderr: 'oops\n' })
    const failed = await sandbox.process.executeSessionCommand('dev', { command: 'false' })
    expect(failed.exitCode).toBe(1)

    const async = await sandbox.process.executeSessionCommand('dev', { command: 'for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.1; done', runAsync: true })
    expect(async.exitCode).toBeUndefined()
    let stdout = ''
    let stderr = ''
    await sandbox.process.getSessionCommandLogs('dev', async.cmdId, (c) => (stdout += c), (c) => (stderr += c))
    expect(stdout).toBe('out1\nout2\nout3\n')
    expect(stderr).toBe('err1\nerr2\nerr3\n')
    expect(await sandbox.process.getSessionCommand('dev', async.cmdId)).toMatchObject({ id: async.cmdId, exitCode: 0 })
    expect(await sandbox.process.getSessionCommandLogs('dev', async.cmdId)).toMatchObject({ stdout: 'out1\nout2\nout3\n', stderr: 'err1\nerr2\nerr3\n' })

    // A command that reads its input: Daytona's sendSessionCommandInput works on real processes.
    const reader = await sandbox.process.executeSessionCommand('dev', { command: 'read line; echo "got:$line"', runAsync: true })
    await new Promise((r) => setTimeout(r, 100))
    await sandbox.process.sendSessionCommandInput('dev', reader.cmdId, 'hello\n')
    let got = ''
    await sandbox.process.getSessionCommandLogs('dev', reader.cmdId, (c) => (got += c), () => {})
    expect(got).toBe('got:hello\n')

    expect((await sandbox.process.getSession('dev')).commands?.length).toBe(5)
    expect((await sandbox.process.listSessions()).map((s) => s.sessionId)).toEqual(['dev'])
    await sandbox.process.deleteSession('dev')
    await expect(sandbox.process.getSession('dev')).rejects.toBeInstanceOf(DaytonaNotFoundError)
  })

  it('codeInterpreter: persistent contexts, streaming, errors as data, timeout', async () => {
    await sandbox.codeInterpreter.runCode('v = 20')
    const chunks: string[] = []
    const r = await sandbox.codeInterpreter.runCode('import sys\nprint(v + 1)\nsys.stderr.write("warn\\n")', { onStdout: (m) => chunks.push(m.output) })
    expect(r).toMatchObject({ stdout: '21\n', stderr: 'warn\n' })
    expect(chunks.join('')).toBe('21\n')
    const failed = await sandbox.codeInterpreter.runCode('1 / 0')
    expect(failed.error).toMatchObject({ name: 'ZeroDivisionError', value: 'division by zero' })
    expect(failed.error?.traceback).toMatch(/^Traceback \(most recent call last\):\n  File "<string>", line 1, in <module>\n    1 \/ 0\n/)
    // Top-level await, on one loop the context keeps (the same driver code as the WebAssembly kernel's).
    expect((await sandbox.codeInterpreter.runCode('import asyncio\nawait asyncio.sleep(0.01)\nprint("awaited")')).stdout).toBe('awaited\n')
    const ctx = await sandbox.codeInterpreter.createContext()
    expect((await sandbox.codeInterpreter.runCode('print("v" in globals())', { context: ctx })).stdout).toBe('False\n')
    expect((await sandbox.codeInterpreter.listContexts()).map((c) => c.id)).toEqual([ctx.id])
    await expect(sandbox.codeInterpreter.runCode('while True: pass', { context: ctx, timeout: 1 })).rejects.toBeInstanceOf(DaytonaTimeoutError)
    await sandbox.codeInterpreter.deleteContext(ctx)
    expect(await sandbox.codeInterpreter.listContexts()).toEqual([])
  })

  it('lifecycle: labels, stop (processes end, files stay), start, fork, list, errors, delete removes the directory', async () => {
    expect(await sandbox.setLabels({ suite: 'native', phase: 'two' })).toEqual({ suite: 'native', phase: 'two', 'code-toolbox-language': 'python' })
    await sandbox.process.executeCommand('echo kept > kept.txt')
    await sandbox.process.createSession('bg')
    await sandbox.process.executeSessionCommand('bg', { command: 'sleep 30 & echo $! > pid.txt' })
    const pid = Number((await sandbox.process.executeCommand('cat pid.txt')).result.trim())
    await sandbox.stop()
    expect(sandbox.state).toBe('stopped')
    await expect(sandbox.process.executeCommand('echo hi')).rejects.toBeInstanceOf(DaytonaValidationError)
    await new Promise((r) => setTimeout(r, 100))
    expect(running(pid)).toBe(false) // the background job ended with the sandbox
    await sandbox.start()
    expect((await sandbox.process.executeCommand('cat kept.txt')).result).toBe('kept\n')

    const fork = await sandbox.fork({ name: 'native-fork' })
    expect((await fork.process.executeCommand('cat kept.txt')).result).toBe('kept\n')
    const found: Sandbox[] = []
    for await (const s of daytona.list({ labels: { phase: 'two' } })) found.push(s)
    expect(found.map((s) => s.id).sort()).toEqual([sandbox.id, fork.id].sort())
    await expect(daytona.create({ name: 'native-fork' })).rejects.toBeInstanceOf(DaytonaConflictError)

    const timedOut = await sandbox.process.executeCommand('sleep 10', undefined, undefined, 1).catch((e: unknown) => e)
    expect(timedOut).toBeInstanceOf(DaytonaTimeoutError)

    await fork.delete()
    await expect(daytona.get(fork.id)).rejects.toBeInstanceOf(DaytonaNotFoundError)
    expect(existsSync(home.replace(sandbox.id, fork.id))).toBe(false)
    const error = await daytona.create({ snapshot: 'x', resources: { cpu: 9 } } as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DaytonaError)
  })
})

describe.skipIf(!which('bwrap'))('daylite serve --backend native --bwrap', () => {
  it('runs commands under bubblewrap: the host is read-only, the sandbox directory and its /tmp are writable', async () => {
    const wrapped = await createServer({ port: 0, backend: 'native', native: { bwrap: true } })
    const client = new Daytona({ apiUrl: wrapped.apiUrl, apiKey: 'local' })
    try {
      expect((wrapped.engine as NativeRegistry).bwrap).toMatch(/bwrap$/)
      const s = await client.create()
      const r = await s.process.executeCommand('echo inside > here.txt && cat here.txt && echo t > /tmp/t && cat /tmp/t; touch /usr/daylite-escape 2>&1; echo "pid $$"')
      expect(r.result).toMatch(/^inside\nt\n.*Read-only file system\npid \d\n$/s) // its own PID namespace: bash is pid 1 or 2
      expect(existsSync('/usr/daylite-escape')).toBe(false)
      expect((await s.fs.downloadFile('here.txt')).toString()).toBe('inside\n')
      await s.process.createSession('w')
      await s.process.executeSessionCommand('w', { command: 'cd /tmp && export Z=1' })
      expect((await s.process.executeSessionCommand('w', { command: 'echo $Z $(pwd) $(cat t)' })).stdout).toBe('1 /tmp t\n')
      expect((await s.codeInterpreter.runCode('import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print("bound")')).stdout).toBe('bound\n')
      await s.delete()
    } finally {
      await client[Symbol.asyncDispose]()
      await wrapped.close()
    }
  })
})
