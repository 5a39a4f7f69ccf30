/**
 * The shell's `git` against Debian's git: the same steps run in a sandbox and in a temporary
 * directory on the host, with the same identity and dates (so the same commit ids), and the
 * outputs of status, log, diff, show and branch must be the same, byte for byte.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, type Sandbox } from '../../src/index.js'
import { GIT_ENV, tempDir } from './helpers.js'

let daytona: Daytona
let sandbox: Sandbox
let home: string
let counter = 0

const DATE_ENV = (n: number): Record<string, string> => ({
  GIT_AUTHOR_DATE: `@${1700000000 + n * 60} +0000`,
  GIT_COMMITTER_DATE: `@${1700000000 + n * 60} +0000`,
})

beforeAll(async () => {
  daytona = new Daytona()
  sandbox = await daytona.create()
  home = tempDir('daylite-git-home-')
  writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = true\n')
  await sandbox.process.executeCommand('git config --global init.defaultBranch main')
})
const hostDirs: string[] = []
afterAll(async () => {
  await daytona?.dispose()
  rmSync(home, { recursive: true, force: true })
  for (const d of hostDirs) rmSync(d, { recursive: true, force: true })
})

/** A pair of identical repositories: one in the sandbox, one on the host. */
interface Pair {
  host: string
  box: string
  step: number
}

async function pair(): Promise<Pair> {
  const host = tempDir('daylite-git-cmp-')
  hostDirs.push(host)
  const box = `/home/daytona/cmp${++counter}`
  const p = { host, box, step: 0 }
  await both(p, 'git init -q')
  return p
}

/**
 * The script with its stdout, then its stderr and exit status (stderr goes to a file so that
 * the order of the two streams cannot differ between the shells).
 */
function wrapped(script: string, errFile: string): string {
  return `( ${script} ) 2>${errFile}; s=$?; echo "--- stderr"; cat ${errFile}; rm -f ${errFile}; echo "[exit $s]"`
}

function nativeRun(dir: string, script: string, env: Record<string, string>): string {
  return execFileSync('bash', ['-c', wrapped(script, join(home, 'stderr.txt'))], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...GIT_ENV, ...env }, encoding: 'utf8' })
}

async function boxRun(dir: string, script: string, env: Record<string, string>): Promise<string> {
  const r = await sandbox.process.executeCommand(`mkdir -p ${dir} && cd ${dir} && ${wrapped(script, '/tmp/stderr.txt')}`, undefined, { ...GIT_ENV, ...env })
  return r.result
}

/** Runs a script in both; returns both outputs. */
async function both(p: Pair, script: string): Promise<{ host: string; box: string }> {
  const env = DATE_ENV(++p.step)
  mkdirSync(p.host, { recursive: true })
  return { host: nativeRun(p.host, script, env), box: await boxRun(p.box, script, env) }
}

/** Runs a script in both and expects the same output. */
async function same(p: Pair, script: string): Promise<string> {
  const r = await both(p, script)
  expect(r.box, `sandbox output of: ${script}`).toBe(r.host)
  return r.host
}

describe('git status matches native git', () => {
  it('prints the long, short and porcelain formats the same way through a series of changes', async () => {
    const p = await pair()
    expect(await same(p, 'git status')).toContain('No commits yet')
    await both(p, 'echo a > a.txt && mkdir -p src/lib docs && echo b > src/b.txt && echo c > src/lib/c.txt && echo d > docs/d.md')
    await same(p, 'git status')
    await same(p, 'git status -s')
    await same(p, 'git status --porcelain')
    await same(p, 'git status -sb')
    await same(p, 'git add a.txt src && git status')
    await same(p, 'git commit -q -m "first commit" && git status')
    await same(p, 'git add -A && git commit -q -m "add docs" && git status && git status -s')
    await both(p, 'echo more >> a.txt && rm src/b.txt && echo new > new.txt && mkdir -p build/x && echo o > build/x/out.o && echo "build/" > .gitignore')
    await same(p, 'git status')
    await same(p, 'git status -s')
    await same(p, 'git add a.txt && git status')
    await same(p, 'git status --porcelain')
    await same(p, 'cd src && git status && git status -s')
    await same(p, 'git status -uno')
    await same(p, 'git rm -q --cached src/lib/c.txt && git status -s')
  })
})

describe('git log matches native git', () => {
  it('prints the default, --oneline, -n, --format and --graph outputs the same way', async () => {
    const p = await pair()
    for (let i = 1; i <= 5; i++) {
      await both(p, `echo "line ${i}" >> file.txt && git add file.txt && git commit -q -m "commit number ${i}" -m "Body of commit ${i}."`)
    }
    await same(p, 'git log')
    await same(p, 'git log --oneline')
    await same(p, 'git log -n 2')
    await same(p, 'git log -3 --oneline')
    await same(p, 'git log --format="%H %h %an <%ae> %s"')
    await same(p, 'git log --pretty=format:"%h|%s|%ad" -n 3')
    await same(p, 'git log --graph')
    await same(p, 'git log --graph --oneline')
    await same(p, 'git log --oneline HEAD~3..HEAD')
    await same(p, 'git log --stat -n 2')
    await same(p, 'git log --reverse --oneline')
    await same(p, 'git rev-parse HEAD && git rev-parse --short HEAD~2 && git rev-parse --abbrev-ref HEAD')
  })
})

describe('git diff and show match native git', () => {
  it('prints unified diffs, --stat, --name-only and --cached the same way', async () => {
    const p = await pair()
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')
    await both(p, `printf '${lines}\\n' > a.txt && printf 'int main() {\\n  return 0;\\n}\\n' > main.c && echo keep > keep.txt && git add -A && git commit -q -m base`)
    await both(p, "sed -i 's/line 5$/line five/; s/line 25$/line twenty-five/' a.txt && printf 'int main() {\\n  int x = 1;\\n  return x;\\n}\\n' > main.c && rm keep.txt && printf 'no newline' > nonl.txt")
    await same(p, 'git diff')
    await same(p, 'git diff --stat')
    await same(p, 'git diff --name-only')
    await same(p, 'git diff --name-status')
    await same(p, 'git add -A && git diff --cached')
    await same(p, 'git diff --cached --stat')
    await same(p, 'git diff')
    await same(p, 'git commit -q -m second && git diff HEAD~1 HEAD')
    await same(p, 'git diff HEAD~1 --stat')
    await same(p, 'git diff HEAD~1..HEAD --name-only')
    await same(p, 'git show')
    await same(p, 'git show --stat HEAD~1')
    await same(p, 'git show HEAD~1:a.txt | head -3')
    await same(p, 'chmod +x main.c && git diff')
  })
})

describe('git branch and friends match native git', () => {
  it('lists, creates, switches and deletes branches the same way', async () => {
    const p = await pair()
    await both(p, 'echo 1 > f && git add f && git commit -q -m one')
    await same(p, 'git branch')
    await same(p, 'git branch feature && git branch && git branch --show-current')
    await same(p, 'git checkout feature && git branch')
    await same(p, 'echo 2 >> f && git commit -q -am two && git branch -v')
    await same(p, 'git switch main && git branch -d feature')
    await same(p, 'git branch -D feature && git branch')
    await same(p, 'git switch -c topic && git branch --show-current')
    await same(p, 'git checkout -b other main && git log --oneline')
    await same(p, 'git checkout HEAD~0 -q 2>/dev/null; git status | head -1')
    await same(p, 'git tag v1 && git tag && git log --oneline --decorate')
    await same(p, 'git merge nonexistent')
    await same(p, 'git checkout nope')
  })

  it('commit, reset, restore and stash print what git prints', async () => {
    const p = await pair()
    await same(p, 'echo 1 > f && echo x > g && git add f g && git commit -m "first"')
    await same(p, 'echo 2 >> f && git commit -am "second"')
    await same(p, 'git commit -m nothing')
    await same(p, 'git commit --allow-empty -m empty')
    await same(p, 'git commit --amend -m "empty, amended" --allow-empty')
    await same(p, 'git reset --hard HEAD~1')
    await same(p, 'echo 3 >> f && git add f && git reset && git status -s')
    await same(p, 'git restore f && git status -s')
    await same(p, 'echo 4 >> f && git add f && git restore --staged f && git status -s && git checkout -- f && git status -s')
    await same(p, 'echo 5 >> f && git stash && git status -s && git stash list')
    await same(p, 'git stash pop && git status -s')
    await same(p, 'git stash && git stash drop')
    await same(p, 'git reset --soft HEAD~1 && git status -s')
  })

  it('tags, annotated tags, show and ls-files print what git prints', async () => {
    const p = await pair()
    await both(p, 'mkdir -p src && echo 1 > src/f && echo x > g && git add -A && git commit -q -m "first" && echo 2 >> src/f && git commit -q -am "second"')
    await same(p, 'git tag v1 HEAD~1 && git tag -a v2 -m "Release 2" && git tag && git tag -l "v*"')
    await same(p, 'git show v2 --stat')
    await same(p, 'git log --oneline --decorate')
    await same(p, 'git rev-parse v1 v2^{commit} HEAD^{tree}')
    await same(p, 'git tag -d v1 && git tag')
    await same(p, 'git ls-files && git ls-files -s && cd src && git ls-files')
    await same(p, 'git show HEAD:src/f && git show --name-only --format=%s HEAD')
    await same(p, 'git diff HEAD~1 -- src/f')
  })

  it('merges fast-forward and three-way the same way', async () => {
    const p = await pair()
    await both(p, 'printf "a\\nb\\nc\\n" > f && echo x > g && git add -A && git commit -q -m base && git branch side')
    await same(p, 'echo d >> f && git commit -q -am "main change" && git checkout -q side && echo y >> g && git commit -q -am "side change" && git checkout -q main')
    await same(p, 'git merge side -m "Merge branch \'side\'"')
    await same(p, 'git log --oneline; git log -1 --format=%P | wc -w')
    await same(p, 'git checkout -q -b ff && echo z >> g && git commit -q -am ff && git checkout -q main && git merge ff')
    await same(p, 'git merge ff')
  })
})
