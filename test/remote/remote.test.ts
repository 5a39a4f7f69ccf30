/**
 * The remote fallback end to end, offline: daylite's own `Daytona` with `remote: { apiUrl,
 * apiKey }` drives the real `@daytonaio/sdk` against `daylite serve --backend native` on
 * 127.0.0.1, which runs what WebAssembly cannot (a socket bound to a port, host commands).
 */
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaError, DaytonaFileNotFoundError, DaytonaNotFoundError, DaytonaTimeoutError, Image, type Sandbox } from '../../src/index.js'
import type { PromoteEvent } from '../../src/remote/index.js'
import { createServer, type DayliteServer } from '../../src/server/index.js'

for (const name of Object.keys(process.env)) if (name.startsWith('DAYTONA_')) delete process.env[name]

const BIND = `python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print('bound')"`

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createNetServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const port = (probe.address() as AddressInfo).port
  await new Promise((r) => probe.close(r))
  return port
}

let server: DayliteServer
let daytona: Daytona
const promoted: PromoteEvent[] = []

beforeAll(async () => {
  server = await createServer({ port: 0, backend: 'native' })
  daytona = new Daytona({ remote: { apiUrl: server.apiUrl, apiKey: 'local', onPromote: (e) => promoted.push(e) } })
})

afterAll(async () => {
  await daytona?.dispose()
  await server?.close()
})

describe("target: 'remote': a sandbox on the remote Daytona behind the same Sandbox API", () => {
  let sandbox: Sandbox

  beforeAll(async () => {
    sandbox = await daytona.create({ target: 'remote', labels: { suite: 'remote' }, envVars: { BASE: 'b' } })
  })

  it('runs on the remote: placement, ids and what WebAssembly cannot do', async () => {
    expect(sandbox.placement).toBe('remote')
    expect(sandbox.state).toBe('started')
    expect(sandbox.labels).toEqual({ suite: 'remote', 'code-toolbox-language': 'python' })
    expect(server.engine.get(sandbox.id).id).toBe(sandbox.id) // the native server holds it
    expect(daytona.stats().sandboxes).toBeGreaterThanOrEqual(1)
    const r = await sandbox.process.executeCommand(BIND)
    expect(r).toMatchObject({ exitCode: 0, result: 'bound\n' })
    const home = await sandbox.getUserHomeDir()
    expect((await sandbox.process.executeCommand('echo "$BASE $(pwd)"')).result).toBe(`b ${home}\n`)
    expect((await sandbox.process.executeCommand('echo x; exit 4')).exitCode).toBe(4)
    await expect(sandbox.process.executeCommand('sleep 5', undefined, undefined, 1)).rejects.toBeInstanceOf(DaytonaTimeoutError)
  })

  it('files: upload, list, download, per-file errors, details, search, delete', async () => {
    await sandbox.fs.uploadFiles([
      { source: Buffer.from('one'), destination: 'data/one.txt' },
      { source: Buffer.from('two two'), destination: 'data/sub/two.txt' },
    ])
    expect((await sandbox.fs.listFiles('data')).map((f) => f.name).sort()).toEqual(['one.txt', 'sub'])
    expect((await sandbox.fs.downloadFile('data/sub/two.txt')).toString()).toBe('two two')
    const results = await sandbox.fs.downloadFiles([{ source: 'data/one.txt' }, { source: 'data/none.txt' }])
    expect(results[0]?.result?.toString()).toBe('one')
    expect(results[1]?.errorDetails).toMatchObject({ code: 'FILE_NOT_FOUND' })
    await expect(sandbox.fs.downloadFile('data/none.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
    await expect(sandbox.fs.getFileDetails('data/none.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
    expect((await sandbox.fs.getFileDetails('data/one.txt')).size).toBe(3)
    expect((await sandbox.fs.searchFiles('data', '**/*.txt')).files.sort()).toEqual(['data/one.txt', 'data/sub/two.txt'])
    expect((await sandbox.fs.findFiles('data', 'two')).map((m) => m.line)).toEqual([1])
    await sandbox.fs.deleteFile('data/sub', true)
    expect((await sandbox.fs.listFiles('data')).map((f) => f.name)).toEqual(['one.txt'])
  })

  it('codeRun and the code interpreter', async () => {
    expect(await sandbox.process.codeRun('import sys; print(sys.argv[1:])', { argv: ['a'] })).toMatchObject({ exitCode: 0, result: "['a']\n" })
    await sandbox.codeInterpreter.runCode('x = 41')
    const out: string[] = []
    const r = await sandbox.codeInterpreter.runCode('print(x + 1)', { onStdout: (m) => out.push(m.output) })
    expect(r.stdout).toBe('42\n')
    expect(out.join('')).toBe('42\n')
    const ctx = await sandbox.codeInterpreter.createContext()
    expect((await sandbox.codeInterpreter.runCode('print("x" in globals())', { context: ctx })).stdout).toBe('False\n')
    expect((await sandbox.codeInterpreter.runCode('raise ValueError("no")', { context: ctx })).error).toMatchObject({ name: 'ValueError', value: 'no' })
    expect((await sandbox.codeInterpreter.listContexts()).map((c) => c.id)).toEqual([ctx.id])
    await sandbox.codeInterpreter.deleteContext(ctx)
  })

  it('sessions: state, async logs streamed, input to a running command (remote only)', async () => {
    await sandbox.process.createSession('s')
    await sandbox.process.executeSessionCommand('s', { command: 'mkdir -p w && cd w && export V=9' })
    const r = await sandbox.process.executeSessionCommand('s', { command: 'echo $V $(basename $(pwd))' })
    expect(r).toMatchObject({ exitCode: 0, stdout: '9 w\n' })
    const a = await sandbox.process.executeSessionCommand('s', { command: 'read l; echo "in:$l"', runAsync: true })
    await new Promise((res) => setTimeout(res, 100))
    await sandbox.process.sendSessionCommandInput('s', a.cmdId, 'typed\n')
    let logs = ''
    await sandbox.process.getSessionCommandLogs('s', a.cmdId, (c) => (logs += c), () => {})
    expect(logs).toBe('in:typed\n')
    expect(await sandbox.process.getSessionCommand('s', a.cmdId)).toMatchObject({ exitCode: 0 })
    expect((await sandbox.process.getSession('s')).commands.length).toBe(3)
    expect((await sandbox.process.listSessions()).map((x) => x.sessionId)).toEqual(['s'])
    await sandbox.process.deleteSession('s')
  })

  it('a server listening on a port, reached through getPreviewLink', async () => {
    const port = await freePort()
    await sandbox.fs.uploadFile(Buffer.from('served by the remote'), 'site/index.html')
    await sandbox.process.createSession('web')
    await sandbox.process.executeSessionCommand('web', { command: `cd site && python3 -m http.server ${port} --bind 127.0.0.1 > /dev/null 2>&1 &` })
    const link = await sandbox.getPreviewLink(port)
    expect(link).toMatchObject({ sandboxId: sandbox.id, url: `http://127.0.0.1:${port}` })
    let body = ''
    for (let i = 0; i < 100 && body === ''; i++) {
      body = await fetch(`${link.url}/index.html`).then((r) => r.text(), () => '')
      if (body === '') await new Promise((r) => setTimeout(r, 50))
    }
    expect(body).toBe('served by the remote')
    await sandbox.process.deleteSession('web')
    const local = await daytona.create({ target: 'wasm' })
    await expect(local.getPreviewLink(port)).rejects.toThrow(/needs a server listening on port \d+.*target: 'auto'/)
    await local.delete()
  })

  it('lifecycle: labels, stop, start, get, list, fork, delete', async () => {
    expect(await sandbox.setLabels({ suite: 'remote', phase: '2' })).toMatchObject({ phase: '2' })
    await sandbox.process.executeCommand('echo kept > kept.txt')
    await sandbox.stop()
    expect(sandbox.state).toBe('stopped')
    await sandbox.start()
    expect(sandbox.state).toBe('started')
    expect((await sandbox.process.executeCommand('cat kept.txt')).result).toBe('kept\n')
    expect((await daytona.get(sandbox.id)).placement).toBe('remote')
    const listed: string[] = []
    for await (const s of daytona.list({ labels: { phase: '2' } })) listed.push(s.id)
    expect(listed).toEqual([sandbox.id])
    const fork = await sandbox.fork()
    expect(fork.placement).toBe('remote')
    expect((await fork.process.executeCommand('cat kept.txt')).result).toBe('kept\n')
    await fork.delete()
    await sandbox.delete()
    await expect(daytona.get(sandbox.id)).rejects.toBeInstanceOf(DaytonaNotFoundError)
  })

  it('a Daytona region as target keeps its meaning: the sandbox goes remote', async () => {
    const s = await daytona.create({ target: 'eu' })
    expect(s.placement).toBe('remote')
    await s.delete()
  })
})

describe('placement at create', () => {
  it('auto (the default with a remote) keeps a plain sandbox in WebAssembly', async () => {
    const s = await daytona.create()
    expect(s.placement).toBe('wasm')
    expect(s.target).toBe('local')
    await s.delete()
  })

  it('auto sends an image with a base we do not emulate, or an apt-get step, to the remote; it is built there', async () => {
    const node = await daytona.create({ image: Image.base('node:20').runCommands('echo built > built.txt') })
    expect(node.placement).toBe('remote')
    expect((await node.process.executeCommand('cat built.txt')).result).toBe('built\n')
    expect(node.buildInfo?.dockerfileContent).toContain('FROM node:20')
    await node.delete()
    const apt = await daytona.create({ image: Image.debianSlim('3.12').runCommands('apt-get --version > /dev/null && echo ok > apt.txt') })
    expect(apt.placement).toBe('remote')
    expect((await apt.process.executeCommand('cat apt.txt')).result).toBe('ok\n')
    await apt.delete()
    const plain = await daytona.create({ image: Image.debianSlim('3.12').runCommands('echo local > l.txt') })
    expect(plain.placement).toBe('wasm')
    expect((await plain.process.executeCommand('cat l.txt')).result).toBe('local\n')
    await plain.delete()
  })

  it("target: 'wasm' with a remote refuses an image that needs Linux, saying how to get it", async () => {
    const error = await daytona.create({ target: 'wasm', image: Image.debianSlim().runCommands('apt-get install -y curl') }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DaytonaError)
    expect((error as DaytonaError).statusCode).toBe(501)
    expect((error as Error).message).toMatch(/system package manager \(apt-get\).*target: 'auto'/)
  })
})

describe('promotion at run time (auto)', () => {
  it('moves a sandbox with its files, modes and sessions when a command needs Linux, and re-runs it there', async () => {
    const events: PromoteEvent[] = []
    const sandbox = await daytona.create({ name: 'promo', labels: { p: '1' }, envVars: { E: 'e' }, onPromote: (e) => events.push(e) })
    expect(sandbox.placement).toBe('wasm')
    const wasmId = sandbox.id
    await sandbox.fs.uploadFiles([
      { source: Buffer.from('print("hi from a script")\n'), destination: 'app/main.py' },
      { source: Buffer.from('#!/bin/bash\necho "run: $1"\n'), destination: 'app/run.sh' },
      { source: Buffer.alloc(200_000, 7), destination: 'app/data/blob.bin' },
    ])
    await sandbox.fs.setFilePermissions('app/run.sh', { mode: '755' })
    await sandbox.fs.createFolder('empty/dir', '700')
    await sandbox.process.createSession('dev')
    await sandbox.process.executeSessionCommand('dev', { command: 'cd app && export TOKEN=abc' })
    const ctx = await sandbox.codeInterpreter.createContext()

    // The socket needs Linux: the sandbox moves, the command re-runs remotely.
    const r = await sandbox.process.executeCommand(BIND)
    expect(r).toMatchObject({ exitCode: 0, result: 'bound\n' })
    expect(sandbox.placement).toBe('remote')
    expect(sandbox.id).not.toBe(wasmId)
    expect(sandbox.name).toBe('promo')
    expect(sandbox.labels).toMatchObject({ p: '1' })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ previousId: wasmId, sandboxId: sandbox.id, from: 'wasm', to: 'remote', rule: 'socket', command: BIND, files: 3 })
    expect(events[0]?.bytes).toBeGreaterThanOrEqual(200_000)
    console.log(`[remote] promotion (remote create + 3 files, 1 session, 1 context): ${events[0]?.durationMs.toFixed(0)} ms`)
    expect(promoted.map((e) => e.sandboxId)).toContain(sandbox.id)

    // Its files, with their modes; an empty directory too.
    expect((await sandbox.process.executeCommand('python3 app/main.py && ./app/run.sh x')).result).toBe('hi from a script\nrun: x\n')
    expect((await sandbox.fs.downloadFile('app/data/blob.bin')).equals(Buffer.alloc(200_000, 7))).toBe(true)
    expect((await sandbox.fs.getFileDetails('empty/dir')).permissions).toBe('0700')
    expect((await sandbox.process.executeCommand('echo $E')).result).toBe('e\n')
    // Its session, in the directory with the variables it had.
    const s = await sandbox.process.executeSessionCommand('dev', { command: 'echo $TOKEN $(basename $(pwd))' })
    expect(s.stdout).toBe('abc app\n')
    // Its interpreter context (a new process: variables do not move), by the id the caller holds.
    expect((await sandbox.codeInterpreter.runCode('print(1 + 1)', { context: ctx })).stdout).toBe('2\n')

    // The same Sandbox object, and daytona.get by the old and the new id.
    expect((await daytona.get(wasmId)).id).toBe(sandbox.id)
    expect((await daytona.get(sandbox.id)).placement).toBe('remote')
    const listed: string[] = []
    for await (const x of daytona.list({ labels: { p: '1' } })) listed.push(x.id)
    expect(listed).toEqual([sandbox.id])
    await sandbox.delete()
  })

  it('moves on a Linux-only command in a session and on codeRun code that opens a socket', async () => {
    const a = await daytona.create()
    await a.process.createSession('s')
    const r = await a.process.executeSessionCommand('s', { command: 'gcc --version > /dev/null && echo compiled' })
    expect(r).toMatchObject({ exitCode: 0, stdout: 'compiled\n' })
    expect(a.placement).toBe('remote')
    await a.delete()

    const b = await daytona.create()
    const c = await b.process.codeRun('import socket\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\nprint("listening")')
    expect(c).toMatchObject({ exitCode: 0, result: 'listening\n' })
    expect(b.placement).toBe('remote')
    await b.delete()
  })

  it('does not move on an ordinary failure', async () => {
    const s = await daytona.create()
    const r = await s.process.executeCommand('no-such-tool-here; python3 -c "import json"; exit 2')
    expect(r.exitCode).toBe(2)
    expect(s.placement).toBe('wasm')
    await s.delete()
  })

  it("target: 'wasm' does not move: the failure comes back with a hint", async () => {
    const s = await daytona.create({ target: 'wasm' })
    const r = await s.process.executeCommand('gcc --version')
    expect(r.exitCode).toBe(127)
    expect(r.result).toMatch(/gcc: command not found\ndaylite: this needs the command gcc, which the WebAssembly sandbox cannot run; create the sandbox with target: 'auto'/)
    expect(s.placement).toBe('wasm')
    await s.delete()
  })
})

describe('without a remote', () => {
  let local: Daytona

  beforeAll(() => {
    local = new Daytona({ remote: false })
  })

  afterAll(async () => {
    await local.dispose()
  })

  it("target: 'remote' is a clear error that says how to enable the fallback", async () => {
    const error = await local.create({ target: 'remote' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DaytonaError)
    expect((error as DaytonaError).statusCode).toBe(501)
    expect((error as Error).message).toMatch(/remote fallback.*DAYTONA_API_KEY/)
  })

  it('an image that needs Linux is refused with the same hint; a FROM alone is recorded', async () => {
    const error = await local.create({ image: Image.debianSlim().runCommands('apk add curl') }).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/system package manager \(apk\).*configure the remote fallback/)
    const s = await local.create({ image: Image.base('node:20').runCommands('echo ok > ok.txt') })
    expect(s.placement).toBe('wasm')
    expect((await s.process.executeCommand('cat ok.txt')).result).toBe('ok\n')
    await s.delete()
  })

  it('GPUs and volumes are refused the same way', async () => {
    const gpu = await local.create({ image: 'debian:12', resources: { gpu: 1 } }).catch((e: unknown) => e)
    expect((gpu as Error).message).toMatch(/needs 1 GPU, which the WebAssembly engine cannot provide; configure the remote fallback/)
    const volumes = await local.create({ volumes: [{ volumeId: 'v', mountPath: '/data' }] }).catch((e: unknown) => e)
    expect((volumes as DaytonaError).statusCode).toBe(501)
    expect((volumes as Error).message).toMatch(/needs Daytona volumes.*DAYTONA_API_KEY/)
  })

  it('a command that needs Linux returns its failure with the hint', async () => {
    const s = await local.create()
    const r = await s.process.executeCommand(BIND)
    expect(r.exitCode).toBe(1)
    expect(r.result).toMatch(/OSError: \[Errno 58\] Not supported\ndaylite: this needs network sockets.*configure the remote fallback/)
    const code = await s.process.codeRun('import numpy')
    expect(code.result).toMatch(/No module named 'numpy'\ndaylite: this needs the Python package numpy/)
    await s.process.createSession('x')
    const session = await s.process.executeSessionCommand('x', { command: 'curl -s http://127.0.0.1' })
    expect(session.exitCode).toBe(127)
    expect(session.stderr).toMatch(/daylite: this needs the command curl/)
    await s.delete()
  })

  it('a remote without an API key is refused when the Daytona is made', () => {
    expect(() => new Daytona({ remote: { apiUrl: 'http://127.0.0.1:1/api' } })).toThrow(/API key/)
  })
})
