/**
 * The `daylite` command.
 *
 *   daylite demo               create a sandbox, run commands, move files, print timings
 *   daylite exec '<command>'   run one bash command in a fresh sandbox and print its output
 */
import { Daytona } from '../api/Daytona.js'

const HELP = `daylite — Daytona's sandbox API, in-process

Usage:
  daylite demo               create a sandbox, run shell commands, move files, print timings
  daylite exec '<command>'   run a bash command in a fresh sandbox; exits with its exit code
  daylite --help             this text
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
