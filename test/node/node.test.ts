/**
 * The `node` command line and the prelude's Node behaviours that the corpus does not compare
 * line by line (stderr formats, exit codes, -e/-p/stdin/--input-type/-r/--check/--env-file,
 * TypeScript errors), run in this thread from a snapshot (test/node/harness.ts); plus the kernel's
 * list of prelude files and the TypeScript transpiler.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { NODE_DIR, NODE_PRELUDE_FILES, nodePrograms } from '../../src/engine/kernel/node.js'
import { TypeScriptSyntaxError, transpileTypeScript } from '../../src/engine/kernel/transpile.js'
import { NODE_DIR as HARNESS_NODE_DIR, compileQjs, initSnapshot, runNode, sandboxVfs } from './harness.js'

const WORK = '/home/daytona/work'
let module: WebAssembly.Module
let image: Uint8Array

beforeAll(async () => {
  module = await compileQjs()
  image = (await initSnapshot(module, sandboxVfs())).memory
}, 120_000)

function node(args: string[], files: Record<string, string> = {}, stdin = '', env: Record<string, string> = {}) {
  const vfs = sandboxVfs()
  vfs.mkdir(WORK, { recursive: true })
  for (const [name, text] of Object.entries(files)) {
    const path = `${WORK}/${name}`
    vfs.mkdir(path.slice(0, path.lastIndexOf('/')), { recursive: true })
    vfs.writeFile(path, text)
  }
  const [argv0 = 'node', ...rest] = args
  return runNode({ module, vfs, args: [argv0, ...rest], cwd: WORK, env: { HOME: '/home/daytona', PWD: WORK, ...env }, stdin, snapshot: image })
}

describe('the kernel side', () => {
  it('lists every prelude file, in the directory the C front-end reads', () => {
    const dir = fileURLToPath(new URL('../../runtimes/quickjs/node/', import.meta.url))
    expect([...NODE_PRELUDE_FILES].sort()).toEqual(readdirSync(dir).filter((f) => f.endsWith('.js')).sort())
    expect(NODE_PRELUDE_FILES[0]).toBe('prelude.js')
    expect(NODE_DIR).toBe(HARNESS_NODE_DIR)
  })

  it('registers node, ts-node and tsx on the QuickJS artifact, all from the snapshot', () => {
    for (const [name, p] of Object.entries(nodePrograms)) {
      expect(p).toMatchObject({ artifact: 'quickjs/qjs.wasm', argv0: name })
      expect(p.snapshot?.(['-e', '1'])).toBe(true)
    }
  })

  it('transpiles TypeScript (enums, namespaces) and names line and column on a syntax error', async () => {
    const js = await transpileTypeScript('enum E { A, B }\nnamespace N { export const x: number = 1 }\nconsole.log(E.B, N.x as number)', 'a.ts')
    expect(js).not.toMatch(/: number|as number|enum /)
    const err = await transpileTypeScript('const a: number = 1\nlet b = ;\n', '/w/b.ts').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TypeScriptSyntaxError)
    expect((err as TypeScriptSyntaxError).message).toMatch(/^\/w\/b\.ts:2:9: Expression expected/)
    expect(err).toMatchObject({ line: 2, column: 9 })
  })
})

describe('node command line', () => {
  it('-e, -p and arguments', async () => {
    expect(await node(['node', '-e', 'console.log(process.argv.slice(1))', 'a', 'b'])).toMatchObject({ exitCode: 0, stdout: "[ 'a', 'b' ]\n" })
    expect(await node(['node', '-p', '[1, 2].map((x) => x * 21)'])).toMatchObject({ exitCode: 0, stdout: '[ 21, 42 ]\n' })
    expect(await node(['node', '-p', '"a string"'])).toMatchObject({ stdout: 'a string\n' })
    expect(await node(['node', '-e', 'console.log(__filename, typeof require, module.id, require("path").basename("/x/y.js"))'])).toMatchObject({
      stdout: '[eval] function [eval] y.js\n',
    })
  })

  it('reads the program from stdin (no script, or -)', async () => {
    expect(await node(['node'], {}, 'console.log("from stdin", 6 * 7)')).toMatchObject({ exitCode: 0, stdout: 'from stdin 42\n' })
    expect(await node(['node', '-', 'x'], {}, 'console.log(process.argv.length)')).toMatchObject({ stdout: '3\n' })
  })

  it('runs ES modules from -e (--input-type=module, or detected import/export)', async () => {
    const r = await node(['node', '--input-type=module', '-e', "import { join } from 'node:path'; console.log(join('a', 'b'), typeof import.meta.url)"])
    expect(r).toMatchObject({ exitCode: 0, stdout: 'a/b string\n' })
    const detected = await node(['node', '-e', "import os from 'os'; console.log(os.platform())"])
    expect(detected).toMatchObject({ exitCode: 0, stdout: 'linux\n' })
  })

  it('--version, --check, --require, --env-file', async () => {
    expect((await node(['node', '--version'])).stdout).toMatch(/^v20\.\d+\.\d+\n$/)
    expect(await node(['node', '--check', 'ok.js'], { 'ok.js': 'const a = 1\n' })).toMatchObject({ exitCode: 0, stdout: '' })
    const bad = await node(['node', '-c', 'bad.js'], { 'bad.js': 'let x = ;\n' })
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toContain('SyntaxError')
    expect(await node(['node', '-r', './pre.js', 'main.js'], { 'pre.js': 'globalThis.pre = "loaded"', 'main.js': 'console.log(pre)' })).toMatchObject({ stdout: 'loaded\n' })
    expect(await node(['node', '-r', 'ts-node/register', '-e', 'console.log(1)'])).toMatchObject({ exitCode: 0, stdout: '1\n' })
    const env = await node(['node', '--env-file=.env', '-p', 'process.env.FOO + "|" + process.env.Q + "|" + process.env.KEEP'], { '.env': 'FOO=bar\n# comment\nQ="two words"\nKEEP=file\n' }, '', { KEEP: 'env' })
    expect(env).toMatchObject({ exitCode: 0, stdout: 'bar|two words|env\n' })
  })

  it('prints an uncaught error the way Node does and exits 1, after the exit handlers', async () => {
    const r = await node(['node', 'err.js'], { 'err.js': "process.on('exit', (c) => console.log('exit', c))\nconst x = 1\nfunction f() {\n  throw new TypeError('kaboom ' + x)\n}\nf()\n" })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('exit 1\n')
    expect(r.stderr).toMatch(/^\/home\/daytona\/work\/err\.js:4\n  throw new TypeError\('kaboom ' \+ x\)\n {2}\^\n\nTypeError: kaboom 1\n {4}at f \(\/home\/daytona\/work\/err\.js:4:/)
    expect(r.stderr).toMatch(/\n\nNode\.js v20\.\d+\.\d+\n$/)
  })

  it('an unhandled rejection is fatal (exit 1); a missing script is MODULE_NOT_FOUND', async () => {
    const r = await node(['node', '-e', 'Promise.reject(new Error("nope")); setTimeout(() => console.log("late"), 10)'])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain('Error: nope')
    const value = await node(['node', '-e', 'Promise.reject(42)'])
    expect(value.stderr).toContain('The promise rejected with the reason "42".')
    const missing = await node(['node', 'nope.js'])
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain("Error: Cannot find module '/home/daytona/work/nope.js'")
    expect(missing.stderr).toContain("code: 'MODULE_NOT_FOUND'")
  })

  it('exit codes: process.exitCode, process.exit in an exit handler, beforeExit', async () => {
    expect(await node(['node', '-e', 'process.exitCode = 4'])).toMatchObject({ exitCode: 4 })
    expect(await node(['node', '-e', "process.on('exit', () => process.exit(5)); console.log('x')"])).toMatchObject({ exitCode: 5, stdout: 'x\n' })
    const before = await node(['node', '-e', "let n = 0; process.on('beforeExit', () => { if (n++ < 2) setTimeout(() => console.log('more', n), 1) })"])
    expect(before).toMatchObject({ exitCode: 0, stdout: 'more 1\nmore 2\n' })
  })

  it('keeps stdout and stderr in order and passes bytes through', async () => {
    const r = await node(['node', '-e', "console.log('a'); console.error('b'); process.stdout.write(Buffer.from([0xe2, 0x9c, 0x93, 0x0a])); console.log('c')"])
    expect(r).toMatchObject({ stdout: 'a\n✓\nc\n', stderr: 'b\n' })
  })

  it('errors carry V8 wording and a "Name: message" stack', async () => {
    const r = await node(['node', '-e', 'for (const f of [() => null.x, () => undefinedName, () => { const u = undefined; u.y = 1 }]) { try { f() } catch (e) { console.log(e.message) } } console.log(new RangeError("r").stack.split("\\n")[0])'])
    expect(r.stdout).toBe("Cannot read properties of null (reading 'x')\nundefinedName is not defined\nCannot set properties of undefined (setting 'y')\nRangeError: r\n")
  })

  it('require: JSON syntax errors name the file; ES modules load with require()', async () => {
    const json = await node(['node', '-e', 'try { require("./bad.json") } catch (e) { console.log(e.name, e.message.startsWith(process.cwd() + "/bad.json: ")) }'], { 'bad.json': '{"a": 1,}' })
    expect(json.stdout).toBe('SyntaxError true\n')
    const esm = await node(['node', '-e', 'console.log(require("./m.mjs").v)'], { 'm.mjs': 'export const v = 42\n' })
    expect(esm).toMatchObject({ exitCode: 0, stdout: '42\n' })
  })
})

describe('TypeScript (ts-node, tsx)', () => {
  it('ts-node -e and tsx files: types, enums, namespaces, generics, parameter properties', async () => {
    const e = await node(['ts-node', '-e', 'const n: number = 6; enum E { A, B }; console.log(n * 7, E.B)'])
    expect(e).toMatchObject({ exitCode: 0, stdout: '42 1\n' })
    const file = await node(['tsx', 'main.ts', 'arg'], {
      'main.ts': 'import { twice } from "./lib"\nnamespace N { export const k = 3 }\nclass P { constructor(private v: number) {} get(): number { return this.v } }\nconsole.log(twice<number>(N.k), new P(5).get(), process.argv[2], typeof __dirname)\n',
      'lib.ts': 'export function twice<T extends number>(x: T): number { return x * 2 }\n',
    })
    expect(file).toMatchObject({ exitCode: 0, stdout: '6 5 arg string\n' })
  })

  it('a TypeScript syntax error names the file, line and column', async () => {
    const r = await node(['tsx', 'bad.ts'], { 'bad.ts': 'const ok = 1\nconst a: number = ;\n' })
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('SyntaxError: /home/daytona/work/bad.ts:2:19: Expression expected')
  })
})
