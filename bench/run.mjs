// daylite benchmarks: `npm run bench` (builds first). Writes bench/RESULTS.md.
// Every number is measured on the same run as its peers (just-bash alone in this thread, native bash
// spawned with child_process), so compare ratios rather than absolute times across machines.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { Bash } from 'just-bash'
import { Daytona } from '../dist/index.js'

const quick = process.argv.includes('--quick')
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const N = quick ? 30 : 200

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b)
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))]
  return { p50: q(0.5), p90: q(0.9), n: s.length }
}
async function time(fn) {
  const t = performance.now()
  await fn()
  return performance.now() - t
}
async function sample(n, fn, warmup = 5) {
  for (let i = 0; i < warmup; i++) await fn(i)
  const out = []
  for (let i = 0; i < n; i++) out.push(await time(() => fn(i)))
  return stats(out)
}
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`)
const gc = () => globalThis.gc?.()
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const log = (...a) => console.error(...a)

const rows = []
function row(name, ours, peers, target, met) {
  rows.push({ name, ours, peers, target, met })
  log(`${name}: ${ours} | ${peers} | ${target} ${met === undefined ? '' : met ? 'met' : 'NOT met'}`)
}

// Fixture: 1,000 files in 20 dirs, one in ten containing NEEDLE.
if (only === undefined || only === 'shell') {
const files = []
for (let d = 0; d < 20; d++) for (let f = 0; f < 50; f++) files.push({ path: `w/d${d}/f${f}.txt`, text: `line one\n${(d * 50 + f) % 10 === 0 ? 'NEEDLE here' : 'hay'}\nline three ${f}\n` })

// ── create ───────────────────────────────────────────────────────────────────────────────
log('create…')
const coldStart = performance.now()
const daytona = new Daytona()
const first = await daytona.create()
const coldCreate = performance.now() - coldStart
const firstEcho = await time(() => first.process.executeCommand('echo hi'))
await sleep(200) // let the warm pool refill
const created = []
const warm = await sample(N, async () => {
  created.push(await daytona.create())
})
await Promise.all(created.splice(0).map((s) => s.delete()))
const jbCreate = await sample(N, () => new Bash({ defenseInDepth: false }))
row('`create()` cold (new Daytona + create)', fmt(coldCreate), '—', '—')
row('`create()` warm p50 / p90', `${fmt(warm.p50)} / ${fmt(warm.p90)}`, `just-bash \`new Bash()\`: ${fmt(jbCreate.p50)} / ${fmt(jbCreate.p90)}`, 'p50 ≤ 5 ms', warm.p50 <= 5)
row('first command of a new sandbox (attaches a kernel worker)', fmt(firstEcho), '—', '—')

// ── echo hi ──────────────────────────────────────────────────────────────────────────────
log('echo…')
const box = await daytona.create()
const echo = await sample(N * 2, () => box.process.executeCommand('echo hi'), 300)
const bash = new Bash({ defenseInDepth: false })
const jbEcho = await sample(N * 2, () => bash.exec('echo hi'), 300)
const native = await sample(Math.min(N, 100), () => spawnSync('bash', ['-c', 'echo hi']), 5)
row(
  "`executeCommand('echo hi')` p50 / p90",
  `${fmt(echo.p50)} / ${fmt(echo.p90)}`,
  `native bash -c: ${fmt(native.p50)} / ${fmt(native.p90)}`,
  'p50 ≤ 1 ms',
  echo.p50 <= 1,
)
row("`echo hi` overhead over just-bash alone", `${(echo.p50 / jbEcho.p50).toFixed(2)}×`, `just-bash: ${fmt(jbEcho.p50)} / ${fmt(jbEcho.p90)}`, '≤ 1.5×', echo.p50 / jbEcho.p50 <= 1.5)

// ── 1 MiB upload + download ──────────────────────────────────────────────────────────────
log('1 MiB…')
const mib = Buffer.alloc(1024 * 1024, 7)
const updown = await sample(Math.min(N, 50), async () => {
  await box.fs.uploadFile(mib, 'blob.bin')
  await box.fs.downloadFile('blob.bin')
})
row('1 MiB upload + download p50', fmt(updown.p50), '— (just-bash keeps the caller’s buffer by reference: no copy, no isolation)', '—')

// ── grep -r over 1,000 files ─────────────────────────────────────────────────────────────
log('grep…')
await box.fs.uploadFiles(files.map((f) => ({ source: Buffer.from(f.text), destination: f.path })))
const grep = await sample(quick ? 5 : 20, () => box.process.executeCommand('grep -r NEEDLE w | wc -l'), 2)
const check = await box.process.executeCommand('grep -r NEEDLE w | wc -l')
if (check.result.trim() !== '100') throw new Error(`grep found ${check.result}`)
for (const f of files) await bash.fs.mkdir(`/home/user/${f.path.slice(0, f.path.lastIndexOf('/'))}`, { recursive: true }).then(() => bash.fs.writeFile(`/home/user/${f.path}`, f.text))
const jbGrep = await sample(quick ? 5 : 20, () => bash.exec('cd /home/user && grep -r NEEDLE w | wc -l'), 2)
const dir = mkdtempSync(join(tmpdir(), 'daylite-bench-'))
for (const f of files) {
  mkdirSync(join(dir, f.path, '..'), { recursive: true })
  writeFileSync(join(dir, f.path), f.text)
}
const nativeGrep = await sample(quick ? 5 : 20, () => spawnSync('bash', ['-c', 'grep -r NEEDLE w | wc -l'], { cwd: dir }), 2)
rmSync(dir, { recursive: true, force: true })
row(
  '`grep -r` over 1,000 files p50',
  fmt(grep.p50),
  `just-bash: ${fmt(jbGrep.p50)} (${(grep.p50 / jbGrep.p50).toFixed(2)}×); native: ${fmt(nativeGrep.p50)}`,
  '≤ 1.5× just-bash',
  grep.p50 / jbGrep.p50 <= 1.5,
)
await box.delete()
await first.delete()
await daytona.dispose()

// ── memory per idle sandbox ──────────────────────────────────────────────────────────────
log('memory…')
{
  const d = new Daytona({ limits: { parkAfterMs: 50 } })
  const warmup = await d.create()
  await warmup.process.executeCommand('true')
  await sleep(300)
  gc()
  await sleep(100)
  gc()
  const before = process.memoryUsage()
  const M = 200
  const boxes = []
  for (let i = 0; i < M; i++) {
    const s = await d.create({ labels: { i: String(i) } })
    await s.fs.uploadFile(Buffer.from(`sandbox ${i}\n`), 'hello.txt')
    boxes.push(s)
  }
  await sleep(500) // all park
  gc()
  await sleep(100)
  gc()
  const after = process.memoryUsage()
  const perRss = (after.rss - before.rss) / M / 1024 / 1024
  const perHeap = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / M / 1024
  const stats = d.stats()
  row(
    `host memory per idle sandbox (${M} sandboxes, each with a file, parked)`,
    `${perHeap.toFixed(1)} KiB of JS heap + buffers (process RSS grew ${Math.max(0, perRss).toFixed(3)} MiB per sandbox)`,
    `kernel workers alive: ${stats.alive} (shared by all sandboxes)`,
    '≤ 10 MiB',
    perRss <= 10 && perHeap / 1024 <= 10,
  )
  await d.dispose()
}

// ── 100 concurrent sandboxes ─────────────────────────────────────────────────────────────
log('concurrency…')
{
  const d = new Daytona()
  const t0 = performance.now()
  const boxes = await Promise.all(Array.from({ length: 100 }, () => d.create()))
  const results = await Promise.all(
    boxes.map(async (b, i) => {
      await b.fs.uploadFile(Buffer.from(String(i)), 'n.txt')
      return (await b.process.executeCommand('cat n.txt')).result
    }),
  )
  const ok = results.every((r, i) => r === String(i))
  const elapsed = performance.now() - t0
  row('100 sandboxes created and used concurrently (upload + command each)', `${fmt(elapsed)} total, all correct: ${ok}`, `workers: ${d.stats().alive} (max ${8})`, 'works on 2 cores', ok)
  await d.dispose()
}

}

if (only === undefined || only === 'runtimes') {
  const { runtimeBench } = await import('./runtimes.mjs')
  await runtimeBench({ sample, fmt, row, quick, log })
}

if (only === undefined || only === 'git') {
  const { gitBench } = await import('./git.mjs')
  await gitBench({ sample, fmt, row, quick, log })
}

// ── write RESULTS.md ─────────────────────────────────────────────────────────────────────
const cpu = cpus()[0]?.model ?? 'unknown CPU'
const bashVersion = execFileSync('bash', ['--version']).toString().split('\n')[0]
const md = `# Benchmark results

Run: ${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpu} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · Node ${process.version} · ${bashVersion}${quick ? ' · quick mode' : ''}

Command: \`npm run bench\` (\`node --expose-gc bench/run.mjs\`${only ? ` --only=${only}` : ''}). Peers measured in the same run: just-bash 3.4.2 alone
(in this thread, InMemoryFs, defenseInDepth off), native bash, python3 and node spawned with \`child_process\`,
Pyodide 0.28.3 and quickjs-emscripten 0.32 (release-sync) in this thread, Debian's git spawned with \`child_process\`. The machine is shared and noisy: compare ratios.

| measurement | daylite | peers (same run) | target | met |
|---|---|---|---|---|
${rows.map((r) => `| ${r.name} | ${r.ours} | ${r.peers} | ${r.target} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`).join('\n')}

## Notes

- Latencies are medians after 300 warm-up calls for both daylite and just-bash (V8 needs that many to
  reach steady state; the worker's isolate warms up separately from the main thread's).
- \`echo hi\` is where daylite's fixed costs show. just-bash runs in the caller's thread; daylite runs the same
  interpreter in a kernel worker, with a fresh shell state per command, per-command output streaming and a
  deadline. A trivial worker round trip costs ~35 µs here; the rest is the kernel's per-command work
  (~0.15-0.3 ms in the worker). On real work (\`grep -r\` over 1,000 files) daylite is at parity with just-bash:
  its VFS lookups are faster than just-bash's InMemoryFs.
- "first command of a new sandbox" includes waiting for the warm kernel worker to finish loading when the
  process has just started (a worker loads the 170 KB kernel bundle plus just-bash). Later sandboxes attach
  to an already-loaded worker: the cost is deserialising their files (≈ 1 ms per MiB).
- Memory per idle sandbox: sandboxes park after \`parkAfterMs\` idle and keep only their serialised files on the
  host; the kernel workers stay pooled (their memory is shared by all sandboxes, not counted per sandbox).
- Runtimes: \`codeRun\` starts a fresh process from a memory image (docs/decisions/0005): each process worker keeps a
  standby instance with the image already in memory. "first codeRun in a new host process" includes starting the
  kernel, compiling the runtime and (for python) running cold while the image is made beside it. Pyodide's
  \`runPython\` runs in one live interpreter in this thread, so it is the peer of \`codeInterpreter.runCode\`, not of a
  fresh-process \`codeRun\`; native spawns pay process start-up (Debian's python3 3.11, Node 20).
- Pipelines (docs/decisions/0001): a program feeding another program or \`head\` runs at the same time through a
  64 KiB pipe whose writes cross the process channel (one round trip per guest write, 8 KiB for CPython), so
  python3 → python3 moves ~50–70 MB/s against native's ~70 MB/s on this machine; \`head\` ends an endless producer
  at its first write after head is done (EPIPE). A stage that is one of the shell's own commands (\`wc\`, \`grep\`…)
  still gets the producer's whole output when it ends, as bytes (the 32 MiB row); that is where native bash stays
  ~3× ahead.
- Native git times include spawning git; the clone is dominated by the server side (\`git http-backend\`), which both pay.
`
writeFileSync(new URL('./RESULTS.md', import.meta.url), md)
log('\nwrote bench/RESULTS.md')
process.exit(0)
