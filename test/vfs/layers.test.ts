/** Quota, copy-on-write layers and fork. */
import { describe, expect, test } from 'vitest'
import { Layer, Vfs, buildLayer, isVfsError } from '../../src/vfs/index.js'
import { fullListing } from './util.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const dec = (b: Uint8Array): string => new TextDecoder().decode(b)

function code(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    if (!isVfsError(e)) throw e
    return e.code
  }
  return 'ok'
}

const base = buildLayer((v) => {
  v.mkdir('/data/sub', { recursive: true })
  v.writeFile('/data/big', new Uint8Array(1000).fill(7))
  v.writeFile('/data/sub/small', 'small')
  v.link('/data/big', '/data/big-link')
  v.symlink('/data/big', '/data/big-sym')
})

describe('quota', () => {
  test('ENOSPC leaves everything exactly as before; rm frees', () => {
    const v = new Vfs(undefined, { maxBytes: 100, maxInodes: 10 })
    v.writeFile('/a', new Uint8Array(60))
    const before = fullListing(v)
    const usage = v.usage()
    expect(code(() => v.writeFile('/b', new Uint8Array(41)))).toBe('ENOSPC')
    expect(code(() => v.writeFile('/a', new Uint8Array(50), { append: true }))).toBe('ENOSPC')
    expect(code(() => v.write('/a', 90, new Uint8Array(11)))).toBe('ENOSPC')
    expect(code(() => v.truncate('/a', 101))).toBe('ENOSPC')
    expect(code(() => v.copy('/a', '/c'))).toBe('ENOSPC')
    expect(fullListing(v)).toEqual(before)
    expect(v.usage()).toEqual(usage)
    v.writeFile('/b', new Uint8Array(40))
    expect(v.usage().bytes).toBe(100)
    v.rm('/a')
    expect(v.usage().bytes).toBe(40)
    v.writeFile('/c', new Uint8Array(60))
    v.truncate('/c', 10)
    expect(v.usage()).toMatchObject({ bytes: 50, inodes: 3, maxBytes: 100, maxInodes: 10 })
  })

  test('inode quota, mkdir -p is all or nothing', () => {
    const v = new Vfs(undefined, { maxInodes: 4 })
    // The root is copied up on the first change: 1 inode.
    expect(code(() => v.mkdir('/a/b/c/d', { recursive: true }))).toBe('ENOSPC')
    expect(v.readdir('/')).toEqual([])
    expect(v.usage().inodes).toBe(0)
    v.mkdir('/a/b/c', { recursive: true })
    expect(v.usage().inodes).toBe(4)
    expect(code(() => v.symlink('/x', '/a/s'))).toBe('ENOSPC')
    v.rm('/a', { recursive: true })
    expect(v.usage().inodes).toBe(1)
  })

  test('hard links count once; copy-up counts the full size', () => {
    const v = new Vfs()
    v.writeFile('/f', new Uint8Array(500))
    v.link('/f', '/g')
    expect(v.usage()).toMatchObject({ bytes: 500, inodes: 2 })
    const w = new Vfs(base)
    expect(w.usage()).toMatchObject({ bytes: 0, inodes: 0 })
    w.chmod('/data/big', 0o600) // metadata change copies up the inode
    expect(w.usage()).toMatchObject({ bytes: 1000, inodes: 1 })
    w.writeFile('/data/big', 'x', { append: true })
    expect(w.usage()).toMatchObject({ bytes: 1001, inodes: 1 })
    expect(dec(w.readFile('/data/big-link')).length).toBe(1001)
    const q = new Vfs(base, { maxBytes: 999 })
    expect(code(() => q.write('/data/big', 0, enc('x')))).toBe('ENOSPC')
    expect(q.usage().bytes).toBe(0)
    expect(code(() => q.write('/data/sub/small', 0, enc('S')))).toBe('ok')
    expect(q.usage()).toMatchObject({ bytes: 5, inodes: 1 })
  })

  test('deleting base entries always works, even over quota; setQuota validates', () => {
    const v = new Vfs(base, { maxInodes: 0, maxBytes: 0 })
    v.rm('/data', { recursive: true })
    expect(v.readdir('/')).toEqual([])
    expect(v.usage().inodes).toBe(1) // the copied-up root, without 'data': the whiteout
    expect(code(() => v.mkdir('/x'))).toBe('ENOSPC')
    v.setQuota({})
    v.mkdir('/x')
    expect(code(() => v.setQuota({ maxBytes: -1 }))).toBe('EINVAL')
    expect(code(() => v.setQuota(null as unknown as object))).toBe('EINVAL')
  })
})

describe('copy-on-write', () => {
  test('two Vfs over one base are isolated and the base is unchanged', () => {
    const a = new Vfs(base)
    const b = new Vfs(base)
    const pristine = fullListing(new Vfs(base))
    a.writeFile('/data/sub/small', 'A')
    b.rm('/data/sub', { recursive: true })
    a.rename('/data/big', '/data/moved')
    b.write('/data/big', 0, enc('B'))
    expect(dec(a.readFile('/data/sub/small'))).toBe('A')
    expect(b.exists('/data/sub')).toBe(false)
    expect(a.exists('/data/big')).toBe(false)
    expect(b.readFile('/data/big')[0]).toBe(66)
    expect(b.readFile('/data/big-link')[0]).toBe(66) // hard link sees the write
    expect(a.readFile('/data/moved')[0]).toBe(7)
    expect(fullListing(new Vfs(base))).toEqual(pristine)
  })

  test('new Vfs(base) is O(1): nothing copied, no usage', () => {
    const v = new Vfs(base)
    expect(v.usage()).toMatchObject({ bytes: 0, inodes: 0 })
    expect(v.serialize().length).toBeLessThan(100)
  })

  test('fork: writes on each side are invisible to the other; buffers shared until written', () => {
    const v = new Vfs(base)
    v.writeFile('/data/own', new Uint8Array(100).fill(1))
    v.mkdir('/dir')
    const f = v.fork()
    expect(f.usage()).toEqual(v.usage())
    f.write('/data/own', 0, enc('F'))
    v.writeFile('/data/own', 'V', { append: true })
    f.rm('/dir', { recursive: true })
    v.writeFile('/dir/x', 'x')
    expect(f.readFile('/data/own')[0]).toBe(70)
    expect(f.stat('/data/own').size).toBe(100)
    expect(v.readFile('/data/own')[0]).toBe(1)
    expect(v.stat('/data/own').size).toBe(101)
    expect(f.exists('/dir')).toBe(false)
    expect(v.readdir('/dir')).toEqual(['x'])
    // Fork of a fork, and a fork after more writes.
    const g = f.fork()
    g.writeFile('/data/own', 'g')
    expect(f.readFile('/data/own')[0]).toBe(70)
    // Buffers are shared: a serialised fork references the base's unchanged bytes instead of copying.
    const h = new Vfs(base)
    h.chmod('/data/big', 0o600)
    expect(h.serialize().length).toBeLessThan(300)
  })

  test('copy shares bytes until either side writes', () => {
    const v = new Vfs()
    v.writeFile('/a', 'hello')
    v.copy('/a', '/b')
    v.write('/a', 0, enc('J'))
    expect(dec(v.readFile('/b'))).toBe('hello')
    v.write('/b', 0, enc('Y'))
    expect(dec(v.readFile('/a'))).toBe('Jello')
    expect(dec(v.readFile('/b'))).toBe('Yello')
  })

  test('Layer.fromVfs snapshots; later writes to the source do not leak into the layer', () => {
    const v = new Vfs(base)
    v.writeFile('/data/new', 'one')
    const snap = Layer.fromVfs(v)
    v.writeFile('/data/new', 'two')
    v.write('/data/big', 0, enc('Z'))
    const w = new Vfs(snap)
    expect(dec(w.readFile('/data/new'))).toBe('one')
    expect(w.readFile('/data/big')[0]).toBe(7)
    expect(w.usage().inodes).toBe(0)
    w.writeFile('/data/newer', '3')
    const ino = w.stat('/data/newer').ino
    expect(ino).toBeGreaterThan(v.stat('/data/new').ino)
    expect(snap.id).toMatch(/^h:[0-9a-f]{16}$/)
    expect(Layer.fromVfs(new Vfs(snap)).id).toBe(snap.id)
    expect(Layer.empty().id).toBe('empty')
    expect(Layer.fromVfs(v, { id: 'named@1' }).id).toBe('named@1')
  })

  test('inode numbers of upper and base never collide', () => {
    const v = new Vfs(base)
    const seen = new Set<number>()
    const walk = (p: string): void => {
      for (const d of v.readdirWithTypes(p)) {
        seen.add(d.ino)
        if (d.kind === 'dir') walk(`${p === '/' ? '' : p}/${d.name}`)
      }
    }
    walk('/')
    v.writeFile('/n1', '')
    v.mkdir('/n2')
    expect(seen.has(v.stat('/n1').ino)).toBe(false)
    expect(seen.has(v.stat('/n2').ino)).toBe(false)
    expect(v.stat('/data').ino).toBe(new Vfs(base).stat('/data').ino)
  })
})
