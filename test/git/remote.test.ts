/**
 * The shell's `git` against a real `git http-backend` (Debian's git) on 127.0.0.1: clone,
 * fetch, pull and push round trips checked with the system git, authentication, rejected
 * pushes, unreachable hosts and the sandbox's network settings.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, type Sandbox } from '../../src/index.js'
import { type GitServer, git, readTree, seedRepo, startGitServer, tempDir, writeFiles } from './helpers.js'

let daytona: Daytona
let sandbox: Sandbox
let server: GitServer
let authServer: GitServer

const ID = 'git config --global user.name "Sandbox User" && git config --global user.email sandbox@example.com'

async function sh(command: string, sb: Sandbox = sandbox): Promise<{ exitCode: number; result: string }> {
  const r = await sb.process.executeCommand(command)
  return { exitCode: r.exitCode, result: r.result }
}

beforeAll(async () => {
  server = await startGitServer()
  authServer = await startGitServer({ auth: { username: 'ada', password: 's3cret' } })
  daytona = new Daytona()
  sandbox = await daytona.create()
  await sh(ID)
})
afterAll(async () => {
  await daytona?.dispose()
  await server?.close()
  await authServer?.close()
})

/**
 * A native clone of `url` in a new temporary directory. Native git works on the bare repository
 * directly: a synchronous child process talking HTTP to a server in this process would wait for
 * it forever.
 */
function nativeClone(url: string): string {
  const dir = tempDir()
  const srv = [server, authServer].find((s) => url.startsWith(s.url)) as GitServer
  git(dir, ['clone', '-q', join(srv.root, new URL(url).pathname), '.'])
  return dir
}

describe('clone, push and pull round trips with native git', () => {
  it('clones what native git pushed, with the same commits and files', async () => {
    const url = seedRepo(server, 'round', { 'README.md': '# round\n', 'src/a.ts': 'export const a = 1\n', 'bin/run.sh': '#!/bin/sh\necho run\n' })
    const r = await sh(`git clone ${url} round`)
    expect(r.exitCode).toBe(0)
    expect(r.result).toContain("Cloning into 'round'...")
    expect(r.result).toMatch(/Receiving objects: 100% \(\d+\/\d+\), done\./)
    const native = nativeClone(url)
    const head = git(native, ['rev-parse', 'HEAD']).trim()
    expect((await sh('cd round && git rev-parse HEAD')).result.trim()).toBe(head)
    expect((await sh('cd round && cat src/a.ts && git status --porcelain && git branch -a')).result).toBe('export const a = 1\n* main\n  remotes/origin/HEAD -> origin/main\n  remotes/origin/main\n')
    rmSync(native, { recursive: true, force: true })
  })

  it('pushes commits that native git reads with the same id, author, message and tree', async () => {
    const url = seedRepo(server, 'push', { 'a.txt': 'one\n' })
    await sh(`git clone -q ${url} push && cd push && echo two >> a.txt && mkdir -p d && echo new > d/n.txt && git add -A && git commit -q -m "Sandbox change" -m "With a body."`)
    const local = (await sh('cd push && git log -1 --format="%H %T %an <%ae> %at"')).result.trim()
    const p = await sh('cd push && git push')
    expect(p.exitCode).toBe(0)
    expect(p.result).toMatch(new RegExp(`To ${url.replace(/[.]/g, '\\.')}\\n {3}[0-9a-f]{7}\\.\\.[0-9a-f]{7} {2}main -> main\\n`))
    const native = nativeClone(url)
    expect(git(native, ['log', '-1', '--format=%H %T %an <%ae> %at']).trim()).toBe(local)
    expect(git(native, ['log', '-1', '--format=%B'])).toBe('Sandbox change\n\nWith a body.\n\n')
    expect(readTree(native)).toEqual({ 'a.txt': 'one\ntwo\n', 'd/n.txt': 'new\n' })
    expect(git(native, ['fsck', '--strict'])).toBe('')
    // The pushed history is complete and valid for native git.
    expect(git(join(server.root, 'push.git'), ['fsck', '--strict'])).toBe('')
    rmSync(native, { recursive: true, force: true })
  })

  it('pulls what native git pushed (fast-forward), then merges diverged histories', async () => {
    const url = seedRepo(server, 'pull', { 'a.txt': 'a\n', 'b.txt': 'b\n' })
    await sh(`git clone -q ${url} pull`)
    const native = nativeClone(url)
    writeFiles(native, { 'a.txt': 'a\nnative\n', 'c.txt': 'c\n' })
    git(native, ['add', '-A'])
    git(native, ['commit', '-q', '-m', 'native change'])
    git(native, ['push', '-q'])
    const ff = await sh('cd pull && git pull')
    expect(ff.exitCode).toBe(0)
    expect(ff.result).toContain('Fast-forward')
    expect(ff.result).toContain(' 2 files changed, 2 insertions(+)')
    expect((await sh('cd pull && git rev-parse HEAD && cat a.txt c.txt && git status -s')).result).toBe(`${git(native, ['rev-parse', 'HEAD'])}a\nnative\nc\n`)
    // Diverge: native changes b.txt, the sandbox changes a.txt.
    writeFiles(native, { 'b.txt': 'b\nnative b\n' })
    git(native, ['commit', '-q', '-am', 'native b'])
    git(native, ['push', '-q'])
    await sh('cd pull && echo sandbox >> a.txt && git commit -q -am "sandbox a"')
    const rejected = await sh('cd pull && git push')
    expect(rejected.exitCode).toBe(1)
    expect(rejected.result).toContain(' ! [rejected]        main -> main (fetch first)')
    expect(rejected.result).toContain(`error: failed to push some refs to '${url}'`)
    const merged = await sh('cd pull && git pull')
    expect(merged.exitCode, merged.result).toBe(0)
    expect(merged.result).toContain("Merge made by the 'ort' strategy.")
    expect((await sh('cd pull && git log -1 --format=%P | wc -w && cat a.txt b.txt')).result).toBe('2\na\nnative\nsandbox\nb\nnative b\n')
    const pushed = await sh('cd pull && git push')
    expect(pushed.exitCode, pushed.result).toBe(0)
    git(native, ['pull', '-q'])
    expect(git(native, ['rev-parse', 'HEAD'])).toBe((await sh('cd pull && git rev-parse HEAD')).result)
    expect(git(native, ['fsck', '--strict'])).toBe('')
    rmSync(native, { recursive: true, force: true })
  })

  it('fetches, checks out remote branches, pushes a new branch with -u, and reports conflicts', async () => {
    const url = seedRepo(server, 'branches', { 'f.txt': 'base\n' })
    const native = nativeClone(url)
    git(native, ['checkout', '-q', '-b', 'feature'])
    writeFiles(native, { 'f.txt': 'base\nfeature\n' })
    git(native, ['commit', '-q', '-am', 'feature work'])
    git(native, ['push', '-q', 'origin', 'feature'])
    await sh(`git clone -q ${url} branches`)
    const co = await sh('cd branches && git checkout feature')
    expect(co.result).toBe("branch 'feature' set up to track 'origin/feature'.\nSwitched to a new branch 'feature'\n")
    expect((await sh('cd branches && git status | head -2')).result).toBe("On branch feature\nYour branch is up to date with 'origin/feature'.\n")
    // A new branch, pushed with -u.
    const up = await sh('cd branches && git switch -q -c topic && echo t > t.txt && git add t.txt && git commit -q -m topic && git push -u origin topic')
    expect(up.exitCode, up.result).toBe(0)
    expect(up.result).toContain(' * [new branch]      topic -> topic')
    expect(up.result).toContain("branch 'topic' set up to track 'origin/topic'.")
    expect((await sh('cd branches && git status -sb')).result).toBe('## topic...origin/topic\n')
    git(native, ['fetch', '-q'])
    expect(git(native, ['rev-parse', 'origin/topic'])).toBe((await sh('cd branches && git rev-parse HEAD')).result)
    // Native moves main; the sandbox fetches and sees it.
    git(native, ['checkout', '-q', 'main'])
    writeFiles(native, { 'f.txt': 'base\nmain\n' })
    git(native, ['commit', '-q', '-am', 'main work'])
    git(native, ['push', '-q'])
    const f = await sh('cd branches && git fetch')
    expect(f.result).toMatch(new RegExp(`\nFrom ${url.replace(/[.]/g, '\\.')}\\n {3}[0-9a-f]{7}\\.\\.[0-9a-f]{7}  main {7}-> origin/main\\n$`))
    // main and feature both changed f.txt: a conflict, and nothing changes.
    await sh('cd branches && git checkout -q main && git pull -q')
    const before = (await sh('cd branches && git rev-parse HEAD')).result
    const conflict = await sh('cd branches && git merge feature')
    expect(conflict.exitCode).toBe(1)
    expect(conflict.result).toContain('CONFLICT (content): Merge conflict in f.txt')
    expect((await sh('cd branches && git rev-parse HEAD && git status --porcelain && cat f.txt')).result).toBe(`${before}base\nmain\n`)
    rmSync(native, { recursive: true, force: true })
  })

  it('clones a branch, a shallow history and an empty repository', async () => {
    const url = seedRepo(server, 'shallow', { 'x.txt': '1\n' })
    const native = nativeClone(url)
    for (let i = 2; i <= 4; i++) {
      writeFiles(native, { 'x.txt': `${i}\n` })
      git(native, ['commit', '-q', '-am', `commit ${i}`])
    }
    git(native, ['push', '-q'])
    git(native, ['push', '-q', 'origin', 'HEAD~2:refs/heads/old'])
    expect((await sh(`git clone -q --depth 1 ${url} shallow && cd shallow && git log --oneline | wc -l && cat x.txt`)).result).toBe('1\n4\n')
    expect((await sh(`git clone -q -b old ${url} oldbranch && cd oldbranch && git branch --show-current && cat x.txt`)).result).toBe('old\n2\n')
    git(server.root, ['init', '-q', '--bare', 'empty.git'])
    const empty = await sh(`git clone ${server.url}/empty.git empty && cd empty && git status`)
    expect(empty.result).toContain('warning: You appear to have cloned an empty repository.')
    expect(empty.result).toContain('No commits yet')
    rmSync(native, { recursive: true, force: true })
  })
})

describe('authentication', () => {
  it('clones and pushes with credentials in the URL, and fails clearly without them', async () => {
    const url = seedRepo(authServer, 'private', { 'secret.txt': 'top\n' })
    const withCreds = url.replace('http://', 'http://ada:s3cret@')
    const none = await sh(`git clone ${url} private-none`)
    expect(none.exitCode).toBe(128)
    expect(none.result).toContain(`fatal: could not read Username for '${url}'`)
    const bad = await sh(`git clone ${url.replace('http://', 'http://ada:wrong@')} private-bad`)
    expect(bad.exitCode).toBe(128)
    expect(bad.result).toContain('fatal: Authentication failed for')
    expect(bad.result).not.toContain('wrong')
    expect((await sh('ls private-none private-bad 2>&1 | head -1')).result).toContain('No such file')
    const ok = await sh(`git clone -q ${withCreds} private && cd private && cat secret.txt && echo more >> secret.txt && git commit -qam more && git push -q && git log --oneline | wc -l`)
    expect(ok.result).toBe('top\n2\n')
  })

  it('uses credentials stored with the store helper (dangerouslyAuthenticate)', async () => {
    const url = seedRepo(authServer, 'stored', { 'a.txt': 'a\n' })
    const sb = await daytona.create()
    await sb.git.dangerouslyAuthenticate('ada', 's3cret', new URL(url).host, 'http')
    expect((await sh('cat ~/.git-credentials && git config --global credential.helper', sb)).result).toBe(`http://ada:s3cret@${new URL(url).host}\nstore\n`)
    const r = await sh(`git clone -q ${url} stored && cat stored/a.txt`, sb)
    expect(r.result).toBe('a\n')
    await sb.delete()
  })
})

describe('network failures and settings', () => {
  it('reports an unreachable host, an unknown repository and an unknown branch', async () => {
    const down = await sh('git clone http://127.0.0.1:9/nothing.git x1')
    expect(down.exitCode).toBe(128)
    expect(down.result).toContain("fatal: unable to access 'http://127.0.0.1:9/nothing.git/")
    const missing = await sh(`git clone ${server.url}/does-not-exist.git x2`)
    expect(missing.exitCode).toBe(128)
    expect(missing.result).toMatch(/fatal: repository '.*does-not-exist\.git.*' not found/)
    const url = seedRepo(server, 'nobranch', { 'a.txt': 'a\n' })
    const nob = await sh(`git clone -b nope ${url} x3`)
    expect(nob.result).toContain('fatal: Remote branch nope not found in upstream origin')
  })

  it('refuses every request when the sandbox has networkBlockAll, and honours allow lists', async () => {
    const url = seedRepo(server, 'blocked', { 'a.txt': 'a\n' })
    const blocked = await daytona.create({ networkBlockAll: true })
    const r = await sh(`git clone ${url} b`, blocked)
    expect(r.exitCode).toBe(128)
    expect(r.result).toContain('network access is blocked for this sandbox (networkBlockAll)')
    expect((await sh('ls b 2>&1 | head -1', blocked)).result).toContain('No such file')
    await blocked.delete()
    const listed = await daytona.create({ networkAllowList: '10.0.0.0/8' })
    const l = await sh(`git clone ${url} b`, listed)
    expect(l.result).toContain('127.0.0.1')
    expect(l.result).toContain('networkAllowList')
    await listed.delete()
    const allowed = await daytona.create({ networkAllowList: '127.0.0.0/8' })
    expect((await sh(`git clone -q ${url} b && cat b/a.txt`, allowed)).result).toBe('a\n')
    await allowed.delete()
  })
})

describe('remote and config commands', () => {
  it('adds, lists and removes remotes, and keeps --global config in the sandbox', async () => {
    const r = await sh('mkdir rc && cd rc && git init -q && git remote add origin https://example.com/a.git && git remote add up https://example.com/b.git && git remote -v && git remote get-url up && git remote remove up && git remote')
    expect(r.result).toBe('origin\thttps://example.com/a.git (fetch)\norigin\thttps://example.com/a.git (push)\nup\thttps://example.com/b.git (fetch)\nup\thttps://example.com/b.git (push)\nhttps://example.com/b.git\norigin\n')
    expect((await sh('cd rc && git remote add origin x')).result).toBe('error: remote origin already exists.\n')
    expect((await sh('git config --global core.editor vim && git config --global core.editor && cat ~/.gitconfig | grep -c editor')).result).toBe('vim\n1\n')
    expect((await sh('cd rc && git config user.name Local && git config user.name && git config --global user.name && git config --list --local | grep user')).result).toBe('Local\nSandbox User\nuser.name=Local\n')
    expect((await sh('git config --global nope.nothing; echo $?')).result).toBe('1\n')
  })

  it('says what git says without an identity, or pushing a branch that has no upstream', async () => {
    const fresh = await daytona.create()
    const r = await sh('mkdir id && cd id && git init -q && echo a > a && git add a && git commit -m a', fresh)
    expect(r.exitCode).toBe(128)
    expect(r.result).toMatch(/^Author identity unknown\n\n\*\*\* Please tell me who you are\.\n/)
    expect(r.result).toContain('git config --global user.email "you@example.com"')
    expect((await sh('cd id && git push', fresh)).result).toMatch(/^fatal: No configured push destination\./)
    await fresh.delete()
    const url = seedRepo(server, 'noupstream', { 'a.txt': 'a\n' })
    const p = await sh(`git clone -q ${url} noup && cd noup && git switch -q -c fresh && git push`)
    expect(p.exitCode).toBe(128)
    expect(p.result).toBe('fatal: The current branch fresh has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream origin fresh\n\nTo have this happen automatically for branches without a tracking\nupstream, see \'push.autoSetupRemote\' in \'git help config\'.\n\n')
  })

  it('names unsupported flags and commands', async () => {
    const r = await sh('mkdir us && cd us && git init -q && git status --frobnicate')
    expect(r.exitCode).toBe(129)
    expect(r.result).toContain("unknown option `frobnicate'")
    const c = await sh('git rebase main')
    expect(c.exitCode).toBe(1)
    expect(c.result).toContain("'rebase' is not supported by daylite's git")
    expect((await sh('git --version')).result).toMatch(/^git version 2\.39\.5/)
  })
})
