import { describe, expect, it } from 'vitest'
import type { ShellCommand } from '../../src/shell/index.js'
import { makeShell } from './helpers.js'

const echoArgs = (tag: string): ShellCommand => ({
  run: async (args, ctx) => ({ stdout: `${tag}[${args.join('|')}] cwd=${ctx.cwd} stdin=${JSON.stringify(ctx.stdin)}\n`, stderr: '', exitCode: 0 }),
})

describe('executable dispatch', () => {
  it('shebangs naming registered commands run them with the script path and args', async () => {
    const { shell } = makeShell({ commands: { python3: echoArgs('py'), node: echoArgs('node') } })
    const r = await shell.exec([
      'printf "#!/usr/bin/env python3\\nprint(1)\\n" > a.py; chmod +x a.py',
      'printf "#!/usr/bin/python3 -u\\n" > b.py; chmod +x b.py',
      'printf "#!/usr/bin/env node\\n" > c.js; chmod 755 c.js',
      './a.py x "y z"', 'echo in | ./b.py', 'mkdir sub; cd sub; ../c.js', 'out=$(../a.py q); echo "got $out"',
    ].join('\n'))
    expect(r.output).toBe('py[./a.py|x|y z] cwd=/home/daytona stdin=""\npy[-u|./b.py] cwd=/home/daytona stdin="in\\n"\nnode[../c.js] cwd=/home/daytona/sub stdin=""\ngot py[../a.py|q] cwd=/home/daytona/sub stdin=""\n')
  })

  it('registered commands: by name, through /usr/bin stubs and /bin, in pipes, with exit codes', async () => {
    const { shell } = makeShell()
    shell.registerCommand('python3', { run: async (args) => ({ stdout: `py ${args.join(' ')}\n`, stderr: 'warn\n', exitCode: 3 }) })
    const r = await shell.exec('python3 -c 1; echo $?; /usr/bin/python3 x 2>/dev/null; /bin/python3 | tr a-z A-Z; which python3; command -v python3')
    expect(r.output).toBe('py -c 1\nwarn\n3\npy x\nwarn\nPY \n/usr/bin/python3\n/usr/bin/python3\n')
  })

  it('a registered command unknown to the base image is still found', async () => {
    const { shell } = makeShell()
    shell.registerCommand('mytool', echoArgs('tool'))
    expect((await shell.exec('mytool a | cat')).output).toBe('tool[a] cwd=/home/daytona stdin=""\n')
  })

  it('bash/sh shebangs and no shebang run as bash scripts with $0 and positional args', async () => {
    const { shell } = makeShell()
    const r = await shell.exec([
      'printf "#!/bin/bash\\necho \\"0=\\$0 1=\\$1 n=\\$#\\"\\nexit 5\\n" > s.sh; chmod +x s.sh',
      'printf "echo plain \\$1\\n" > p; chmod +x p',
      'printf "#!/bin/sh\\necho sh-ok\\n" > q; chmod +x q',
      './s.sh "a b" c; echo "rc=$?"', './p arg', './q', 'mkdir -p /usr/local/bin && cp q /usr/local/bin/myq && /usr/local/bin/myq',
    ].join('\n'))
    expect(r.output).toBe('0=./s.sh 1=a b n=2\nrc=5\nplain arg\nsh-ok\nsh-ok\n')
  })

  it('wasm magic dispatches to wasi-run; errors: bad interpreter, permission denied, missing, directory', async () => {
    const { shell, vfs } = makeShell()
    vfs.writeFile('/home/daytona/prog.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), { mode: 0o755 })
    let r = await shell.exec('./prog.wasm a; echo "rc=$?"')
    expect(r.output).toBe('bash: ./prog.wasm: cannot execute binary file: Exec format error\nrc=126\n')
    shell.registerCommand('wasi-run', echoArgs('wasi'))
    r = await shell.exec('./prog.wasm a')
    expect(r.output).toBe('wasi[/home/daytona/prog.wasm|a] cwd=/home/daytona stdin=""\n')
    r = await shell.exec('printf "#!/usr/bin/foo\\n" > x; chmod +x x; ./x; echo "rc=$?"; printf "echo hi\\n" > n; ./n; echo "rc=$?"; ./missing; echo "rc=$?"; mkdir dd; ./dd; echo "rc=$?"')
    expect(r.output).toBe(
      'bash: ./x: /usr/bin/foo: bad interpreter: No such file or directory\nrc=126\nbash: ./n: Permission denied\nrc=126\nbash: ./missing: No such file or directory\nrc=127\nbash: ./dd: Is a directory\nrc=126\n',
    )
  })

  it('a daylite stub for an unregistered command says command not found', async () => {
    const { shell, vfs } = makeShell()
    vfs.writeFile('/usr/bin/git', '#!/bin/bash\n# daylite builtin: git\n', { mode: 0o755 })
    const r = await shell.exec('/usr/bin/git status; echo "rc=$?"')
    expect(r.output).toBe('bash: git: command not found\nrc=127\n')
  })

  it('a ShellCommand can run sub-scripts and sees the exported env', async () => {
    const { shell } = makeShell()
    shell.registerCommand('sub', {
      run: async (_args, ctx) => {
        const r = await ctx.exec('echo "$FOO"; pwd')
        return { stdout: r.stdout, stderr: '', exitCode: 0 }
      },
    })
    const r = await shell.exec('export FOO=exported; BAR=local; cd /tmp; sub')
    expect(r.output).toBe('exported\n/tmp\n')
  })
})

describe('bare names found in PATH', () => {
  it('a #!/usr/bin/env script found in PATH runs its interpreter with the full path, like execve', async () => {
    const { shell, vfs } = makeShell({
      commands: {
        fakepy: { run: async (args) => ({ stdout: `fakepy ${args.join(' ')}\n`, stderr: '', exitCode: 3 }) },
      },
    })
    vfs.mkdir('/usr/local/bin', { recursive: true })
    vfs.writeFile('/usr/local/bin/tool', '#!/usr/bin/env fakepy\nprint(1)\n', { mode: 0o755 })
    vfs.writeFile('/usr/local/bin/shtool', '#!/bin/bash\necho "sh $1"\n', { mode: 0o755 })
    vfs.writeFile('/usr/local/bin/noexec', '#!/usr/bin/env fakepy\n', { mode: 0o644 })
    const r = await shell.exec('tool a b; echo "rc=$?"; shtool x; x=$(tool q); echo "[$x]"')
    expect(r.stdout).toBe('fakepy /usr/local/bin/tool a b\nrc=3\nsh x\n[fakepy /usr/local/bin/tool q]\n')
    // A script that defines a function of that name keeps bash's meaning for the name.
    expect((await shell.exec('tool() { echo fn; }; tool')).stdout).toBe('fn\n')
    const n = await shell.exec('noexec')
    expect(n.exitCode).not.toBe(0)
  })
})
