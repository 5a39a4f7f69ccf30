import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Daytona,
  DaytonaError,
  DaytonaFileNotFoundError,
  DaytonaInvalidFilePathError,
  DaytonaValidationError,
  type Sandbox,
} from '../../src/index.js'

let daytona: Daytona
let sandbox: Sandbox
let local: string

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create()
  local = await mkdtemp(join(tmpdir(), 'daylite-fs-'))
})
afterAll(async () => {
  await daytona.dispose()
  await rm(local, { recursive: true, force: true })
})

describe('upload and download', () => {
  it('round-trips bytes, creates parents, overwrites', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256))
    await sandbox.fs.uploadFile(bytes, 'data/deep/in.bin')
    const back = await sandbox.fs.downloadFile('data/deep/in.bin')
    expect(Buffer.isBuffer(back)).toBe(true)
    expect(back.equals(bytes)).toBe(true)
    await sandbox.fs.uploadFile(Buffer.from('v2'), 'data/deep/in.bin')
    expect((await sandbox.fs.downloadFile('/home/daytona/data/deep/in.bin')).toString()).toBe('v2')
  })

  it('uploads from and downloads to local paths (Node)', async () => {
    const src = join(local, 'src.txt')
    await writeFile(src, 'local content')
    await sandbox.fs.uploadFile(src, 'from-local.txt')
    await sandbox.fs.downloadFile('from-local.txt', join(local, 'out', 'copy.txt'))
    expect(await readFile(join(local, 'out', 'copy.txt'), 'utf8')).toBe('local content')
  })

  it('uploadFiles and downloadFiles, with per-file errors', async () => {
    await sandbox.fs.uploadFiles([
      { source: Buffer.from('a'), destination: 'multi/a.txt' },
      { source: Buffer.from('b'), destination: 'multi/b.txt' },
    ])
    const res = await sandbox.fs.downloadFiles([
      { source: 'multi/a.txt' },
      { source: 'multi/missing.txt' },
      { source: 'multi/b.txt', destination: join(local, 'b.txt') },
      { source: 'multi' },
    ])
    expect(res[0]?.result?.toString()).toBe('a')
    expect(res[1]?.error).toMatch(/no such file/)
    expect(res[1]?.errorDetails).toMatchObject({ statusCode: 404, code: 'FILE_NOT_FOUND' })
    expect(res[2]?.result).toBe(join(local, 'b.txt'))
    expect(await readFile(join(local, 'b.txt'), 'utf8')).toBe('b')
    expect(res[3]?.error).toBeTruthy()
    await expect(sandbox.fs.downloadFile('multi/missing.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
  })

  it('streams uploads and downloads with progress', async () => {
    const chunks = [Buffer.alloc(100_000, 1), Buffer.alloc(50_000, 2)]
    const sent: number[] = []
    await sandbox.fs.uploadFileStream(Readable.from(chunks), 'stream.bin', { onProgress: (p) => sent.push(p.bytesSent) })
    expect(sent.at(-1)).toBe(150_000)
    const received: number[] = []
    const stream = await sandbox.fs.downloadFileStream('stream.bin', { onProgress: (p) => received.push(p.bytesReceived) })
    const parts: Buffer[] = []
    for await (const c of stream) parts.push(c as Buffer)
    expect(Buffer.concat(parts).equals(Buffer.concat(chunks))).toBe(true)
    expect(received.at(-1)).toBe(150_000)
  })
})

describe('listing and metadata', () => {
  it('listFiles and getFileDetails in Daytona’s FileInfo shape', async () => {
    await sandbox.fs.createFolder('ls-test/sub', '750')
    await sandbox.fs.uploadFile(Buffer.from('12345'), 'ls-test/f.txt')
    const list = await sandbox.fs.listFiles('ls-test')
    const names = list.map((f) => f.name).sort()
    expect(names).toEqual(['f.txt', 'sub'])
    const f = list.find((x) => x.name === 'f.txt')
    expect(f).toMatchObject({ isDir: false, size: 5, mode: '-rw-r--r--', permissions: '0644', owner: 'daytona', group: 'daytona', path: '/home/daytona/ls-test/f.txt' })
    expect(Date.parse(f?.modTime ?? '')).toBeGreaterThan(Date.now() - 60_000)
    const sub = await sandbox.fs.getFileDetails('ls-test/sub')
    expect(sub).toMatchObject({ name: 'sub', isDir: true, mode: 'drwxr-x---', permissions: '0750' })
    const deep = await sandbox.fs.listFiles('ls-test', { depth: 2 })
    expect(deep.length).toBe(2)
    await sandbox.fs.uploadFile(Buffer.from('x'), 'ls-test/sub/inner.txt')
    expect((await sandbox.fs.listFiles('ls-test', { depth: 2 })).map((x) => x.path).sort()).toEqual([
      '/home/daytona/ls-test/f.txt',
      '/home/daytona/ls-test/sub',
      '/home/daytona/ls-test/sub/inner.txt',
    ])
    const tmp = await sandbox.fs.getFileDetails('/tmp')
    expect(tmp.mode).toBe('dtrwxrwxrwx')
    await expect(sandbox.fs.listFiles('ls-test', { depth: 0 })).rejects.toBeInstanceOf(DaytonaValidationError)
  })

  it('setFilePermissions changes mode, owner and group, visible to ls -l', async () => {
    await sandbox.fs.uploadFile(Buffer.from('#!/bin/bash\necho run\n'), 'perm/run.sh')
    await sandbox.fs.setFilePermissions('perm/run.sh', { mode: '755', owner: 'root', group: 'root' })
    const info = await sandbox.fs.getFileDetails('perm/run.sh')
    expect(info).toMatchObject({ permissions: '0755', owner: 'root', group: 'root' })
    const r = await sandbox.process.executeCommand('ls -l perm/run.sh && ./perm/run.sh')
    expect(r.result).toMatch(/^-rwxr-xr-x 1 root root .* perm\/run\.sh\nrun\n$/)
    await expect(sandbox.fs.setFilePermissions('perm/run.sh', { mode: '9z' })).rejects.toBeInstanceOf(DaytonaValidationError)
    await expect(sandbox.fs.setFilePermissions('perm/run.sh', { owner: 'nobody-here' })).rejects.toBeInstanceOf(DaytonaValidationError)
  })
})

describe('move, delete, search, find, replace', () => {
  it('moveFiles and deleteFile', async () => {
    await sandbox.fs.uploadFile(Buffer.from('m'), 'mv/a.txt')
    await sandbox.fs.moveFiles('mv/a.txt', 'mv/b.txt')
    expect((await sandbox.fs.downloadFile('mv/b.txt')).toString()).toBe('m')
    await expect(sandbox.fs.downloadFile('mv/a.txt')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
    await expect(sandbox.fs.deleteFile('mv')).rejects.toBeInstanceOf(DaytonaError)
    await sandbox.fs.deleteFile('mv', true)
    await expect(sandbox.fs.getFileDetails('mv')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
    await expect(sandbox.fs.moveFiles('nope', 'x')).rejects.toBeInstanceOf(DaytonaFileNotFoundError)
  })

  it('searchFiles matches globs on relative paths; findFiles greps text files', async () => {
    await sandbox.fs.uploadFiles([
      { source: Buffer.from('{"a": 1}\n'), destination: 'proj/a.json' },
      { source: Buffer.from('{"needle": 2}\nother\nneedle again\n'), destination: 'proj/sub/b.json' },
      { source: Buffer.from('ts needle'), destination: 'proj/sub/c.ts' },
      { source: Buffer.from([0, 1, 2, 110, 101, 101, 100, 108, 101]), destination: 'proj/bin.dat' },
    ])
    expect((await sandbox.fs.searchFiles('proj', '*.json')).files).toEqual(['proj/a.json'])
    expect((await sandbox.fs.searchFiles('/home/daytona/proj', '**/*.json')).files.sort()).toEqual([
      '/home/daytona/proj/a.json',
      '/home/daytona/proj/sub/b.json',
    ])
    expect((await sandbox.fs.searchFiles('proj', 'sub/*.{ts,json}')).files.sort()).toEqual(['proj/sub/b.json', 'proj/sub/c.ts'])
    const matches = await sandbox.fs.findFiles('proj', 'needle')
    expect(matches.map((m) => `${m.file}:${m.line}:${m.content}`).sort()).toEqual([
      '/home/daytona/proj/sub/b.json:1:{"needle": 2}',
      '/home/daytona/proj/sub/b.json:3:needle again',
      '/home/daytona/proj/sub/c.ts:1:ts needle',
    ])
  })

  it('replaceInFiles reports per file', async () => {
    await sandbox.fs.uploadFile(Buffer.from('hello old old'), 'rep/a.txt')
    const res = await sandbox.fs.replaceInFiles(['rep/a.txt', 'rep/missing.txt'], 'old', 'new')
    expect(res[0]).toEqual({ file: 'rep/a.txt', success: true })
    expect(res[1]?.success).toBe(false)
    expect((await sandbox.fs.downloadFile('rep/a.txt')).toString()).toBe('hello new new')
  })
})

describe('hostile paths', () => {
  it('rejects empty paths, NUL bytes and non-strings with typed errors', async () => {
    for (const bad of ['', 'a\0b', '/etc/\0passwd']) {
      await expect(sandbox.fs.uploadFile(Buffer.from('x'), bad)).rejects.toBeInstanceOf(DaytonaInvalidFilePathError)
      await expect(sandbox.fs.downloadFile(bad)).rejects.toBeInstanceOf(DaytonaInvalidFilePathError)
      await expect(sandbox.fs.getFileDetails(bad)).rejects.toBeInstanceOf(DaytonaInvalidFilePathError)
      await expect(sandbox.fs.createFolder(bad, '755')).rejects.toBeInstanceOf(DaytonaInvalidFilePathError)
      await expect(sandbox.fs.deleteFile(bad)).rejects.toBeInstanceOf(DaytonaInvalidFilePathError)
    }
    await expect(sandbox.fs.listFiles(7 as unknown as string)).rejects.toBeInstanceOf(DaytonaInvalidFilePathError)
    await expect(sandbox.fs.uploadFiles('x' as unknown as [])).rejects.toBeInstanceOf(DaytonaValidationError)
  })

  it('keeps ../ inside the sandbox: no call reaches the host filesystem', async () => {
    await sandbox.fs.uploadFile(Buffer.from('inside'), '../../../../../../tmp/escape.txt')
    expect((await sandbox.process.executeCommand('cat /tmp/escape.txt')).result).toBe('inside')
    await expect(readFile('/tmp/escape.txt', 'utf8')).rejects.toThrow()
    const passwd = (await sandbox.fs.downloadFile('../../etc/passwd')).toString()
    expect(passwd).toContain('daytona:x:1000:1000')
    expect(passwd).toBe((await sandbox.process.executeCommand('cat /etc/passwd')).result)
  })

  it('refuses to delete / and reports ENOSPC as a typed error', async () => {
    await expect(sandbox.fs.deleteFile('/', true)).rejects.toBeInstanceOf(DaytonaInvalidFilePathError)
    const small = await daytona.create({ limits: { diskBytes: 10_000 } })
    await expect(small.fs.uploadFile(Buffer.alloc(20_000), 'big.bin')).rejects.toMatchObject({ code: 'NO_SPACE' })
    await small.fs.uploadFile(Buffer.alloc(5_000), 'ok.bin')
    await small.delete()
  })
})
