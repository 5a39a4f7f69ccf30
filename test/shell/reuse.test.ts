/**
 * The shell reuses just-bash interpreters across execs (see src/shell/interpreter.ts): execs must
 * stay isolated from each other, in sequence and in flight at the same time.
 */
import { describe, expect, it } from 'vitest'
import { makeShell } from './helpers.js'

describe('interpreter reuse', () => {
  it('two execs in flight at once see their own cwd, env, stdin and output', async () => {
    const { shell } = makeShell()
    const aOut: string[] = []
    const bOut: string[] = []
    const [a, b] = await Promise.all([
      shell.exec('cd /tmp; export A=1; sleep 0.2; pwd; echo "A=$A B=$B"; cat; echo ea >&2', { stdin: 'in-a\n', env: { WHO: 'a' }, onStdout: (s) => aOut.push(s) }),
      shell.exec('cd /; export B=2; sleep 0.1; pwd; echo "A=$A B=$B $WHO"; cat; echo eb >&2', { stdin: 'in-b\n', onStdout: (s) => bOut.push(s) }),
    ])
    expect(a.output).toBe('/tmp\nA=1 B=\nin-a\nea\n')
    expect(b.output).toBe('/\nA= B=2 \nin-b\neb\n')
    expect(aOut.join('')).toBe(a.stdout)
    expect(bOut.join('')).toBe(b.stdout)
  })

  it('a session exec and a plain exec in flight at once do not mix state', async () => {
    const { shell } = makeShell()
    const session = shell.createSession('/tmp')
    const [s, p] = await Promise.all([
      shell.exec('X=session; f() { echo f; }; sleep 0.1; cd /home', { session }),
      shell.exec('sleep 0.05; echo "[$X]"; type f 2>&1 | head -1; pwd'),
    ])
    expect(s.exitCode).toBe(0)
    expect(p.output).toBe('[]\nbash: type: f: not found\n/home/daytona\n')
    expect(session.vars.X).toBe('session')
    expect(session.cwd).toBe('/home')
    expect(Object.keys(session.functions)).toEqual(['f'])
  })

  it('nothing leaks from one exec to the next (readonly, export flags, shopt, set -o, aliases, hash, arrays, umask, SECONDS)', async () => {
    const probe = 'R=2; echo "R=$R"; E=5; bash -c \'echo "E=[$E]"\'; shopt extglob nullglob; set -o | grep pipefail; type ll 2>&1 | head -1; echo "[${M[k]}][${a[1]}]"; umask; echo $((SECONDS < 100)); hash'
    const fresh = await makeShell().shell.exec(probe)
    const { shell } = makeShell()
    await shell.exec('readonly R=1; export E; shopt -s extglob nullglob; set -o pipefail; alias ll="echo al"; hash ls; declare -A M=([k]=v); a=(1 2); umask 077; SECONDS=500')
    const r = await shell.exec(probe)
    expect(r.output).toBe(fresh.output)
    expect(r.output).toMatch(/^R=2\nE=\[\]\nextglob\s+off\nnullglob\s+off\npipefail\s+off\nbash: type: ll: not found\n\[\]\[\]\n0022\n1\n/)
  })

  it('a command registered after execs is found; a replaced command runs its new version', async () => {
    const { shell } = makeShell()
    await shell.exec('echo warm')
    shell.registerCommand('greet', { run: async (args) => ({ stdout: `v1 ${args.join(' ')}\n`, stderr: '', exitCode: 0 }) })
    expect((await shell.exec('greet a; /usr/bin/greet b')).output).toBe('v1 a\nv1 b\n')
    shell.registerCommand('greet', { run: async () => ({ stdout: 'v2\n', stderr: '', exitCode: 0 }) })
    expect((await shell.exec('greet')).output).toBe('v2\n')
  })

  it('a timed-out or cancelled exec does not disturb the next one', async () => {
    const { shell } = makeShell()
    const t = await shell.exec('echo a; sleep 5; echo b', { timeoutMs: 200 })
    expect(t.timedOut).toBe(true)
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    const c = await shell.exec('sleep 5', { signal: ac.signal })
    expect(c.timedOut).toBe(true)
    const r = await shell.exec('sleep 0.05; echo ok; pwd', { cwd: '/tmp' })
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, output: 'ok\n/tmp\n' })
  })

  it('a one-command script keeps stdout before stderr, dispatch and shell errors', async () => {
    const { shell, vfs } = makeShell()
    vfs.writeFile('/home/daytona/x.sh', '#!/bin/bash\necho out; echo err >&2\n', { mode: 0o755 })
    const chunks: string[] = []
    const r = await shell.exec('./x.sh', { onStdout: (s) => chunks.push(`o:${s}`), onStderr: (s) => chunks.push(`e:${s}`) })
    expect(chunks).toEqual(['o:out\n', 'e:err\n'])
    expect((await shell.exec('ls /nope /tmp')).output).toMatch(/^\/tmp:\n(?:.*\n)*ls: cannot access '\/nope'/)
    expect((await shell.exec('echo ${u:?unset}')).output).toBe('bash: unset\n')
  })
})
