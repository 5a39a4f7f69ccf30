import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaError, type Sandbox } from '../../src/index.js'

// Random calls with random arguments on the public API: each one either succeeds or rejects with a
// DaytonaError subclass, within a deadline. Never an untyped error, a hang, or a leaked worker.

const weird = fc.oneof(
  fc.string(),
  fc.constantFrom('', '/', '.', '..', '../../..', '/etc/passwd', 'a\0b', '\uD800', 'x'.repeat(5000), '/dev/null', '~', '*', '**/*', '-rf', '$(echo)', '755', '999', 'root'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(undefined, null, true, NaN, -1, 0, Infinity),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer())),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
)

type Call = { target: 'fs' | 'process' | 'sandbox'; method: string; args: unknown[] }

const METHODS: Record<Call['target'], string[]> = {
  fs: ['createFolder', 'deleteFile', 'downloadFile', 'downloadFiles', 'findFiles', 'getFileDetails', 'listFiles', 'moveFiles', 'replaceInFiles', 'searchFiles', 'setFilePermissions', 'uploadFile', 'uploadFiles'],
  process: ['executeCommand', 'createSession', 'getSession', 'getSessionCommand', 'executeSessionCommand', 'getSessionCommandLogs', 'listSessions', 'deleteSession', 'sendSessionCommandInput'],
  sandbox: ['setLabels', 'updateEnv', 'setAutostopInterval', 'setAutoArchiveInterval', 'setAutoDeleteInterval', 'resize', 'refreshData', 'getWorkDir', 'getUserHomeDir'],
}

const call: fc.Arbitrary<Call> = fc
  .constantFrom(...(Object.keys(METHODS) as Call['target'][]))
  .chain((target) => fc.record({ target: fc.constant(target), method: fc.constantFrom(...METHODS[target]), args: fc.array(weird, { maxLength: 4 }) }))

let daytona: Daytona
let sandbox: Sandbox

beforeAll(async () => {
  daytona = new Daytona({ sandboxLimits: { defaultCommandTimeoutMs: 5_000 } })
  sandbox = await daytona.create()
})
afterAll(async () => {
  await daytona.dispose()
  expect(daytona.stats().alive).toBe(0)
})

async function invoke(c: Call): Promise<void> {
  const target = c.target === 'sandbox' ? sandbox : sandbox[c.target]
  const fn = (target as unknown as Record<string, (...a: unknown[]) => unknown>)[c.method]
  if (typeof fn !== 'function') throw new Error(`no method ${c.method}`)
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), 15_000)
  })
  try {
    const outcome = await Promise.race([Promise.resolve().then(() => fn.apply(target, c.args)).then(() => 'ok' as const, (e: unknown) => e), deadline])
    if (outcome === 'hang') throw new Error(`${c.target}.${c.method} hung`)
    if (outcome !== 'ok' && !(outcome instanceof DaytonaError)) {
      throw new Error(`${c.target}.${c.method}(${c.args.map((a) => JSON.stringify(a)?.slice(0, 40)).join(', ')}) threw an untyped ${String(outcome)}`)
    }
  } finally {
    clearTimeout(timer)
  }
}

describe('API fuzzing', () => {
  it('random calls succeed or throw a DaytonaError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 8 }), async (calls) => {
        for (const c of calls) await invoke(c)
        // the sandbox still works afterwards
        if (sandbox.state === 'started') {
          const r = await sandbox.process.executeCommand('echo alive')
          expect(r.result).toBe('alive\n')
        }
      }),
      { numRuns: 60 },
    )
  }, 240_000)

  it('random Daytona-level calls succeed or throw a DaytonaError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('create', 'get', 'list'), fc.array(weird, { maxLength: 2 }), async (method, args) => {
        const result = await (async () => {
          if (method === 'list') {
            for await (const s of daytona.list(args[0] as never)) void s
            return 'ok'
          }
          const s = await (daytona as unknown as Record<string, (...a: unknown[]) => Promise<Sandbox>>)[method]?.(...args)
          if (method === 'create' && s && s.id !== sandbox.id) await s.delete()
          return 'ok'
        })().catch((e: unknown) => e)
        if (result !== 'ok') expect(result, String(result)).toBeInstanceOf(DaytonaError)
      }),
      { numRuns: 100 },
    )
  }, 120_000)
})
