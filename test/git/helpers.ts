/**
 * Test support for git: a real `git http-backend` (Debian's git) behind a small Node HTTP server
 * on 127.0.0.1 (CGI: the request becomes the environment and stdin, the script's output the
 * response), with or without basic auth, and helpers that drive the system git.
 */
import { spawn, execFileSync, type ExecFileSyncOptions } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readdirSync, statSync, readFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'

export const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend'

/** A running git server. */
export interface GitServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string
  /** The directory holding the bare repositories (GIT_PROJECT_ROOT). */
  root: string
  /** Requests served so far (method and path). */
  requests: string[]
  close(): Promise<void>
}

/** Options of {@link startGitServer}. */
export interface GitServerOptions {
  /** Require these credentials (HTTP basic). */
  auth?: { username: string; password: string }
  /** Serve this project root instead of a new temporary one. */
  root?: string
  /**
   * Answer browsers: CORS headers on every response, preflight requests, and paths of the form
   * `/<host:port>/repo.git/…` (what a CORS proxy in front of this server would be asked for).
   */
  cors?: boolean
}

/** Starts `git http-backend` behind an HTTP server on 127.0.0.1. */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'daylite-git-srv-'))
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push(`${req.method} ${url.pathname}${url.search}`)
    if (options.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*')
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
      res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization, git-protocol, accept, user-agent')
      if (req.method === 'OPTIONS') {
        res.writeHead(204)
        res.end()
        return
      }
      // Proxied form: /127.0.0.1:1234/repo.git/info/refs
      url.pathname = url.pathname.replace(/^\/[^/]+:\d+\//, '/')
    }
    let user = 'anonymous'
    if (options.auth) {
      const header = req.headers.authorization ?? ''
      const m = /^Basic (.+)$/.exec(header)
      const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : ''
      if (decoded !== `${options.auth.username}:${options.auth.password}`) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' })
        res.end('authentication required\n')
        return
      }
      user = options.auth.username
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: String(req.headers['content-type'] ?? ''),
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
      GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
    }
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding'])
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol'])
    const cgi = spawn(HTTP_BACKEND, [], { env })
    req.pipe(cgi.stdin)
    const chunks: Buffer[] = []
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c))
    cgi.stderr.on('data', () => {})
    cgi.on('close', () => {
      const out = Buffer.concat(chunks)
      const split = out.indexOf('\r\n\r\n')
      const headEnd = split >= 0 ? split : out.indexOf('\n\n')
      const sepLen = split >= 0 ? 4 : 2
      const head = headEnd >= 0 ? out.subarray(0, headEnd).toString('latin1') : ''
      const body = headEnd >= 0 ? out.subarray(headEnd + sepLen) : out
      let status = 200
      const headers: Record<string, string> = {}
      for (const line of head.split(/\r?\n/)) {
        const i = line.indexOf(':')
        if (i < 0) continue
        const k = line.slice(0, i).trim()
        const v = line.slice(i + 1).trim()
        if (k.toLowerCase() === 'status') status = Number.parseInt(v, 10)
        else headers[k] = v
      }
      res.writeHead(status, headers)
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          if (!options.root) rmSync(root, { recursive: true, force: true })
          resolve()
        })
      }),
  }
}

/** Fixed identity and dates so that native git and the sandbox make the same objects. */
export const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'Ada Lovelace',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Lovelace',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LANG: 'C',
  LC_ALL: 'C',
  TZ: 'UTC',
}

/** Runs the system git in `cwd` and returns its stdout. */
export function git(cwd: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): string {
  const home = join(tmpdir(), 'daylite-git-home')
  mkdirSync(home, { recursive: true })
  const opts: ExecFileSyncOptions = {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...GIT_ENV, ...(options.env ?? {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  }
  if (options.input !== undefined) opts.input = options.input
  return execFileSync('git', args, opts).toString('utf8')
}

/** A new temporary directory. */
export function tempDir(prefix = 'daylite-git-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Writes files (path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const p = join(dir, path)
    mkdirSync(dirname(p), { recursive: true })
    writeFileSync(p, content)
  }
}

/**
 * Creates bare repository `name`.git under the server root, with a first commit of `files` on
 * `main` made by native git (push enabled). Returns the clone URL path.
 */
export function seedRepo(server: GitServer, name: string, files: Record<string, string>, message = 'initial commit'): string {
  const bare = join(server.root, `${name}.git`)
  git(server.root, ['init', '--bare', '-q', '--initial-branch=main', bare])
  git(bare, ['config', 'http.receivepack', 'true'])
  const work = tempDir()
  git(work, ['init', '-q', '--initial-branch=main'])
  writeFiles(work, files)
  git(work, ['add', '-A'])
  git(work, ['commit', '-q', '-m', message])
  git(work, ['push', '-q', bare, 'main'])
  rmSync(work, { recursive: true, force: true })
  return `${server.url}/${name}.git`
}

/** Every file under `dir` (relative paths, `.git` excluded) with its content. */
export function readTree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(join(dir, prefix))) {
    if (prefix === '' && name === '.git') continue
    const rel = prefix ? `${prefix}/${name}` : name
    const st = statSync(join(dir, rel))
    if (st.isDirectory()) Object.assign(out, readTree(dir, rel))
    else out[rel] = readFileSync(join(dir, rel), 'utf8')
  }
  return out
}
