/**
 * Fuzzing the public API with fast-check: random sequences of calls with random (and sometimes
 * sensible) arguments on `Daytona`, `Sandbox`, `process`, `fs` and `codeInterpreter`, including
 * lifecycle calls in between (stop, delete, fork, recover…). Each call either succeeds or rejects
 * with a typed `DaytonaError` subclass (never a JavaScript error wrapped as `INTERNAL`, never a
 * synchronous throw), settles within a per-call deadline, and after `dispose()` no worker is left.
 * test/api/fuzz.test.ts covers the argument shapes of the simpler methods on one sandbox.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaError, type Sandbox } from '../../src/index.js'

/** A call that has not settled after this long is a hang. */
const CALL_DEADLINE_MS = 20_000
/** fast-check stops starting new runs after this long (the suite's budget). */
const TIME_LIMIT_MS = 40_000

const weird = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', '/', '.', '..', '../../..', '/etc/passwd', 'a\0b', '\uD800', 'x'.repeat(5000), '~', '*', '**/*', '-rf', '$(echo)', '755', 'root', 'python', 'javascript'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(undefined, null, true, false, NaN, -1, 0, 1, 3, Infinity, 2 ** 53),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxKeys: 3 }),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.constant({ id: 'nope' }),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.constantFrom(1n, Object.create(null) as object, Object.assign(Object.create(null) as object, { command: 'echo' }), new Date(0), new Error('e')),
)

/** Paths that exist or could (so that the fs calls also succeed now and then). */
const path = fc.oneof(fc.constantFrom('a.txt', 'dir', 'dir/b.txt', '/home/daytona/a.txt', '/tmp', '.', 'nope/x'), weird)
/** Commands that end quickly, and random strings. */
const command = fc.oneof(
  fc.constantFrom('echo hi', 'ls -la', 'true', 'false', 'exit 3', 'cat nope', 'pwd', 'echo x > a.txt', 'mkdir -p dir && echo b > dir/b.txt', 'python3 -c "print(1)"', `node -e 'console.log(2)'`, 'sleep 0.2', 'yes | head -3', 'env | wc -l'),
  fc.string({ maxLength: 30 }),
  weird,
)
const code = fc.oneof(fc.constantFrom('print(1)', 'x = 1', 'print(x)', 'raise ValueError("v")', 'import sys; sys.exit(4)', 'console.log(1)', ''), fc.string({ maxLength: 30 }), weird)

type Op = { target: 'daytona' | 'sandbox' | 'process' | 'fs' | 'codeInterpreter'; method: string; args: unknown[]; box: number }

const argsFor: Record<Op['target'], Record<string, fc.Arbitrary<unknown[]>>> = {
  daytona: {
    create: fc.tuple(fc.oneof(fc.constant(undefined), fc.record({ language: fc.oneof(fc.constantFrom('python', 'typescript', 'javascript'), weird) }, { requiredKeys: [] }), fc.record({ labels: weird, envVars: weird, resources: weird, autoStopInterval: weird, name: weird }, { requiredKeys: [] }), weird)),
    get: fc.tuple(weird),
    list: fc.tuple(fc.oneof(fc.constant(undefined), fc.record({ labels: weird, states: weird, limit: weird }, { requiredKeys: [] }), weird)),
    start: fc.tuple(weird),
    stop: fc.tuple(weird),
    delete: fc.tuple(weird),
  },
  sandbox: {
    start: fc.tuple(),
    stop: fc.tuple(),
    delete: fc.tuple(),
    archive: fc.tuple(),
    recover: fc.tuple(),
    fork: fc.tuple(fc.oneof(fc.constant(undefined), fc.record({ name: weird }, { requiredKeys: [] }), weird)),
    resize: fc.tuple(fc.oneof(fc.record({ cpu: fc.constantFrom(1, 2, 5, -1, 1.5), memory: fc.constantFrom(1, 2, 9), disk: fc.constantFrom(1, 3, 4, 11) }, { requiredKeys: [] }), weird)),
    setLabels: fc.tuple(weird),
    updateEnv: fc.tuple(fc.oneof(fc.constant({ A: 'b' }), weird), fc.oneof(fc.constant(undefined), fc.record({ unset: weird }))),
    setAutostopInterval: fc.tuple(weird),
    setAutoArchiveInterval: fc.tuple(weird),
    setAutoDeleteInterval: fc.tuple(weird),
    refreshData: fc.tuple(),
    refreshActivity: fc.tuple(),
    getWorkDir: fc.tuple(),
    getUserHomeDir: fc.tuple(),
    getPreviewLink: fc.tuple(weird),
    waitUntilStarted: fc.tuple(fc.constantFrom(0.2, 1)),
    waitUntilStopped: fc.tuple(fc.constantFrom(0.2, 1)),
  },
  process: {
    executeCommand: fc.tuple(command, fc.oneof(fc.constant(undefined), path), fc.oneof(fc.constant(undefined), weird), fc.oneof(fc.constantFrom(undefined, 1, 5), weird)),
    codeRun: fc.tuple(code, fc.oneof(fc.constant(undefined), fc.record({ argv: weird, env: weird }, { requiredKeys: [] }), weird), fc.oneof(fc.constantFrom(undefined, 5), weird)),
    createSession: fc.tuple(fc.oneof(fc.constantFrom('s1', 's2'), weird)),
    getSession: fc.tuple(fc.oneof(fc.constantFrom('s1', 's2'), weird)),
    deleteSession: fc.tuple(fc.oneof(fc.constantFrom('s1', 's2'), weird)),
    listSessions: fc.tuple(),
    executeSessionCommand: fc.tuple(fc.oneof(fc.constantFrom('s1', 's2'), weird), fc.oneof(fc.record({ command, runAsync: fc.boolean() }), weird), fc.oneof(fc.constantFrom(undefined, 5), weird)),
    getSessionCommand: fc.tuple(fc.oneof(fc.constantFrom('s1'), weird), weird),
    getSessionCommandLogs: fc.tuple(fc.oneof(fc.constantFrom('s1'), weird), weird),
    sendSessionCommandInput: fc.tuple(weird, weird, weird),
  },
  fs: {
    createFolder: fc.tuple(path, fc.oneof(fc.constantFrom('755', '700'), weird)),
    deleteFile: fc.tuple(path, weird),
    downloadFile: fc.tuple(path),
    downloadFiles: fc.tuple(fc.oneof(fc.array(fc.record({ source: path }), { maxLength: 3 }), weird)),
    findFiles: fc.tuple(path, weird),
    getFileDetails: fc.tuple(path),
    listFiles: fc.tuple(path, fc.oneof(fc.constant(undefined), fc.record({ depth: weird }))),
    moveFiles: fc.tuple(path, path),
    replaceInFiles: fc.tuple(fc.oneof(fc.array(path, { maxLength: 3 }), weird), weird, weird),
    searchFiles: fc.tuple(path, weird),
    setFilePermissions: fc.tuple(path, fc.oneof(fc.record({ mode: weird, owner: weird, group: weird }, { requiredKeys: [] }), weird)),
    uploadFile: fc.tuple(fc.oneof(fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)), weird), path),
    uploadFiles: fc.tuple(fc.oneof(fc.array(fc.record({ source: fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b)), destination: path }), { maxLength: 3 }), weird)),
  },
  codeInterpreter: {
    runCode: fc.tuple(code, fc.oneof(fc.constant(undefined), fc.record({ timeout: fc.constantFrom(undefined, 5), envs: weird, context: weird }, { requiredKeys: [] }), weird)),
    createContext: fc.tuple(fc.oneof(fc.constant(undefined), path)),
    listContexts: fc.tuple(),
    deleteContext: fc.tuple(weird),
  },
}

const op: fc.Arbitrary<Op> = fc
  .constantFrom(...(Object.keys(argsFor) as Op['target'][]))
  .chain((target) =>
    fc.constantFrom(...Object.keys(argsFor[target])).chain((method) =>
      fc.record({ target: fc.constant(target), method: fc.constant(method), args: argsFor[target][method] as fc.Arbitrary<unknown[]>, box: fc.nat(2) }),
    ),
  )

let daytona: Daytona
/** The sandboxes the calls act on (replaced when one is deleted). */
let boxes: Sandbox[] = []
const seen = new Map<string, number>()

beforeAll(async () => {
  daytona = new Daytona({ limits: { parkAfterMs: 50, watchdogGraceMs: 1_000 }, sandboxLimits: { defaultCommandTimeoutMs: 5_000, diskBytes: 64 * 1024 ** 2 } })
  boxes = await Promise.all([daytona.create(), daytona.create({ language: 'python' }), daytona.create({ language: 'typescript' })])
})
afterAll(async () => {
  await daytona.dispose()
  expect(daytona.stats()).toMatchObject({ alive: 0, idle: 0, leased: 0, sandboxes: 0 })
})

function describeOp(o: Op): string {
  const show = (a: unknown): string => {
    try {
      return typeof a === 'symbol' || typeof a === 'function' || typeof a === 'bigint' ? String(a) : (JSON.stringify(a)?.slice(0, 40) ?? 'undefined')
    } catch {
      return typeof a
    }
  }
  return `${o.target}.${o.method}(${o.args.map(show).join(', ')})`
}

/** Runs one call: it must settle in time, and fail only with a typed DaytonaError. */
async function invoke(o: Op): Promise<void> {
  const box = boxes[o.box] as Sandbox
  const target: unknown = o.target === 'daytona' ? daytona : o.target === 'sandbox' ? box : box[o.target]
  let args = o.args
  if (o.target === 'daytona' && ['start', 'stop', 'delete'].includes(o.method) && typeof args[0] !== 'object') args = [box]
  const fn = (target as Record<string, (...a: unknown[]) => unknown>)[o.method]
  if (typeof fn !== 'function') throw new Error(`no method ${o.target}.${o.method}`)
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), CALL_DEADLINE_MS)
  })
  let result: unknown
  try {
    // A synchronous throw is a failure too: Daytona's methods return promises.
    result = fn.apply(target, args)
  } catch (error) {
    clearTimeout(timer)
    throw new Error(`${describeOp(o)} threw synchronously: ${String(error)}`)
  }
  try {
    const settled =
      o.target === 'daytona' && o.method === 'list'
        ? (async () => {
            for await (const s of result as AsyncIterable<Sandbox>) void s
          })()
        : Promise.resolve(result)
    const outcome = await Promise.race([settled.then((value) => ({ value }), (error: unknown) => ({ error })), deadline])
    if (outcome === 'hang') throw new Error(`${describeOp(o)} did not settle within ${CALL_DEADLINE_MS} ms`)
    const key = `${o.target}.${o.method}:${'error' in outcome ? ((outcome.error as DaytonaError)?.code ?? 'error') : 'ok'}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
    if ('error' in outcome) {
      const e = outcome.error
      if (!(e instanceof DaytonaError)) throw new Error(`${describeOp(o)} threw an untyped ${String(e)}`)
      if (e.code === 'INTERNAL') throw new Error(`${describeOp(o)} failed with an internal error: ${e.message}`)
    } else if (o.target === 'daytona' && o.method === 'create') {
      await (outcome.value as Sandbox).delete()
    } else if (o.method === 'fork' && outcome.value) {
      await (outcome.value as Sandbox).delete()
    }
  } finally {
    clearTimeout(timer)
  }
}

/** Brings every slot back to a started sandbox (recovering, starting or replacing it). */
async function heal(): Promise<void> {
  for (const [i, b] of boxes.entries()) {
    await b.refreshData().catch(() => {})
    if (b.state === 'destroyed') boxes[i] = await daytona.create(i === 1 ? { language: 'python' } : i === 2 ? { language: 'typescript' } : {})
    else if (b.state === 'error') await b.recover()
    else if (b.state !== 'started') await b.start()
  }
}

describe('API fuzzing (lifecycle included)', () => {
  it('random call sequences succeed or throw a typed DaytonaError, never hang, leak no worker', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        for (const o of ops) await invoke(o)
        await heal()
        const r = await (boxes[0] as Sandbox).process.executeCommand('echo alive')
        expect(r.result).toBe('alive\n')
        expect(daytona.stats().alive).toBeLessThanOrEqual(8)
      }),
      { numRuns: 200, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
    )
    // The run really exercised both outcomes on most of the surface.
    const ok = [...seen.keys()].filter((k) => k.endsWith(':ok')).length
    expect(ok).toBeGreaterThan(20)
    expect(seen.size).toBeGreaterThan(50)
  }, 90_000)
})
