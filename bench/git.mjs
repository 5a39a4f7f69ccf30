// Git benchmarks (issue #5): daylite's git (isomorphic-git over the sandbox VFS, in the kernel
// worker) against Debian's git on the same run: clone of a 1,000-file repository over local HTTP
// (a `git http-backend` behind a Node server in this process), `git add -A` + commit of 1,000
// changed files, status on a clean 1,000-file tree, log of 1,000 commits. Called by run.mjs;
// `node bench/run.mjs --only=git`.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Daytona } from '../dist/index.js'

const ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LANG: 'C',
}

/** Runs native git without blocking this thread (the HTTP server lives here). */
function gitAsync(cwd, args, home) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: { ...ENV, HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (c) => (err += c))
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')}: ${err}`))))
  })
}

function gitSync(cwd, args, home, input) {
  return execFileSync('git', args, { cwd, env: { ...ENV, HOME: home }, input, maxBuffer: 256 * 1024 * 1024 }).toString()
}

/** `git http-backend` behind an HTTP server on 127.0.0.1. */
async function startServer(root) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const env = {
      PATH: ENV.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
      REMOTE_USER: 'bench',
      REMOTE_ADDR: '127.0.0.1',
    }
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding'])
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol'])
    const cgi = spawn('/usr/lib/git-core/git-http-backend', [], { env })
    req.pipe(cgi.stdin)
    const chunks = []
    cgi.stdout.on('data', (c) => chunks.push(c))
    cgi.on('close', () => {
      const out = Buffer.concat(chunks)
      const split = out.indexOf('\r\n\r\n')
      const head = out.subarray(0, split).toString('latin1')
      let status = 200
      const headers = {}
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':')
        if (i < 0) continue
        const k = line.slice(0, i).trim()
        const v = line.slice(i + 1).trim()
        if (k.toLowerCase() === 'status') status = Number.parseInt(v, 10)
        else headers[k] = v
      }
      res.writeHead(status, headers)
      res.end(out.subarray(split + 4))
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) }
}

/** 1,000 files in 20 directories, ~200 bytes each. */
function thousandFiles(dir, salt = '') {
  for (let d = 0; d < 20; d++) {
    mkdirSync(join(dir, `pkg${d}`), { recursive: true })
    for (let f = 0; f < 50; f++) {
      writeFileSync(join(dir, `pkg${d}/mod${f}.ts`), `// module ${d}/${f}${salt}\nexport function f${f}(x: number): number {\n  return x * ${f} + ${d}\n}\nexport const name = 'pkg${d}/mod${f}'\n`)
    }
  }
}

/** Runs the git benchmarks, adding rows to the table. */
export async function gitBench({ sample, fmt, row, quick, log }) {
  const work = mkdtempSync(join(tmpdir(), 'daylite-git-bench-'))
  const home = join(work, 'home')
  mkdirSync(home)
  const root = join(work, 'srv')
  mkdirSync(root)
  const git = execFileSync('git', ['--version']).toString().trim()
  // The 1,000-file repository, served over HTTP.
  const seed = join(work, 'seed')
  mkdirSync(seed)
  gitSync(seed, ['init', '-q', '-b', 'main'], home)
  thousandFiles(seed)
  gitSync(seed, ['add', '-A'], home)
  gitSync(seed, ['commit', '-q', '-m', '1,000 files'], home)
  gitSync(root, ['clone', '-q', '--bare', seed, 'files.git'], home)
  // A history of 1,000 commits (fast-import).
  let stream = ''
  for (let i = 1; i <= 1000; i++) {
    const data = `line ${i}\n`
    stream += `commit refs/heads/main\nmark :${i}\ncommitter Bench <bench@example.com> ${1700000000 + i * 60} +0000\ndata ${`commit ${i}`.length}\ncommit ${i}\n${i > 1 ? `from :${i - 1}\n` : ''}M 100644 inline f${i % 50}.txt\ndata ${data.length}\n${data}\n`
  }
  gitSync(root, ['init', '-q', '--bare', '-b', 'main', 'history.git'], home)
  gitSync(join(root, 'history.git'), ['fast-import', '--quiet'], home, stream)
  const server = await startServer(root)
  const daytona = new Daytona()
  const box = await daytona.create()
  const sh = async (cmd) => {
    const r = await box.process.executeCommand(cmd, undefined, ENV)
    if (r.exitCode !== 0) throw new Error(`${cmd}: ${r.result}`)
    return r.result
  }
  const runs = quick ? 3 : 8

  // ── clone ──
  log('git clone…')
  let n = 0
  const ours = await sample(runs, async () => sh(`git clone -q ${server.url}/files.git c${n++}`), 1)
  let m = 0
  const native = await sample(runs, () => gitAsync(work, ['clone', '-q', `${server.url}/files.git`, `nc${m++}`], home), 1)
  const ratio = ours.p50 / native.p50
  row('git clone of a 1,000-file repository over local HTTP (p50)', fmt(ours.p50), `native git: ${fmt(native.p50)} (×${ratio.toFixed(1)})`, '≤ 3× native', ratio <= 3)
  await sh(`rm -rf c*`)

  // ── add -A + commit of 1,000 changed files ──
  log('git add -A + commit…')
  await sh(`git clone -q ${server.url}/files.git work`)
  const nativeWork = join(work, 'nwork')
  gitSync(work, ['clone', '-q', join(root, 'files.git'), 'nwork'], home)
  let round = 0
  const uploads = () => {
    const files = []
    round++
    for (let d = 0; d < 20; d++) for (let f = 0; f < 50; f++) files.push({ source: Buffer.from(`// module ${d}/${f} round ${round}\nexport const v = ${round}\n`), destination: `work/pkg${d}/mod${f}.ts` })
    return files
  }
  const addSamples = []
  for (let i = 0; i < runs + 1; i++) {
    await box.fs.uploadFiles(uploads())
    const t = performance.now()
    await sh(`cd work && git add -A && git commit -q -m "round ${round}"`)
    if (i > 0) addSamples.push(performance.now() - t)
  }
  const nativeAdd = []
  for (let i = 0; i < runs + 1; i++) {
    thousandFiles(nativeWork, ` round ${i}`)
    const t = performance.now()
    await gitAsync(nativeWork, ['add', '-A'], home)
    await gitAsync(nativeWork, ['commit', '-q', '-m', `round ${i}`], home)
    if (i > 0) nativeAdd.push(performance.now() - t)
  }
  const p50 = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]
  const addOurs = p50(addSamples)
  row('git add -A + commit of 1,000 changed files (p50)', fmt(addOurs), `native git: ${fmt(p50(nativeAdd))} (×${(addOurs / p50(nativeAdd)).toFixed(1)})`, '≤ 1 s', addOurs <= 1000)

  // ── status on a clean tree ──
  log('git status…')
  const st = await sample(quick ? 10 : 30, () => sh('cd work && git status'), 3)
  const stApi = await sample(quick ? 10 : 30, () => box.git.status('work'), 3)
  const stNative = await sample(quick ? 10 : 30, () => gitAsync(nativeWork, ['status'], home), 3)
  row('git status on a clean 1,000-file tree (p50)', `shell ${fmt(st.p50)}, \`sandbox.git.status\` ${fmt(stApi.p50)}`, `native git: ${fmt(stNative.p50)} (×${(st.p50 / stNative.p50).toFixed(1)})`, '≤ 50 ms', st.p50 <= 50)

  // ── log of 1,000 commits ──
  log('git log…')
  await sh(`git clone -q ${server.url}/history.git history`)
  gitSync(work, ['clone', '-q', join(root, 'history.git'), 'nhistory'], home)
  const lg = await sample(quick ? 5 : 15, () => sh('cd history && git log > /dev/null'), 2)
  const lgOne = await sample(quick ? 5 : 15, () => sh('cd history && git log --oneline | wc -l'), 2)
  const lgNative = await sample(quick ? 5 : 15, () => gitAsync(join(work, 'nhistory'), ['log'], home), 2)
  row('git log of 1,000 commits (p50)', `${fmt(lg.p50)} (--oneline \\| wc -l: ${fmt(lgOne.p50)})`, `native git: ${fmt(lgNative.p50)} (×${(lg.p50 / lgNative.p50).toFixed(1)})`, '—')

  await daytona.dispose()
  await server.close()
  rmSync(work, { recursive: true, force: true })
  return { git }
}
