/**
 * The `daylite` command.
 *
 *   daylite demo               create a sandbox, run commands, move files, print timings
 *   daylite exec '<command>'   run one bash command in a fresh sandbox and print its output
 *   daylite serve              serve Daytona's REST API (control plane + toolbox) over the engine
 */
import { Daytona } from '../api/Daytona.js'
import { NATIVE_WARNING } from '../native/index.js'
import { DEFAULT_HOST, DEFAULT_PORT, createServer } from '../server/index.js'

const HELP = `daylite — Daytona's sandbox API, in-process

Usage:
  daylite demo               create a sandbox, run shell commands, move files, print timings
  daylite exec '<command>'   run a bash command in a fresh sandbox; exits with its exit code
  daylite serve [options]    serve Daytona's REST API so the unmodified Daytona SDK works offline
  daylite --help             this text
`

const SERVE_HELP = `daylite serve — Daytona's control-plane and toolbox REST API, offline, over the in-process engine

Usage:
  daylite serve [--port ${DEFAULT_PORT}] [--host ${DEFAULT_HOST}] [--api-key KEY]... [--backend wasm|native [--bwrap]]

Options:
  --port N           TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR        address to listen on (default ${DEFAULT_HOST}, this machine only)
  --api-key KEY      accept only this API key (repeatable); without it any key is accepted
  --backend wasm     sandboxes in the in-process WebAssembly engine (default)
  --backend native   sandboxes as directories of this machine, commands as real host processes
                     (bash, python3, node, git): NOT isolated; an offline stand-in for a remote
                     Daytona, e.g. to test daylite's remote fallback
  --bwrap            with --backend native: run commands under bubblewrap (host read-only)
  -h, --help         this text

Point the Daytona SDK at it:
  new Daytona({ apiUrl: 'http://127.0.0.1:${DEFAULT_PORT}/api', apiKey: 'local' })
Ctrl-C (SIGINT) or SIGTERM stops the server and every sandbox.
`

function ms(start: number): string {
  return `${(performance.now() - start).toFixed(2)} ms`
}

function step(label: string): (detail?: string) => void {
  const start = performance.now()
  const tty = process.stdout.isTTY === true
  if (tty) process.stdout.write(`  … ${label}`)
  return (detail) => {
    process.stdout.write(`${tty ? '\r\x1b[2K' : ''}  ✓ ${label} (${ms(start)})${detail ? `\n${detail.replace(/^/gm, '      ')}` : ''}\n`)
  }
}

async function demo(): Promise<void> {
  console.log('daylite demo: a Daytona sandbox in this process, no server, no network\n')
  let done = step('new Daytona() and warm kernel worker pool')
  await using daytona = new Daytona()
  done()

  done = step('daytona.create({ labels: { demo: "yes" } })')
  const sandbox = await daytona.create({ labels: { demo: 'yes' } })
  done(`id ${sandbox.id}, state ${sandbox.state}, ${sandbox.cpu} vCPU / ${sandbox.memory} GiB / ${sandbox.disk} GiB`)

  done = step('executeCommand: mkdir, echo, ls -l | wc -l (first command attaches a worker)')
  let r = await sandbox.process.executeCommand('mkdir -p src && echo hi > src/a.txt && ls -l src | wc -l')
  done(`exit ${r.exitCode}: ${r.result.trim()}`)

  done = step("executeCommand('echo hi')")
  r = await sandbox.process.executeCommand('echo hi')
  done(`exit ${r.exitCode}: ${r.result.trim()}`)

  done = step('fs.uploadFile(1 MiB) + downloadFile')
  const data = new Uint8Array(1024 * 1024).map((_, i) => i % 251)
  await sandbox.fs.uploadFile(Buffer.from(data), 'data/in.bin')
  const back = await sandbox.fs.downloadFile('data/in.bin')
  done(`round trip ${back.length} bytes, identical: ${Buffer.compare(Buffer.from(data), back) === 0}`)

  done = step('fs.uploadFiles + shell pipeline over them')
  await sandbox.fs.uploadFiles([
    { source: Buffer.from('name,score\nada,3\nlin,5\n'), destination: 'data/scores.csv' },
    { source: Buffer.from('#!/bin/bash\necho "from a script: $1"\n'), destination: 'bin/hello.sh' },
  ])
  await sandbox.fs.setFilePermissions('bin/hello.sh', { mode: '755' })
  r = await sandbox.process.executeCommand("tail -n +2 data/scores.csv | cut -d, -f2 | sort -n | tail -1 && ./bin/hello.sh world && ls -l bin")
  done(r.result.trim())

  done = step('session: cd, export and a function persist')
  await sandbox.process.createSession('demo')
  await sandbox.process.executeSessionCommand('demo', { command: 'cd /tmp && export GREETING=hello && greet() { echo "$GREETING from $(pwd)"; }' })
  const s = await sandbox.process.executeSessionCommand('demo', { command: 'greet' })
  done(`${s.output?.trim()} (exit ${s.exitCode})`)

  done = step('WASI programs: python3 and qjs read the same files (first run loads the runtimes)')
  r = await sandbox.process.executeCommand(
    `python3 -c "import csv; print(max(int(r['score']) for r in csv.DictReader(open('data/scores.csv'))))" && qjs -e "print('qjs says', 6 * 7)"`,
  )
  done(r.result.trim())

  done = step("process.codeRun: python, then javascript and typescript (each a fresh process from a memory snapshot)")
  const py = await sandbox.process.codeRun('import json, sys; print(json.dumps({"python": sys.version.split()[0]}))')
  const js = await daytona.create({ language: 'typescript' })
  const node = await js.process.codeRun("console.log(require('path').basename('/a/b.txt'), process.argv.slice(2))", { argv: ['x'] })
  const tsr = await js.process.codeRun('enum Unit { Answer = 42 }\nconst n: number = Unit.Answer\nconsole.log(`ts: ${n}`)')
  done(`${py.result.trim()}; node: ${node.result.trim()}; ${tsr.result.trim()}`)

  done = step('codeInterpreter: Python state persists between runCode calls')
  await sandbox.codeInterpreter.runCode('total = sum(range(10))')
  const ci = await sandbox.codeInterpreter.runCode('print("total is", total)')
  done(ci.stdout.trim())

  done = step('git: init, add, commit in the shell, then sandbox.git.status')
  r = await js.process.executeCommand('git init -q repo && cd repo && echo hi > a.txt && git add . && git -c user.name=Ada -c user.email=ada@example.com commit -qm first && git log --oneline | wc -l')
  const gs = await js.git.status('repo')
  done(`${r.result.trim()} commit on ${gs.currentBranch}, clean: ${gs.fileStatus.length === 0}`)
  await js.delete()

  done = step('fs.listFiles + searchFiles + findFiles')
  const files = await sandbox.fs.listFiles('.')
  const found = await sandbox.fs.findFiles('data', 'lin')
  done(`${files.map((f) => `${f.mode} ${f.name}`).join(', ')}; "lin" found in ${found.map((m) => `${m.file}:${m.line}`).join(', ')}`)

  done = step('stop() then start(): files survive')
  await sandbox.stop()
  await sandbox.start()
  r = await sandbox.process.executeCommand('cat src/a.txt')
  done(`after restart: ${r.result.trim()}`)

  done = step('delete()')
  await sandbox.delete()
  done()
}

async function exec(command: string): Promise<number> {
  await using daytona = new Daytona()
  const sandbox = await daytona.create()
  const r = await sandbox.process.executeCommand(command)
  process.stdout.write(r.result)
  return r.exitCode
}

interface ServeArgs {
  port: number
  host: string
  apiKeys: string[]
  backend: 'wasm' | 'native'
  bwrap: boolean
}

function parseServeArgs(args: string[]): ServeArgs | string {
  const out: ServeArgs = { port: DEFAULT_PORT, host: DEFAULT_HOST, apiKeys: [], backend: 'wasm', bwrap: false }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    const value = (): string | undefined => (arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : args[++i])
    if (flag === '--port') {
      const v = value()
      const port = Number(v)
      if (v === undefined || !Number.isInteger(port) || port < 0 || port > 65535) return `--port needs a port number (0-65535), got ${String(v)}`
      out.port = port
    } else if (flag === '--host') {
      const v = value()
      if (!v) return '--host needs an address'
      out.host = v
    } else if (flag === '--api-key') {
      const v = value()
      if (!v) return '--api-key needs a key'
      out.apiKeys.push(v)
    } else if (flag === '--backend') {
      const v = value()
      if (v !== 'wasm' && v !== 'native') return `--backend is wasm or native, got ${String(v)}`
      out.backend = v
    } else if (flag === '--bwrap') {
      out.bwrap = true
    } else {
      return `unknown option ${arg}`
    }
  }
  if (out.bwrap && out.backend !== 'native') return '--bwrap is an option of --backend native'
  return out
}

async function serve(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(SERVE_HELP)
    return 0
  }
  const parsed = parseServeArgs(args)
  if (typeof parsed === 'string') {
    process.stderr.write(`daylite serve: ${parsed}\n\n${SERVE_HELP}`)
    return 2
  }
  if (parsed.backend === 'native') process.stderr.write(`daylite serve: WARNING: ${NATIVE_WARNING}\n\n`)
  const server = await createServer({
    port: parsed.port,
    host: parsed.host,
    apiKeys: parsed.apiKeys,
    backend: parsed.backend,
    ...(parsed.bwrap ? { native: { bwrap: true } } : {}),
    log: (line) => process.stderr.write(`daylite serve: ${line}\n`),
  })
  const key = parsed.apiKeys[0] ?? 'local'
  process.stdout.write(
    `daylite serve: Daytona's API on ${server.apiUrl} (toolbox ${server.url}/toolbox), ${parsed.backend === 'native' ? `native backend${parsed.bwrap ? ' under bubblewrap' : ''}` : 'WebAssembly engine'}\n` +
      `${parsed.apiKeys.length > 0 ? `API keys: ${parsed.apiKeys.length} configured` : 'API keys: any key is accepted'}; Ctrl-C stops\n\n` +
      `Use it with the Daytona SDK:\n\n` +
      `  import { Daytona } from '@daytonaio/sdk'\n` +
      `  const daytona = new Daytona({ apiUrl: '${server.apiUrl}', apiKey: '${key}' })\n` +
      `  const sandbox = await daytona.create()\n` +
      `  console.log((await sandbox.process.executeCommand('echo hi')).result)\n\n` +
      `or: DAYTONA_API_URL=${server.apiUrl} DAYTONA_API_KEY=${key} <your program>\n`,
  )
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      process.stdout.write(`\ndaylite serve: ${signal}, shutting down\n`)
      resolve()
    }
    const onInt = (): void => stop('SIGINT')
    const onTerm = (): void => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
  const stopping = performance.now()
  await server.close()
  process.stdout.write(`daylite serve: stopped in ${ms(stopping)}\n`)
  return 0
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv
  switch (cmd) {
    case 'demo':
      await demo()
      return 0
    case 'exec':
      if (rest.length === 0) {
        process.stderr.write("daylite exec: missing command, e.g. daylite exec 'echo hi'\n")
        return 2
      }
      return exec(rest.join(' '))
    case 'serve':
      return serve(rest)
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP)
      return 0
    default:
      process.stderr.write(`daylite: unknown command ${cmd}\n\n${HELP}`)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`daylite: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exitCode = 1
  },
)
