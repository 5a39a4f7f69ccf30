/**
 * src/proc: qjs.wasm in real process workers, its files reached through the SharedArrayBuffer
 * channel to a `Vfs` on this thread.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProcessHost } from '../../src/proc/index.js'
import type { SpawnOptions } from '../../src/proc/index.js'
import { Vfs } from '../../src/vfs/index.js'
import { ORPHAN_DIR } from '../../src/wasi/index.js'

const QJS = fileURLToPath(new URL('../../runtimes/quickjs/qjs.wasm', import.meta.url))
const dec = new TextDecoder()
let module: WebAssembly.Module
let host: ProcessHost

beforeAll(async () => {
  // The worker bundle the platform loads (dist/process-worker.js), built from the sources under test.
  const { targets } = (await import('../../esbuild.config.mjs' as string)) as { targets: Record<string, Parameters<typeof build>[0]> }
  await build({ ...targets['process-node'], logLevel: 'error' })
  module = await WebAssembly.compile(readFileSync(QJS))
  host = new ProcessHost({ poolSize: 2 })
  await host.prewarm()
})

afterAll(async () => {
  await host.dispose()
  expect(host.idleCount + host.busyCount).toBe(0)
})

function sandbox(): Vfs {
  const vfs = new Vfs()
  vfs.mkdir('/home/daytona/work', { recursive: true })
  vfs.mkdir('/tmp')
  return vfs
}

async function qjs(vfs: Vfs, argv: string[], extra: Partial<SpawnOptions> = {}) {
  const out: string[] = []
  const err: string[] = []
  const p = host.spawn({
    module,
    args: ['qjs', '--stack-size', '262144', ...argv],
    vfs,
    onStdout: (b) => out.push(dec.decode(b)),
    onStderr: (b) => err.push(dec.decode(b)),
    ...extra,
  })
  const r = await p.exited
  return { ...r, stdout: out.join(''), stderr: err.join('') }
}

describe('process workers over the SAB channel', () => {
  it('runs qjs -e', async () => {
    const r = await qjs(sandbox(), ['-e', 'console.log(6 * 7)'])
    expect(r).toMatchObject({ exitCode: 0, killed: false, stdout: '42\n', stderr: '' })
  })

  it('runs a script from the Vfs; its file writes land in the Vfs; relative paths use cwd', async () => {
    const vfs = sandbox()
    vfs.writeFile('/home/daytona/work/in.txt', 'hello')
    vfs.writeFile('/home/daytona/work/main.js', `
      const s = std.loadFile('in.txt');
      const f = std.open('out.txt', 'w'); f.puts(s + ' world'); f.close();
      os.mkdir('sub'); os.symlink('../out.txt', 'sub/link');
      console.log(os.getcwd()[0], JSON.stringify(os.readdir('.')[0].sort()), std.loadFile('sub/link'));
    `)
    const r = await qjs(vfs, ['--std', 'main.js'], { cwd: '/home/daytona/work' })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('/home/daytona/work [".","..","in.txt","main.js","out.txt","sub"] hello world\n')
    expect(dec.decode(vfs.readFile('/home/daytona/work/out.txt'))).toBe('hello world')
    expect(vfs.readlink('/home/daytona/work/sub/link')).toBe('../out.txt')
  })

  it('a thrown error is a non-zero exit; std.exit sets the code', async () => {
    const r = await qjs(sandbox(), ['-e', 'throw new TypeError("nope")'])
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toContain('TypeError: nope')
    expect((await qjs(sandbox(), ['--std', '-e', 'std.exit(3)'])).exitCode).toBe(3)
  })

  it('reads stdin from a provider that answers later (the guest blocks meanwhile)', async () => {
    const chunks = ['first line\n', 'second line\n']
    const stdin = async () => {
      await new Promise((r) => setTimeout(r, 20))
      return new TextEncoder().encode(chunks.shift() ?? '')
    }
    const r = await qjs(sandbox(), ['--std', '-e', 'let l; while ((l = std.in.getline()) !== null) console.log(l.toUpperCase())'], { stdin })
    expect(r.stdout).toBe('FIRST LINE\nSECOND LINE\n')
  })

  it('streams stdout while the program runs', async () => {
    const at: number[] = []
    const t0 = performance.now()
    const r = await qjs(sandbox(), ['--std', '-e', 'for (let i = 0; i < 3; i++) { std.out.puts("tick\\n"); std.out.flush(); os.sleep(100) }'], {
      onStdout: () => at.push(performance.now() - t0),
    })
    const end = performance.now() - t0
    expect(r.exitCode).toBe(0)
    expect(at.length).toBe(3)
    expect(at[0]).toBeLessThan(end - 150)
  })

  it('sleeps without spinning (the host thread stays free)', async () => {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    let ticks = 0
    const timer = setInterval(() => ticks++, 10)
    const r = await qjs(sandbox(), ['--std', '-e', 'os.sleep(300)'])
    clearInterval(timer)
    const wall = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    expect(r.exitCode).toBe(0)
    expect(wall).toBeGreaterThanOrEqual(300)
    // The owner's event loop kept running during the guest's sleep.
    expect(ticks).toBeGreaterThan(10)
    console.log(`worker os.sleep(300): wall ${wall.toFixed(0)} ms, process.cpuUsage ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, host timer ticks ${ticks}`)
  })

  it('kill() stops an infinite loop within ~50 ms; the Vfs and the host stay usable', async () => {
    const vfs = sandbox()
    vfs.writeFile('/tmp/keep.txt', 'kept')
    const p = host.spawn({ module, args: ['qjs', '--std', '-e', 'std.open("/tmp/started", "w").close(); for (;;) {}'], vfs })
    while (!vfs.exists('/tmp/started')) await new Promise((r) => setTimeout(r, 5))
    const t0 = performance.now()
    await p.kill()
    const r = await p.exited
    const took = performance.now() - t0
    expect(r).toEqual({ exitCode: 137, killed: true })
    expect(took).toBeLessThan(100)
    console.log(`kill() of a busy loop: ${took.toFixed(1)} ms`)
    expect(dec.decode(vfs.readFile('/tmp/keep.txt'))).toBe('kept')
    await p.kill() // twice is fine
    const again = await qjs(vfs, ['--std', '-e', 'console.log(std.loadFile("/tmp/keep.txt"))'])
    expect(again.stdout).toBe('kept\n')
  })

  it('a file unlinked while open lives on as a hidden orphan; exit or kill() removes it (channel server)', async () => {
    const vfs = sandbox()
    vfs.mkdir('/dev')
    const hold = (tail: string) =>
      `const fd = os.open('/tmp/held', os.O_RDWR | os.O_CREAT, 0o644); const b = new Uint8Array([104, 105]).buffer;
       os.write(fd, b, 0, 2); os.remove('/tmp/held'); os.seek(fd, 0, std.SEEK_SET); const r = new Uint8Array(2);
       os.read(fd, r.buffer, 0, 2); console.log(String.fromCharCode(...r), os.readdir('/tmp')[0].length); ${tail}`
    // Exit without closing: the worker deletes the orphan on its way out.
    const done = await qjs(vfs, ['--std', '-e', hold('std.exit(0)')])
    expect(done.stdout).toBe('hi 2\n')
    expect(vfs.exists(ORPHAN_DIR)).toBe(false)
    // Killed while holding it: the host's channel server deletes it.
    const p = host.spawn({ module, args: ['qjs', '--std', '-e', hold('for (;;) {}')], vfs })
    while (!(vfs.exists(ORPHAN_DIR) && vfs.readdir(ORPHAN_DIR).length === 1)) await new Promise((r) => setTimeout(r, 5))
    expect(vfs.readdir('/tmp')).toEqual([])
    await p.kill()
    expect((await p.exited).killed).toBe(true)
    expect(vfs.exists(ORPHAN_DIR)).toBe(false)
    expect(vfs.readdir('/dev')).toEqual([])
  })

  it('runs two processes at once on one Vfs', async () => {
    const vfs = sandbox()
    const writer = (name: string) =>
      qjs(vfs, ['--std', '-e', `for (let i = 0; i < 50; i++) { const f = std.open('/tmp/${name}-' + i, 'w'); f.puts('${name}' + i); f.close(); os.sleep(1) } console.log(os.readdir('/tmp')[0].length)`])
    const [a, b] = await Promise.all([writer('a'), writer('b')])
    expect(a.exitCode).toBe(0)
    expect(b.exitCode).toBe(0)
    expect(vfs.readdir('/tmp').length).toBe(100)
    expect(dec.decode(vfs.readFile('/tmp/b-49'))).toBe('b49')
    // Each saw the other's files appear while it ran.
    expect(Math.max(Number(a.stdout), Number(b.stdout))).toBeGreaterThan(50)
  })

  it('moves an 8 MiB file through the channel (chunked) and reports throughput', async () => {
    const vfs = sandbox()
    const size = 8 * 1024 * 1024
    const big = new Uint8Array(size)
    for (let i = 0; i < size; i += 4096) big[i] = (i / 4096) & 0xff
    vfs.writeFile('/tmp/big.bin', big)
    const code = `
      const n = ${size}; const buf = new ArrayBuffer(n);
      let t = Date.now(); const f = std.open('/tmp/big.bin', 'rb'); const got = f.read(buf, 0, n); f.close(); const tr = Date.now() - t;
      t = Date.now(); const g = std.open('/tmp/copy.bin', 'wb'); g.write(buf, 0, n); g.close(); const tw = Date.now() - t;
      console.log(got, tr, tw);`
    const r = await qjs(vfs, ['--std', '-e', code])
    expect(r.stderr).toBe('')
    const [got, tr, tw] = r.stdout.trim().split(' ').map(Number)
    expect(got).toBe(size)
    // (Buffer.equals: vitest's toEqual takes a minute on 8 MiB.)
    expect(Buffer.from(vfs.readFile('/tmp/copy.bin')).equals(Buffer.from(big))).toBe(true)
    const mibs = (ms: number) => (8 / Math.max(ms ?? 1, 1) * 1000).toFixed(0)
    console.log(`8 MiB through the channel: read ${tr} ms (${mibs(tr ?? 1)} MiB/s), write ${tw} ms (${mibs(tw ?? 1)} MiB/s)`)
  })

  it('measures the channel round trip (a stat per call, guest-timed)', async () => {
    const vfs = sandbox()
    const n = 2000
    const code = `let t = Date.now(); for (let i = 0; i < ${n}; i++) os.stat('/tmp'); console.log(Date.now() - t)`
    await qjs(vfs, ['--std', '-e', code]) // warm up
    const r = await qjs(vfs, ['--std', '-e', code])
    const perCallUs = (Number(r.stdout) * 1000) / n
    console.log(`channel round trip (os.stat via WASI path_filestat_get): ${perCallUs.toFixed(1)} µs per call over ${n} calls`)
    expect(perCallUs).toBeLessThan(1000)
  })

  it('reuses pooled workers and refuses a program over maxMemoryBytes', async () => {
    await qjs(sandbox(), ['-e', '1'])
    expect(host.idleCount).toBeGreaterThanOrEqual(1)
    const r = await qjs(sandbox(), ['-e', 'console.log(1)'], { maxMemoryBytes: 64 * 1024 })
    expect(r.exitCode).toBe(137)
    expect(r.stderr).toMatch(/more than the limit/)
  })
})
