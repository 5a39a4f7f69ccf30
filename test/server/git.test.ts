/**
 * `daylite serve`'s toolbox git endpoints through the real, unmodified Daytona SDK
 * (`@daytonaio/sdk` 0.218): local repositories, clone/push/pull against a real `git http-backend`
 * on 127.0.0.1 (with and without basic auth), and Daytona's git error classes as the SDK raises them
 * from the server's error bodies.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import {
  Daytona,
  DaytonaAuthenticationError,
  DaytonaConflictError,
  DaytonaGitAuthFailedError,
  DaytonaGitBranchExistsError,
  DaytonaGitBranchNotFoundError,
  DaytonaGitDirtyWorktreeError,
  DaytonaGitMergeConflictError,
  DaytonaGitPushRejectedError,
  DaytonaGitRepoNotFoundError,
  DaytonaGitTransportFailedError,
  DaytonaNotFoundError,
  DaytonaValidationError,
  type Sandbox,
} from '@daytonaio/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type DayliteServer } from '../../src/server/index.js'
import { type GitServer, git, seedRepo, startGitServer, tempDir, writeFiles } from '../git/helpers.js'

for (const name of Object.keys(process.env)) if (name.startsWith('DAYTONA_')) delete process.env[name]

let server: DayliteServer
let daytona: Daytona
let sandbox: Sandbox
let remote: GitServer
let authRemote: GitServer

beforeAll(async () => {
  ;[server, remote, authRemote] = await Promise.all([
    createServer({ port: 0 }),
    startGitServer(),
    startGitServer({ auth: { username: 'ada', password: 'token-123' } }),
  ])
  daytona = new Daytona({ apiUrl: server.apiUrl, apiKey: 'local' })
  sandbox = await daytona.create()
})

afterAll(async () => {
  await daytona?.[Symbol.asyncDispose]()
  await server?.close()
  await remote?.close()
  await authRemote?.close()
})

async function rejects<T>(p: Promise<unknown>, cls: new (...args: never[]) => T): Promise<T> {
  try {
    await p
  } catch (error) {
    expect(error).toBeInstanceOf(cls)
    return error as T
  }
  throw new Error('expected a rejection')
}

async function sh(command: string): Promise<string> {
  return (await sandbox.process.executeCommand(command)).result
}

/** A raw toolbox request, for what the SDK's `Git` class does not send. */
async function toolbox(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}/toolbox/${sandbox.id}${path}`, {
    method,
    headers: { Authorization: 'Bearer local', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

function bare(srv: GitServer, url: string): string {
  return join(srv.root, new URL(url).pathname)
}

describe('daylite serve: git on local repositories', () => {
  it('init, add, commit, status, branches, checkout, reset and restore', async () => {
    await sandbox.git.init('work', false, 'main')
    await sandbox.fs.uploadFile(Buffer.from('hello\n'), 'work/a.txt')
    await sandbox.fs.uploadFile(Buffer.from('b\n'), 'work/dir/b.txt')
    expect(await sandbox.git.status('work')).toEqual({
      currentBranch: 'main',
      fileStatus: [
        { name: 'a.txt', staging: 'Untracked', worktree: 'Untracked', extra: '' },
        { name: 'dir/b.txt', staging: 'Untracked', worktree: 'Untracked', extra: '' },
      ],
      detached: false,
      ahead: 0,
      behind: 0,
      branchPublished: false,
      upstream: '',
    })
    await sandbox.git.add('work', ['a.txt'])
    expect((await sandbox.git.status('work')).fileStatus[0]).toEqual({ name: 'a.txt', staging: 'Added', worktree: 'Unmodified', extra: '' })
    await sandbox.git.add('work', ['.'])
    // The wire answer is `{hash}`; the SDK hands back `{sha}`.
    const { sha } = await sandbox.git.commit('work', 'first', 'Ada Lovelace', 'ada@example.com')
    expect(sha).toMatch(/^[0-9a-f]{40}$/)
    expect((await sh('cd work && git rev-parse HEAD && git log -1 --format="%an <%ae> %s"')).trim()).toBe(`${sha}\nAda Lovelace <ada@example.com> first`)
    expect((await sandbox.git.status('work')).fileStatus).toEqual([])
    // Nothing to commit, then allow_empty.
    await rejects(sandbox.git.commit('work', 'nothing', 'A', 'a@x'), DaytonaValidationError)
    const empty = await sandbox.git.commit('work', 'empty', 'A', 'a@x', true)
    expect(empty.sha).not.toBe(sha)

    // restore: the work tree by default, the index with staged.
    await sandbox.fs.uploadFile(Buffer.from('hello\nworld\n'), 'work/a.txt')
    await sandbox.fs.deleteFile('work/dir/b.txt')
    await sandbox.fs.uploadFile(Buffer.from('c\n'), 'work/c.txt')
    await sandbox.git.add('work', ['c.txt'])
    expect((await sandbox.git.status('work')).fileStatus).toEqual([
      { name: 'a.txt', staging: 'Unmodified', worktree: 'Modified', extra: '' },
      { name: 'c.txt', staging: 'Added', worktree: 'Unmodified', extra: '' },
      { name: 'dir/b.txt', staging: 'Unmodified', worktree: 'Deleted', extra: '' },
    ])
    await sandbox.git.restore('work', ['a.txt', 'dir'])
    await sandbox.git.restore('work', ['c.txt'], true)
    expect((await sandbox.git.status('work')).fileStatus).toEqual([{ name: 'c.txt', staging: 'Untracked', worktree: 'Untracked', extra: '' }])
    expect((await sandbox.fs.downloadFile('work/a.txt')).toString()).toBe('hello\n')

    // Branches: createBranch checks the new branch out; checkout by name and by commit.
    await sandbox.git.createBranch('work', 'feature')
    expect(await sandbox.git.branches('work')).toEqual({ branches: ['feature', 'main'], current: 'feature' })
    const exists = await rejects(sandbox.git.createBranch('work', 'feature'), DaytonaGitBranchExistsError)
    expect(exists).toBeInstanceOf(DaytonaConflictError)
    await sandbox.git.add('work', ['c.txt'])
    const f = await sandbox.git.commit('work', 'feature commit', 'Ada Lovelace', 'ada@example.com')
    await sandbox.git.checkoutBranch('work', 'main')
    expect(await sh('ls work')).toBe('a.txt\ndir\n')
    await sandbox.git.checkoutBranch('work', f.sha)
    expect(await sandbox.git.status('work')).toMatchObject({ currentBranch: 'HEAD', detached: true })
    expect((await sandbox.git.branches('work')).current).toBe('')
    await sandbox.git.checkoutBranch('work', 'main')
    const missing = await rejects(sandbox.git.checkoutBranch('work', 'nope'), DaytonaGitBranchNotFoundError)
    expect(missing).toBeInstanceOf(DaytonaNotFoundError)
    expect([missing.statusCode, missing.code, missing.source]).toEqual([404, 'GIT_BRANCH_NOT_FOUND', 'DAYTONA_DAEMON'])
    await sandbox.fs.uploadFile(Buffer.from('local\n'), 'work/c.txt')
    const dirty = await rejects(sandbox.git.checkoutBranch('work', 'feature'), DaytonaGitDirtyWorktreeError)
    expect(dirty).toBeInstanceOf(DaytonaConflictError)
    expect(dirty.message).toContain('c.txt')
    await sandbox.fs.deleteFile('work/c.txt')
    await sandbox.git.deleteBranch('work', 'feature')
    expect((await sandbox.git.branches('work')).branches).toEqual(['main'])
    await rejects(sandbox.git.deleteBranch('work', 'feature'), DaytonaGitBranchNotFoundError)

    // reset: mixed (default), soft to a target, only some files, hard; a bad mode is a 400.
    await sandbox.fs.uploadFile(Buffer.from('x\n'), 'work/x.txt')
    await sandbox.git.add('work', ['x.txt'])
    await sandbox.git.reset('work')
    expect((await sandbox.git.status('work')).fileStatus).toEqual([{ name: 'x.txt', staging: 'Untracked', worktree: 'Untracked', extra: '' }])
    await sandbox.git.add('work', ['x.txt'])
    await sandbox.git.commit('work', 'x', 'A', 'a@x')
    await sandbox.git.reset('work', 'soft', 'HEAD~1')
    expect((await sandbox.git.status('work')).fileStatus).toEqual([{ name: 'x.txt', staging: 'Added', worktree: 'Unmodified', extra: '' }])
    await sandbox.git.reset('work', 'mixed', 'HEAD', ['x.txt'])
    expect((await sandbox.git.status('work')).fileStatus[0]?.staging).toBe('Untracked')
    await sandbox.fs.uploadFile(Buffer.from('changed\n'), 'work/a.txt')
    await sandbox.git.reset('work', 'hard', 'HEAD~1')
    expect((await sh('cd work && git log --oneline | wc -l && cat a.txt')).trim()).toBe('1\nhello')
    await rejects(sandbox.git.reset('work', 'sideways'), DaytonaValidationError)
  })

  it('config at global and local scope, configureUser, remotes', async () => {
    await sandbox.git.setConfig('core.editor', 'nano')
    expect(await sandbox.git.getConfig('core.editor')).toBe('nano')
    expect(await sh('cat ~/.gitconfig')).toContain('editor = nano')
    // Unset: undefined, as in-process (the answer carries no value).
    expect(await sandbox.git.getConfig('user.name')).toBeUndefined()
    await sandbox.git.init('conf')
    await sandbox.git.configureUser('Local User', 'local@example.com', 'local', 'conf')
    expect(await sandbox.git.getConfig('user.name', 'local', 'conf')).toBe('Local User')
    expect(await sandbox.git.getConfig('user.name')).toBeUndefined()
    await sandbox.git.configureUser('Global User', 'global@example.com')
    expect(await sandbox.git.getConfig('user.email')).toBe('global@example.com')
    await sandbox.git.setConfig('pull.rebase', 'false', 'local', 'conf')
    expect(await sandbox.git.getConfig('pull.rebase', 'local', 'conf')).toBe('false')
    await rejects(sandbox.git.setConfig('a.b', 'c', 'local'), DaytonaValidationError)
    await rejects(sandbox.git.setConfig('nodot', 'c'), DaytonaValidationError)

    await sandbox.git.remoteAdd('conf', 'origin', 'https://user:pw@example.com/a.git')
    await sandbox.git.remoteAdd('conf', 'upstream', 'https://example.com/b.git')
    expect(await sandbox.git.remotes('conf')).toEqual({
      remotes: [
        { name: 'origin', url: 'https://user@example.com/a.git' },
        { name: 'upstream', url: 'https://example.com/b.git' },
      ],
    })
    expect(await sandbox.git.remoteGet('conf', 'upstream')).toBe('https://example.com/b.git')
    expect(await sandbox.git.remoteGet('conf', 'nope')).toBeUndefined()
    await rejects(sandbox.git.remoteAdd('conf', 'upstream', 'https://example.com/c.git'), DaytonaGitBranchExistsError)
    await sandbox.git.remoteAdd('conf', 'upstream', 'https://example.com/c.git', false, true)
    expect(await sandbox.git.remoteGet('conf', 'upstream')).toBe('https://example.com/c.git')

    const notRepo = await rejects(sandbox.git.status('not-a-repo'), DaytonaGitRepoNotFoundError)
    expect(notRepo).toBeInstanceOf(DaytonaNotFoundError)
    expect(notRepo.message).toContain('not a git repository')
  })

  it('GET /git/history (the toolbox client has it; the SDK Git class does not)', async () => {
    await sandbox.git.init('hist', false, 'main')
    expect(await toolbox('GET', '/git/history?path=hist')).toEqual({ status: 200, json: [] })
    await sandbox.fs.uploadFile(Buffer.from('1\n'), 'hist/one.txt')
    await sandbox.git.add('hist', ['.'])
    const first = await sandbox.git.commit('hist', 'one', 'Ada Lovelace', 'ada@example.com')
    await sandbox.fs.uploadFile(Buffer.from('2\n'), 'hist/two.txt')
    await sandbox.git.add('hist', ['.'])
    const second = await sandbox.git.commit('hist', 'two\n\nwith a body', 'Grace Hopper', 'grace@example.com')
    const { status, json } = await toolbox('GET', '/git/history?path=hist')
    expect(status).toBe(200)
    const commits = json as { hash: string; author: string; email: string; message: string; timestamp: string }[]
    expect(commits.map((c) => [c.hash, c.author, c.email, c.message.trim()])).toEqual([
      [second.sha, 'Grace Hopper', 'grace@example.com', 'two\n\nwith a body'],
      [first.sha, 'Ada Lovelace', 'ada@example.com', 'one'],
    ])
    for (const c of commits) expect(Number.isNaN(Date.parse(c.timestamp))).toBe(false)
    const nope = await toolbox('GET', '/git/history?path=not-a-repo')
    expect(nope).toMatchObject({ status: 404, json: { code: 'GIT_REPO_NOT_FOUND', source: 'DAYTONA_DAEMON' } })
  })

  it('answers malformed requests with 400 and the daemon error body', async () => {
    expect(await toolbox('POST', '/git/add', { path: 'work' })).toMatchObject({ status: 400, json: { code: 'BAD_REQUEST', message: 'files must be an array of strings' } })
    expect(await toolbox('POST', '/git/commit', { path: 'work', message: 'm', author: 'a', email: 'e', allow_empty: 'yes' })).toMatchObject({ status: 400 })
    expect(await toolbox('GET', '/git/status')).toMatchObject({ status: 400, json: { message: 'query parameter path is required' } })
    expect(await toolbox('POST', '/git/clone', { path: 'x' })).toMatchObject({ status: 400, json: { message: 'url must be a string' } })
    expect(await toolbox('GET', '/git/nope')).toMatchObject({ status: 501 })
  })
})

describe('daylite serve: git against a git http-backend', () => {
  it('clone (branch, commit, depth), push with upstream, pull, then a rejected push and a merge conflict', async () => {
    const url = seedRepo(remote, 'serve-api', { 'README.md': '# api\n', 'src/main.ts': 'console.log(1)\n' })
    const native = tempDir()
    git(native, ['clone', '-q', bare(remote, url), '.'])
    git(native, ['checkout', '-q', '-b', 'dev'])
    writeFiles(native, { 'dev.txt': 'dev\n' })
    git(native, ['add', '-A'])
    git(native, ['commit', '-q', '-m', 'dev work'])
    git(native, ['push', '-q', 'origin', 'dev'])
    const devSha = git(native, ['rev-parse', 'HEAD']).trim()
    const mainSha = git(native, ['rev-parse', 'main']).trim()

    await sandbox.git.clone(url, 'api')
    expect((await sandbox.git.branches('api')).branches).toEqual(['main'])
    expect(await sandbox.git.status('api')).toMatchObject({ currentBranch: 'main', branchPublished: true, upstream: 'origin/main', ahead: 0, behind: 0 })
    await sandbox.git.clone(url, 'api-dev', 'dev')
    expect((await sh('cd api-dev && git rev-parse HEAD && cat dev.txt')).trim()).toBe(`${devSha}\ndev`)
    await sandbox.git.clone(url, 'api-commit', 'dev', mainSha)
    expect(await sandbox.git.status('api-commit')).toMatchObject({ currentBranch: 'HEAD', detached: true })
    await sandbox.git.clone(url, 'api-shallow', 'dev', undefined, undefined, undefined, true, 1)
    expect((await sh('cd api-shallow && git log --oneline | wc -l')).trim()).toBe('1')
    await rejects(sandbox.git.clone(url, 'api-nobranch', 'missing'), DaytonaGitBranchNotFoundError)

    // A new branch pushed with its upstream (set_upstream on the wire).
    await sandbox.git.createBranch('api', 'sandbox-work')
    await sandbox.fs.uploadFile(Buffer.from('from the sandbox\n'), 'api/sandbox.txt')
    await sandbox.git.add('api', ['sandbox.txt'])
    const { sha } = await sandbox.git.commit('api', 'sandbox work', 'Ada Lovelace', 'ada@example.com')
    expect(await sandbox.git.status('api')).toMatchObject({ currentBranch: 'sandbox-work', branchPublished: false, upstream: '' })
    await sandbox.git.push('api', undefined, undefined, undefined, undefined, true)
    expect(await sandbox.git.status('api')).toMatchObject({ branchPublished: true, upstream: 'origin/sandbox-work', ahead: 0, behind: 0 })
    git(native, ['fetch', '-q'])
    expect(git(native, ['rev-parse', 'origin/sandbox-work']).trim()).toBe(sha)

    // Ahead, pushed; then a native commit, pulled.
    await sandbox.fs.uploadFile(Buffer.from('more\n'), 'api/more.txt')
    await sandbox.git.add('api', ['.'])
    await sandbox.git.commit('api', 'more', 'Ada Lovelace', 'ada@example.com')
    expect(await sandbox.git.status('api')).toMatchObject({ ahead: 1, behind: 0 })
    await sandbox.git.push('api')
    git(native, ['fetch', '-q'])
    git(native, ['checkout', '-q', '-b', 'sandbox-work', 'origin/sandbox-work'])
    writeFiles(native, { 'native.txt': 'native\n' })
    git(native, ['add', '-A'])
    git(native, ['commit', '-q', '-m', 'native on sandbox-work'])
    git(native, ['push', '-q', 'origin', 'sandbox-work'])
    await sandbox.git.pull('api', undefined, undefined, 'sandbox-work', 'origin')
    expect((await sh('cd api && git rev-parse HEAD && cat native.txt')).trim()).toBe(`${git(native, ['rev-parse', 'HEAD']).trim()}\nnative`)

    // Diverged: the push is rejected, the pull conflicts and changes nothing.
    writeFiles(native, { 'native.txt': 'native 2\n' })
    git(native, ['commit', '-q', '-am', 'native 2'])
    git(native, ['push', '-q', 'origin', 'sandbox-work'])
    await sandbox.fs.uploadFile(Buffer.from('sandbox 2\n'), 'api/native.txt')
    await sandbox.git.add('api', ['native.txt'])
    await sandbox.git.commit('api', 'sandbox 2', 'Ada Lovelace', 'ada@example.com')
    const rejected = await rejects(sandbox.git.push('api'), DaytonaGitPushRejectedError)
    expect(rejected).toBeInstanceOf(DaytonaConflictError)
    expect([rejected.statusCode, rejected.code]).toEqual([409, 'GIT_PUSH_REJECTED'])
    expect(rejected.message).toContain('fetch first')
    const conflict = await rejects(sandbox.git.pull('api'), DaytonaGitMergeConflictError)
    expect(conflict.message).toContain('Merge conflict in native.txt')
    expect((await sandbox.fs.downloadFile('api/native.txt')).toString()).toBe('sandbox 2\n')
    rmSync(native, { recursive: true, force: true })
  })

  it('basic auth: failures raise DaytonaGitAuthFailedError; credentials per call or stored', async () => {
    const url = seedRepo(authRemote, 'serve-secure', { 'a.txt': 'a\n' })
    const none = await rejects(sandbox.git.clone(url, 'secure-none'), DaytonaGitAuthFailedError)
    expect(none).toBeInstanceOf(DaytonaAuthenticationError)
    expect([none.statusCode, none.code, none.source]).toEqual([401, 'GIT_AUTH_FAILED', 'DAYTONA_DAEMON'])
    const bad = await rejects(sandbox.git.clone(url, 'secure-bad', undefined, undefined, 'ada', 'wrong'), DaytonaGitAuthFailedError)
    expect(bad.message).not.toContain('wrong')
    await sandbox.git.clone(url, 'secure', undefined, undefined, 'ada', 'token-123')
    expect((await sandbox.fs.downloadFile('secure/a.txt')).toString()).toBe('a\n')
    expect(await sandbox.git.remoteGet('secure', 'origin')).toBe(url)
    await sandbox.fs.uploadFile(Buffer.from('b\n'), 'secure/b.txt')
    await sandbox.git.add('secure', ['b.txt'])
    await sandbox.git.commit('secure', 'b', 'Ada', 'ada@example.com')
    await rejects(sandbox.git.push('secure'), DaytonaGitAuthFailedError)
    await sandbox.git.push('secure', 'ada', 'token-123')
    expect(git(bare(authRemote, url), ['log', '-1', '--format=%s', 'main']).trim()).toBe('b')
    await sandbox.git.pull('secure', 'ada', 'token-123')

    // dangerouslyAuthenticate (POST /git/credentials) serves later calls, remoteAdd with fetch included.
    const other = await daytona.create()
    try {
      await other.git.init('later', false, 'main')
      await other.git.dangerouslyAuthenticate('ada', 'token-123', new URL(url).host, 'http')
      await other.git.remoteAdd('later', 'origin', url, true)
      expect((await other.process.executeCommand('cd later && git branch -r')).result).toBe('  origin/main\n')
      await other.git.clone(url, 'later-clone')
      expect((await other.fs.downloadFile('later-clone/a.txt')).toString()).toBe('a\n')
    } finally {
      await other.delete()
    }
  })

  it('an unreachable or missing remote, and a sandbox with its network blocked', async () => {
    const down = await rejects(sandbox.git.clone('http://127.0.0.1:9/x.git', 'down'), DaytonaGitTransportFailedError)
    expect(down.statusCode).toBe(502)
    const gone = await rejects(sandbox.git.clone(`${remote.url}/nope.git`, 'gone'), DaytonaGitRepoNotFoundError)
    expect(gone.statusCode).toBe(404)
    const url = seedRepo(remote, 'serve-blocked', { 'a.txt': 'a\n' })
    const blocked = await daytona.create({ networkBlockAll: true })
    try {
      const e = await rejects(blocked.git.clone(url, 'b'), DaytonaGitTransportFailedError)
      expect(e.message).toContain('networkBlockAll')
    } finally {
      await blocked.delete()
    }
    // A stopped sandbox: a 400 that says so, not a hang.
    const stopped = await daytona.create()
    await stopped.stop()
    const notRunning = await rejects(stopped.git.status('x'), DaytonaValidationError)
    expect(notRunning.code).toBe('INVALID_STATE')
    await stopped.delete()
  })
})
