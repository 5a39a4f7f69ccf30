import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Daytona,
  DaytonaConflictError,
  DaytonaError,
  DaytonaNotFoundError,
  DaytonaValidationError,
  Image,
  SandboxState,
  type Sandbox,
} from '../../src/index.js'

let daytona: Daytona

beforeAll(() => {
  daytona = new Daytona({ limits: { parkAfterMs: 50 } })
})
afterAll(async () => {
  await daytona.dispose()
})

/** Polls `check` until it is true or `ms` pass (timers are real; the machine may be slow). */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 25))
  }
  return check()
}

async function all(it: AsyncIterable<Sandbox>): Promise<Sandbox[]> {
  const out: Sandbox[] = []
  for await (const s of it) out.push(s)
  return out
}

describe('create', () => {
  it('creates a started sandbox with Daytona defaults and the language label', async () => {
    const s = await daytona.create({ labels: { team: 'a' } })
    expect(s.state).toBe(SandboxState.STARTED)
    expect(s.labels).toEqual({ team: 'a', 'code-toolbox-language': 'python' })
    expect([s.cpu, s.memory, s.disk]).toEqual([1, 1, 3])
    expect(s.user).toBe('daytona')
    expect(s.name).toBe(s.id)
    expect(s.autoStopInterval).toBe(15)
    expect(s.autoArchiveInterval).toBe(7 * 24 * 60)
    expect(s.autoDeleteInterval).toBe(-1)
    expect(await s.getUserHomeDir()).toBe('/home/daytona')
    expect(await s.getWorkDir()).toBe('/home/daytona')
    expect(Date.parse(s.createdAt ?? '')).toBeGreaterThan(0)
    await s.delete()
  })

  it('validates language, resources, intervals and names with typed errors', async () => {
    await expect(daytona.create({ language: 'cobol' })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ image: 'x', resources: { cpu: 5 } })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ image: 'x', resources: { memory: 0 } })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ image: 'x', resources: { disk: 11 } })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ autoStopInterval: -1 })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ autoStopInterval: 1.5 })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ name: 'bad name/with slash' })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ envVars: { A: 1 as unknown as string } })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(daytona.create({ snapshot: 'no-such-snapshot' })).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(daytona.create(42 as unknown as object)).rejects.toBeInstanceOf(DaytonaValidationError)
  })

  it('takes resources, env, name, user and a known snapshot', async () => {
    const s = await daytona.create({ name: 'res-box', image: 'debian:12', resources: { cpu: 2, memory: 4, disk: 8 }, envVars: { FOO: 'bar' } })
    expect([s.cpu, s.memory, s.disk]).toEqual([2, 4, 8])
    expect(s.env).toEqual({ FOO: 'bar' })
    expect((await s.process.executeCommand('echo $FOO')).result).toBe('bar\n')
    await expect(daytona.create({ name: 'res-box' })).rejects.toBeInstanceOf(DaytonaConflictError)
    const medium = await daytona.create({ snapshot: 'daytona-medium' })
    expect([medium.cpu, medium.memory, medium.disk]).toEqual([2, 4, 8])
    const root = await daytona.create({ user: 'root' })
    expect((await root.process.executeCommand('whoami; pwd')).result).toBe('root\n/root\n')
    await Promise.all([s.delete(), medium.delete(), root.delete()])
  })

  it('applies an Image: ENV, WORKDIR and RUN steps, with build logs', async () => {
    const logs: string[] = []
    const image = Image.base('python:3.13-slim').env({ GREETING: 'hello world' }).workdir('/app').runCommands('echo "$GREETING" > greeting.txt')
    const s = await daytona.create({ image }, { onSnapshotCreateLogs: (l) => logs.push(l) })
    expect(await s.getWorkDir()).toBe('/app')
    expect((await s.process.executeCommand('cat greeting.txt; pwd')).result).toBe('hello world\n/app\n')
    expect(s.buildInfo?.dockerfileContent).toContain('FROM python:3.13-slim')
    expect(logs.join('')).toContain('RUN echo')
    await s.delete()
  })

  it('fails an image build whose RUN step fails, leaving no sandbox behind', async () => {
    const before = daytona.stats().sandboxes
    await expect(daytona.create({ image: Image.base('x').runCommands('exit 3') })).rejects.toBeInstanceOf(DaytonaError)
    expect(daytona.stats().sandboxes).toBe(before)
  })
})

describe('get and list', () => {
  it('gets by id and by name, and lists with label/state filters, sort and limit', async () => {
    const a = await daytona.create({ name: 'list-a', labels: { group: 'g1', k: 'x' } })
    const b = await daytona.create({ name: 'list-b', labels: { group: 'g1' } })
    const c = await daytona.create({ name: 'list-c', labels: { group: 'g2' } })
    expect((await daytona.get(a.id)).name).toBe('list-a')
    expect((await daytona.get('list-b')).id).toBe(b.id)
    const g1 = await all(daytona.list({ labels: { group: 'g1' }, sort: 'name', order: 'asc', limit: 1 }))
    expect(g1.map((s) => s.name)).toEqual(['list-a', 'list-b'])
    await b.stop()
    const started = await all(daytona.list({ labels: { group: 'g1' }, states: [SandboxState.STARTED] }))
    expect(started.map((s) => s.name)).toEqual(['list-a'])
    const newest = await all(daytona.list({ labels: { group: 'g1' } }))
    expect(newest.map((s) => s.name)).toEqual(['list-b', 'list-a'])
    await expect(daytona.get('nope')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(all(daytona.list({ limit: 0 }))).rejects.toBeInstanceOf(DaytonaValidationError)
    await Promise.all([a.delete(), b.delete(), c.delete()])
  })
})

describe('lifecycle', () => {
  it('stop keeps files; start restores them; delete makes everything NotFound', async () => {
    const s = await daytona.create()
    await s.process.executeCommand('mkdir -p src && echo hi > src/a.txt')
    await s.fs.uploadFile(Buffer.from('csv'), 'data/in.csv')
    await s.stop()
    expect(s.state).toBe('stopped')
    await expect(s.process.executeCommand('echo no')).rejects.toBeInstanceOf(DaytonaError)
    await s.start()
    expect(s.state).toBe('started')
    expect((await s.process.executeCommand('cat src/a.txt data/in.csv')).result).toBe('hi\ncsv')
    await s.delete()
    expect(s.state).toBe('destroyed')
    await expect(daytona.get(s.id)).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(s.process.executeCommand('echo')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(s.fs.listFiles('.')).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await expect(s.start()).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await s.delete() // deleting twice is harmless
  })

  it('stop() during a running command ends it and keeps the files written before', async () => {
    const s = await daytona.create()
    await s.process.createSession('busy')
    const { cmdId } = await s.process.executeSessionCommand('busy', { command: 'echo started > progress.txt; sleep 30; echo never >> progress.txt', runAsync: true })
    await new Promise((r) => setTimeout(r, 300))
    const t = Date.now()
    await s.stop()
    expect(Date.now() - t).toBeLessThan(5_000)
    await s.start()
    expect((await s.process.executeCommand('cat progress.txt')).result).toBe('started\n')
    await expect(s.process.getSessionCommand('busy', cmdId)).rejects.toBeInstanceOf(DaytonaNotFoundError)
    await s.delete()
  })

  it('delete() during a running command returns promptly and the command fails with a typed error', async () => {
    const s = await daytona.create()
    const running = s.process.executeCommand('sleep 30').catch((e: unknown) => e)
    await new Promise((r) => setTimeout(r, 300))
    const t = Date.now()
    await s.delete()
    expect(Date.now() - t).toBeLessThan(5_000)
    expect(await running).toBeInstanceOf(DaytonaError)
  })

  it('survives parking: an idle sandbox hands back its worker and keeps files and sessions', async () => {
    const s = await daytona.create()
    await s.process.executeCommand('echo parked > p.txt')
    await s.process.createSession('keep')
    await s.process.executeSessionCommand('keep', { command: 'cd /tmp && export KEEP=1' })
    await new Promise((r) => setTimeout(r, 300))
    const r = await s.process.executeSessionCommand('keep', { command: 'echo $KEEP $(pwd) $(cat ~/p.txt)' })
    expect(r.output).toBe('1 /tmp parked\n')
    await s.delete()
  })

  it('loses nothing when calls race with parking', async () => {
    const racy = new Daytona({ limits: { parkAfterMs: 1, maxKernelWorkers: 2 } })
    try {
      const boxes = await Promise.all([racy.create(), racy.create(), racy.create()])
      for (let i = 1; i <= 15; i++) {
        await Promise.all(boxes.map((b) => b.process.executeCommand(`echo ${i} >> log.txt`)))
        await new Promise((r) => setTimeout(r, i % 3))
      }
      const expected = Array.from({ length: 15 }, (_, i) => `${i + 1}\n`).join('')
      for (const b of boxes) expect((await b.fs.downloadFile('log.txt')).toString()).toBe(expected)
    } finally {
      await racy.dispose()
    }
  })

  it('archives a stopped sandbox and starts it again', async () => {
    const s = await daytona.create()
    await s.fs.uploadFile(Buffer.from('x'), 'keep.txt')
    await expect(s.archive()).rejects.toBeInstanceOf(DaytonaError)
    await s.stop()
    await s.archive()
    expect(s.state).toBe('archived')
    await s.start()
    expect((await s.fs.downloadFile('keep.txt')).toString()).toBe('x')
    await s.delete()
  })

  it('setLabels replaces labels and keeps the language label', async () => {
    const s = await daytona.create({ language: 'typescript', labels: { a: '1' } })
    expect(await s.setLabels({ b: '2' })).toEqual({ b: '2', 'code-toolbox-language': 'typescript' })
    expect((await daytona.get(s.id)).labels).toEqual({ b: '2', 'code-toolbox-language': 'typescript' })
    await s.delete()
  })

  it('updateEnv changes the environment of later commands', async () => {
    const s = await daytona.create({ envVars: { A: '1', B: '2' } })
    expect((await s.process.executeCommand('echo "$A $B"')).result).toBe('1 2\n') // attached to a kernel
    await s.updateEnv({ C: '3' }, { unset: ['A'] })
    expect((await s.process.executeCommand('echo "${A:-unset} $B $C"')).result).toBe('unset 2 3\n')
    await s.delete()
  })

  it('fork copies files; the two sandboxes are independent', async () => {
    const s = await daytona.create()
    await s.process.executeCommand('echo original > f.txt')
    const f = await s.fork({ name: 'forked-one' })
    expect(f.name).toBe('forked-one')
    await f.process.executeCommand('echo changed > f.txt && echo new > g.txt')
    expect((await s.process.executeCommand('cat f.txt; ls g.txt 2>&1 | head -1')).result).toMatch(/^original\n.*No such file/)
    expect((await f.process.executeCommand('cat f.txt g.txt')).result).toBe('changed\nnew\n')
    await Promise.all([s.delete(), f.delete()])
  })

  it('resize validates and raises the disk quota of a live sandbox', async () => {
    const s = await daytona.create({ image: 'x', resources: { disk: 1 } })
    await s.resize({ cpu: 2, memory: 2, disk: 2 })
    expect([s.cpu, s.memory, s.disk]).toEqual([2, 2, 2])
    await expect(s.resize({ disk: 1 })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(s.resize({ cpu: 9 })).rejects.toBeInstanceOf(DaytonaValidationError)
    await s.delete()
  })

  it('waitUntilStarted / waitUntilStopped resolve on the state', async () => {
    const s = await daytona.create()
    await s.waitUntilStarted()
    await s.stop()
    await s.waitUntilStopped()
    await s.delete()
  })
})

describe('auto intervals', () => {
  it('auto-stop really stops an idle sandbox, and ephemeral sandboxes are deleted when they stop', async () => {
    const fast = new Daytona({ limits: { intervalUnitMs: 100, parkAfterMs: 20 } })
    try {
      const s = await fast.create({ autoStopInterval: 1 })
      const e = await fast.create({ autoStopInterval: 1, ephemeral: true })
      expect(e.autoDeleteInterval).toBe(0)
      await s.process.executeCommand('echo x > kept.txt')
      expect(await eventually(async () => (await s.refreshData(), s.state === 'stopped'))).toBe(true)
      expect(await eventually(() => fast.get(e.id).then(() => false, (err: unknown) => err instanceof DaytonaNotFoundError))).toBe(true)
      await s.start()
      expect((await s.process.executeCommand('cat kept.txt')).result).toBe('x\n')
      await s.setAutostopInterval(0)
      await new Promise((r) => setTimeout(r, 300))
      await s.refreshData()
      expect(s.state).toBe('started')
    } finally {
      await fast.dispose()
    }
  })

  it('auto-archive and auto-delete act on stopped sandboxes', async () => {
    const fast = new Daytona({ limits: { intervalUnitMs: 50 } })
    try {
      const a = await fast.create({ autoStopInterval: 0, autoArchiveInterval: 1 })
      const d = await fast.create({ autoStopInterval: 0, autoDeleteInterval: 1 })
      await a.stop()
      await d.stop()
      expect(await eventually(async () => (await a.refreshData(), a.state === 'archived'))).toBe(true)
      expect(await eventually(() => fast.get(d.id).then(() => false, (err: unknown) => err instanceof DaytonaNotFoundError))).toBe(true)
    } finally {
      await fast.dispose()
    }
  })
})
