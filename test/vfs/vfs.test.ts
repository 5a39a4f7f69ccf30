/** Unit tests of Vfs semantics (Linux behaviour, validation, times, errors). */
import { describe, expect, test } from 'vitest'
import { Vfs, VfsError, isVfsError, toAsync } from '../../src/vfs/index.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

function code(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    if (!isVfsError(e)) throw new Error(`not a VfsError: ${String(e)}`)
    return e.code
  }
  return 'ok'
}

function clocked(): { vfs: Vfs; tick: (ms?: number) => void } {
  let now = 1000
  return { vfs: new Vfs(undefined, { clock: () => now }), tick: (ms = 1000) => void (now += ms) }
}

describe('paths and symlinks', () => {
  test('`..` is physical after a symlink; `.` and repeated slashes are ignored', () => {
    const v = new Vfs()
    v.mkdir('/a/b/c', { recursive: true })
    v.mkdir('/x')
    v.symlink('/a/b/c', '/x/link')
    v.writeFile('/a/b/f', 'F')
    expect(dec(v.readFile('/x/link/../f'))).toBe('F')
    expect(v.realpath('/x/link/..')).toBe('/a/b')
    expect(v.realpath('//a/./b//c/')).toBe('/a/b/c')
    expect(v.realpath('/..')).toBe('/')
    expect(v.realpath('/../../a')).toBe('/a')
  })

  test('relative symlink targets resolve from the link directory, chains and loops', () => {
    const v = new Vfs()
    v.mkdir('/d/e', { recursive: true })
    v.writeFile('/d/e/t', 'T')
    v.symlink('e/t', '/d/l1')
    v.symlink('../l1', '/d/e/l2')
    expect(dec(v.readFile('/d/e/l2'))).toBe('T')
    expect(v.realpath('/d/e/l2')).toBe('/d/e/t')
    v.symlink('/loop2', '/loop1')
    v.symlink('/loop1', '/loop2')
    expect(code(() => v.stat('/loop1'))).toBe('ELOOP')
    expect(v.lstat('/loop1').kind).toBe('symlink')
    expect(code(() => v.writeFile('/loop1/x', ''))).toBe('ELOOP')
  })

  test('40 symlink hops resolve, 41 are ELOOP', () => {
    const v = new Vfs()
    v.writeFile('/f', 'x')
    v.symlink('/f', '/l0')
    for (let i = 1; i <= 40; i++) v.symlink(`/l${i - 1}`, `/l${i}`)
    expect(dec(v.readFile('/l39'))).toBe('x')
    expect(code(() => v.readFile('/l40'))).toBe('ELOOP')
  })

  test('dangling symlinks: stat ENOENT, lstat works, writeFile creates the target', () => {
    const v = new Vfs()
    v.symlink('/target', '/dang')
    expect(code(() => v.stat('/dang'))).toBe('ENOENT')
    expect(v.lstat('/dang').kind).toBe('symlink')
    expect(v.lstat('/dang').size).toBe(7)
    expect(v.exists('/dang')).toBe(false)
    v.writeFile('/dang', 'made')
    expect(dec(v.readFile('/target'))).toBe('made')
    expect(code(() => v.writeFile('/dang', 'x', { exclusive: true }))).toBe('EEXIST')
  })

  test('trailing slashes', () => {
    const v = new Vfs()
    v.writeFile('/f', '')
    v.mkdir('/d/')
    expect(code(() => v.stat('/f/'))).toBe('ENOTDIR')
    expect(code(() => v.writeFile('/new/', ''))).toBe('EISDIR')
    expect(v.stat('/d/').kind).toBe('dir')
    v.symlink('/d', '/ld')
    expect(v.lstat('/ld/').kind).toBe('dir')
  })

  test('validation: relative, NUL, too long, garbage', () => {
    const v = new Vfs()
    expect(code(() => v.stat('a'))).toBe('EINVAL')
    expect(code(() => v.stat(''))).toBe('ENOENT')
    expect(code(() => v.stat('/a\0b'))).toBe('EINVAL')
    expect(code(() => v.mkdir('/' + 'x'.repeat(256)))).toBe('ENAMETOOLONG')
    expect(code(() => v.mkdir('/' + 'x'.repeat(255)))).toBe('ok')
    expect(code(() => v.mkdir('/' + 'é'.repeat(128)))).toBe('ENAMETOOLONG')
    expect(code(() => v.stat('/' + 'a/'.repeat(2100)))).toBe('ENAMETOOLONG')
    const g = v as unknown as Record<string, (...a: unknown[]) => unknown>
    const garbage: unknown[] = [undefined, null, 42, {}, [], Symbol('s'), NaN, () => 1]
    for (const x of garbage) {
      for (const m of ['stat', 'lstat', 'readFile', 'readdir', 'unlink', 'rmdir', 'mkdir', 'realpath', 'readlink']) {
        expect(code(() => g[m].call(v, x))).not.toBe('ok')
      }
      expect(code(() => g.writeFile.call(v, '/w', x))).toBe('EINVAL')
      expect(code(() => g.write.call(v, '/w', x, enc('a')))).not.toBe('ok')
      expect(code(() => g.truncate.call(v, '/w', x))).not.toBe('ok')
      if (x !== 42) {
        expect(code(() => g.chmod.call(v, '/', x))).toBe('EINVAL')
        expect(code(() => g.utimes.call(v, '/', x, 1))).toBe('EINVAL')
        expect(code(() => g.chown.call(v, '/', x, 1))).toBe('EINVAL')
      }
      expect(code(() => g.rename.call(v, '/', x))).not.toBe('ok')
      expect(code(() => g.symlink.call(v, x, '/s'))).not.toBe('ok')
      expect(v.exists(x as string)).toBe(false)
    }
    v.writeFile('/w', 'abc')
    expect(code(() => v.read('/w', -1, 2))).toBe('EINVAL')
    expect(code(() => v.read('/w', 0, NaN))).toBe('EINVAL')
    expect(code(() => v.write('/w', NaN, enc('x')))).toBe('EINVAL')
    expect(code(() => v.truncate('/w', -1))).toBe('EINVAL')
    expect(code(() => v.writeFile('/w', 'x', { mode: -5 }))).toBe('EINVAL')
  })
})

describe('Linux semantics', () => {
  test('directories and files', () => {
    const v = new Vfs()
    v.mkdir('/d')
    v.writeFile('/d/f', 'x')
    expect(code(() => v.mkdir('/d'))).toBe('EEXIST')
    expect(code(() => v.mkdir('/d', { recursive: true }))).toBe('ok')
    expect(code(() => v.mkdir('/d/f', { recursive: true }))).toBe('EEXIST')
    expect(code(() => v.mkdir('/d/f/g', { recursive: true }))).toBe('ENOTDIR')
    expect(code(() => v.rmdir('/d'))).toBe('ENOTEMPTY')
    expect(code(() => v.unlink('/d'))).toBe('EISDIR')
    expect(code(() => v.readdir('/d/f'))).toBe('ENOTDIR')
    expect(code(() => v.readFile('/d'))).toBe('EISDIR')
    expect(code(() => v.rmdir('/'))).toBe('EBUSY')
    expect(code(() => v.rm('/d'))).toBe('EISDIR')
    expect(code(() => v.rm('/nope'))).toBe('ENOENT')
    expect(code(() => v.rm('/nope/x', { force: true }))).toBe('ok')
    expect(code(() => v.readlink('/d/f'))).toBe('EINVAL')
    v.rm('/d', { recursive: true })
    expect(v.readdir('/')).toEqual([])
  })

  test('rename', () => {
    const v = new Vfs()
    v.mkdir('/a/b', { recursive: true })
    v.mkdir('/e')
    v.writeFile('/f', '1')
    v.writeFile('/g', '2')
    v.rename('/f', '/g')
    expect(dec(v.readFile('/g'))).toBe('1')
    expect(v.exists('/f')).toBe(false)
    expect(code(() => v.rename('/a', '/a/b/c'))).toBe('EINVAL')
    expect(code(() => v.rename('/e', '/a'))).toBe('ENOTEMPTY')
    expect(code(() => v.rename('/g', '/e'))).toBe('EISDIR')
    expect(code(() => v.rename('/e', '/g'))).toBe('ENOTDIR')
    v.rename('/a', '/e') // over an empty dir
    expect(v.readdir('/e')).toEqual(['b'])
    expect(v.realpath('/e/b/..')).toBe('/e')
    expect(v.stat('/').nlink).toBe(3)
    v.rename('/e/b', '/b2')
    expect(v.stat('/e').nlink).toBe(2)
    expect(v.stat('/').nlink).toBe(4)
    v.link('/g', '/h')
    v.rename('/g', '/h') // same inode: nothing happens
    expect(v.exists('/g')).toBe(true)
  })

  test('hard links share the inode; nlink counts', () => {
    const v = new Vfs()
    v.writeFile('/a', 'x')
    v.link('/a', '/b')
    expect(v.stat('/a').ino).toBe(v.stat('/b').ino)
    expect(v.stat('/a').nlink).toBe(2)
    v.writeFile('/b', 'changed')
    expect(dec(v.readFile('/a'))).toBe('changed')
    v.unlink('/a')
    expect(v.stat('/b').nlink).toBe(1)
    v.mkdir('/d')
    expect(code(() => v.link('/d', '/d2'))).toBe('EPERM')
    v.symlink('/nowhere', '/s')
    v.link('/s', '/s2') // the link itself, not its target
    expect(v.readlink('/s2')).toBe('/nowhere')
  })

  test('write at offsets, holes, append, truncate, read', () => {
    const v = new Vfs()
    v.writeFile('/f', 'ab')
    v.write('/f', 5, enc('z'))
    expect(Array.from(v.readFile('/f'))).toEqual([97, 98, 0, 0, 0, 122])
    v.truncate('/f', 1)
    v.truncate('/f', 3)
    expect(Array.from(v.readFile('/f'))).toEqual([97, 0, 0])
    v.writeFile('/f', 'cd', { append: true })
    expect(dec(v.readFile('/f'))).toBe('a\0\0cd')
    expect(dec(v.read('/f', 3, 10))).toBe('cd')
    expect(v.read('/f', 99, 1).length).toBe(0)
    v.write('/f', 100, new Uint8Array(0)) // an empty write does not extend
    expect(v.stat('/f').size).toBe(5)
    for (let i = 0; i < 10000; i++) v.writeFile('/log', 'x', { append: true })
    expect(v.stat('/log').size).toBe(10000)
    expect(code(() => v.write('/missing', 0, enc('x')))).toBe('ENOENT')
  })

  test('readFile returns a copy', () => {
    const v = new Vfs()
    v.writeFile('/f', 'abc')
    v.readFile('/f')[0] = 0
    const data = enc('xyz')
    v.writeFile('/g', data)
    data[0] = 0
    expect(dec(v.readFile('/f'))).toBe('abc')
    expect(dec(v.readFile('/g'))).toBe('xyz')
  })

  test('times: write → mtime+ctime; create/unlink/rename → parent; chmod/chown → ctime', () => {
    const { vfs: v, tick } = clocked()
    v.mkdir('/d')
    tick()
    v.writeFile('/d/f', 'x')
    const d1 = v.stat('/d')
    expect(d1.mtimeMs).toBe(2000)
    expect(d1.ctimeMs).toBe(2000)
    const f = v.stat('/d/f')
    expect([f.atimeMs, f.mtimeMs, f.ctimeMs, f.birthtimeMs]).toEqual([2000, 2000, 2000, 2000])
    tick()
    v.write('/d/f', 0, enc('y'))
    expect(v.stat('/d/f').mtimeMs).toBe(3000)
    expect(v.stat('/d').mtimeMs).toBe(2000)
    tick()
    v.chmod('/d/f', 0o600)
    const c = v.stat('/d/f')
    expect([c.mtimeMs, c.ctimeMs, c.mode]).toEqual([3000, 4000, 0o100600])
    tick()
    v.chown('/d/f', 5, 6)
    expect(v.stat('/d/f').ctimeMs).toBe(5000)
    expect(v.stat('/d/f').uid).toBe(5)
    tick()
    v.rename('/d/f', '/g')
    expect(v.stat('/d').mtimeMs).toBe(6000)
    expect(v.stat('/').mtimeMs).toBe(6000)
    tick()
    v.utimes('/g', 1, 2)
    const u = v.stat('/g')
    expect([u.atimeMs, u.mtimeMs, u.ctimeMs, u.birthtimeMs]).toEqual([1, 2, 7000, 2000])
    tick()
    v.readFile('/g') // reads never touch atime (noatime)
    expect(v.stat('/g').atimeMs).toBe(1)
  })

  test('owner of created inodes is the configured user; chown/utimes follow option', () => {
    const v = new Vfs(undefined, { user: { uid: 7, gid: 8 } })
    v.writeFile('/f', '')
    expect([v.stat('/f').uid, v.stat('/f').gid]).toEqual([7, 8])
    expect(v.stat('/f').mode).toBe(0o100644)
    v.mkdir('/d')
    expect(v.stat('/d').mode).toBe(0o40755)
    v.symlink('/f', '/s')
    v.chown('/s', 1, 1, { follow: false })
    expect(v.lstat('/s').uid).toBe(1)
    expect(v.stat('/s').uid).toBe(7)
    v.utimes('/s', 5, 5, { follow: false })
    expect(v.lstat('/s').mtimeMs).toBe(5)
    v.chown('/f', -1, 3)
    expect([v.stat('/f').uid, v.stat('/f').gid]).toEqual([7, 3])
  })

  test('readdirWithTypes and copy', () => {
    const v = new Vfs()
    v.mkdir('/src/sub', { recursive: true })
    v.writeFile('/src/a', 'A', { mode: 0o755 })
    v.symlink('a', '/src/l')
    v.writeFile('/src/sub/b', 'B')
    expect(v.readdirWithTypes('/src').map((d) => [d.name, d.kind])).toEqual([
      ['sub', 'dir'],
      ['a', 'file'],
      ['l', 'symlink'],
    ])
    expect(code(() => v.copy('/src', '/dst'))).toBe('EISDIR')
    v.copy('/src', '/dst', { recursive: true })
    expect(v.readlink('/dst/l')).toBe('a')
    expect(dec(v.readFile('/dst/sub/b'))).toBe('B')
    expect(v.stat('/dst/a').mode).toBe(0o100755)
    v.writeFile('/dst/a', 'changed')
    expect(dec(v.readFile('/src/a'))).toBe('A')
    v.write('/src/sub/b', 0, enc('X'))
    expect(dec(v.readFile('/dst/sub/b'))).toBe('B')
    v.copy('/src/a', '/single')
    expect(dec(v.readFile('/single'))).toBe('A')
    expect(code(() => v.copy('/src', '/src/sub/inner', { recursive: true }))).toBe('EINVAL')
  })
})

describe('errors', () => {
  test('shape, message, JSON round trip, structured clone', () => {
    const v = new Vfs()
    let err: unknown
    try {
      v.readFile('/x')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(VfsError)
    const e = err as VfsError
    expect(e.code).toBe('ENOENT')
    expect(e.errno).toBe(-2)
    expect(e.syscall).toBe('open')
    expect(e.path).toBe('/x')
    expect(e.message).toBe("ENOENT: no such file or directory, open '/x'")
    const back = VfsError.fromJSON(structuredClone(e.toJSON()))
    expect(back).toBeInstanceOf(VfsError)
    expect([back.code, back.errno, back.syscall, back.path, back.message]).toEqual([e.code, -2, 'open', '/x', e.message])
    try {
      v.rename('/a', '/b')
    } catch (x) {
      expect((x as VfsError).message).toBe("ENOENT: no such file or directory, rename '/a' -> '/b'")
      expect((x as VfsError).dest).toBe('/b')
    }
    expect(VfsError.fromJSON('garbage').code).toBe('EINVAL')
    expect(new VfsError('ENOSPC', 'write', '/f').errno).toBe(-28)
  })

  test('toAsync rejects with the same VfsError', async () => {
    const v = new Vfs()
    const a = toAsync(v)
    await a.writeFile('/f', 'x')
    expect(dec(await a.readFile('/f'))).toBe('x')
    await expect(a.readFile('/nope')).rejects.toBeInstanceOf(VfsError)
    await expect(a.mkdir('/f')).rejects.toMatchObject({ code: 'EEXIST' })
    expect((await a.usage()).bytes).toBe(1)
  })
})
