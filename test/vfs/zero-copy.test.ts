import { describe, expect, it } from 'vitest'
import { Vfs } from '../../src/vfs/index.js'

describe('zero-copy paths', () => {
  it('writeFile with adopt keeps the buffer; without it the caller’s buffer is copied', () => {
    const v = new Vfs()
    const given = new Uint8Array([1, 2, 3])
    v.writeFile('/a', given, { adopt: true })
    expect(v.readFileView('/a').buffer).toBe(given.buffer)
    const mine = new Uint8Array([4, 5, 6])
    v.writeFile('/b', mine)
    mine[0] = 9
    expect([...v.readFile('/b')]).toEqual([4, 5, 6])
  })

  it('readFileView is the current contents, without a copy, and fails like readFile', () => {
    const v = new Vfs()
    v.writeFile('/f', 'hello')
    const view = v.readFileView('/f')
    expect(new TextDecoder().decode(view)).toBe('hello')
    expect(view.byteLength).toBe(5)
    v.mkdir('/d')
    expect(() => v.readFileView('/d')).toThrow(expect.objectContaining({ code: 'EISDIR' }))
    expect(() => v.readFileView('/nope')).toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })

  it('a forked Vfs does not see writes to an adopted buffer’s file in the other', () => {
    const v = new Vfs()
    v.writeFile('/a', new Uint8Array([1, 2, 3]), { adopt: true })
    const f = v.fork()
    v.write('/a', 0, new Uint8Array([7]))
    expect([...f.readFile('/a')]).toEqual([1, 2, 3])
    expect([...v.readFile('/a')]).toEqual([7, 2, 3])
  })
})
