// Soak: many sandboxes under a mixed workload for minutes, every result checked.
//
//   node --expose-gc bench/soak.mjs [--minutes 10] [--sandboxes 200] [--clients 16] [--kernel-workers 8] [--out bench/SOAK.md]
//
// Needs `npm run build` first (the kernel and process workers run from dist/). Each client loops:
// pick a random sandbox, run one operation (shell, python, node, a pipeline of programs, file round trip, session, code
// interpreter, git), check its answer. Every 10 s a sample of host RSS, heap, workers and throughput
// is printed; at the end every sandbox's files are verified against what the clients wrote, all
// sandboxes are deleted, the engine disposed, and the report is written to bench/SOAK.md (a file of
// its own: run.mjs rewrites RESULTS.md wholesale). Exit code 1 when any check failed, a worker was
// leaked, or RSS grew past the bound.
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Daytona } from '../dist/index.js'

/** Parses `--name value` options. */
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  if (i === -1) return fallback
  const v = process.argv[i + 1]
  return typeof fallback === 'number' ? Number(v) : v
}

export const DEFAULTS = { minutes: 10, sandboxes: 200, clients: 16, kernelWorkers: 8 }

/**
 * Runs the soak and returns its figures. Also used by test/hostile/soak.test.ts (a short version).
 * @param {{ minutes: number, sandboxes: number, clients: number, kernelWorkers: number, sampleMs?: number, log?: (line: string) => void }} config
 */
export async function soak(config) {
  const { minutes, sandboxes: count, clients } = config
  const sampleMs = config.sampleMs ?? 10_000
  const log = config.log ?? ((line) => console.error(line))
  const gc = () => globalThis.gc?.()
  const mem = () => {
    gc()
    const m = process.memoryUsage()
    return { rss: m.rss, heap: m.heapUsed, external: m.external }
  }

  const daytona = new Daytona({ limits: { maxKernelWorkers: config.kernelWorkers }, sandboxLimits: { defaultCommandTimeoutMs: 60_000 } })
  const started = performance.now()
  const memStart = mem()
  const failures = []
  let failed = 0
  const fail = (kind, detail) => {
    failed++
    if (failures.length < 100) failures.push({ kind, detail: String(detail).slice(0, 300) })
    if (failed <= 20) log(`FAIL ${kind}: ${String(detail).slice(0, 300)}`)
  }

  // The fleet: a third python sandboxes (codeRun is python), a third typescript, a third plain.
  const languages = ['python', 'typescript', undefined]
  const fleet = []
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
        const n = i + j
        const language = languages[n % 3]
        const sandbox = await daytona.create({ labels: { soak: String(n) }, ...(language ? { language } : {}) })
        await sandbox.fs.uploadFile(Buffer.from(`precious ${n}\n`), 'precious.txt')
        return { n, sandbox, language, appends: 0, commits: 0, gitReady: false, busy: false, session: false }
      }),
    )
    fleet.push(...batch)
  }
  const createMs = performance.now() - started
  log(`created ${count} sandboxes in ${(createMs / 1000).toFixed(1)} s`)

  const hasGit = fleet[0]?.sandbox.git !== undefined
  /** Operations: name → (box, seq) → Promise<void>; each throws on a wrong answer. */
  const ops = {
    shell: async (b, i) => {
      const r = await b.sandbox.process.executeCommand(`echo $((${i} + 1)) | tr 0-9 a-j; ls precious.txt`)
      const want = `${String(i + 1).replace(/\d/g, (d) => 'abcdefghij'[Number(d)])}\nprecious.txt\n`
      if (r.exitCode !== 0 || r.result !== want) throw new Error(`shell: ${JSON.stringify(r)}`)
    },
    append: async (b, i) => {
      const r = await b.sandbox.process.executeCommand(`echo line ${i} >> log.txt && wc -l < log.txt`)
      b.appends++
      if (r.exitCode !== 0 || Number(r.result.trim()) !== b.appends) throw new Error(`append: ${r.result.trim()} lines, expected ${b.appends}`)
    },
    python: async (b, i) => {
      const r = await b.sandbox.process.executeCommand(`python3 -c "import json, hashlib; print(json.dumps({'n': ${i}, 'h': hashlib.sha256(b'${i}').hexdigest()[:8]}))"`)
      const out = JSON.parse(r.result)
      if (out.n !== i || out.h.length !== 8) throw new Error(`python: ${r.result}`)
    },
    codeRun: async (b, i) => {
      // codeRun follows the sandbox's language label (python when it has none).
      const code = b.language === 'typescript' ? `console.log([...Array(${i % 1000}).keys()].reduce((a: number, c: number) => a + c, 0))` : `print(sum(range(${i % 1000})))`
      const r = await b.sandbox.process.codeRun(code)
      const n = i % 1000
      if (r.exitCode !== 0 || r.result !== `${(n * (n - 1)) / 2}\n`) throw new Error(`codeRun: ${JSON.stringify(r)}`)
    },
    node: async (b, i) => {
      const r = await b.sandbox.process.executeCommand(`node -e 'const fs = require("fs"); fs.writeFileSync("n.json", JSON.stringify({ i: ${i} })); console.log(JSON.parse(fs.readFileSync("n.json", "utf8")).i * 2)'`)
      if (r.exitCode !== 0 || r.result !== `${i * 2}\n`) throw new Error(`node: ${JSON.stringify(r)}`)
    },
    pipeline: async (b, i) => {
      // Concurrent stages: an endless producer ended by head (EPIPE), then python3 into node.
      const r = await b.sandbox.process.executeCommand(`python3 -c "while True: print(${i})" 2>/dev/null | head -2; python3 -c "print(${i})" | node -e "process.stdin.on('data', (d) => console.log(Number(d) + 1))"`)
      if (r.exitCode !== 0 || r.result !== `${i}\n${i}\n${i + 1}\n`) throw new Error(`pipeline: ${JSON.stringify(r)}`)
    },
    files: async (b, i) => {
      const bytes = Buffer.alloc(1024 + (i % 64) * 1024, i % 251)
      await b.sandbox.fs.uploadFile(bytes, `data/blob-${i % 8}.bin`)
      const back = await b.sandbox.fs.downloadFile(`data/blob-${i % 8}.bin`)
      if (!back.equals(bytes)) throw new Error(`files: ${back.length} bytes back, ${bytes.length} sent`)
      const list = await b.sandbox.fs.listFiles('data')
      if (!list.some((f) => f.name === `blob-${i % 8}.bin` && f.size === bytes.length)) throw new Error('files: listing misses the blob')
    },
    session: async (b, i) => {
      if (!b.session) {
        await b.sandbox.process.createSession('soak')
        b.session = true
      }
      const r = await b.sandbox.process.executeSessionCommand('soak', { command: `export S=${i}; cd /tmp && echo $S $(pwd)` })
      if (r.exitCode !== 0 || r.output !== `${i} /tmp\n`) throw new Error(`session: ${JSON.stringify(r)}`)
    },
    interpreter: async (b, i) => {
      if (b.language !== 'python') return ops.shell(b, i)
      await b.sandbox.codeInterpreter.runCode(`soak_x = ${i}`)
      const r = await b.sandbox.codeInterpreter.runCode('print(soak_x * 3)')
      // A parked sandbox loses its interpreter's variables (and says so); that is not a failure.
      if (r.error && !/restarted/.test(r.stderr)) throw new Error(`interpreter: ${JSON.stringify(r)}`)
      if (!r.error && r.stdout !== `${i * 3}\n`) throw new Error(`interpreter: ${JSON.stringify(r)}`)
    },
    git: async (b, i) => {
      if (!hasGit) return ops.files(b, i)
      if (!b.gitReady) {
        await b.sandbox.git.init('repo')
        b.gitReady = true
      }
      await b.sandbox.fs.uploadFile(Buffer.from(`version ${i}\n`), 'repo/file.txt')
      await b.sandbox.git.add('repo', ['file.txt'])
      const c = await b.sandbox.git.commit('repo', `commit ${i}`, 'Soak', 'soak@example.com', true)
      b.commits++
      if (!/^[0-9a-f]{40}$/.test(c.sha)) throw new Error(`git: ${JSON.stringify(c)}`)
      const st = await b.sandbox.git.status('repo')
      if (st.fileStatus.length !== 0) throw new Error(`git status: ${JSON.stringify(st.fileStatus)}`)
    },
  }
  // Weights: mostly cheap shell and files, programs and git regularly.
  const mix = [
    ['shell', 5],
    ['append', 3],
    ['files', 3],
    ['session', 2],
    ['python', 2],
    ['codeRun', 2],
    ['node', 1],
    ['pipeline', 1],
    ['interpreter', 1],
    ['git', 2],
  ]
  const wheel = mix.flatMap(([name, w]) => Array(w).fill(name))
  const perKind = Object.fromEntries(mix.map(([name]) => [name, { n: 0, ms: [] }]))
  /** Keeps a uniform sample of at most 4,000 latencies per kind (reservoir), so memory stays flat. */
  const record = (k, ms) => {
    if (k.ms.length < 4000) k.ms.push(ms)
    else {
      const j = Math.floor(Math.random() * k.n)
      if (j < 4000) k.ms[j] = ms
    }
  }

  let done = 0
  let seq = 0
  const deadline = started + minutes * 60_000
  const samples = []
  const sample = () => {
    const m = mem()
    const s = daytona.stats()
    const t = (performance.now() - started) / 1000
    const prev = samples.at(-1)
    const rate = prev ? (done - prev.done) / (t - prev.t) : 0
    samples.push({ t, done, rate, ...m, ...s })
    log(`${t.toFixed(0).padStart(5)} s  ops ${String(done).padStart(7)}  ${rate.toFixed(0).padStart(4)}/s  rss ${(m.rss / 2 ** 20).toFixed(0)} MiB  heap ${(m.heap / 2 ** 20).toFixed(0)} MiB  workers ${s.alive} (leased ${s.leased}, idle ${s.idle})  failures ${failed}`)
  }
  sample()
  const sampler = setInterval(sample, sampleMs)

  async function client() {
    while (performance.now() < deadline) {
      const box = fleet[Math.floor(Math.random() * fleet.length)]
      if (box.busy) continue // one operation per sandbox at a time keeps the checks exact
      box.busy = true
      const kind = wheel[Math.floor(Math.random() * wheel.length)]
      const i = seq++
      const t0 = performance.now()
      try {
        await ops[kind](box, i)
        record(perKind[kind], performance.now() - t0)
      } catch (error) {
        fail(kind, `sandbox ${box.n}: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`)
      } finally {
        perKind[kind].n++
        done++
        box.busy = false
      }
    }
  }
  await Promise.all(Array.from({ length: clients }, client))
  clearInterval(sampler)
  sample()
  const runMs = performance.now() - started - createMs

  // Verify every sandbox: its precious file, its append log, its commits.
  for (const b of fleet) {
    try {
      const precious = (await b.sandbox.fs.downloadFile('precious.txt')).toString()
      if (precious !== `precious ${b.n}\n`) throw new Error(`precious.txt is ${JSON.stringify(precious)}`)
      if (b.appends > 0) {
        const lines = (await b.sandbox.process.executeCommand('wc -l < log.txt')).result.trim()
        if (Number(lines) !== b.appends) throw new Error(`log.txt has ${lines} lines, expected ${b.appends}`)
      }
      if (b.commits > 0) {
        const n = (await b.sandbox.process.executeCommand('cd repo && git log --oneline | wc -l')).result.trim()
        if (Number(n) !== b.commits) throw new Error(`repo has ${n} commits, expected ${b.commits}`)
      }
    } catch (error) {
      fail('verify', `sandbox ${b.n}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const beforeDelete = daytona.stats()
  await Promise.all(fleet.map((b) => b.sandbox.delete()))
  const afterDelete = daytona.stats()
  await daytona.dispose()
  const afterDispose = daytona.stats()
  const memEnd = mem()

  const pct = (xs, p) => {
    if (xs.length === 0) return 0
    const s = [...xs].sort((a, b) => a - b)
    return s[Math.min(s.length - 1, Math.floor(p * s.length))]
  }
  const kinds = Object.entries(perKind).map(([name, k]) => ({ name, n: k.n, p50: pct(k.ms, 0.5), p99: pct(k.ms, 0.99) }))
  // RSS after warm-up (the first minute, or the first half of a short run: every kernel's process
  // workers have to start and load both runtimes before RSS settles) against the end.
  const warm = samples.find((s) => s.t >= Math.min(60, (minutes * 60) / 2)) ?? samples[0]
  const last = samples.at(-1)
  return {
    config: { minutes, sandboxes: count, clients, kernelWorkers: config.kernelWorkers, git: hasGit },
    createMs,
    runMs,
    ops: done,
    throughput: done / (runMs / 1000),
    kinds,
    failures,
    failed,
    samples,
    rss: { start: memStart.rss, warm: warm.rss, end: last.rss, max: Math.max(...samples.map((s) => s.rss)), afterDispose: memEnd.rss },
    heap: { start: memStart.heap, warm: warm.heap, end: last.heap, afterDispose: memEnd.heap },
    workers: { max: Math.max(...samples.map((s) => s.alive)), beforeDelete, afterDelete, afterDispose },
  }
}

const MiB = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`

/** The report in Markdown. */
export function report(r) {
  const lines = []
  lines.push('# Soak', '')
  lines.push(`\`node --expose-gc bench/soak.mjs --minutes ${r.config.minutes} --sandboxes ${r.config.sandboxes} --clients ${r.config.clients} --kernel-workers ${r.config.kernelWorkers}\` on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${MiB(totalmem())} RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`, '')
  lines.push(`${r.config.sandboxes} sandboxes (a third python, a third typescript, a third plain), ${r.config.clients} concurrent clients, each looping over: pick a sandbox, run one operation, check its answer. Git ${r.config.git ? 'through `sandbox.git` (init, add, commit, status)' : 'not available: replaced by file round trips'}. At the end every sandbox's files are checked against what the clients wrote (its precious file, the lines appended to its log, its commit count).`, '')
  lines.push('| figure | value |', '|---|---|')
  lines.push(`| operations checked | ${r.ops.toLocaleString('en-US')} in ${(r.runMs / 60_000).toFixed(1)} min |`)
  lines.push(`| throughput | ${r.throughput.toFixed(0)} ops/s |`)
  lines.push(`| failed checks | ${r.failed} |`)
  lines.push(`| create ${r.config.sandboxes} sandboxes (with a file each) | ${(r.createMs / 1000).toFixed(1)} s |`)
  lines.push(`| host RSS: start / after warm-up / end / max | ${MiB(r.rss.start)} / ${MiB(r.rss.warm)} / ${MiB(r.rss.end)} / ${MiB(r.rss.max)} |`)
  lines.push(`| host heap after GC: start / after warm-up / end / after dispose | ${MiB(r.heap.start)} / ${MiB(r.heap.warm)} / ${MiB(r.heap.end)} / ${MiB(r.heap.afterDispose)} |`)
  lines.push(`| kernel workers: max alive / after deleting all / after dispose | ${r.workers.max} / ${r.workers.afterDelete.alive} (leased ${r.workers.afterDelete.leased}) / ${r.workers.afterDispose.alive} |`)
  lines.push(`| RSS after dispose | ${MiB(r.rss.afterDispose)} |`, '')
  lines.push('| operation | count | p50 | p99 |', '|---|---:|---:|---:|')
  for (const k of r.kinds) lines.push(`| ${k.name} | ${k.n.toLocaleString('en-US')} | ${k.p50.toFixed(1)} ms | ${k.p99.toFixed(1)} ms |`)
  lines.push('', 'Over time (host RSS includes every worker thread; heap is the main thread after a GC):', '')
  lines.push('| t | ops | ops/s | RSS | heap | workers alive / leased |', '|---:|---:|---:|---:|---:|---:|')
  const step = Math.max(1, Math.ceil(r.samples.length / 24))
  r.samples.forEach((s, i) => {
    if (i % step === 0 || i === r.samples.length - 1) lines.push(`| ${s.t.toFixed(0)} s | ${s.done.toLocaleString('en-US')} | ${s.rate.toFixed(0)} | ${MiB(s.rss)} | ${MiB(s.heap)} | ${s.alive} / ${s.leased} |`)
  })
  if (r.failed > 0) {
    lines.push('', 'First failures:', '')
    for (const f of r.failures.slice(0, 10)) lines.push(`- ${f.kind}: ${f.detail.replace(/\n/g, ' ')}`)
  }
  return `${lines.join('\n')}\n`
}

/** The verdict: the checks that make the soak fail. */
export function verdict(r) {
  const problems = []
  if (r.failed > 0) problems.push(`${r.failed} failed checks`)
  if (r.workers.afterDispose.alive !== 0) problems.push(`${r.workers.afterDispose.alive} workers alive after dispose`)
  if (r.workers.afterDelete.leased !== 0) problems.push(`${r.workers.afterDelete.leased} workers still leased after every sandbox was deleted`)
  // Stable RSS: after warm-up it may move with the allocator, not grow with the work done.
  if (r.rss.end > r.rss.warm * 1.5 + 64 * 2 ** 20) problems.push(`RSS grew from ${MiB(r.rss.warm)} after warm-up to ${MiB(r.rss.end)}`)
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = {
    minutes: option('minutes', DEFAULTS.minutes),
    sandboxes: option('sandboxes', DEFAULTS.sandboxes),
    clients: option('clients', DEFAULTS.clients),
    kernelWorkers: option('kernel-workers', DEFAULTS.kernelWorkers),
  }
  if (!globalThis.gc) console.error('note: run with --expose-gc for heap figures after a collection')
  const r = await soak(config)
  const out = option('out', fileURLToPath(new URL('SOAK.md', import.meta.url)))
  writeFileSync(out, report(r))
  const problems = verdict(r)
  console.error(problems.length === 0 ? `soak passed; report in ${out}` : `soak FAILED: ${problems.join('; ')}`)
  process.exitCode = problems.length === 0 ? 0 : 1
}
