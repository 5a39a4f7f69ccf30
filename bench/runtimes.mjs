// Runtime benchmarks (issues #3 and #4): Python and JavaScript/TypeScript in daylite against native
// python3/node spawned with child_process and against the in-process WebAssembly peers (Pyodide,
// quickjs-emscripten), all on the same run. Called by run.mjs; `node bench/run.mjs --only=runtimes`.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Daytona } from '../dist/index.js'

const PYSTONE = `
import time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def loops(n):
    total = 0
    d = {}
    for i in range(n):
        total += i * i % 7
        d[i % 100] = str(i)
    return total, len(d)
t0 = time.perf_counter()
fib(22)
loops(200000)
print(round((time.perf_counter() - t0) * 1000, 3))
`

const JS_CPU = `
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }
function loops(n) { let total = 0; const m = new Map(); for (let i = 0; i < n; i++) { total += (i * i) % 7; m.set(i % 100, String(i)) } return [total, m.size] }
const t0 = Date.now()
fib(24)
loops(200000)
console.log(Date.now() - t0)
`

/** Debian's python3 itself (a pyenv shim on PATH would add a bash start-up to every spawn). */
const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

const IMPORTS = 'import json, re, collections, dataclasses, asyncio'

/** The time a fresh Node process takes from `new Daytona()` to the first result of `code`. */
function firstRun(language, code) {
  const script = `
    const { Daytona } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)})
    const t0 = performance.now()
    const d = new Daytona()
    const s = await d.create({ language: ${JSON.stringify(language)} })
    const r = await s.process.codeRun(${JSON.stringify(code)})
    const ms = performance.now() - t0
    await d.dispose()
    process.stdout.write(JSON.stringify({ ms, ok: r.exitCode === 0 }))
    process.exit(0)`
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString()
  return JSON.parse(out)
}

function native(cmd, args) {
  return () => {
    const r = spawnSync(cmd, args)
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`)
  }
}

/** Runs the runtime benchmarks, adding rows to the table. */
export async function runtimeBench({ sample, fmt, row, quick, log }) {
  const N = quick ? 20 : 100
  const daytona = new Daytona()
  const py = await daytona.create({ language: 'python' })
  const python3 = execFileSync(PY, ['--version']).toString().trim()

  // ── Python ──
  log('python…')
  const pyFirst = firstRun('python', 'print(1)')
  const { loadPyodide } = await import('pyodide')
  const tLoad = performance.now()
  const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} })
  pyodide.runPython('print(1)')
  const pyodideFirst = performance.now() - tLoad
  row('python: first `codeRun` in a new host process (kernel + runtime load + snapshot init)', fmt(pyFirst.ms), `Pyodide loadPyodide + first runPython: ${fmt(pyodideFirst)}`, '—')

  await py.process.codeRun('print(1)')
  const codeRun = await sample(N, () => py.process.codeRun('print(1)'), 5)
  const nativePy = await sample(Math.min(N, 50), native(PY, ['-c', 'print(1)']), 3)
  const pyodideRun = await sample(N, () => pyodide.runPython('print(1)'), 5)
  row(
    "python: `codeRun('print(1)')` p50 / p90 (fresh interpreter each)",
    `${fmt(codeRun.p50)} / ${fmt(codeRun.p90)}`,
    `native \`python3 -c\` spawn: ${fmt(nativePy.p50)} / ${fmt(nativePy.p90)} (${python3}); Pyodide runPython in one live interpreter: ${fmt(pyodideRun.p50)}`,
    'p50 ≤ 20 ms',
    codeRun.p50 <= 20,
  )
  const imports = await sample(Math.min(N, 30), () => py.process.codeRun(IMPORTS), 2)
  const nativeImports = await sample(Math.min(N, 30), native(PY, ['-c', IMPORTS]), 2)
  row(`python: \`codeRun('${IMPORTS}')\` p50`, fmt(imports.p50), `native spawn: ${fmt(nativeImports.p50)}`, '—')

  await py.codeInterpreter.runCode('x = 0')
  const interp = await sample(N * 2, () => py.codeInterpreter.runCode('x += 1'), 20)
  const pyodideStmt = await sample(N * 2, () => pyodide.runPython('x = 1'), 20)
  row('python: `codeInterpreter.runCode` round trip in a live context p50 / p90', `${fmt(interp.p50)} / ${fmt(interp.p90)}`, `Pyodide runPython (in this thread): ${fmt(pyodideStmt.p50)}`, 'p50 ≤ 2 ms', interp.p50 <= 2)

  const cpuOurs = []
  for (let i = 0; i < (quick ? 2 : 5); i++) cpuOurs.push(Number((await py.process.codeRun(PYSTONE)).result))
  const cpuNative = []
  for (let i = 0; i < (quick ? 2 : 5); i++) cpuNative.push(Number(execFileSync(PY, ['-c', PYSTONE]).toString()))
  const cpuPyodide = []
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    let out = ''
    pyodide.setStdout({ batched: (s) => (out += s) })
    pyodide.runPython(PYSTONE)
    cpuPyodide.push(Number(out))
  }
  const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]
  const ratio = med(cpuOurs) / med(cpuNative)
  row(
    'python: CPU-bound (fib(22) + 200k-iteration dict loop), time inside the interpreter',
    `${fmt(med(cpuOurs))}`,
    `native: ${fmt(med(cpuNative))} (${ratio.toFixed(2)}×); Pyodide: ${fmt(med(cpuPyodide))} (${(med(cpuPyodide) / med(cpuNative)).toFixed(2)}×)`,
    '≤ 4× native',
    ratio <= 4,
  )

  // ── pipelines of programs (stages run at once; docs/decisions/0001) ──
  log('pipelines…')
  const bash = (script) => spawnSync('bash', ['-c', script], { env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}` } })
  const HEAD = `python3 -c "while True: print(1)" 2>/dev/null | head -3`
  const headOurs = await sample(quick ? 10 : 40, () => py.process.executeCommand(HEAD), 3)
  const headNative = await sample(quick ? 5 : 20, async () => bash(HEAD), 2)
  row('pipeline: `python3 -c "while True: print(1)" \\| head -3` p50 (endless producer, ends at EPIPE)', fmt(headOurs.p50), `native bash + python3: ${fmt(headNative.p50)} (${(headOurs.p50 / headNative.p50).toFixed(2)}×)`, '—')
  const MB = 32
  const THROUGH = `python3 -c "import sys; sys.stdout.buffer.write(b'x' * ${MB << 20})" | python3 -c "import sys; print(len(sys.stdin.buffer.read()))"`
  const throughOurs = await sample(quick ? 2 : 5, async () => {
    const r = await py.process.executeCommand(THROUGH)
    if (r.result.trim() !== String(MB << 20)) throw new Error(`pipeline bench: ${r.result}`)
  }, 1)
  const throughNative = await sample(quick ? 2 : 5, async () => bash(THROUGH), 1)
  row(
    `pipeline: ${MB} MiB from python3 to python3 (p50, MB/s incl. both starts)`,
    `${fmt(throughOurs.p50)} (${((MB << 20) / 1e6 / (throughOurs.p50 / 1000)).toFixed(0)} MB/s)`,
    `native bash + python3: ${fmt(throughNative.p50)} (${((MB << 20) / 1e6 / (throughNative.p50 / 1000)).toFixed(0)} MB/s)`,
    '—',
  )
  const INTO_WC = `python3 -c "import sys; sys.stdout.buffer.write(b'x' * ${MB << 20})" | wc -c`
  const wcOurs = await sample(quick ? 2 : 5, () => py.process.executeCommand(INTO_WC), 1)
  const wcNative = await sample(quick ? 2 : 5, async () => bash(INTO_WC), 1)
  row(`pipeline: ${MB} MiB from python3 into the shell's \`wc -c\` (whole output handed over) p50`, fmt(wcOurs.p50), `native bash + python3: ${fmt(wcNative.p50)}`, '—')

  // ── JavaScript / TypeScript ──
  log('javascript…')
  const js = await daytona.create({ language: 'javascript' })
  const ts = await daytona.create({ language: 'typescript' })
  const jsOk = (await js.process.codeRun('console.log(1)')).exitCode === 0
  if (!jsOk) {
    row('javascript: `codeRun`', 'not available in this build', '—', 'p50 ≤ 5 ms', false)
  } else {
    const jsFirst = firstRun('javascript', 'console.log(1)')
    row('javascript: first `codeRun` in a new host process', fmt(jsFirst.ms), '—', '—')
    const jsRun = await sample(N, () => js.process.codeRun('console.log(1)'), 10)
    const nativeNode = await sample(Math.min(N, 50), native(process.execPath, ['-e', 'console.log(1)']), 3)
    const { newQuickJSWASMModuleFromVariant } = await import('quickjs-emscripten-core')
    const variant = (await import('@jitl/quickjs-wasmfile-release-sync')).default
    const QuickJS = await newQuickJSWASMModuleFromVariant(variant)
    // The peer evaluates the same code in a fresh runtime+context each time (what codeRun promises),
    // with a console.log that hands the text to the host.
    const emscripten = () => {
      const vm = QuickJS.newContext()
      const log = vm.newFunction('log', (...args) => {
        void args.map((a) => vm.dump(a)).join(' ')
      })
      const consoleObj = vm.newObject()
      vm.setProp(consoleObj, 'log', log)
      vm.setProp(vm.global, 'console', consoleObj)
      log.dispose()
      consoleObj.dispose()
      const r = vm.evalCode('console.log(1)')
      if (r.error) r.error.dispose()
      else r.value.dispose()
      vm.dispose()
    }
    const qe = await sample(N, emscripten, 10)
    row(
      "javascript: `codeRun('console.log(1)')` p50 / p90 (fresh process each)",
      `${fmt(jsRun.p50)} / ${fmt(jsRun.p90)}`,
      `native \`node -e\` spawn: ${fmt(nativeNode.p50)}; quickjs-emscripten fresh context + eval in this thread: ${fmt(qe.p50)} (${(jsRun.p50 / qe.p50).toFixed(1)}×)`,
      'p50 ≤ 5 ms',
      jsRun.p50 <= 5,
    )
    const tsCode = 'interface P { n: number }\nconst p: P = { n: 6 }\nconsole.log(p.n * 7)'
    const tsRun = await sample(N, () => ts.process.codeRun(tsCode), 10)
    row("typescript: `codeRun` of a 3-line program p50 / p90 (transpile + fresh process)", `${fmt(tsRun.p50)} / ${fmt(tsRun.p90)}`, '—', 'p50 ≤ 10 ms', tsRun.p50 <= 10)

    const cpuJs = []
    for (let i = 0; i < (quick ? 2 : 5); i++) cpuJs.push(Number((await js.process.codeRun(JS_CPU)).result))
    const cpuNode = []
    for (let i = 0; i < (quick ? 2 : 5); i++) cpuNode.push(Number(execFileSync(process.execPath, ['-e', JS_CPU]).toString()))
    const cpuQe = []
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const vm = QuickJS.newContext()
      const t0 = performance.now()
      const r = vm.evalCode(JS_CPU.replace('console.log(Date.now() - t0)', ''))
      cpuQe.push(performance.now() - t0)
      if (r.error) r.error.dispose()
      else r.value.dispose()
      vm.dispose()
    }
    // The in-process overhead: our QuickJS in a process worker against the same engine in this thread.
    const overhead = med(cpuJs) / med(cpuQe)
    row(
      'javascript: CPU-bound (fib(24) + 200k-iteration Map loop), time inside the engine',
      fmt(med(cpuJs)),
      `quickjs-emscripten: ${fmt(med(cpuQe))} (${overhead.toFixed(2)}×); native node (JIT): ${fmt(med(cpuNode))}`,
      '≤ 2× quickjs-emscripten',
      overhead <= 2,
    )
  }
  await daytona.dispose()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.error('run through bench/run.mjs --only=runtimes')
}
