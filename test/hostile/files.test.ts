/**
 * Hostile paths: `..` traversal and NUL bytes through every `sandbox.fs` method, symlink and
 * hard-link "escapes", link loops, very long and invalid names, and a full disk through the file
 * API and Python. The VFS has no host path at all, so the question for each is: a typed error or an
 * answer that stays inside the sandbox's `/`, never a host file, never a hang, and the sandbox's
 * other files intact.
 */
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, DaytonaFileNotFoundError, DaytonaInvalidFilePathError, DaytonaValidationError, type Sandbox } from '../../src/index.js'
import { PRECIOUS, bystanderOf, contained, failed, seed, settle, succeeded } from './harness.js'

const MiB = 1024 * 1024

let daytona: Daytona
let bystander: Sandbox

beforeAll(async () => {
  daytona = new Daytona({ limits: { parkAfterMs: 100 } })
  bystander = await bystanderOf(daytona)
})
afterAll(async () => {
  await daytona.dispose()
  expect(daytona.stats().alive).toBe(0)
})

/** A file name in the host's temp dir that a traversal would create if it could reach the host. */
const HOST_CANARY = `daylite-escape-${process.pid}-${Date.now()}`
const HOST_CANARY_PATH = join(tmpdir(), HOST_CANARY)

/** Hostile paths: traversal out of the work dir and out of `/`, NUL bytes, empty and oversized. */
const TRAVERSAL = ['../../../../../../../..', `../../../../../../../..${tmpdir()}/${HOST_CANARY}`, '/../../../..', `/..${tmpdir()}/../../${HOST_CANARY}`, '../../../../etc/../../passwd']
const NUL = ['a\0b', '\0', '/home/daytona/\0/x', 'keep.txt\0.png', '../\0../']
const ODD = ['', 'x'.repeat(5000), '/'.repeat(5000), `${'../'.repeat(2000)}x`]

type FsMethod =
  | 'uploadFile'
  | 'uploadFiles'
  | 'downloadFile'
  | 'downloadFiles'
  | 'listFiles'
  | 'createFolder'
  | 'deleteFile'
  | 'moveFiles'
  | 'setFilePermissions'
  | 'getFileDetails'
  | 'findFiles'
  | 'searchFiles'
  | 'replaceInFiles'

/** One call of each fs method with a hostile path in its path argument(s). */
const CALLS: Record<FsMethod, (s: Sandbox, p: string) => (() => Promise<unknown>)[]> = {
  uploadFile: (s, p) => [() => s.fs.uploadFile(Buffer.from('x'), p)],
  uploadFiles: (s, p) => [() => s.fs.uploadFiles([{ source: Buffer.from('x'), destination: p }])],
  downloadFile: (s, p) => [() => s.fs.downloadFile(p)],
  downloadFiles: (s, p) => [() => s.fs.downloadFiles([{ source: p }, { source: 'keep.txt' }])],
  listFiles: (s, p) => [() => s.fs.listFiles(p), () => s.fs.listFiles(p, { depth: 3 })],
  createFolder: (s, p) => [() => s.fs.createFolder(p, '755'), () => s.fs.createFolder(`${p}/sub`, '700')],
  deleteFile: (s, p) => [() => s.fs.deleteFile(p), () => s.fs.deleteFile(p, true)],
  moveFiles: (s, p) => [() => s.fs.moveFiles('keep.txt', p).then(() => s.fs.moveFiles(p, 'keep.txt')), () => s.fs.moveFiles(p, 'moved')],
  setFilePermissions: (s, p) => [() => s.fs.setFilePermissions(p, { mode: '755' }), () => s.fs.setFilePermissions(p, { owner: 'root', group: 'root' })],
  getFileDetails: (s, p) => [() => s.fs.getFileDetails(p)],
  findFiles: (s, p) => [() => s.fs.findFiles(p, 'precious')],
  searchFiles: (s, p) => [() => s.fs.searchFiles(p, '*')],
  replaceInFiles: (s, p) => [() => s.fs.replaceInFiles([p], 'x', 'y')],
}

/** Every path a result names is inside the sandbox's `/` (absolute or relative to the work dir). */
function pathsIn(value: unknown): string[] {
  const out: string[] = []
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit)
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'path' || k === 'file') && typeof x === 'string') out.push(x)
        else if (k === 'files' && Array.isArray(x)) out.push(...x.filter((f): f is string => typeof f === 'string'))
        else visit(x)
      }
    }
  }
  visit(value)
  return out
}

describe('hostile paths through every fs method', () => {
  for (const method of Object.keys(CALLS) as FsMethod[]) {
    it(`${method}: traversal stays inside /, NUL bytes are INVALID_FILE_PATH, nothing reaches the host`, async () => {
      const s = await daytona.create()
      await seed(s)
      for (const p of [...TRAVERSAL, ...NUL, ...ODD]) {
        for (const call of CALLS[method](s, p)) {
          const o = await settle(call(), 10_000)
          if (o.ok) {
            // Absolute paths in an answer (other than the one given, echoed back) are normalised inside `/`.
            for (const named of pathsIn(o.value)) if (named.startsWith('/') && named !== p) expect(named.split('/'), `${method}(${JSON.stringify(p)}) named ${named}`).not.toContain('..')
            if (method === 'downloadFiles') {
              // Per-file errors for the bad path, the good one still comes back.
              const [bad, good] = o.value as { error?: string; errorDetails?: { code: string }; result?: Buffer }[]
              if (p.includes('\0')) expect(bad?.errorDetails?.code).toBe('INVALID_FILE_PATH')
              expect(good?.result?.toString()).toBe(PRECIOUS)
            }
            if (method === 'replaceInFiles' && p.includes('\0')) expect((o.value as { success: boolean }[])[0]?.success).toBe(false)
          } else if (p.includes('\0')) {
            expect(o.error, `${method}(${JSON.stringify(p)})`).toBeInstanceOf(DaytonaInvalidFilePathError)
          }
        }
        expect(existsSync(HOST_CANARY_PATH), 'a file appeared on the host').toBe(false)
      }
      await contained(s, bystander)
      await s.delete()
    }, 60_000)
  }

  it('a traversal upload lands inside the sandbox, where the shell and Python find it', async () => {
    const s = await daytona.create()
    await seed(s)
    await s.fs.uploadFile(Buffer.from('inside\n'), `../../../../../../..${tmpdir()}/${HOST_CANARY}`)
    expect(existsSync(HOST_CANARY_PATH)).toBe(false)
    const r = await s.process.executeCommand(`cat ${tmpdir()}/${HOST_CANARY}; python3 -c "print(open('${tmpdir()}/${HOST_CANARY}').read(), end='')"`)
    expect(r.result).toBe('inside\ninside\n')
    expect((await s.fs.listFiles('../../../../..')).map((f) => f.path)).toContain('/home')
    await contained(s, bystander)
    await s.delete()
  })
})

describe('hostile links', () => {
  it('symlinks to / and .. chains resolve inside the VFS: host files stay invisible', async () => {
    const s = await daytona.create()
    await seed(s)
    const hostFile = join(process.cwd(), 'package.json')
    const r = await s.process.executeCommand(
      `ln -s / root && ln -s ../../../../../../../.. up && ln -s /proc/self/root pr && cat up/etc/os-release | head -1 && readlink -f up && cat root${hostFile}; echo rc=$?; cat up${hostFile}; echo rc=$?; ls pr${hostFile}; echo rc=$?`,
    )
    expect(r.result).toMatch(/^PRETTY_NAME=.*\n\/\n/)
    const codes = [...r.result.matchAll(/rc=(\d+)/g)].map((m) => Number(m[1]))
    expect(codes).toHaveLength(3)
    for (const c of codes) expect(c).not.toBe(0)
    expect(r.result).not.toContain('"name": "daylite"')
    failed(await settle(s.fs.downloadFile(`up${hostFile}`), 5_000), DaytonaFileNotFoundError)
    expect((await s.fs.getFileDetails('root')).isDir).toBe(true)
    expect((await s.fs.downloadFile('up/home/daytona/keep.txt')).toString()).toBe(PRECIOUS)
    const py = await s.process.codeRun(`import os\nprint(os.path.exists("up${hostFile}"), os.path.realpath("up"))`)
    expect(py.result).toBe('False /\n')
    await contained(s, bystander)
    await s.delete()
  })

  it('symlink loops (a -> b -> a, x -> x) are ELOOP: typed errors in the API, errors in the shell, Python and node', async () => {
    const s = await daytona.create()
    await seed(s)
    await s.process.executeCommand('ln -s b a && ln -s a b && ln -s self self')
    for (const p of ['a', 'b', 'self', 'a/x', 'self/deeper/still']) {
      const calls: (() => Promise<unknown>)[] = [() => s.fs.downloadFile(p), () => s.fs.getFileDetails(p), () => s.fs.listFiles(p), () => s.fs.uploadFile(Buffer.from('x'), p), () => s.fs.createFolder(`${p}/d`, '755'), () => s.fs.setFilePermissions(p, { mode: '600' })]
      for (const call of calls) {
        const e = failed(await settle(call(), 5_000))
        expect(e, `${p}: ${e.message}`).toBeInstanceOf(DaytonaInvalidFilePathError)
        expect(e.message).toMatch(/ELOOP/)
      }
    }
    const r = await s.process.executeCommand(
      `cat a; echo rc=$?; python3 -c "import os, errno\ntry: open('a')\nexcept OSError as e: print(errno.errorcode[e.errno])"; node -e 'try { require("fs").readFileSync("self") } catch (e) { console.log(e.code) }'`,
    )
    expect(r.result).toMatch(/rc=1\nELOOP\nELOOP\n$/)
    // Walks do not follow links: search, find and deep listings end, and list the links once.
    expect((await s.fs.searchFiles('.', '*')).files.sort()).toEqual(['./.bashrc', './.profile', './a', './b', './keep.txt', './self'])
    expect((await s.fs.findFiles('.', 'precious')).map((m) => m.file)).toEqual(['/home/daytona/keep.txt'])
    await s.fs.deleteFile('a')
    await s.fs.deleteFile('self')
    await contained(s, bystander)
    await s.delete()
  })

  it('a deep listFiles does not descend through symlinks to / or ..: bounded, not exponential', async () => {
    const s = await daytona.create()
    await seed(s)
    await s.process.executeCommand('ln -s / root && ln -s ../.. up && mkdir -p d/e && ln -s .. d/e/back && ln -s d d2')
    const o = await settle(s.fs.listFiles('.', { depth: 50 }), 10_000)
    const paths = succeeded(o).map((f) => f.path)
    expect(paths.sort()).toEqual(['/home/daytona/.bashrc', '/home/daytona/.profile', '/home/daytona/d', '/home/daytona/d/e', '/home/daytona/d/e/back', '/home/daytona/d2', '/home/daytona/keep.txt', '/home/daytona/root', '/home/daytona/up'])
    // A link named as the root of the listing is followed (as `ls root/` would).
    expect((await s.fs.listFiles('root')).map((f) => f.name)).toContain('etc')
    await contained(s, bystander)
    await s.delete()
  })

  it('hard links: a file link shares its bytes; links to directories (/ or ..) are refused', async () => {
    const s = await daytona.create()
    await seed(s)
    const r = await s.process.executeCommand('echo one > t && ln t h && echo two >> h && cat t; ln / rootlink; echo rc=$?; ln .. uplink; echo rc=$?; ln /etc/hostname hn && cat hn | wc -l')
    expect(r.result).toMatch(/^one\ntwo\n[^\n]*\nrc=1\n[^\n]*\nrc=1\n1\n$/)
    failed(await settle(s.fs.getFileDetails('rootlink'), 5_000), DaytonaFileNotFoundError)
    await s.fs.deleteFile('t')
    expect((await s.fs.downloadFile('h')).toString()).toBe('one\ntwo\n')
    await contained(s, bystander)
    await s.delete()
  })
})

describe('hostile names', () => {
  it('255-byte names work, 256 is ENAMETOOLONG; a 4096-char path works, longer is refused', async () => {
    const s = await daytona.create()
    await seed(s)
    const n255 = 'n'.repeat(255)
    const n256 = 'n'.repeat(256)
    await s.fs.uploadFile(Buffer.from('long'), n255)
    expect((await s.fs.downloadFile(n255)).toString()).toBe('long')
    failed(await settle(s.fs.uploadFile(Buffer.from('x'), n256), 5_000), DaytonaInvalidFilePathError)
    failed(await settle(s.fs.createFolder(n256, '755'), 5_000), DaytonaInvalidFilePathError)
    // 255 bytes in UTF-8 is 85 three-byte characters; 86 is too long.
    await s.fs.uploadFile(Buffer.from('x'), 'é'.repeat(127))
    failed(await settle(s.fs.uploadFile(Buffer.from('x'), '€'.repeat(86)), 5_000), DaytonaInvalidFilePathError)
    const deep = `${`${'d'.repeat(200)}/`.repeat(20)}f` // 4021 characters, absolute ~4035
    await s.fs.uploadFile(Buffer.from('deep'), deep)
    expect((await s.fs.downloadFile(deep)).toString()).toBe('deep')
    failed(await settle(s.fs.uploadFile(Buffer.from('x'), `${`${'d'.repeat(200)}/`.repeat(25)}f`), 5_000), DaytonaInvalidFilePathError)
    const r = await s.process.executeCommand(`touch ${n255}; echo rc=$?; touch ${n256}; echo rc=$?; python3 -c "open('${n256}', 'w')" 2>&1 | tail -1`)
    expect(r.result).toMatch(/^rc=0\n[\s\S]*rc=1\nOSError: \[Errno \d+\] Filename too long/)
    await contained(s, bystander)
    await s.delete()
  })

  it('names that are not valid Unicode are refused everywhere; the sandbox still parks and comes back', async () => {
    const s = await daytona.create()
    await seed(s)
    // Two lone surrogates used to become the same U+FFFD name in the saved image, and the sandbox
    // could then never be restored.
    for (const bad of ['a\uD800', 'a\uDC00', 'dir\uDBFF/x']) {
      failed(await settle(s.fs.uploadFile(Buffer.from('x'), bad), 5_000), DaytonaInvalidFilePathError)
      failed(await settle(s.fs.createFolder(bad, '755'), 5_000), DaytonaInvalidFilePathError)
    }
    const sh = await s.process.executeCommand(`touch $'a\\ud800' $'a\\udc00'; echo rc=$?; ln -s $'t\\udfff' link; echo rc=$?; printf x > "$(printf 'lat\\xff\\xfe')"; echo rc=$?`)
    expect(sh.result).toMatch(/rc=1\n[\s\S]*rc=1\n[\s\S]*rc=0\n$/)
    // Non-UTF-8 bytes from WASI programs are EILSEQ (names are strings here).
    const py = await s.process.codeRun('try:\n    open(b"bad\\xffname", "w")\nexcept OSError as e:\n    print(e.strerror)')
    expect(py.result).toBe('Illegal byte sequence\n')
    await new Promise((resolve) => setTimeout(resolve, 400)) // parked: the image is serialised
    expect((await s.fs.listFiles('.')).map((f) => f.name).sort()).toEqual(['.bashrc', '.profile', 'keep.txt', 'latÿþ'])
    await contained(s, bystander)
    await s.delete()
  })
})

describe('hostile disk use', () => {
  it('Python filling the disk gets ENOSPC; after removing the file it writes again', async () => {
    const s = await daytona.create({ limits: { diskBytes: 8 * MiB } })
    await seed(s)
    const r = await s.process.codeRun(
      'import errno, os\ntry:\n    with open("big", "wb") as f:\n        while True:\n            f.write(b"x" * 65536)\n            f.flush()\nexcept OSError as e:\n    print(errno.errorcode[e.errno])\nprint(os.path.getsize("big") <= 8 * 1024 * 1024)\nos.remove("big")\nopen("after", "w").write("ok")\nprint(open("after").read())',
    )
    expect(r).toMatchObject({ exitCode: 0, result: 'ENOSPC\nTrue\nok\n' })
    await contained(s, bystander)
    await s.delete()
  })

  it('uploads past the quota fail with NO_SPACE, files past maxFileBytes with LIMIT_EXCEEDED; rm makes room', async () => {
    const s = await daytona.create({ limits: { diskBytes: 8 * MiB, maxFileBytes: 6 * MiB } })
    await seed(s)
    expect(failed(await settle(s.fs.uploadFile(Buffer.alloc(7 * MiB), 'too-big.bin'), 10_000), DaytonaValidationError).code).toBe('LIMIT_EXCEEDED')
    await s.fs.uploadFile(Buffer.alloc(5 * MiB), 'a.bin')
    expect(failed(await settle(s.fs.uploadFile(Buffer.alloc(5 * MiB), 'b.bin'), 10_000)).code).toBe('NO_SPACE')
    const bulk = await settle(s.fs.uploadFiles([{ source: Buffer.alloc(MiB), destination: 'c1.bin' }, { source: Buffer.alloc(4 * MiB), destination: 'c2.bin' }]), 10_000)
    expect(failed(bulk).code).toBe('NO_SPACE')
    // Each file is all or nothing: none is left half-written.
    for (const f of await s.fs.listFiles('.')) if (f.name.endsWith('.bin')) expect([MiB, 5 * MiB]).toContain(f.size)
    await s.fs.deleteFile('a.bin')
    await s.fs.uploadFile(Buffer.alloc(5 * MiB), 'b.bin')
    expect((await s.fs.getFileDetails('b.bin')).size).toBe(5 * MiB)
    // A file grown past maxFileBytes inside the sandbox cannot be downloaded, with a clear error.
    await s.fs.deleteFile('b.bin')
    await s.fs.deleteFile('c1.bin')
    const grown = await s.process.codeRun('open("grown.bin", "wb").write(b"x" * (7 * 1024 * 1024))\nprint("grown")')
    expect(grown.result).toBe('grown\n')
    expect(failed(await settle(s.fs.downloadFile('grown.bin'), 10_000), DaytonaValidationError).code).toBe('LIMIT_EXCEEDED')
    await contained(s, bystander)
    await s.delete()
  })
})
