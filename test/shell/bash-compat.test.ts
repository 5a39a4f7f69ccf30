import { describe, expect, it } from 'vitest'
import { makeShell } from './helpers.js'

const cases: [string, string, number?][] = [
  ['echo hi | tr a-z A-Z', 'HI\n'],
  ['printf "b\\na\\nc\\n" | sort | head -2', 'a\nb\n'],
  ['echo one > f; echo two >> f; cat f; wc -l < f', 'one\ntwo\n2\n'],
  ['cat <<EOF\n  indented $HOME\nEOF', '  indented /home/daytona\n'],
  ["cat <<'EOF'\n$HOME\nEOF", '$HOME\n'],
  ['true && echo yes || echo no; false && echo yes || echo no', 'yes\nno\n'],
  ['mkdir d; touch d/a.txt d/b.txt d/c.md; echo d/*.txt', 'd/a.txt d/b.txt\n'],
  ['for i in 1 2 3; do echo -n $i; done; echo; i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i', '123\n3\n'],
  ['f() { local x=$1; echo "f:$x"; return 3; }; f arg; echo $?', 'f:arg\n3\n'],
  ['set -e; echo a; false; echo b', 'a\n', 1],
  ['(cd /tmp; pwd); pwd', '/tmp\n/home/daytona\n'],
  ['echo "$(echo nested $(echo deep))"', 'nested deep\n'],
  ['x=5; (( x > 3 )) && echo big; [[ abc =~ b(c) ]] && echo ${BASH_REMATCH[1]}', 'big\nc\n'],
  ['case foo in f*) echo matched;; *) echo no;; esac', 'matched\n'],
  ['a=(x y z); echo ${#a[@]} ${a[1]}', '3 y\n'],
  ['echo a 2>&1 >/dev/null; ls nope 2>&1 | head -1', "ls: cannot access 'nope': No such file or directory\n"],
  ['bash -c "echo from bash -c; exit 4"; echo $?', 'from bash -c\n4\n'],
  ['echo $HOME $USER $LOGNAME $SHELL $HOSTNAME; echo $PATH', '/home/daytona daytona daytona /bin/bash daytona\n/usr/local/bin:/usr/bin:/bin\n'],
  ['whoami; hostname; id', 'daytona\ndaytona\nuid=1000(daytona) gid=1000(daytona) groups=1000(daytona),27(sudo)\n'],
  ['id -u; id -un; id -g', '1000\ndaytona\n1000\n'],
  ['echo a b c | xargs -n1 echo', 'a\nb\nc\n'],
  ['printf "x\\ny\\n" | xargs -I{} echo "<{}>"', '<x>\n<y>\n'],
  ['seq 3 | paste -sd+', '1+2+3\n'],
  ['seq 3 | paste -sd+ | bc 2>/dev/null || seq 3 | paste -s -d, -', '1,2,3\n'],
  ['yes | head -3', 'y\ny\ny\n'],
  ['umask; umask 077; umask; touch u; stat -c %a u', '0022\n0077\n600\n'],
  ['ulimit -n; ulimit -n 100; echo $?', '1048576\n0\n'],
  ['kill -0 $$; echo $?; kill 4242 2>/dev/null; echo $?; kill -l 15', '0\n1\nTERM\n'],
  ['jobs; echo $?', '0\n'],
  ['trap "echo bye" EXIT; echo hello', 'hello\nbye\n'],
  ['trap "" INT TERM; trap -p INT', "trap -- '' INT\n"],
  ['touch o; chown root:root o; ls -l o | cut -d" " -f3,4; chown 1000 o; chgrp sudo o; ls -ln o | cut -d" " -f3,4', 'root root\n1000 27\n'],
  ['echo x > /dev/null; cat /dev/null | wc -c; head -c 5 /dev/zero | wc -c; head -c 16 /dev/urandom | wc -c', '0\n5\n16\n'],
  ['ls /dev | head -3', 'null\nrandom\nstderr\n'],
]

describe('bash compatibility over the real Vfs', () => {
  for (const [script, expected, code] of cases) {
    it(script.replace(/\n/g, '\\n'), async () => {
      const { shell } = makeShell()
      const r = await shell.exec(script)
      expect(r.output).toBe(expected)
      expect(r.exitCode).toBe(code ?? 0)
    })
  }

  it('command not found → 127, missing file message', async () => {
    const { shell } = makeShell()
    const r = await shell.exec('nosuchcmd; cat missing')
    expect(r.stderr).toBe('bash: nosuchcmd: command not found\ncat: missing: No such file or directory\n')
    expect(r.exitCode).toBe(1)
  })

  it('never writes just-bash stubs into the VFS', async () => {
    const { shell, vfs } = makeShell()
    await shell.exec('echo hi')
    expect(vfs.exists('/proc/self')).toBe(false)
    expect(vfs.exists('/dev/null')).toBe(false)
    expect(vfs.readdir('/dev')).toEqual([])
    expect(new TextDecoder().decode(vfs.readFile('/usr/bin/ls'))).toBe('#!/bin/bash\n# daylite builtin: ls\n')
  })
})
