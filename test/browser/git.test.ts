/**
 * git in a real browser: headless Chromium runs daylite's browser build, whose kernel Web Worker
 * runs `git` (isomorphic-git with daylite's small Buffer) against a `git http-backend` that
 * answers CORS requests, directly and through `http.corsProxy`. The push is checked with the
 * system git.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type BuildOptions } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GitPageResult } from './fixtures/git-page.js'
import { bundleForBrowser, chromiumSkipReason, launchChromium, modulePage, runPage, startStaticServer, type Bundle, type StaticServer } from '../support/browser.js'
import { type GitServer, git, seedRepo, startGitServer } from '../git/helpers.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const fixtures = path.join(root, 'test/browser/fixtures')

async function buildBrowserLibrary(outdir: string): Promise<void> {
  const config = (await import(pathToFileURL(path.join(root, 'esbuild.config.mjs')).href)) as { targets: Record<string, BuildOptions> }
  await Promise.all(
    ['browser', 'kernel-browser'].map((name) => {
      const target = config.targets[name]
      if (target === undefined) throw new Error(`esbuild.config.mjs has no "${name}" target`)
      return build({ ...target, outdir, absWorkingDir: root, logLevel: 'error' })
    }),
  )
}

const skip = chromiumSkipReason()

describe.skipIf(skip !== undefined)(`git in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let browser: Browser
  let bundle: Bundle
  let library: string
  let site: StaticServer
  let gitServer: GitServer

  beforeAll(async () => {
    library = await mkdtemp(path.join(os.tmpdir(), 'daylite-browser-git-'))
    const [, pageBundle, launched, server] = await Promise.all([
      buildBrowserLibrary(library),
      bundleForBrowser({ 'git-page': path.join(fixtures, 'git-page.ts') }),
      launchChromium(),
      startGitServer({ cors: true }),
    ])
    bundle = pageBundle
    browser = launched
    gitServer = server
    site = await startStaticServer(bundle.dir, { mounts: { '/daylite/': library }, files: { '/index.html': modulePage('./git-page.js', 'daylite git') }, crossOriginIsolated: false })
  })
  afterAll(async () => {
    await browser?.close()
    await site?.close()
    await gitServer?.close()
    await bundle?.dispose()
    if (library !== undefined) await rm(library, { recursive: true, force: true })
  })

  it('runs git locally, and clones, commits and pushes over CORS (directly and through http.corsProxy)', async () => {
    const url = seedRepo(gitServer, 'web', { 'README.md': '# web\n' })
    const page = `${site.url}index.html#url=${encodeURIComponent(url)}&proxy=${encodeURIComponent(gitServer.url)}`
    const { result } = await runPage<GitPageResult>(browser, page, { timeoutMs: 60_000 })
    expect(result.local).toEqual({ exitCode: 0, result: ' M a.txt\n a.txt | 1 +\n 1 file changed, 1 insertion(+)\nBrowser User:first\n' })
    expect(result.remote).toEqual({ exitCode: 0, result: '# web\n## main...origin/main\n' })
    expect(result.proxied).toEqual({ exitCode: 0, result: 'browser change\ninitial commit\n' })
    expect(result.api.branches).toEqual({ branches: ['main'], current: 'main' })
    expect(result.api.status).toMatchObject({ currentBranch: 'main', fileStatus: [], upstream: 'origin/main', ahead: 0, behind: 0 })
    const bare = path.join(gitServer.root, 'web.git')
    expect(git(bare, ['log', '-1', '--format=%an <%ae>|%s']).trim()).toBe('Browser User <browser@example.com>|browser change')
    expect(git(bare, ['show', 'main:README.md'])).toBe('# web\nfrom the browser\n')
    expect(git(bare, ['fsck', '--strict'])).toBe('')
    // The proxied clone's requests reached the server under the proxy's path form.
    expect(gitServer.requests.some((r) => r.startsWith(`GET /${new URL(url).host}/web.git/info/refs`))).toBe(true)
  }, 120_000)
})
