/** The Debian-like base image. */
import { expect, test } from 'vitest'
import { Layer, Vfs, createBaseLayer, isVfsError } from '../../src/vfs/index.js'

const text = (v: Vfs, p: string): string => new TextDecoder().decode(v.readFile(p))

test('layout, modes and owners', () => {
  const v = new Vfs(createBaseLayer())
  expect(v.readlink('/bin')).toBe('usr/bin')
  expect(v.realpath('/bin')).toBe('/usr/bin')
  for (const d of ['/usr/bin', '/usr/local/bin', '/usr/lib', '/etc', '/home/daytona', '/root', '/tmp', '/var/tmp', '/dev', '/proc', '/opt', '/mnt', '/srv', '/var/log']) {
    expect(v.stat(d).kind, d).toBe('dir')
  }
  expect(v.stat('/tmp').mode).toBe(0o41777)
  expect(v.stat('/var/tmp').mode & 0o7777).toBe(0o1777)
  expect(v.stat('/root').mode).toBe(0o40700)
  expect(v.stat('/root').uid).toBe(0)
  const home = v.stat('/home/daytona')
  expect([home.mode, home.uid, home.gid]).toEqual([0o40755, 1000, 1000])
  expect(v.readdir('/home/daytona').sort()).toEqual(['.bashrc', '.profile'])
  expect(v.stat('/home/daytona/.bashrc').uid).toBe(1000)
  expect(v.readdir('/dev')).toEqual([])
  expect(text(v, '/etc/passwd')).toContain('root:x:0:0:root:/root:/bin/bash\n')
  expect(text(v, '/etc/passwd')).toContain('daytona:x:1000:1000::/home/daytona:/bin/bash\n')
  expect(text(v, '/etc/group')).toContain('daytona:x:1000:')
  expect(text(v, '/etc/hostname')).toBe('daytona\n')
  expect(text(v, '/etc/hosts')).toContain('127.0.0.1\tlocalhost')
  expect(text(v, '/etc/os-release')).toContain('ID=debian\n')
  expect(text(v, '/etc/os-release')).toContain('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"')
  expect(v.usage()).toMatchObject({ bytes: 0, inodes: 0 })
})

test('command stubs', () => {
  const v = new Vfs(createBaseLayer({ commands: ['ls', 'cat', 'ls'] }))
  expect(v.readdir('/usr/bin').sort()).toEqual(['cat', 'ls'])
  expect(text(v, '/bin/ls')).toBe('#!/bin/bash\n# daylite builtin: ls\n')
  expect(v.stat('/usr/bin/cat').mode).toBe(0o100755)
  for (const bad of ['', 'a/b', '..', 'x\0']) {
    let ok = true
    try {
      createBaseLayer({ commands: [bad] })
    } catch (e) {
      ok = !isVfsError(e)
    }
    expect(ok).toBe(false)
  }
})

test('deterministic: same input, same id and bytes; times are fixed', () => {
  const a = createBaseLayer({ commands: ['b', 'a'] })
  const b = createBaseLayer({ commands: ['a', 'b'] })
  expect(a.id).toBe(b.id)
  expect(a.serialize()).toEqual(b.serialize())
  expect(createBaseLayer({ commands: ['c'] }).id).not.toBe(a.id)
  const v = new Vfs(a)
  expect(v.stat('/etc/passwd').mtimeMs).toBe(v.stat('/').mtimeMs)
  expect(Layer.deserialize(a.serialize()).id).toBe(a.id)
})
