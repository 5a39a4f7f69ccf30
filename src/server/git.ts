/**
 * Daytona's toolbox git endpoints (`/git/…`, what the SDK's `sandbox.git` calls), translated onto
 * the sandbox backend's `git()` requests: the wire bodies (snake_case where the toolbox client
 * sends it: `commit_id`, `allow_empty`, `set_upstream`, `initial_branch`) become one request
 * object, and the replies Daytona's response models. Git failures carry a git code that
 * `toDaytonaError` turns into Daytona's code (`GIT_BRANCH_NOT_FOUND`, `GIT_PUSH_REJECTED`…), so the
 * SDK raises the same class as the in-process API.
 */
import { randomUUID } from 'node:crypto'
import type { SandboxBackend } from '../engine/backend.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { GitProgressEvent, GitReplies, GitRequest } from '../engine/protocol.js'
import {
  ok,
  optionalBoolean,
  optionalNumber,
  optionalString,
  queryString,
  readObject,
  requiredField,
  requiredString,
  stringArray,
  type Router,
} from './http.js'
import type { ToolboxContext } from './toolbox.js'

/** A backend that runs Git API calls (the in-process engine's `SandboxHost` does). */
interface GitBackend {
  git<R extends GitRequest>(req: R, onProgress?: (p: GitProgressEvent) => void): Promise<GitReplies[R['op']]>
}

function hasGit(backend: SandboxBackend): backend is SandboxBackend & GitBackend {
  return typeof (backend as Partial<GitBackend>).git === 'function'
}

/** The backend's git (through a sandbox that delegates), or a 501 when it has none. */
function gitOf(host: SandboxBackend): GitBackend {
  let b: SandboxBackend | undefined = host
  while (b && !hasGit(b)) b = b.inner?.()
  if (!b) throw new SandboxError(SandboxErrorCode.UNSUPPORTED, `git is not available for sandbox ${host.id} where it runs now (${host.placement ?? 'wasm'})`)
  return b
}

/** `req` without its undefined fields (absent, as the in-process API sends them). */
function compact<R extends GitRequest>(req: R): R {
  return Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as R
}

function run<R extends GitRequest>(host: SandboxBackend, req: R): Promise<GitReplies[R['op']]> {
  return gitOf(host).git(compact(req))
}

/** Config scope: Daytona's daemon defaults to `global` when none (or an empty one) is sent. */
function scopeOf(value: string | undefined): string {
  return value === undefined || value === '' ? 'global' : value
}

/** Daytona's `GitCommitInfo`, one entry of `GET /git/history`. */
interface GitCommitInfo {
  hash: string
  author: string
  email: string
  message: string
  /** The author date, RFC 3339 (as Go's `time.Time` marshals it). */
  timestamp: string
}

/** Registers the `/git/…` routes on the toolbox router. */
export function addGitRoutes(router: Router<ToolboxContext>): void {
  router.add('POST', '/git/clone', async ({ req, host }) => {
    const body = await readObject(req)
    // insecure_skip_tls is accepted and ignored, as in-process: the host's fetch verifies TLS.
    optionalBoolean(body, 'insecure_skip_tls')
    const depth = optionalNumber(body, 'depth')
    await run(host, {
      op: 'clone',
      url: requiredField(body, 'url'),
      path: requiredField(body, 'path'),
      branch: optionalString(body, 'branch'),
      commitId: optionalString(body, 'commit_id'),
      username: optionalString(body, 'username'),
      password: optionalString(body, 'password'),
      depth: depth === 0 ? undefined : depth,
    })
    return ok()
  })
  router.add('POST', '/git/init', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, { op: 'init', path: requiredField(body, 'path'), bare: optionalBoolean(body, 'bare'), initialBranch: optionalString(body, 'initial_branch') })
    return ok()
  })
  router.add('POST', '/git/add', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, { op: 'add', path: requiredField(body, 'path'), files: stringArray(body, 'files', true) })
    return ok()
  })
  router.add('POST', '/git/commit', async ({ req, host }) => {
    const body = await readObject(req)
    const { sha } = await run(host, {
      op: 'commit',
      path: requiredField(body, 'path'),
      message: requiredField(body, 'message'),
      author: requiredField(body, 'author'),
      email: requiredField(body, 'email'),
      allowEmpty: optionalBoolean(body, 'allow_empty'),
    })
    return ok({ hash: sha })
  })
  router.add('GET', '/git/status', async ({ host, query }) => ok(await run(host, { op: 'status', path: requiredString(query, 'path') })))
  router.add('GET', '/git/history', async ({ host, query }) => ok(await history(host, requiredString(query, 'path'))))

  // ── branches ──────────────────────────────────────────────────────────────────────────
  router.add('GET', '/git/branches', async ({ host, query }) => ok(await run(host, { op: 'branches', path: requiredString(query, 'path') })))
  router.add('POST', '/git/branches', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, { op: 'createBranch', path: requiredField(body, 'path'), name: requiredField(body, 'name') })
    return ok(undefined, 201)
  })
  router.add('DELETE', '/git/branches', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, { op: 'deleteBranch', path: requiredField(body, 'path'), name: requiredField(body, 'name') })
    return ok(undefined, 204)
  })
  router.add('POST', '/git/checkout', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, { op: 'checkout', path: requiredField(body, 'path'), branch: requiredField(body, 'branch') })
    return ok()
  })

  // ── remotes and the network ───────────────────────────────────────────────────────────
  router.add('GET', '/git/remotes', async ({ host, query }) => ok(await run(host, { op: 'remotes', path: requiredString(query, 'path') })))
  router.add('POST', '/git/remotes', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'remoteAdd',
      path: requiredField(body, 'path'),
      name: requiredField(body, 'name'),
      url: requiredField(body, 'url'),
      fetch: optionalBoolean(body, 'fetch'),
      overwrite: optionalBoolean(body, 'overwrite'),
    })
    return ok()
  })
  router.add('POST', '/git/push', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'push',
      path: requiredField(body, 'path'),
      username: optionalString(body, 'username'),
      password: optionalString(body, 'password'),
      branch: optionalString(body, 'branch'),
      remote: optionalString(body, 'remote'),
      setUpstream: optionalBoolean(body, 'set_upstream'),
    })
    return ok()
  })
  router.add('POST', '/git/pull', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'pull',
      path: requiredField(body, 'path'),
      username: optionalString(body, 'username'),
      password: optionalString(body, 'password'),
      branch: optionalString(body, 'branch'),
      remote: optionalString(body, 'remote'),
    })
    return ok()
  })
  router.add('POST', '/git/credentials', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'authenticate',
      username: requiredField(body, 'username'),
      password: requiredField(body, 'password'),
      host: optionalString(body, 'host'),
      protocol: optionalString(body, 'protocol'),
    })
    return ok()
  })

  // ── the index and the work tree ───────────────────────────────────────────────────────
  router.add('POST', '/git/reset', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'reset',
      path: requiredField(body, 'path'),
      mode: optionalString(body, 'mode'),
      target: optionalString(body, 'target'),
      files: stringArray(body, 'files'),
    })
    return ok()
  })
  router.add('POST', '/git/restore', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'restore',
      path: requiredField(body, 'path'),
      files: stringArray(body, 'files', true),
      staged: optionalBoolean(body, 'staged'),
      worktree: optionalBoolean(body, 'worktree'),
      source: optionalString(body, 'source'),
    })
    return ok()
  })

  // ── config ────────────────────────────────────────────────────────────────────────────
  router.add('GET', '/git/config', async ({ host, query }) => {
    const reply = await run(host, { op: 'getConfig', key: requiredString(query, 'key'), scope: scopeOf(queryString(query, 'scope')), path: queryString(query, 'path') || undefined })
    // Unset: no `value`, so the SDK's getConfig answers undefined as the in-process API does.
    return ok(reply.value === undefined ? {} : { value: reply.value })
  })
  router.add('POST', '/git/config', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'setConfig',
      key: requiredField(body, 'key'),
      value: requiredField(body, 'value'),
      scope: scopeOf(optionalString(body, 'scope')),
      path: optionalString(body, 'path') || undefined,
    })
    return ok()
  })
  router.add('POST', '/git/config/user', async ({ req, host }) => {
    const body = await readObject(req)
    await run(host, {
      op: 'configureUser',
      name: requiredField(body, 'name'),
      email: requiredField(body, 'email'),
      scope: scopeOf(optionalString(body, 'scope')),
      path: optionalString(body, 'path') || undefined,
    })
    return ok()
  })
}

/**
 * `GET /git/history`: the commits reachable from HEAD, newest first (Daytona's `GitCommitInfo[]`;
 * the SDK's `Git` class does not call it, the toolbox client does). The engine has no log request,
 * so this runs the sandbox's own `git log` in the repository with NUL-separated fields and a
 * per-call record marker (a commit message cannot fake it). The repository is checked through the
 * git API first, so a missing one is `GIT_REPO_NOT_FOUND` as elsewhere; one without commits has an
 * empty history.
 */
async function history(host: SandboxBackend, path: string): Promise<GitCommitInfo[]> {
  const { branches, current } = await run(host, { op: 'branches', path })
  if (branches.length === 0 && current !== '') return []
  const marker = `daylite-${randomUUID()}`
  const reply = await host.exec({ command: `git log --format='%H%x00%an%x00%ae%x00%aI%x00%B%x00${marker}%x00'`, cwd: path })
  if (reply.exitCode !== 0) {
    if (/does not have any commits/.test(reply.stderr)) return []
    throw new SandboxError(SandboxErrorCode.INTERNAL, `git log failed in ${path}: ${reply.stderr.trim() || `exit code ${reply.exitCode}`}`, { gitCode: 'GIT_INTERNAL' })
  }
  if (reply.truncated) {
    throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `the history of ${path} is larger than the sandbox's output limit; run \`git log -n <count>\` with executeCommand instead`, {})
  }
  const out: GitCommitInfo[] = []
  for (const record of reply.stdout.split(`\0${marker}\0`)) {
    const fields = record.replace(/^\n/, '').split('\0')
    if (fields.length < 5) continue
    const [hash = '', author = '', email = '', timestamp = '', ...message] = fields
    out.push({ hash, author, email, message: message.join('\0'), timestamp })
  }
  return out
}
