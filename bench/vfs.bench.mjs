// VFS micro-benchmarks: `node --expose-gc bench/vfs.bench.mjs`.
// Bundles src/vfs with esbuild in memory (no build step needed) and compares with memfs.
import * as esbuild from 'esbuild'
import { fileURLToPath } from 'node:url'
import { memfs } from 'memfs'

const entry = fileURLToPath(new URL('../src/vfs/index.ts', import.meta.url))
const out = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'neutral' })
const { Vfs, Layer, createBaseLayer } = await import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'))

const rows = []
function bench(name, fn, { iters = 100_000, unit = 'µs' } = {}) {
  for (let i = 0; i < Math.min(iters, 1000); i++) fn(i) // warm up
  globalThis.gc?.()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < iters; i++) fn(i)
  const ns = Number(process.hrtime.bigint() - t0) / iters
  const v = unit === 'ms' ? ns / 1e6 : ns / 1e3
  rows.push([name, v.toFixed(unit === 'ms' ? 3 : 3) + ' ' + unit])
}

const base = createBaseLayer({ commands: Array.from({ length: 80 }, (_, i) => `cmd${i}`) })
const small = new Uint8Array(100).fill(65)
const v = new Vfs(base)
v.mkdir('/home/daytona/project/src', { recursive: true })
v.writeFile('/home/daytona/project/src/a.txt', small)
const { vol } = memfs({}, '/')
vol.mkdirSync('/home/daytona/project/src', { recursive: true })
vol.writeFileSync('/home/daytona/project/src/a.txt', small)

bench('stat /home/daytona/project/src/a.txt', () => v.stat('/home/daytona/project/src/a.txt'), { iters: 1_000_000 })
bench('  memfs statSync (peer)', () => vol.statSync('/home/daytona/project/src/a.txt'), { iters: 200_000 })
bench('stat /bin/cmd5 (via symlink, base layer)', () => v.stat('/bin/cmd5'), { iters: 1_000_000 })
bench('exists (missing)', () => v.exists('/home/daytona/nope'), { iters: 1_000_000 })
bench('readFile 100 B', () => v.readFile('/home/daytona/project/src/a.txt'), { iters: 1_000_000 })
bench('  memfs readFileSync (peer)', () => vol.readFileSync('/home/daytona/project/src/a.txt'), { iters: 200_000 })
bench('writeFile 100 B (overwrite)', () => v.writeFile('/home/daytona/project/src/a.txt', small), { iters: 1_000_000 })
bench('  memfs writeFileSync (peer)', () => vol.writeFileSync('/home/daytona/project/src/a.txt', small), { iters: 200_000 })
bench('writeFile new + unlink', (i) => {
  v.writeFile('/home/daytona/project/src/tmp', small)
  v.unlink('/home/daytona/project/src/tmp')
}, { iters: 300_000 })
v.writeFile('/home/daytona/log', '')
bench('append 16 B (writeFile append)', () => v.writeFile('/home/daytona/log', 'sixteen bytes!!\n', { append: true }), { iters: 300_000 })
const chunk = new Uint8Array(16)
v.writeFile('/home/daytona/w', '')
bench('write 16 B at end (pwrite)', (i) => v.write('/home/daytona/w', i * 16, chunk), { iters: 300_000 })
bench('readdir /usr/bin (80 entries)', () => v.readdir('/usr/bin'), { iters: 100_000 })
bench('new Vfs(base)', () => new Vfs(base), { iters: 1_000_000 })

const tree = new Vfs(base)
const kib = new Uint8Array(1024).fill(1)
for (let d = 0; d < 20; d++) {
  tree.mkdir(`/home/daytona/t/d${d}`, { recursive: true })
  for (let f = 0; f < 50; f++) tree.writeFile(`/home/daytona/t/d${d}/f${f}`, kib)
}
rows.push(['(tree: 1,000 files × 1 KiB, ' + tree.usage().inodes + ' upper inodes)', ''])
bench('fork()', () => tree.fork(), { iters: 2_000, unit: 'ms' })
bench('fork() + first write on the fork', () => tree.fork().write('/home/daytona/t/d0/f0', 0, chunk), { iters: 2_000, unit: 'ms' })
let bytes
bench('serialize()', () => (bytes = tree.serialize()), { iters: 300, unit: 'ms' })
bench('Vfs.deserialize()', () => Vfs.deserialize(bytes, base), { iters: 300, unit: 'ms' })
bench('Layer.fromVfs()', () => Layer.fromVfs(tree), { iters: 300, unit: 'ms' })
const layer = Layer.fromVfs(tree, { id: 'x' })
let lbytes
bench('Layer.serialize()', () => (lbytes = layer.serialize()), { iters: 300, unit: 'ms' })
bench('Layer.deserialize()', () => Layer.deserialize(lbytes), { iters: 300, unit: 'ms' })
bench('createBaseLayer (2 commands)', () => createBaseLayer({ commands: ['a', 'b'] }), { iters: 300, unit: 'ms' })
rows.push(['(serialised size)', `${(bytes.length / 1024).toFixed(0)} KiB`])

const w = Math.max(...rows.map((r) => r[0].length))
console.log(`node ${process.version}\n`)
for (const [n, x] of rows) console.log(n.padEnd(w + 2) + x)
