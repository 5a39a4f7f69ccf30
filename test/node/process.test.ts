/**
 * `node`/`tsx` in real process workers (src/proc) with the snapshot protocol, and TypeScript served
 * over the process channel by the kernel-side transpiler (src/engine/kernel/transpile.ts), the way
 * the kernel spawns them. Needs `npm run build` (dist/process-worker.js).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { platform } from '#platform'
import { ProcessHost } from '../../src/proc/index.js'
import { transpileTypeScript } from '../../src/engine/kernel/transpile.js'
import { INIT_ENV, compileQjs, sandboxVfs } from './harness.js'

let host: ProcessHost
let module: WebAssembly.Module
const dec = new TextDecoder()

beforeAll(async () => {
  host = new ProcessHost()
  module = await compileQjs()
}, 60_000)

afterAll(async () => {
  await host?.dispose()
})

async function spawn(args: string[], files: Record<string, string> = {}) {
  const vfs = sandboxVfs()
  vfs.mkdir('/home/daytona/work', { recursive: true })
  for (const [name, text] of Object.entries(files)) vfs.writeFile(`/home/daytona/work/${name}`, text)
  let stdout = ''
  let stderr = ''
  const p = host.spawn({
    module,
    args,
    env: { HOME: '/home/daytona', PWD: '/home/daytona/work' },
    cwd: '/home/daytona/work',
    vfs,
    snapshot: { key: 'qjs-node-test', args: ['node'], env: INIT_ENV, vfs: sandboxVfs() },
    transpile: transpileTypeScript,
    onStdout: (b) => (stdout += dec.decode(b)),
    onStderr: (b) => (stderr += dec.decode(b)),
  })
  const r = await p.exited
  return { exitCode: r.exitCode, stdout, stderr }
}

describe('standby instances', () => {
  it('once an image is made, every idle worker is told to prepare a standby of it; runs on any worker work', async () => {
    const posted: string[] = []
    const own = new ProcessHost({
      poolSize: 3,
      startWorker: () => {
        const h = platform.startProcessWorker()
        const post = h.post.bind(h)
        h.post = (message, transfer) => {
          posted.push((message as { type: string }).type)
          post(message, transfer)
        }
        return h
      },
    })
    try {
      await own.prewarm(3)
      const run = async (i: number): Promise<string> => {
        let out = ''
        const p = own.spawn({
          module,
          args: ['node', '-e', `console.log(${i})`],
          vfs: sandboxVfs(),
          snapshot: { key: 'qjs-standby-test', args: ['node'], env: INIT_ENV, vfs: sandboxVfs() },
          onStdout: (b) => (out += dec.decode(b)),
        })
        await p.exited
        return out
      }
      expect(await run(1)).toBe('1\n')
      // Every idle worker (the one that made the image included, which already has it) got a prepare.
      expect(posted.filter((t) => t === 'prepare').length).toBeGreaterThanOrEqual(2)
      expect(await Promise.all([run(2), run(3), run(4)])).toEqual(['2\n', '3\n', '4\n'])
    } finally {
      await own.dispose()
    }
  }, 60_000)
})

describe('node in process workers', () => {
  it('runs from the snapshot image, repeatedly', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await spawn(['node', '-e', `console.log(${i}, require('path').join('a', 'b'))`])).toMatchObject({ exitCode: 0, stdout: `${i} a/b\n` })
    }
  }, 60_000)

  it('transpiles TypeScript over the channel (tsx files, ts-node -e) and reports syntax errors', async () => {
    const r = await spawn(['tsx', 'main.ts'], {
      'main.ts': "import { area } from './shape'\nenum Unit { Cm = 'cm' }\nconsole.log(area({ w: 2, h: 3 }), Unit.Cm)\n",
      'shape.ts': 'export interface Box { w: number; h: number }\nexport const area = (b: Box): number => b.w * b.h\n',
    })
    expect(r).toMatchObject({ exitCode: 0, stdout: '6 cm\n' })
    expect(await spawn(['ts-node', '-e', 'const xs: Array<number> = [1, 2]; console.log(xs.length as number)'])).toMatchObject({ exitCode: 0, stdout: '2\n' })
    const bad = await spawn(['tsx', 'bad.ts'], { 'bad.ts': 'let a: string = \n' })
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toContain('SyntaxError: /home/daytona/work/bad.ts:1:18: Expression expected')
  }, 60_000)
})
