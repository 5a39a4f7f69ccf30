/**
 * A program written for `@daytonaio/sdk` 0.218, importing from the alias `daytona-under-test`.
 * It is type-checked twice (test/types/drop-in.test.ts): once with the alias pointing at the real
 * SDK and once pointing at daylite. Both must pass: that is the drop-in claim, checked by tsc.
 */
import { Daytona, DaytonaError, DaytonaNotFoundError, DaytonaTimeoutError, Image, SandboxState } from 'daytona-under-test'
import type { FileInfo, Sandbox } from 'daytona-under-test'

export async function program(): Promise<void> {
  const daytona = new Daytona()
  const sandbox: Sandbox = await daytona.create({ labels: { team: 'a' }, language: 'python', envVars: { A: '1' }, autoStopInterval: 0 })
  const fromImage = await daytona.create(
    { image: Image.base('debian:12').env({ X: '1' }).workdir('/w').runCommands('echo hi'), resources: { cpu: 1, memory: 1, disk: 3 } },
    { onSnapshotCreateLogs: (chunk: string) => void chunk, timeout: 60 },
  )
  const r = await sandbox.process.executeCommand('mkdir -p src && echo hi > src/a.txt && ls -l src | wc -l', 'src', { B: '2' }, 10)
  const exit: number = r.exitCode
  const out: string = r.result
  void [exit, out, r.artifacts?.stdout]

  const code = await sandbox.process.codeRun('print(1)', { argv: ['a'], env: { B: '1' } }, 10)
  void [code.exitCode, code.result]
  await sandbox.fs.uploadFile(Buffer.from('...'), 'data/in.csv')
  await sandbox.fs.uploadFiles([{ source: Buffer.from('a'), destination: 'a.txt' }])
  const buf: Buffer = await sandbox.fs.downloadFile('data/in.csv')
  await sandbox.fs.downloadFile('data/in.csv', '/tmp/local.csv')
  const many = await sandbox.fs.downloadFiles([{ source: 'a.txt' }, { source: 'b.txt', destination: '/tmp/b.txt' }])
  for (const f of many) void [f.source, f.error, f.errorDetails?.statusCode, f.result]
  const files: FileInfo[] = await sandbox.fs.listFiles('.', { depth: 1 })
  void files.map((f) => [f.name, f.isDir, f.size, f.mode, f.permissions, f.owner, f.group, f.modTime])
  const info = await sandbox.fs.getFileDetails('a.txt')
  void [buf.length, info.size]
  await sandbox.fs.createFolder('d', '755')
  await sandbox.fs.moveFiles('a.txt', 'd/a.txt')
  await sandbox.fs.setFilePermissions('d/a.txt', { mode: '644', owner: 'daytona', group: 'daytona' })
  const found = await sandbox.fs.findFiles('d', 'a')
  void found.map((m) => [m.file, m.line, m.content])
  const matched = await sandbox.fs.searchFiles('.', '*.txt')
  void matched.files
  const replaced = await sandbox.fs.replaceInFiles(['d/a.txt'], 'a', 'b')
  void replaced.map((x) => [x.file, x.success, x.error])
  await sandbox.fs.deleteFile('d', true)
  const stream = await sandbox.fs.downloadFileStream('data/in.csv', { onProgress: (p) => void p.bytesReceived })
  await sandbox.fs.uploadFileStream(stream, 'copy.csv', { onProgress: (p) => void p.bytesSent })

  await sandbox.process.createSession('s')
  const res = await sandbox.process.executeSessionCommand('s', { command: 'export FOO=BAR' })
  void [res.cmdId, res.output, res.exitCode, res.stdout, res.stderr]
  const asyncRes = await sandbox.process.executeSessionCommand('s', { command: 'sleep 1', runAsync: true })
  const cmd = await sandbox.process.getSessionCommand('s', asyncRes.cmdId)
  void cmd.exitCode
  const logs = await sandbox.process.getSessionCommandLogs('s', asyncRes.cmdId)
  void [logs.output, logs.stdout, logs.stderr]
  await sandbox.process.getSessionCommandLogs('s', asyncRes.cmdId, (c: string) => void c, (c: string) => void c)
  const session = await sandbox.process.getSession('s')
  void session.commands.map((c) => [c.id, c.command, c.exitCode])
  void (await sandbox.process.listSessions()).map((s) => s.sessionId)
  await sandbox.process.deleteSession('s')

  const labels: Record<string, string> = await sandbox.setLabels({ b: '2' })
  void labels
  await sandbox.setAutostopInterval(30)
  await sandbox.setAutoArchiveInterval(60)
  await sandbox.setAutoDeleteInterval(-1)
  await sandbox.updateEnv({ C: '3' }, { unset: ['A'] })
  const home: string | undefined = await sandbox.getUserHomeDir()
  const work: string | undefined = await sandbox.getWorkDir()
  void [home, work, sandbox.id, sandbox.name, sandbox.state === SandboxState.STARTED, sandbox.cpu, sandbox.memory, sandbox.disk, sandbox.labels, sandbox.createdAt]
  await sandbox.refreshData()
  await sandbox.stop()
  await sandbox.waitUntilStopped()
  await sandbox.start()
  await sandbox.waitUntilStarted()
  const forked = await sandbox.fork({ name: 'f' })
  await sandbox.resize({ cpu: 2, memory: 2, disk: 4 })
  await daytona.stop(forked)
  await daytona.start(forked)
  const again: Sandbox = await daytona.get(sandbox.id)
  for await (const s of daytona.list({ labels: { team: 'a' }, states: [SandboxState.STARTED], limit: 10 })) void s.id
  try {
    await daytona.get('nope')
  } catch (e) {
    if (e instanceof DaytonaNotFoundError || e instanceof DaytonaTimeoutError || e instanceof DaytonaError) void e.statusCode
  }
  await again.delete()
  await daytona.delete(fromImage)
  await daytona.delete(forked)
  await daytona[Symbol.asyncDispose]()
}
