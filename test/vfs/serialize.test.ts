/** Serialisation of Vfs upper layers and whole Layers. */
import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { Layer, Vfs, buildLayer, isVfsError } from '../../src/vfs/index.js'
import { applyVfs, opArb } from './oracle.js'
import { fullListing } from './util.js'

function code(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    if (!isVfsError(e)) throw new Error(`not a VfsError: ${String(e)}`)
    return e.code
  }
  return 'ok'
}

const base = buildLayer((v) => {
  v.mkdir('/etc/d', { recursive: true })
  v.writeFile('/etc/a', 'base-a')
  v.writeFile('/etc/b', 'base-b')
  v.writeFile('/etc/d/c', new Uint8Array([0, 255, 1]))
})

let t = 1_700_000_000_123.5
const clock = (): number => (t += 1.25)

function richVfs(): Vfs {
  const v = new Vfs(base, { clock, user: { uid: 1000, gid: 1000 } })
  v.mkdir('/home/u/empty', { recursive: true, mode: 0o700 })
  v.writeFile('/home/u/bin', new Uint8Array(256).map((_, i) => i), { mode: 0o755 })
  v.writeFile('/home/u/empty-file', '')
  v.link('/home/u/bin', '/home/u/bin-link')
  v.symlink('../etc/a', '/home/u/sym')
  v.symlink('/dangling', '/home/u/dang')
  v.writeFile('/home/u/ünï cødé', 'utf-8 ✓')
  v.unlink('/etc/b') // whiteout of a base entry
  v.rm('/etc/d', { recursive: true }) // whiteout of a base dir
  v.chmod('/etc/a', 0o600) // copy-up sharing base bytes
  v.chown('/home/u/bin', 5, 6)
  v.utimes('/home/u/sym', 12.5, 34.25, { follow: false })
  v.setQuota({ maxBytes: 1e6 })
  return v
}

describe('Vfs.serialize / deserialize', () => {
  test('lossless: kinds, modes, owners, four times, hard links, symlinks, whiteouts, empties, binary', () => {
    const v = richVfs()
    const bytes = v.serialize()
    const w = Vfs.deserialize(bytes, base)
    expect(fullListing(w)).toEqual(fullListing(v))
    expect(w.stat('/home/u/bin').ino).toBe(w.stat('/home/u/bin-link').ino)
    expect(w.exists('/etc/b')).toBe(false)
    expect(w.exists('/etc/d')).toBe(false)
    expect(w.usage()).toEqual({ ...v.usage(), maxBytes: Infinity })
    // Restored Vfs keeps working: inode allocation continues above the old counter.
    w.writeFile('/home/u/new', 'n')
    expect(w.stat('/home/u/new').ino).toBeGreaterThan(v.stat('/home/u/bin').ino)
    w.write('/home/u/bin', 0, new Uint8Array([9]))
    expect(w.readFile('/home/u/bin-link')[0]).toBe(9)
    expect(v.readFile('/home/u/bin')[0]).toBe(0)
    // Deterministic.
    expect(Vfs.deserialize(bytes, base).serialize()).toEqual(bytes)
  })

  test('deserialising against a different base is a clear EINVAL', () => {
    const bytes = richVfs().serialize()
    const other = buildLayer((v) => v.mkdir('/other'))
    let msg = ''
    try {
      Vfs.deserialize(bytes, other)
    } catch (e) {
      expect(isVfsError(e) && e.code).toBe('EINVAL')
      msg = String(e)
    }
    expect(msg).toContain(base.id)
    expect(msg).toContain(other.id)
    expect(code(() => Layer.deserialize(bytes))).toBe('EINVAL')
    expect(code(() => Vfs.deserialize(base.serialize(), base))).toBe('EINVAL')
  })

  test('garbage and truncated input → EINVAL, never a crash', () => {
    const good = richVfs().serialize()
    const layerBytes = base.serialize()
    for (let n = 0; n < good.length; n += 7) {
      expect(code(() => Vfs.deserialize(good.subarray(0, n), base))).toBe('EINVAL')
    }
    for (let n = 0; n < layerBytes.length; n += 5) {
      expect(code(() => Layer.deserialize(layerBytes.subarray(0, n)))).toBe('EINVAL')
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (junk) => {
        expect(code(() => Vfs.deserialize(junk, base))).toBe('EINVAL')
        expect(code(() => Layer.deserialize(junk))).toBe('EINVAL')
      }),
      { numRuns: 300 },
    )
    // Single-byte corruption anywhere: either rejected, or (in file bytes/times) still a valid Vfs.
    for (let i = 0; i < good.length; i++) {
      const bad = good.slice()
      bad[i] ^= 0x5a
      try {
        const w = Vfs.deserialize(bad, base)
        fullListing(w)
        w.rm('/home', { recursive: true, force: true })
      } catch (e) {
        expect(isVfsError(e)).toBe(true)
      }
    }
    expect(code(() => Vfs.deserialize('nope' as unknown as Uint8Array, base))).toBe('EINVAL')
  })

  test('file contents are views of the input (no copy) and copy-on-write', () => {
    const v = new Vfs()
    v.writeFile('/f', 'abc')
    const bytes = v.serialize()
    const w = Vfs.deserialize(bytes, Layer.empty())
    w.write('/f', 0, new Uint8Array([65]))
    expect(new TextDecoder().decode(w.readFile('/f'))).toBe('Abc')
    expect(Vfs.deserialize(bytes, Layer.empty()).readFile('/f')[0]).toBe(97) // input untouched
  })

  test('property: random ops → serialise → deserialise → same listing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), fc.array(opArb, { maxLength: 50 }), (pre, ops) => {
        const scratch = new Vfs()
        for (const o of pre) applyVfs(scratch, o)
        const layer = Layer.fromVfs(scratch)
        const layer2 = Layer.deserialize(layer.serialize())
        expect(layer2.id).toBe(layer.id)
        expect(fullListing(new Vfs(layer2))).toEqual(fullListing(new Vfs(layer)))
        const v = new Vfs(layer)
        for (const o of ops) applyVfs(v, o)
        const w = Vfs.deserialize(v.serialize(), layer2)
        expect(fullListing(w)).toEqual(fullListing(v))
        expect(w.usage()).toEqual(v.usage())
        expect(fullListing(new Vfs(Layer.deserialize(Layer.fromVfs(w).serialize())))).toEqual(fullListing(v))
      }),
      { numRuns: 200 },
    )
  })

  test('a base directory moved out of a base parent that is then deleted round-trips (found by the differential property)', () => {
    const scratch = new Vfs()
    scratch.mkdir('/c/c', { recursive: true })
    scratch.writeFile('/c/c/f', 'x')
    const layer = Layer.fromVfs(scratch)
    const v = new Vfs(layer)
    v.rename('/c/c', '/a')
    v.rm('/c', { recursive: true })
    v.chmod('/a', 0o700)
    const w = Vfs.deserialize(v.serialize(), layer)
    expect(fullListing(w)).toEqual(fullListing(v))
    expect(w.readdir('/').sort()).toEqual(['a'])
    expect(new TextDecoder().decode(w.readFile('/a/f'))).toBe('x')
    // Still refused when the old parent does still name it (a real second path).
    const u = new Vfs(layer)
    u.rename('/c/c', '/b')
    expect(fullListing(Vfs.deserialize(u.serialize(), layer))).toEqual(fullListing(u))
  })

  test('a 1,000-file tree', () => {
    const v = new Vfs(base)
    for (let d = 0; d < 20; d++) {
      v.mkdir(`/tree/d${d}`, { recursive: true })
      for (let f = 0; f < 50; f++) v.writeFile(`/tree/d${d}/f${f}.txt`, new Uint8Array(1024).fill(d ^ f))
    }
    const bytes = v.serialize()
    expect(bytes.length).toBeGreaterThan(1024 * 1000)
    expect(bytes.length).toBeLessThan(1024 * 1000 + 100_000)
    const w = Vfs.deserialize(bytes, base)
    expect(fullListing(w)).toEqual(fullListing(v))
    const l = Layer.deserialize(Layer.fromVfs(w).serialize())
    expect(new Vfs(l).readFile('/tree/d19/f49.txt')[0]).toBe(19 ^ 49)
  })
})
