/**
 * The git engine's own formats against Debian's git and Node: object ids and zlib streams, the
 * index file, config files, ignore rules and unified diffs.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigFile } from '../../src/git/config.js'
import { zlibDeflate } from '../../src/git/deflate.js'
import { countChanges, formatStat, unifiedHunks } from '../../src/git/diff.js'
import { GitErrorCode } from '../../src/git/errors.js'
import { gitHttp } from '../../src/git/http.js'
import { IgnoreMatcher } from '../../src/git/ignore.js'
import { parseIndex, serializeIndex } from '../../src/git/index-file.js'
import { objectId, sha1, toHex } from '../../src/git/sha1.js'
import { Vfs, createBaseLayer } from '../../src/vfs/index.js'
import { git, tempDir } from './helpers.js'

const dirs: string[] = []
function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    b[i] = i % 3 === 0 ? x & 0xff : 97 + (x % 7)
  }
  return b
}

describe('object ids and compression', () => {
  it('hashes like Node and git, and compresses into streams zlib inflates', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 65535, 65536, 200_000]) {
      const b = bytes(n, n + 1)
      expect(toHex(sha1([b.subarray(0, 7), b.subarray(7)]))).toBe(createHash('sha1').update(b).digest('hex'))
      expect(Buffer.from(inflateSync(zlibDeflate(b))).equals(Buffer.from(b))).toBe(true)
    }
    const d = dir()
    writeFileSync(join(d, 'f'), 'hello\n')
    expect(objectId('blob', new TextEncoder().encode('hello\n'))).toBe(git(d, ['hash-object', 'f']).trim())
    const text = new TextEncoder().encode('export const x = 1\n'.repeat(500))
    expect(zlibDeflate(text).byteLength).toBeLessThan(text.byteLength / 10)
  })
})

describe('the index file', () => {
  it('reads the index native git writes and writes one native git reads', () => {
    const d = dir()
    git(d, ['init', '-q'])
    mkdirSync(join(d, 'src/deep'), { recursive: true })
    writeFileSync(join(d, 'a.txt'), 'a\n')
    writeFileSync(join(d, 'src/b.ts'), 'b\n')
    writeFileSync(join(d, 'src/deep/c.ts'), 'c\n')
    writeFileSync(join(d, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 })
    git(d, ['add', '-A'])
    git(d, ['commit', '-q', '-m', 'files'])
    const raw = readFileSync(join(d, '.git/index'))
    const index = parseIndex(new Uint8Array(raw))
    const listed = git(d, ['ls-files', '-s']).trim().split('\n')
    expect([...index.entries.values()].map((e) => `${e.mode.toString(8)} ${e.oid} 0\t${e.path}`)).toEqual(listed)
    // Ours, written back: native git lists the same entries and sees a clean tree once refreshed.
    writeFileSync(join(d, '.git/index'), serializeIndex(index))
    expect(git(d, ['ls-files', '-s']).trim().split('\n')).toEqual(listed)
    git(d, ['update-index', '--refresh'])
    expect(git(d, ['status', '--porcelain'])).toBe('')
  })
})

describe('config files', () => {
  it('parses and edits files as git config does', () => {
    const d = dir()
    const path = join(d, 'config')
    writeFileSync(path, '[core]\n\tbare = false ; comment\n[remote "origin"]\n\turl = https://example.com/r.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[Branch "main"]\n\tremote = origin\n[alias]\n\tst = "status -s"\n')
    const c = ConfigFile.parse(readFileSync(path, 'utf8'))
    expect(c.get('core.bare')).toBe('false')
    expect(c.get('remote.origin.url')).toBe('https://example.com/r.git')
    expect(c.get('branch.main.remote')).toBe('origin')
    expect(c.get('alias.st')).toBe('status -s')
    expect(c.subsections('remote')).toEqual(['origin'])
    c.set('user.name', 'Ada Lovelace')
    c.add('remote.origin.fetch', '+refs/tags/*:refs/tags/*')
    c.set('core.bare', 'true')
    c.set('alias.weird', ' spaced; value "quoted" ')
    expect(c.unset('branch.main.remote')).toBe(1)
    writeFileSync(path, c.toString())
    const listed = git(d, ['config', '-f', path, '--list']).trim().split('\n')
    expect(listed).toEqual([
      'core.bare=true',
      'remote.origin.url=https://example.com/r.git',
      'remote.origin.fetch=+refs/heads/*:refs/remotes/origin/*',
      'remote.origin.fetch=+refs/tags/*:refs/tags/*',
      'alias.st=status -s',
      'alias.weird= spaced; value "quoted" ',
      'user.name=Ada Lovelace',
    ])
    expect(() => c.set('nodot', 'x')).toThrow(expect.objectContaining({ code: GitErrorCode.INVALID_ARGUMENT }))
  })
})

describe('ignore rules', () => {
  it('decides like git check-ignore', () => {
    const d = dir()
    git(d, ['init', '-q'])
    const rules = '# comment\n*.log\n!keep.log\n/build\nnode_modules/\ndocs/**/*.tmp\nsrc/*.gen.ts\n\\#hash\nfoo?.txt\n[abc].c\n'
    writeFileSync(join(d, '.gitignore'), rules)
    mkdirSync(join(d, 'sub'), { recursive: true })
    writeFileSync(join(d, 'sub/.gitignore'), 'local.txt\n!important.log\n')
    const paths = [
      'a.log',
      'keep.log',
      'sub/x.log',
      'sub/important.log',
      'sub/local.txt',
      'local.txt',
      'build/out.js',
      'sub/build/out.js',
      'node_modules/x/index.js',
      'sub/node_modules/y.js',
      'docs/a/b/c.tmp',
      'docs/c.tmp',
      'src/a.gen.ts',
      'src/deep/a.gen.ts',
      '#hash',
      'foo1.txt',
      'foo12.txt',
      'a.c',
      'd.c',
      'README.md',
    ]
    const vfs = new Vfs(createBaseLayer())
    vfs.mkdir('/r/sub', { recursive: true })
    vfs.writeFile('/r/.gitignore', rules)
    vfs.writeFile('/r/sub/.gitignore', 'local.txt\n!important.log\n')
    const m = new IgnoreMatcher(vfs, '/r', [])
    let expected = ''
    try {
      expected = git(d, ['check-ignore', '--no-index', ...paths])
    } catch (error) {
      expected = String((error as { stdout?: Buffer }).stdout ?? '')
    }
    const ours = paths.filter((p) => m.ignored(p, false))
    expect(ours).toEqual(expected.trim().split('\n'))
  })
})

describe('diffs', () => {
  it('prints the hunks git diff --no-index prints', () => {
    const d = dir()
    const cases: [string, string][] = [
      ['a\nb\nc\n', 'a\nB\nc\n'],
      ['', 'new\nfile\n'],
      ['one\ntwo\n', ''],
      ['x\ny', 'x\ny\n'],
      [Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\n', Array.from({ length: 40 }, (_, i) => (i === 3 || i === 30 ? `changed ${i}` : `line ${i}`)).join('\n') + '\n'],
      ['int main() {\n  return 0;\n}\n\nvoid f() {\n  a();\n  b();\n  c();\n  d();\n}\n', 'int main() {\n  return 0;\n}\n\nvoid f() {\n  a();\n  b();\n  C();\n  d();\n}\n'],
    ]
    for (const [i, [a, b]] of cases.entries()) {
      writeFileSync(join(d, `a${i}`), a)
      writeFileSync(join(d, `b${i}`), b)
      let native = ''
      try {
        git(d, ['diff', '--no-index', `a${i}`, `b${i}`])
      } catch (error) {
        native = String((error as { stdout?: Buffer }).stdout ?? '')
      }
      const hunks = native.slice(native.indexOf('@@'))
      expect(unifiedHunks(a, b), `case ${i}`).toBe(hunks)
    }
    expect(countChanges(new TextEncoder().encode('a\nb\n'), new TextEncoder().encode('a\nc\nd\n'))).toEqual({ added: 2, deleted: 1 })
    expect(formatStat([{ path: 'a.txt', counts: { added: 1, deleted: 1 } }, { path: 'img.png', counts: undefined, sizes: { from: 2, to: 3 } }])).toBe(' a.txt   |   2 +-\n img.png | Bin 2 -> 3 bytes\n 2 files changed, 1 insertion(+), 1 deletion(-)\n')
  })
})

describe('the HTTP client', () => {
  it('checks the policy on every request and redirect, and puts a CORS proxy in front', async () => {
    const seen: string[] = []
    const fetchFn = async (input: string): Promise<Response> => {
      seen.push(input)
      if (input.endsWith('/start')) return new Response(null, { status: 302, headers: { location: 'http://evil.example/next' } })
      return new Response('ok', { status: 200 })
    }
    const policy = (u: URL): void => {
      if (u.hostname !== 'good.example') throw new Error(`${u.hostname} is not allowed`)
    }
    const http = gitHttp({ fetch: fetchFn, policy })
    await expect(http.request({ url: 'http://evil.example/x' })).rejects.toMatchObject({ code: GitErrorCode.TRANSPORT_FAILED, message: 'evil.example is not allowed' })
    await expect(http.request({ url: 'http://good.example/start' })).rejects.toMatchObject({ message: 'evil.example is not allowed' })
    expect(seen).toEqual(['http://good.example/start'])
    const proxied = gitHttp({ fetch: fetchFn, policy, corsProxy: 'https://cors.example/' })
    const r = await proxied.request({ url: 'https://good.example/a.git/info/refs?service=git-upload-pack' })
    expect(r.statusCode).toBe(200)
    expect(seen[seen.length - 1]).toBe('https://cors.example/good.example/a.git/info/refs?service=git-upload-pack')
    await expect(gitHttp({ fetch: fetchFn }).request({ url: 'ssh://good.example/a.git' })).rejects.toMatchObject({ code: GitErrorCode.UNSUPPORTED })
  })
})
