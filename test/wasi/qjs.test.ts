/**
 * src/wasi in-process: the real QuickJS build (runtimes/quickjs/qjs.wasm) over a `Vfs`.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { Vfs } from '../../src/vfs/index.js'
import { capMemory, runWasi } from '../../src/wasi/index.js'
import type { WasiOptions } from '../../src/wasi/index.js'

const QJS = fileURLToPath(new URL('../../runtimes/quickjs/qjs.wasm', import.meta.url))
let module: WebAssembly.Module

beforeAll(async () => {
  module = await WebAssembly.compile(readFileSync(QJS))
})

const dec = new TextDecoder()

/**
 * CPU milliseconds of the calling thread (Linux /proc; 10 ms ticks), else of the whole process.
 * process.cpuUsage() alone also counts V8's background threads (wasm tier-up compiles run while
 * the guest sleeps), which on a loaded 2-core box says little about the sleeping thread.
 */
function threadCpuMs(): number {
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
}

async function qjs(vfs: Vfs, argv: string[], extra: Partial<WasiOptions> = {}) {
  const out: Uint8Array[] = []
  const err: Uint8Array[] = []
  const result = await runWasi({
    module,
    args: ['qjs', '--stack-size', '262144', ...argv],
    vfs,
    onStdout: (b) => out.push(b),
    onStderr: (b) => err.push(b),
    ...extra,
  })
  const text = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join('')
  return { ...result, stdout: text(out), stderr: text(err) }
}

function sandbox(): Vfs {
  const vfs = new Vfs()
  vfs.mkdir('/home/daytona/work', { recursive: true })
  vfs.mkdir('/tmp')
  return vfs
}

describe('runWasi with qjs.wasm over a Vfs', () => {
  it('runs qjs -e and exits 0', async () => {
    const r = await qjs(sandbox(), ['-e', 'console.log(6 * 7)'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('42\n')
    expect(r.exitCode).toBe(0)
  })

  it('runs a script file from the Vfs with arguments (UTF-8 argv)', async () => {
    const vfs = sandbox()
    vfs.writeFile('/home/daytona/main.js', 'console.log(JSON.stringify(scriptArgs))')
    const r = await qjs(vfs, ['/home/daytona/main.js', 'a', 'héllo ✓'])
    expect(r.stdout).toBe('["/home/daytona/main.js","a","héllo ✓"]\n')
  })

  it('runs an ES module that imports a relative file', async () => {
    const vfs = sandbox()
    vfs.writeFile('/home/daytona/work/lib.js', 'export const answer = 42')
    vfs.writeFile('/home/daytona/work/main.mjs', "import { answer } from './lib.js'; import * as std from 'std'; std.out.puts(answer + '\\n')")
    const r = await qjs(vfs, ['--module', 'main.mjs'], { cwd: '/home/daytona/work' })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('42\n')
  })

  it('reads and writes Vfs files with std and os', async () => {
    const vfs = sandbox()
    vfs.writeFile('/home/daytona/in.txt', 'line one\nline two\n')
    const code = `
      
      const text = std.loadFile('/home/daytona/in.txt');
      const f = std.open('/home/daytona/out.txt', 'w'); f.puts(text.toUpperCase()); f.close();
      const a = std.open('/home/daytona/out.txt', 'a'); a.puts('appended\\n'); a.close();
      const [st, e] = os.stat('/home/daytona/out.txt');
      os.mkdir('/home/daytona/newdir');
      os.rename('/home/daytona/in.txt', '/home/daytona/newdir/moved.txt');
      os.remove('/home/daytona/newdir/moved.txt');
      console.log(e, st.size, (st.mode & os.S_IFMT) === os.S_IFREG, Math.abs(st.mtime - Date.now()) < 60000);
    `
    const r = await qjs(vfs, ['--std', '-e', code])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('0 27 true true\n')
    expect(dec.decode(vfs.readFile('/home/daytona/out.txt'))).toBe('LINE ONE\nLINE TWO\nappended\n')
    expect(vfs.exists('/home/daytona/newdir')).toBe(true)
    expect(vfs.exists('/home/daytona/in.txt')).toBe(false)
  })

  it('seeks, truncates and reads back at offsets', async () => {
    const vfs = sandbox()
    const code = `
      
      const f = std.open('/tmp/s.bin', 'w+'); f.puts('0123456789'); f.seek(3, std.SEEK_SET); f.puts('abc');
      f.seek(0, std.SEEK_END); console.log(f.tell()); f.seek(-4, std.SEEK_END); console.log(f.getline()); f.close();
      const fd = os.open('/tmp/s.bin', os.O_RDWR | os.O_TRUNC); os.close(fd);
      console.log(os.stat('/tmp/s.bin')[0].size);
    `
    const r = await qjs(vfs, ['--std', '-e', code])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('10\n6789\n0\n')
  })

  it('resolves relative paths against cwd, and chdir works', async () => {
    const vfs = sandbox()
    vfs.writeFile('/home/daytona/work/data.txt', 'in work')
    vfs.writeFile('/home/daytona/top.txt', 'in home')
    const code = `
      
      console.log(os.getcwd()[0]);
      console.log(std.loadFile('data.txt'));
      std.open('made.txt', 'w').puts('x');
      console.log(std.loadFile('../top.txt'));
      os.chdir('..'); console.log(os.getcwd()[0], std.loadFile('top.txt'));
      os.chdir('/tmp'); std.open('rel.txt', 'w').puts('y');
    `
    const r = await qjs(vfs, ['--std', '-e', code], { cwd: '/home/daytona/work' })
    expect(r.stderr).toBe('')
    expect(r.stdout.split('\n')).toEqual(['/home/daytona/work', 'in work', 'in home', '/home/daytona/work/.. in home', ''])
    expect(vfs.exists('/home/daytona/work/made.txt')).toBe(true)
    expect(vfs.exists('/tmp/rel.txt')).toBe(true)
  })

  it('lists a directory with os.readdir (cookies over many entries)', async () => {
    const vfs = sandbox()
    const names = Array.from({ length: 300 }, (_, i) => `file-with-a-longish-name-${i}.txt`)
    for (const n of names) vfs.writeFile(`/home/daytona/work/${n}`, n)
    const r = await qjs(vfs, ['--std', '-e', `const [l, e] = os.readdir('/home/daytona/work'); console.log(e, JSON.stringify(l.sort()))`])
    expect(r.stderr).toBe('')
    const [err, json] = r.stdout.trim().split(' ')
    expect(err).toBe('0')
    expect(JSON.parse(json ?? '[]')).toEqual(['.', '..', ...names].sort())
  })

  it('creates, reads and follows a symlink', async () => {
    const vfs = sandbox()
    vfs.writeFile('/home/daytona/target.txt', 'through the link')
    const code = `
      
      console.log(os.symlink('target.txt', '/home/daytona/link'));
      console.log(os.readlink('/home/daytona/link')[0]);
      console.log(std.loadFile('/home/daytona/link'));
      console.log((os.lstat('/home/daytona/link')[0].mode & os.S_IFMT) === os.S_IFLNK);
    `
    const r = await qjs(vfs, ['--std', '-e', code])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('0\ntarget.txt\nthrough the link\ntrue\n')
    expect(vfs.readlink('/home/daytona/link')).toBe('target.txt')
  })

  it('reports errno values for failing calls', async () => {
    const vfs = sandbox()
    const code = `
      
      console.log(os.stat('/nope')[1] === std.Error.ENOENT, os.mkdir('/tmp') === -std.Error.EEXIST, os.remove('/home') < 0);
      console.log(std.open('/nope/x', 'r') === null);
    `
    const r = await qjs(vfs, ['--std', '-e', code])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('true true true\ntrue\n')
  })

  it('a thrown error is a non-zero exit with the message on stderr', async () => {
    const r = await qjs(sandbox(), ['-e', 'throw new Error("boom")'])
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toContain('boom')
  })

  it('std.exit(n) is the exit code', async () => {
    const r = await qjs(sandbox(), ['--std', '-e', 'std.exit(7)'])
    expect(r.exitCode).toBe(7)
  })

  it('reads stdin', async () => {
    const r = await qjs(sandbox(), ['--std', '-e', 'console.log(std.in.readAsString().split("\\n").length)'], { stdin: 'a\nb\nc' })
    expect(r.stdout).toBe('3\n')
  })

  it('os.sleep and os.setTimeout block without burning CPU', async () => {
    const measure = async (code: string) => {
      const cpu0 = process.cpuUsage()
      const thread0 = threadCpuMs()
      const t0 = performance.now()
      const r = await qjs(sandbox(), ['--std', '-e', code])
      const wall = performance.now() - t0
      const thread = threadCpuMs() - thread0
      const cpu = process.cpuUsage(cpu0)
      expect(r.stderr).toBe('')
      expect(r.exitCode).toBe(0)
      return { wall, cpu: thread, processCpu: (cpu.user + cpu.system) / 1000 }
    }
    for (const [sleep, none] of [
      ['os.sleep(300)', 'os.sleep(0)'],
      ['os.setTimeout(() => 0, 300)', 'os.setTimeout(() => 0, 0)'],
    ] as const) {
      await measure(none) // warm up
      const base = await measure(none)
      const slept = await measure(sleep)
      expect(slept.wall).toBeGreaterThanOrEqual(295)
      // A busy wait would add ~300 ms of CPU; a blocking wait adds next to nothing.
      expect(slept.cpu - base.cpu).toBeLessThan(60)
      console.log(
        `${sleep}: wall ${slept.wall.toFixed(0)} ms, thread cpu ${slept.cpu.toFixed(0)} ms, process.cpuUsage ${slept.processCpu.toFixed(0)} ms ` +
          `(without the sleep: ${base.wall.toFixed(0)} / ${base.cpu.toFixed(0)} / ${base.processCpu.toFixed(0)} ms)`,
      )
    }
  })

  it('streams stdout: chunks arrive before the program exits', async () => {
    const chunks: { at: number; text: string }[] = []
    const t0 = performance.now()
    const code = `
      for (let i = 0; i < 3; i++) { std.out.puts('tick ' + i + '\\n'); std.out.flush(); os.sleep(100) }`
    await runWasi({
      module,
      args: ['qjs', '--std', '-e', code],
      vfs: sandbox(),
      onStdout: (b) => chunks.push({ at: performance.now() - t0, text: dec.decode(b) }),
    })
    const end = performance.now() - t0
    expect(chunks.map((c) => c.text).join('')).toBe('tick 0\ntick 1\ntick 2\n')
    expect(chunks.length).toBeGreaterThanOrEqual(3)
    expect(chunks[0]?.at).toBeLessThan(end - 150)
  })

  it('with tty: true, console.log lines stream without an explicit flush', async () => {
    const chunks: number[] = []
    const t0 = performance.now()
    await runWasi({
      module,
      args: ['qjs', '--std', '-e', 'console.log("a"); os.sleep(200); console.log("b")'],
      vfs: sandbox(),
      tty: true,
      onStdout: () => chunks.push(performance.now() - t0),
    })
    const end = performance.now() - t0
    expect(chunks[0]).toBeLessThan(end - 150)
  })

  it('a memory cap makes an allocation bomb an in-guest out-of-memory error', async () => {
    const capped = await WebAssembly.compile(capMemory(readFileSync(QJS), 64 * 1024 * 1024))
    const code = `let a = []; try { for (;;) a.push(new Uint8Array(1 << 20)) } catch (e) { console.log(String(e), a.length) }`
    const out: string[] = []
    const r = await runWasi({ module: capped, args: ['qjs', '-e', code], vfs: sandbox(), onStdout: (b) => out.push(dec.decode(b)) })
    expect(r.exitCode).toBe(0)
    expect(out.join('')).toMatch(/out of memory/)
  })
})
