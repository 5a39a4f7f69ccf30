import { execFileSync } from 'node:child_process'
import * as nodeFs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Shell } from '../../src/shell/index.js'
import { Vfs } from '../../src/vfs/index.js'
import { base, USER } from './helpers.js'

// The same tree on the host disk (GNU ls is the oracle) and in the VFS.
const OLD = Date.UTC(2023, 5, 10, 8, 30) // > 6 months ago: "Jun 10  2023"
const RECENT = Date.now() - 3600_000
const uid = process.getuid?.() ?? 0
const gid = process.getgid?.() ?? 0

interface Node {
  p: string
  kind: 'file' | 'dir' | 'link'
  mode?: number
  content?: string
  target?: string
  mtime: number
}
const TREE: Node[] = [
  { p: 'sub', kind: 'dir', mode: 0o755, mtime: OLD },
  { p: 'sub/inner.txt', kind: 'file', mode: 0o600, content: 'inner\n', mtime: RECENT },
  { p: 'sub/deeper', kind: 'dir', mode: 0o700, mtime: OLD },
  { p: 'a.txt', kind: 'file', mode: 0o644, content: 'hello world\n', mtime: OLD },
  { p: 'B.txt', kind: 'file', mode: 0o664, content: 'x'.repeat(5000), mtime: RECENT },
  { p: 'big.bin', kind: 'file', mode: 0o644, content: 'y'.repeat(1_500_000), mtime: OLD + 1000 },
  { p: '.hidden', kind: 'file', mode: 0o600, content: 'h', mtime: OLD },
  { p: 'exec.sh', kind: 'file', mode: 0o755, content: '#!/bin/sh\n', mtime: RECENT - 60_000 },
  { p: 'suid', kind: 'file', mode: 0o4755, content: '', mtime: OLD },
  { p: 'sticky', kind: 'dir', mode: 0o1777, mtime: OLD },
  { p: 'link', kind: 'link', target: 'a.txt', mtime: OLD },
  { p: 'dlink', kind: 'link', target: 'sub', mtime: OLD },
  { p: 'broken', kind: 'link', target: 'nope', mtime: OLD },
]

let hostDir = ''
let vfs: Vfs
let shell: Shell
const VDIR = '/home/daytona/w'

beforeAll(() => {
  hostDir = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'daylite-ls-'))
  vfs = new Vfs(base, { user: { uid, gid } })
  vfs.mkdir(VDIR)
  for (const n of TREE) {
    const hp = path.join(hostDir, n.p)
    const vp = `${VDIR}/${n.p}`
    if (n.kind === 'dir') {
      nodeFs.mkdirSync(hp)
      vfs.mkdir(vp)
    } else if (n.kind === 'file') {
      nodeFs.writeFileSync(hp, n.content ?? '')
      vfs.writeFile(vp, n.content ?? '')
    } else {
      nodeFs.symlinkSync(n.target ?? '', hp)
      vfs.symlink(n.target ?? '', vp)
    }
    if (n.mode !== undefined) {
      nodeFs.chmodSync(hp, n.mode)
      vfs.chmod(vp, n.mode)
    }
  }
  // mtimes last (children change directory mtimes), deepest first
  for (const n of [...TREE].reverse()) {
    const hp = path.join(hostDir, n.p)
    const t = new Date(n.mtime)
    if (n.kind === 'link') nodeFs.lutimesSync(hp, t, t)
    else nodeFs.utimesSync(hp, t, t)
    vfs.utimes(`${VDIR}/${n.p}`, n.mtime, n.mtime, { follow: false })
  }
  nodeFs.utimesSync(hostDir, new Date(OLD), new Date(OLD))
  vfs.utimes(VDIR, OLD, OLD)
  shell = new Shell({ vfs, user: USER })
})

afterAll(() => {
  if (hostDir) nodeFs.rmSync(hostDir, { recursive: true, force: true })
})

function gnuLs(args: string[]): string {
  try {
    return execFileSync('ls', args, { cwd: hostDir, env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' }, encoding: 'utf8' })
  } catch (e) {
    return String((e as { stdout?: unknown }).stdout ?? '')
  }
}

const FLAGS = [
  [], ['-1'], ['-l'], ['-lA'], ['-lh'], ['-lt'], ['-ltr'], ['-lS'], ['-lSr'], ['-F'], ['-lF'], ['-A'], ['-a'], ['-R'], ['-lR'], ['-ld', 'sub', 'a.txt'],
  ['-l', 'sub', 'a.txt', 'link'], ['-d', 'sub'], ['-l', 'dlink'], ['dlink'], ['-n'], ['-lhR', 'sub'], ['-la', 'sub'], ['-t'], ['-S'], ['-r'],
]

const hasLs = ((): boolean => {
  try {
    return execFileSync('ls', ['--version'], { encoding: 'utf8' }).includes('GNU coreutils')
  } catch {
    return false
  }
})()

describe.skipIf(hasLs === false)('ls matches GNU ls on the same tree', () => {
  for (const flags of FLAGS) {
    it(`ls ${flags.join(' ')}`, async () => {
      const r = await shell.exec(`cd ${VDIR} && ls ${flags.join(' ')}`)
      // ".." is the host temp dir vs /home/daytona: compare everything else
      const strip = (s: string): string => s.split('\n').filter((l) => !/ \.\.$/.test(l)).join('\n')
      expect(strip(r.stdout)).toBe(strip(gnuLs(flags)))
    })
  }

  it('errors like GNU ls', async () => {
    const r = await shell.exec(`cd ${VDIR} && ls nope a.txt; echo "rc=$?"; ls -z`)
    expect(r.stdout).toBe('a.txt\nrc=2\n')
    expect(r.stderr).toBe("ls: cannot access 'nope': No such file or directory\nls: invalid option -- 'z'\nTry 'ls --help' for more information.\n")
  })
})
