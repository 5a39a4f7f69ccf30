import { describe, expect, it } from 'vitest'
import { createSessionState } from '../../src/shell/index.js'
import { makeShell } from './helpers.js'

describe('sessions', () => {
  it('cwd, exported and shell variables, functions, aliases, arrays, options persist', async () => {
    const { shell } = makeShell()
    const session = createSessionState('/home/daytona')
    await shell.exec('cd /tmp', { session })
    await shell.exec('export FOO=bar', { session })
    await shell.exec('f() { echo "hi $1"; }', { session })
    await shell.exec('X=1; arr=(a "b c"); declare -A m=([k]=v)', { session })
    await shell.exec('shopt -s expand_aliases; alias hello="echo aliased"; set -o pipefail', { session })
    const r = await shell.exec('pwd; echo $FOO $X; f there; echo "${arr[1]}" ${m[k]} ${#arr[@]}; hello; set -o | grep pipefail', { session })
    expect(r.output).toMatch(/^\/tmp\nbar 1\nhi there\nb c v 2\naliased\npipefail\s+on\n$/)
    expect(session.exported).toContain('FOO')
    expect(session.exported).toContain('PATH')
    expect(session.exported).not.toContain('X')
    expect(session.cwd).toBe('/tmp')
    expect(Object.keys(session.functions)).toEqual(['f'])
    expect(structuredClone(session)).toEqual(session)
  })

  it('array values with quotes, newlines and gaps survive', async () => {
    const { shell } = makeShell()
    const session = createSessionState('/home/daytona')
    await shell.exec(`a=("q\\"x" 'd$x' "nl\nz" "" "back\\\\slash"); a[7]=seven; declare -A m=(["x y"]="a'b")`, { session })
    const r = await shell.exec('declare -p a m', { session })
    expect(r.output).toBe(`declare -a a=([0]="q\\"x" [1]="d\\$x" [2]=$'nl\\nz' [3]="" [4]="back\\\\slash" [7]="seven")\ndeclare -A m=(['x y']='a'\\''b')\n`)
  })

  it('exit ends only that command and keeps its state', async () => {
    const { shell } = makeShell()
    const session = createSessionState('/home/daytona')
    const r = await shell.exec('cd /tmp; Y=2; g() { echo g; }; exit 3; echo never', { session })
    expect(r.exitCode).toBe(3)
    expect(r.output).toBe('')
    const r2 = await shell.exec('echo $? $Y; pwd; g', { session })
    expect(r2.output).toBe('3 2\n/tmp\ng\n')
  })

  it('$? carries over; unset -f and unset remove', async () => {
    const { shell } = makeShell()
    const session = createSessionState('/home/daytona')
    await shell.exec('h() { :; }; Z=1; false', { session })
    expect((await shell.exec('echo $?', { session })).output).toBe('1\n')
    await shell.exec('unset -f h; unset Z', { session })
    const r = await shell.exec('type h >/dev/null 2>&1 || echo gone; echo "[$Z]"', { session })
    expect(r.output).toBe('gone\n[]\n')
  })

  it('functions defined by functions and functions calling ./scripts persist', async () => {
    const { shell } = makeShell()
    const session = createSessionState('/home/daytona')
    await shell.exec('outer() { inner() { echo inner; }; }; outer; printf "#!/bin/bash\\necho script \\$1\\n" > s.sh; chmod +x s.sh; run() { ./s.sh "$@"; }', { session })
    const r = await shell.exec('inner; run arg', { session })
    expect(r.output).toBe('inner\nscript arg\n')
  })

  it('umask and EXIT trap belong to the session; endSession runs the trap', async () => {
    const { shell } = makeShell()
    const session = shell.createSession()
    const a = await shell.exec('umask 077; trap "echo closing" EXIT; echo set', { session })
    expect(a.output).toBe('set\n')
    const b = await shell.exec('umask; touch t; stat -c %a t', { session })
    expect(b.output).toBe('0077\n600\n')
    const end = await shell.endSession(session)
    expect(end.output).toBe('closing\n')
  })

  it('a non-session exec does not keep state', async () => {
    const { shell } = makeShell()
    await shell.exec('cd /tmp; export A=1; f() { :; }')
    const r = await shell.exec('pwd; echo "[$A]"; type f 2>&1 | head -1')
    expect(r.output).toBe('/home/daytona\n[]\nbash: type: f: not found\n')
  })
})
