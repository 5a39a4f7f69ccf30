/**
 * Daytona's `Git` class (`sandbox.git`): every method, its result shapes and Daytona's status
 * names, progress callbacks, and errors mapped to Daytona's classes, against a real
 * `git http-backend` and checked with the system git.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  type GitProgress,
  type Sandbox,
} from '../../src/index.js'
import { type GitServer, git, seedRepo, startGitServer, tempDir, writeFiles } from './helpers.js'

let daytona: Daytona
let sandbox: Sandbox
let server: GitServer
let authServer: GitServer

beforeAll(async () => {
  server = await startGitServer()
  authServer = await startGitServer({ auth: { username: 'ada', password: 'token-123' } })
  daytona = new Daytona()
  sandbox = await daytona.create()
})
afterAll(async () => {
  await daytona?.dispose()
  await server?.close()
  await authServer?.close()
})

function bare(srv: GitServer, url: string): string {
  return join(srv.root, new URL(url).pathname)
}

function nativeClone(srv: GitServer, url: string): string {
  const dir = tempDir()
  git(dir, ['clone', '-q', bare(srv, url), '.'])
  return dir
}

async function sh(command: string): Promise<string> {
  return (await sandbox.process.executeCommand(command)).result
}

async function rejects<T>(p: Promise<unknown>, cls: new (...args: never[]) => T): Promise<T> {
  try {
    await p
  } catch (error) {
    expect(error).toBeInstanceOf(cls)
    return error as T
  }
  throw new Error('expected a rejection')
}

describe('sandbox.git: local repositories', () => {
  it('init, add, commit, status, branches, checkout, reset and restore', async () => {
    await sandbox.git.init('work', false, 'main')
    await sandbox.git.configureUser('Ada Lovelace', 'ada@example.com', 'local', 'work')
    expect(await sandbox.git.getConfig('user.name', 'local', 'work')).toBe('Ada Lovelace')
    expect(await sandbox.git.getConfig('user.name')).toBeUndefined()
    await sandbox.fs.uploadFile(Buffer.from('hello\n'), 'work/a.txt')
    await sandbox.fs.uploadFile(Buffer.from('b\n'), 'work/dir/b.txt')
    let st = await sandbox.git.status('work')
    expect(st).toEqual({
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
    st = await sandbox.git.status('work')
    expect(st.fileStatus[0]).toEqual({ name: 'a.txt', staging: 'Added', worktree: 'Unmodified', extra: '' })
    await sandbox.git.add('work', ['.'])
    const { sha } = await sandbox.git.commit('work', 'first', 'Ada Lovelace', 'ada@example.com')
    expect(sha).toMatch(/^[0-9a-f]{40}$/)
    expect((await sh('cd work && git rev-parse HEAD && git log -1 --format="%an <%ae> %s"')).trim()).toBe(`${sha}\nAda Lovelace <ada@example.com> first`)
    expect((await sandbox.git.status('work')).fileStatus).toEqual([])
    // Nothing to commit, then allowEmpty.
    await rejects(sandbox.git.commit('work', 'nothing', 'A', 'a@x'), DaytonaValidationError)
    const empty = await sandbox.git.commit('work', 'empty', 'A', 'a@x', true)
    expect(empty.sha).not.toBe(sha)
    // Modified, deleted, staged.
    await sandbox.fs.uploadFile(Buffer.from('hello\nworld\n'), 'work/a.txt')
    await sandbox.fs.deleteFile('work/dir/b.txt')
    await sandbox.fs.uploadFile(Buffer.from('c\n'), 'work/c.txt')
    await sandbox.git.add('work', ['c.txt'])
    expect((await sandbox.git.status('work')).fileStatus).toEqual([
      { name: 'a.txt', staging: 'Unmodified', worktree: 'Modified', extra: '' },
      { name: 'c.txt', staging: 'Added', worktree: 'Unmodified', extra: '' },
      { name: 'dir/b.txt', staging: 'Unmodified', worktree: 'Deleted', extra: '' },
    ])
    // restore: the work tree by default, the index with staged.
    await sandbox.git.restore('work', ['a.txt', 'dir'])
    await sandbox.git.restore('work', ['c.txt'], true)
    expect((await sandbox.git.status('work')).fileStatus).toEqual([{ name: 'c.txt', staging: 'Untracked', worktree: 'Untracked', extra: '' }])
    expect((await sandbox.fs.downloadFile('work/a.txt')).toString()).toBe('hello\n')
    // Branches: createBranch checks the new branch out (as Daytona does).
    await sandbox.git.createBranch('work', 'feature')
    expect(await sandbox.git.branches('work')).toEqual({ branches: ['feature', 'main'], current: 'feature' })
    await rejects(sandbox.git.createBranch('work', 'feature'), DaytonaGitBranchExistsError)
    await sandbox.git.add('work', ['c.txt'])
    const f = await sandbox.git.commit('work', 'feature commit', 'Ada Lovelace', 'ada@example.com')
    await sandbox.git.checkoutBranch('work', 'main')
    expect((await sandbox.git.status('work')).currentBranch).toBe('main')
    expect(await sh('ls work')).toBe('a.txt\ndir\n')
    // A commit id: detached HEAD.
    await sandbox.git.checkoutBranch('work', f.sha)
    expect(await sandbox.git.status('work')).toMatchObject({ currentBranch: 'HEAD', detached: true })
    expect((await sandbox.git.branches('work')).current).toBe('')
    await sandbox.git.checkoutBranch('work', 'main')
    const missing = await rejects(sandbox.git.checkoutBranch('work', 'nope'), DaytonaGitBranchNotFoundError)
    expect(missing).toBeInstanceOf(DaytonaNotFoundError)
    expect(missing.statusCode).toBe(404)
    expect(missing.code).toBe('GIT_BRANCH_NOT_FOUND')
    // Local changes in the way.
    await sandbox.fs.uploadFile(Buffer.from('local\n'), 'work/c.txt')
    const dirty = await rejects(sandbox.git.checkoutBranch('work', 'feature'), DaytonaGitDirtyWorktreeError)
    expect(dirty).toBeInstanceOf(DaytonaConflictError)
    expect(dirty.message).toContain('c.txt')
    await sandbox.fs.deleteFile('work/c.txt')
    await sandbox.git.deleteBranch('work', 'feature')
    expect((await sandbox.git.branches('work')).branches).toEqual(['main'])
    // reset: mixed (default) keeps the work tree, soft keeps the index, hard resets both.
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

  it('config at global and local scope, remotes', async () => {
    await sandbox.git.setConfig('core.editor', 'nano')
    expect(await sandbox.git.getConfig('core.editor')).toBe('nano')
    expect(await sandbox.git.getConfig('core.editor', 'global')).toBe('nano')
    expect(await sh('cat ~/.gitconfig')).toContain('editor = nano')
    await sandbox.git.configureUser('Global User', 'global@example.com')
    expect(await sandbox.git.getConfig('user.email')).toBe('global@example.com')
    await sandbox.git.init('conf')
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
})

describe('sandbox.git: remotes', () => {
  it('clone (branch, commit, depth, progress), push with upstream, pull, ahead and behind', async () => {
    const url = seedRepo(server, 'api', { 'README.md': '# api\n', 'src/main.ts': 'console.log(1)\n' })
    const native = nativeClone(server, url)
    git(native, ['checkout', '-q', '-b', 'dev'])
    writeFiles(native, { 'dev.txt': 'dev\n' })
    git(native, ['add', '-A'])
    git(native, ['commit', '-q', '-m', 'dev work'])
    git(native, ['push', '-q', 'origin', 'dev'])
    const devSha = git(native, ['rev-parse', 'HEAD']).trim()
    const mainSha = git(native, ['rev-parse', 'main']).trim()
    const phases: GitProgress[] = []
    await sandbox.git.clone(url, 'api', undefined, undefined, undefined, undefined, undefined, undefined, { onProgress: (p) => phases.push(p) })
    expect(phases.length).toBeGreaterThan(0)
    expect(phases.some((p) => p.phase === 'Receiving objects' && p.total !== undefined && p.loaded === p.total)).toBe(true)
    expect((await sandbox.git.branches('api')).branches).toEqual(['main'])
    expect(await sandbox.git.status('api')).toMatchObject({ currentBranch: 'main', branchPublished: true, upstream: 'origin/main', ahead: 0, behind: 0 })
    await sandbox.git.clone(url, 'api-dev', 'dev')
    expect((await sh('cd api-dev && git rev-parse HEAD && cat dev.txt')).trim()).toBe(`${devSha}\ndev`)
    await sandbox.git.clone(url, 'api-commit', 'dev', mainSha)
    expect(await sandbox.git.status('api-commit')).toMatchObject({ currentBranch: 'HEAD', detached: true })
    await sandbox.git.clone(url, 'api-shallow', 'dev', undefined, undefined, undefined, undefined, 1)
    expect((await sh('cd api-shallow && git log --oneline | wc -l')).trim()).toBe('1')
    await rejects(sandbox.git.clone(url, 'api-nobranch', 'missing'), DaytonaGitBranchNotFoundError)
    // Commit and push a new branch with its upstream.
    await sandbox.git.configureUser('Ada Lovelace', 'ada@example.com')
    await sandbox.git.createBranch('api', 'sandbox-work')
    await sandbox.fs.uploadFile(Buffer.from('from the sandbox\n'), 'api/sandbox.txt')
    await sandbox.git.add('api', ['sandbox.txt'])
    const { sha } = await sandbox.git.commit('api', 'sandbox work', 'Ada Lovelace', 'ada@example.com')
    expect(await sandbox.git.status('api')).toMatchObject({ currentBranch: 'sandbox-work', branchPublished: false, upstream: '' })
    await sandbox.git.push('api', undefined, undefined, undefined, undefined, true)
    expect(await sandbox.git.status('api')).toMatchObject({ branchPublished: true, upstream: 'origin/sandbox-work', ahead: 0, behind: 0 })
    git(native, ['fetch', '-q'])
    expect(git(native, ['rev-parse', 'origin/sandbox-work']).trim()).toBe(sha)
    expect(git(native, ['log', '-1', '--format=%an <%ae>|%s', 'origin/sandbox-work']).trim()).toBe('Ada Lovelace <ada@example.com>|sandbox work')
    // Ahead, then behind, then pull.
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
    await sandbox.git.pull('api')
    expect((await sh('cd api && git rev-parse HEAD && cat native.txt')).trim()).toBe(`${git(native, ['rev-parse', 'HEAD']).trim()}\nnative`)
    // Rejected push, then a merge conflict on pull.
    writeFiles(native, { 'native.txt': 'native 2\n' })
    git(native, ['commit', '-q', '-am', 'native 2'])
    git(native, ['push', '-q', 'origin', 'sandbox-work'])
    await sandbox.fs.uploadFile(Buffer.from('sandbox 2\n'), 'api/native.txt')
    await sandbox.git.add('api', ['native.txt'])
    await sandbox.git.commit('api', 'sandbox 2', 'Ada Lovelace', 'ada@example.com')
    const rejected = await rejects(sandbox.git.push('api'), DaytonaGitPushRejectedError)
    expect(rejected).toBeInstanceOf(DaytonaConflictError)
    expect(rejected.code).toBe('GIT_PUSH_REJECTED')
    expect(rejected.message).toContain('fetch first')
    const conflict = await rejects(sandbox.git.pull('api'), DaytonaGitMergeConflictError)
    expect(conflict.message).toContain('Merge conflict in native.txt')
    expect((await sandbox.fs.downloadFile('api/native.txt')).toString()).toBe('sandbox 2\n')
    rmSync(native, { recursive: true, force: true })
  })

  it('authenticates with username and password (or a token), and maps failures', async () => {
    const url = seedRepo(authServer, 'secure', { 'a.txt': 'a\n' })
    const none = await rejects(sandbox.git.clone(url, 'secure-none'), DaytonaGitAuthFailedError)
    expect(none).toBeInstanceOf(DaytonaAuthenticationError)
    expect(none.statusCode).toBe(401)
    const bad = await rejects(sandbox.git.clone(url, 'secure-bad', undefined, undefined, 'ada', 'wrong'), DaytonaGitAuthFailedError)
    expect(bad.message).toContain('Authentication failed')
    expect(bad.message).not.toContain('wrong')
    await sandbox.git.clone(url, 'secure', undefined, undefined, 'ada', 'token-123')
    expect((await sandbox.fs.downloadFile('secure/a.txt')).toString()).toBe('a\n')
    // The remote URL keeps no credentials; push needs them again.
    expect(await sandbox.git.remoteGet('secure', 'origin')).toBe(url)
    await sandbox.fs.uploadFile(Buffer.from('b\n'), 'secure/b.txt')
    await sandbox.git.add('secure', ['b.txt'])
    await sandbox.git.commit('secure', 'b', 'Ada', 'ada@example.com')
    await rejects(sandbox.git.push('secure'), DaytonaGitAuthFailedError)
    await sandbox.git.push('secure', 'ada', 'token-123')
    expect(git(bare(authServer, url), ['log', '-1', '--format=%s', 'main']).trim()).toBe('b')
    await sandbox.git.pull('secure', 'ada', 'token-123')
  })

  it('maps an unreachable host and blocked network to DaytonaGitTransportFailedError', async () => {
    const down = await rejects(sandbox.git.clone('http://127.0.0.1:9/x.git', 'down'), DaytonaGitTransportFailedError)
    expect(down.statusCode).toBe(502)
    expect(down.message).toContain('127.0.0.1:9')
    const gone = await rejects(sandbox.git.clone(`${server.url}/nope.git`, 'gone'), DaytonaGitRepoNotFoundError)
    expect(gone.statusCode).toBe(404)
    const url = seedRepo(server, 'blocked-api', { 'a.txt': 'a\n' })
    const blocked = await daytona.create({ networkBlockAll: true })
    const e = await rejects(blocked.git.clone(url, 'b'), DaytonaGitTransportFailedError)
    expect(e.message).toContain('networkBlockAll')
    await blocked.delete()
    const listed = await daytona.create({ domainAllowList: 'github.com' })
    const l = await rejects(listed.git.clone(url, 'b'), DaytonaGitTransportFailedError)
    expect(l.message).toContain('domainAllowList')
    await listed.delete()
  })

  it('remoteAdd with fetch, and dangerouslyAuthenticate for later calls', async () => {
    const url = seedRepo(authServer, 'later', { 'l.txt': 'l\n' })
    const sb = await daytona.create()
    await sb.git.init('later', false, 'main')
    await sb.git.dangerouslyAuthenticate('ada', 'token-123', new URL(url).host, 'http')
    await sb.git.remoteAdd('later', 'origin', url, true)
    expect((await sb.process.executeCommand('cd later && git branch -r')).result).toBe('  origin/main\n')
    await sb.git.clone(url, 'later-clone')
    expect((await sb.fs.downloadFile('later-clone/l.txt')).toString()).toBe('l\n')
    await sb.delete()
  })
})
