/**
 * `daylite serve` through the real, unmodified Daytona SDK (`@daytonaio/sdk` 0.218) on 127.0.0.1.
 */
import { Readable } from 'node:stream'
import {
  Daytona,
  DaytonaAuthenticationError,
  DaytonaConflictError,
  DaytonaError,
  DaytonaFileNotFoundError,
  DaytonaNotFoundError,
  DaytonaTimeoutError,
  DaytonaValidationError,
  type Sandbox,
} from '@daytonaio/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type DayliteServer } from '../../src/server/index.js'

// The SDK reads DAYTONA_* from the environment (and .env files); the tests pass apiUrl/apiKey
// explicitly and make sure nothing in the environment points elsewhere.
for (const name of Object.keys(process.env)) if (name.startsWith('DAYTONA_')) delete process.env[name]

let server: DayliteServer
let daytona: Daytona

beforeAll(async () => {
  server = await createServer({ port: 0, limits: { parkAfterMs: 50 } })
  daytona = new Daytona({ apiUrl: server.apiUrl, apiKey: 'local' })
  // As a running `daylite serve` would be: its warm kernel worker is up before the first request.
  for (let i = 0; i < 500 && server.engine.stats().idle === 0; i++) await new Promise((r) => setTimeout(r, 20))
})

afterAll(async () => {
  await daytona[Symbol.asyncDispose]()
  await server.close()
})

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

describe('daylite serve: the §2.5 scenario through the real SDK', () => {
  let sandbox: Sandbox

  it('creates a started sandbox and runs a first command with no polling (< 1 s)', async () => {
    const started = performance.now()
    sandbox = await daytona.create({ labels: { suite: 'serve' } })
    const created = performance.now()
    const r = await sandbox.process.executeCommand('echo hi')
    const done = performance.now()
    console.log(`[serve] SDK create ${(created - started).toFixed(1)} ms + first executeCommand ${(done - created).toFixed(1)} ms = ${(done - started).toFixed(1)} ms`)
    expect(r).toMatchObject({ exitCode: 0, result: 'hi\n' })
    expect(done - started).toBeLessThan(1000)
    expect(sandbox.state).toBe('started')
    expect(sandbox.toolboxProxyUrl).toBe(`${server.url}/toolbox`)
    expect(sandbox.labels).toEqual({ suite: 'serve', 'code-toolbox-language': 'python' })

    // Once the server has run a command (its kernel bundle loaded), a round trip is a few ms.
    const t1 = performance.now()
    const second = await daytona.create()
    await second.process.executeCommand('echo hi')
    await second.delete()
    console.log(`[serve] SDK create + executeCommand + delete, warm: ${(performance.now() - t1).toFixed(1)} ms`)
    expect([sandbox.cpu, sandbox.memory, sandbox.disk]).toEqual([1, 1, 3])
  })

  it('getUserHomeDir / getWorkDir', async () => {
    expect(await sandbox.getUserHomeDir()).toBe('/home/daytona')
    expect(await sandbox.getWorkDir()).toBe('/home/daytona')
  })

  it('executeCommand with cwd, env and a non-zero exit', async () => {
    await sandbox.process.executeCommand('mkdir -p sub')
    expect((await sandbox.process.executeCommand('pwd', 'sub')).result).toBe('/home/daytona/sub\n')
    expect((await sandbox.process.executeCommand('echo $GREETING', undefined, { GREETING: 'hello' })).result).toBe('hello\n')
    const r = await sandbox.process.executeCommand('echo out; echo err >&2; exit 3')
    expect(r.exitCode).toBe(3)
    expect(r.result).toBe('out\nerr\n')
  })

  it('createFolder / uploadFile / uploadFiles / listFiles / downloadFile / downloadFiles', async () => {
    await sandbox.fs.createFolder('data', '755')
    await sandbox.fs.uploadFile(Buffer.from('name,score\nada,3\n'), 'data/in.csv')
    const binary = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256))
    await sandbox.fs.uploadFiles([
      { source: Buffer.from('one'), destination: 'data/one.txt' },
      { source: binary, destination: 'data/bin/blob.bin' },
      { source: Buffer.from('ünïcode ✓'), destination: 'data/ünï cödé.txt' },
      { source: Buffer.from('quoted'), destination: 'data/a "quoted" \\name.txt' },
    ])
    const names = (await sandbox.fs.listFiles('data')).map((f) => f.name).sort()
    expect(names).toEqual(['a "quoted" \\name.txt', 'bin', 'in.csv', 'one.txt', 'ünï cödé.txt'])
    const deep = await sandbox.fs.listFiles('data', { depth: 2 })
    expect(deep.map((f) => f.path)).toContain('/home/daytona/data/bin/blob.bin')
    expect((await sandbox.fs.downloadFile('data/in.csv')).toString()).toBe('name,score\nada,3\n')
    expect(Buffer.compare(await sandbox.fs.downloadFile('data/bin/blob.bin'), binary)).toBe(0)

    const results = await sandbox.fs.downloadFiles([
      { source: 'data/one.txt' },
      { source: 'data/missing.txt' },
      { source: 'data/ünï cödé.txt' },
      { source: 'data/a "quoted" \\name.txt' },
    ])
    expect(results[0]?.result?.toString()).toBe('one')
    expect(results[1]?.result).toBeUndefined()
    expect(results[1]?.error).toMatch(/missing\.txt|no such file/i)
    expect(results[1]?.errorDetails).toMatchObject({ statusCode: 404, code: 'FILE_NOT_FOUND', source: 'DAYTONA_DAEMON' })
    expect(results[2]?.result?.toString()).toBe('ünïcode ✓')
    expect(results[3]?.result?.toString()).toBe('quoted')

    await expect(sandbox.fs.downloadFile('data/missing.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
    await expect(sandbox.fs.listFiles('no/such/dir')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
  })

  it('sessions: create, sync and async commands, getSessionCommand, logs as JSON and streamed', async () => {
    await sandbox.process.createSession('dev')
    await expect(sandbox.process.createSession('dev')).rejects.toBeInstanceOf(DaytonaConflictError)
    await sandbox.process.executeSessionCommand('dev', { command: 'cd data && export N=7' })
    const sync = await sandbox.process.executeSessionCommand('dev', { command: 'echo $N $(pwd); echo oops >&2' })
    expect(sync).toMatchObject({ exitCode: 0, stdout: '7 /home/daytona/data\n', stderr: 'oops\n' })

    const async = await sandbox.process.executeSessionCommand('dev', {
      command: 'for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.05; done',
      runAsync: true,
    })
    expect(async.cmdId).toBeTruthy()
    expect(async.exitCode).toBeUndefined()
    let stdout = ''
    let stderr = ''
    await sandbox.process.getSessionCommandLogs(
      'dev',
      async.cmdId,
      (chunk) => {
        stdout += chunk
      },
      (chunk) => {
        stderr += chunk
      },
    )
    expect(stdout).toBe('out1\nout2\nout3\n')
    expect(stderr).toBe('err1\nerr2\nerr3\n')
    const command = await sandbox.process.getSessionCommand('dev', async.cmdId)
    expect(command).toMatchObject({ id: async.cmdId, exitCode: 0 })
    const logs = await sandbox.process.getSessionCommandLogs('dev', async.cmdId)
    expect(logs).toEqual({ output: expect.stringContaining('out3') as unknown, stdout: 'out1\nout2\nout3\n', stderr: 'err1\nerr2\nerr3\n' })

    // Streaming a finished command replays its logs and ends.
    let replay = ''
    await sandbox.process.getSessionCommandLogs('dev', async.cmdId, (c) => (replay += c), () => {})
    expect(replay).toBe('out1\nout2\nout3\n')

    const session = await sandbox.process.getSession('dev')
    expect(session.commands?.length).toBe(3)
    expect((await sandbox.process.listSessions()).map((s) => s.sessionId)).toEqual(['dev'])
    await expect(sandbox.process.getSessionCommand('dev', 'nope')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await sandbox.process.deleteSession('dev')
    await expect(sandbox.process.getSession('dev')).rejects.toBeInstanceOf(DaytonaNotFoundError)
  })

  it('setLabels → stop → start → get → list with labels/states → delete → get ⇒ DaytonaNotFoundError', async () => {
    expect(await sandbox.setLabels({ suite: 'serve', phase: 'two' })).toEqual({ suite: 'serve', phase: 'two', 'code-toolbox-language': 'python' })
    const t0 = performance.now()
    await sandbox.stop()
    expect(sandbox.state).toBe('stopped')
    await sandbox.start()
    expect(sandbox.state).toBe('started')
    console.log(`[serve] SDK stop + start ${(performance.now() - t0).toFixed(1)} ms`)
    expect((await sandbox.process.executeCommand('cat data/one.txt')).result).toBe('one')

    const again = await daytona.get(sandbox.id)
    expect(again.labels.phase).toBe('two')
    expect((await daytona.get(sandbox.name)).id).toBe(sandbox.id)

    const found = await all(daytona.list({ labels: { phase: 'two' }, states: ['started' as never] }))
    expect(found.map((s) => s.id)).toEqual([sandbox.id])
    expect(await all(daytona.list({ labels: { phase: 'two' }, states: ['stopped' as never] }))).toEqual([])

    await sandbox.delete()
    await expect(daytona.get(sandbox.id)).rejects.toBeInstanceOf(DaytonaNotFoundError)
  })
})

describe('daylite serve: more of the API', () => {
  let sandbox: Sandbox

  beforeAll(async () => {
    sandbox = await daytona.create({ name: 'more-box', envVars: { BASE: 'b' } })
  })

  it('file details, move, permissions, search, find, replace, delete', async () => {
    await sandbox.fs.uploadFiles([
      { source: Buffer.from('hello world\nbye\n'), destination: 'src/a.txt' },
      { source: Buffer.from('{"v":1}'), destination: 'src/conf.json' },
    ])
    const info = await sandbox.fs.getFileDetails('src/a.txt')
    expect(info).toMatchObject({ name: 'a.txt', isDir: false, size: 16 })
    await sandbox.fs.moveFiles('src/a.txt', 'src/b.txt')
    await sandbox.fs.setFilePermissions('src/b.txt', { mode: '600' })
    expect((await sandbox.fs.getFileDetails('src/b.txt')).permissions).toBe('0600')
    expect((await sandbox.fs.searchFiles('src', '*.json')).files).toEqual([expect.stringMatching(/src\/conf\.json$/)])
    expect(await sandbox.fs.findFiles('src', 'world')).toEqual([{ file: '/home/daytona/src/b.txt', line: 1, content: 'hello world' }])
    const replaced = await sandbox.fs.replaceInFiles(['src/b.txt'], 'world', 'there')
    expect(replaced[0]?.success).toBe(true)
    expect((await sandbox.fs.downloadFile('src/b.txt')).toString()).toBe('hello there\nbye\n')
    await sandbox.fs.deleteFile('src', true)
    await expect(sandbox.fs.getFileDetails('src/b.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
  })

  it('uploadFileStream (chunked multipart) and downloadFileStream', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i))
    await sandbox.fs.uploadFileStream(Readable.from(parts), 'stream/big.bin')
    const stream = await sandbox.fs.downloadFileStream('stream/big.bin')
    const chunks: Buffer[] = []
    for await (const c of stream) chunks.push(c as Buffer)
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.concat(parts))).toBe(0)
  })

  it('updateEnv (POST /env) sets variables for later commands', async () => {
    expect((await sandbox.process.executeCommand('echo $BASE')).result).toBe('b\n')
    // `unset` is forwarded too; whether it takes effect in an attached kernel is the engine's
    // business (the in-process API behaves the same), so only `set` is asserted here.
    await sandbox.updateEnv({ EXTRA: 'x' }, { unset: ['NOT_SET_ANYWAY'] })
    expect((await sandbox.process.executeCommand('echo "[$BASE][$EXTRA]"')).result).toBe('[b][x]\n')
    await expect(sandbox.updateEnv({ 'BAD NAME': 'x' })).rejects.toBeInstanceOf(DaytonaValidationError)
  })

  it('intervals, fork, resize, archive, recover', async () => {
    await sandbox.setAutostopInterval(30)
    await sandbox.setAutoArchiveInterval(60)
    await sandbox.setAutoDeleteInterval(-1)
    await sandbox.refreshData()
    expect([sandbox.autoStopInterval, sandbox.autoArchiveInterval, sandbox.autoDeleteInterval]).toEqual([30, 60, -1])
    await sandbox.refreshActivity()

    await sandbox.process.executeCommand('echo forked > f.txt')
    const fork = await sandbox.fork({ name: 'more-fork' })
    expect(fork.state).toBe('started')
    expect(fork.name).toBe('more-fork')
    expect((await fork.process.executeCommand('cat f.txt')).result).toBe('forked\n')

    await fork.resize({ cpu: 2, memory: 2, disk: 4 })
    expect([fork.cpu, fork.memory, fork.disk]).toEqual([2, 2, 4])
    await expect(fork.resize({ disk: 3 })).rejects.toBeInstanceOf(DaytonaValidationError)

    await fork.stop()
    await fork.archive()
    expect(fork.state).toBe('archived')
    await fork.start()
    expect((await fork.process.executeCommand('cat f.txt')).result).toBe('forked\n')
    await expect(fork.recover()).rejects.toBeInstanceOf(DaytonaValidationError) // not in an error state
    await fork.delete()
  })

  it('lists with paging (limit is the page size, the SDK follows nextCursor)', async () => {
    const made = await Promise.all([0, 1, 2, 3, 4].map((i) => daytona.create({ labels: { page: 'yes', i: String(i) } })))
    const listed = await all(daytona.list({ labels: { page: 'yes' }, limit: 2 }))
    expect(listed.map((s) => s.id).sort()).toEqual(made.map((s) => s.id).sort())
    const sorted = await all(daytona.list({ labels: { page: 'yes' }, sort: 'name' as never, order: 'asc' as never }))
    expect(sorted.map((s) => s.name)).toEqual(made.map((s) => s.name).sort())
    await Promise.all(made.map((s) => s.delete()))
  })

  it('an ephemeral sandbox is deleted when it stops', async () => {
    const eph = await daytona.create({ ephemeral: true })
    await eph.stop()
    await expect(daytona.get(eph.id)).rejects.toBeInstanceOf(DaytonaNotFoundError)
  })
})

describe('daylite serve: errors', () => {
  let sandbox: Sandbox

  beforeAll(async () => {
    sandbox = await daytona.create()
  })

  it('a command past its timeout raises DaytonaTimeoutError; the sandbox survives', async () => {
    const started = Date.now()
    const error = await sandbox.process.executeCommand('echo before > t.txt; while true; do :; done', undefined, undefined, 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DaytonaTimeoutError)
    expect((error as DaytonaError).statusCode).toBe(408)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect((await sandbox.process.executeCommand('cat t.txt')).result).toBe('before\n')
  })

  it('bad input raises typed errors', async () => {
    await expect(daytona.create({ resources: { cpu: 9 } } as never)).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ snapshot: 'no-such-snapshot' })).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await daytona.create({ name: 'twice' })
    await expect(daytona.create({ name: 'twice' })).rejects.toBeInstanceOf(DaytonaConflictError)
    await expect(daytona.get('no-such-sandbox')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(sandbox.process.executeCommand('x'.repeat(2 * 1024 * 1024))).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(sandbox.process.getSession('nope')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(sandbox.fs.moveFiles('nope.txt', 'b.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
  })

  it('sendSessionCommandInput reaches a running program; a completed command answers with a Daytona error', async () => {
    await sandbox.process.createSession('in')
    const r = await sandbox.process.executeSessionCommand('in', { command: 'echo done' })
    const error = await sandbox.process.sendSessionCommandInput('in', r.cmdId, 'x\n').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DaytonaError)
    expect((error as DaytonaError).message).toMatch(/already completed/)
    const reader = await sandbox.process.executeSessionCommand('in', { command: `python3 -c "print(input()[::-1])"`, runAsync: true })
    await sandbox.process.sendSessionCommandInput('in', reader.cmdId, 'stressed\n')
    let exitCode: number | undefined
    for (let i = 0; i < 200 && exitCode === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      exitCode = (await sandbox.process.getSessionCommand('in', reader.cmdId)).exitCode
    }
    expect(exitCode).toBe(0)
    expect((await sandbox.process.getSessionCommandLogs('in', reader.cmdId)).stdout).toBe('desserts\n')
  })

  it('codeRun runs python, javascript and typescript with argv and env', async () => {
    const r = await sandbox.process.codeRun('import os, sys; print(sys.argv[1:], os.environ["X"])', { argv: ['a'], env: { X: 'y' } })
    expect(r).toMatchObject({ exitCode: 0, result: "['a'] y\n" })
    const js = await daytona.create({ language: 'javascript' })
    expect(await js.process.codeRun('console.log(process.argv.slice(2), process.env.X)', { argv: ['b'], env: { X: 'z' } })).toMatchObject({ exitCode: 0, result: "[ 'b' ] z\n" })
    await js.delete()
    const ts = await daytona.create({ language: 'typescript' })
    expect(await ts.process.codeRun('const n: number = 6; console.log(n * 7)')).toMatchObject({ exitCode: 0, result: '42\n' })
    await ts.delete()
  })

  it('codeInterpreter works through the SDK: contexts, streaming, errors, timeout', async () => {
    await sandbox.codeInterpreter.runCode('v = 20')
    const chunks: string[] = []
    const r = await sandbox.codeInterpreter.runCode('import sys\nprint(v + 1)\nsys.stderr.write("warn\\n")', { onStdout: (m) => chunks.push(m.output) })
    expect(r.stdout).toBe('21\n')
    expect(r.stderr).toBe('warn\n')
    expect(chunks.join('')).toBe('21\n')
    const failed = await sandbox.codeInterpreter.runCode('1 / 0')
    expect(failed.error).toMatchObject({ name: 'ZeroDivisionError', value: 'division by zero' })
    const ctx = await sandbox.codeInterpreter.createContext()
    expect((await sandbox.codeInterpreter.runCode('print("v" in globals())', { context: ctx })).stdout).toBe('False\n')
    expect((await sandbox.codeInterpreter.listContexts()).map((c) => c.id)).toEqual([ctx.id])
    await expect(sandbox.codeInterpreter.runCode('while True: pass', { context: ctx, timeout: 1 })).rejects.toBeInstanceOf(DaytonaTimeoutError)
    await sandbox.codeInterpreter.deleteContext(ctx)
    expect(await sandbox.codeInterpreter.listContexts()).toEqual([])
  })

  it('toolbox calls on a stopped sandbox are refused with a typed error', async () => {
    const s = await daytona.create()
    await s.stop()
    await expect(s.process.executeCommand('echo hi')).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(s.fs.downloadFiles([{ source: 'x' }])).rejects.toBeInstanceOf(DaytonaValidationError)
    await s.delete()
    await expect(s.process.executeCommand('echo hi')).rejects.toBeInstanceOf(DaytonaNotFoundError)
  })

  it('an upload larger than the sandbox limit is refused, and the server keeps serving', async () => {
    const small = await createServer({ port: 0, sandboxLimits: { maxFileBytes: 64 * 1024 } })
    const client = new Daytona({ apiUrl: small.apiUrl, apiKey: 'local' })
    try {
      const s = await client.create()
      await expect(s.fs.uploadFile(Buffer.alloc(1024 * 1024, 1), 'big.bin')).rejects.toBeInstanceOf(DaytonaValidationError)
      await s.fs.uploadFile(Buffer.alloc(1024, 1), 'ok.bin')
      expect((await s.fs.getFileDetails('ok.bin')).size).toBe(1024)
      await expect(s.fs.getFileDetails('big.bin')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
    } finally {
      await client[Symbol.asyncDispose]()
      await small.close()
    }
  })
})

describe('daylite serve: auth and shutdown', () => {
  it('accepts only the configured API keys when apiKeys is given', async () => {
    const locked = await createServer({ port: 0, apiKeys: ['secret-1', 'secret-2'] })
    const wrong = new Daytona({ apiUrl: locked.apiUrl, apiKey: 'wrong' })
    const right = new Daytona({ apiUrl: locked.apiUrl, apiKey: 'secret-2' })
    try {
      await expect(wrong.create()).rejects.toBeInstanceOf(DaytonaAuthenticationError)
      const s = await right.create()
      expect((await s.process.executeCommand('echo ok')).result).toBe('ok\n')
      // The toolbox is guarded too.
      const res = await fetch(`${locked.url}/toolbox/${s.id}/work-dir`, { headers: { Authorization: 'Bearer wrong' } })
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' })
    } finally {
      await wrong[Symbol.asyncDispose]()
      await right[Symbol.asyncDispose]()
      await locked.close()
    }
  })

  it('leaves no kernel worker alive after close(), and close() is safe twice', async () => {
    const s = await createServer({ port: 0 })
    const client = new Daytona({ apiUrl: s.apiUrl, apiKey: 'local' })
    const box = await client.create()
    await box.process.executeCommand('echo hi')
    expect(s.engine.stats().alive).toBeGreaterThan(0)
    await client[Symbol.asyncDispose]()
    await s.close()
    await s.close()
    expect(s.engine.stats()).toMatchObject({ alive: 0, idle: 0, leased: 0 })
    await expect(fetch(`${s.apiUrl}/sandbox`)).rejects.toThrow()
  })
})
