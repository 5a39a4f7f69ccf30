/**
 * The engine in a real browser: headless Chromium loads daylite's browser build (the library and
 * its kernel worker, built by esbuild.config.mjs's `browser` and `kernel-browser` targets) from a
 * page, drives a sandbox through its life, and proves the kernel ran in a module Web Worker that
 * `dispose()` terminated. Once on a cross-origin-isolated page, once on a plain one (the kernel
 * does not need SharedArrayBuffer). Timings measured in the page are printed for the CI log.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type BuildOptions } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineResult, MissingWorkerResult } from './fixtures/engine-protocol.js'
import type { RuntimesResult } from './fixtures/runtimes-page.js'
import {
  bundleForBrowser,
  chromiumSkipReason,
  launchChromium,
  modulePage,
  runPage,
  startStaticServer,
  type Bundle,
  type StaticServer,
} from '../support/browser.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const fixtures = path.join(root, 'test/browser/fixtures')

/** The page's whole run, generously: about 3 s here, most of it waiting for the first kernel worker to load. */
const PAGE_TIMEOUT_MS = 20_000

/**
 * Builds daylite's browser library and kernel worker with the project's own build targets
 * (`node esbuild.config.mjs browser kernel-browser`), into a private directory: always fresh
 * against the sources, and never racing another test run that rebuilds `dist/`.
 */
async function buildBrowserLibrary(outdir: string): Promise<void> {
  const config = (await import(pathToFileURL(path.join(root, 'esbuild.config.mjs')).href)) as {
    targets: Record<string, BuildOptions>
    copyBrowserRuntimes: (outdir: string) => void
  }
  config.copyBrowserRuntimes(outdir)
  await Promise.all(
    ['browser', 'kernel-browser', 'process-browser'].map((name) => {
      const target = config.targets[name]
      if (target === undefined) throw new Error(`esbuild.config.mjs has no "${name}" target`)
      return build({ ...target, outdir, absWorkingDir: root, logLevel: 'error' })
    }),
  )
}

function printTimings(label: string, r: EngineResult): void {
  const t = r.timings
  const ms = (n: number): string => `${n.toFixed(2)} ms`
  console.log(
    [
      `daylite in Chromium (${label}; crossOriginIsolated=${r.crossOriginIsolated}; ${r.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? r.userAgent}):`,
      `  import ${ms(t.importMs)}, new Daytona() + create ${ms(t.createMs)}, second create ${ms(t.secondCreateMs)}`,
      `  first command ${ms(t.firstCommandMs)}; echo hi p50 ${ms(t.echoP50Ms)}, p90 ${ms(t.echoP90Ms)}, min ${ms(t.echoMinMs)} over ${t.echoRuns} runs`,
      `  upload+download ${ms(t.uploadDownloadMs)}, stop+start ${ms(t.stopStartMs)}, dispose ${ms(t.disposeMs)}`,
      `  kernel workers: ${r.workers.map((w) => (w.firstMessageMs === undefined ? 'never ready' : `ready after ${ms(w.firstMessageMs)}`)).join(', ')}`,
      `  busy shell loop ${ms(r.responsiveness.commandMs)}: main thread ran ${r.responsiveness.ticks} timer ticks, longest gap ${ms(r.responsiveness.longestGapMs)}`,
    ].join('\n'),
  )
}

/** What both pages must show: the whole sandbox life worked, in a kernel worker. */
function expectEngineWorked(r: EngineResult): void {
  expect(r.libraryUrl).toMatch(/\/daylite\/index\.js$/)
  expect(r.labels).toMatchObject({ team: 'a', suite: 'browser' })
  expect(r.state).toBe('started')

  expect(r.first).toEqual({ exitCode: 0, result: '2\n' })

  expect(r.downloadedIsUint8Array).toBe(true)
  expect(r.downloaded).toEqual(r.uploaded)
  expect(new TextDecoder().decode(new Uint8Array(r.downloaded))).toBe('name,score\nada,3\nlin,5\n')

  expect(r.session.exitCode).toBe(0)
  expect(r.session.output.trim()).toBe('1 /home/daytona/data')

  expect(r.afterRestart).toEqual({ cat: 'hi\n', csv: 'name,score\nada,3\nlin,5\n', state: 'started', stoppedState: 'stopped' })

  expect(r.listing.home).toEqual(
    expect.arrayContaining([
      { name: 'src', isDir: true },
      { name: 'data', isDir: true },
    ]),
  )
  expect(r.listing.src).toEqual([{ name: 'a.txt', isDir: false, size: 3 }])

  expect(r.statsBeforeDelete.sandboxes).toBe(1)
  expect(r.statsBeforeDelete.alive).toBeGreaterThanOrEqual(1)
  // Daytona's error classes keep their names in the minified build.
  expect(r.afterDelete).toMatchObject({ listed: 0, getErrorIsNotFound: true })
  expect(r.afterDelete.getError).toMatch(/^DaytonaNotFoundError: /)
  expect(r.afterDispose.createError).toMatch(/^DaytonaGoneError: .*dispos/i)

  // The kernel ran in module Web Workers loaded from kernel-worker.js next to the library, and
  // nowhere else: every Worker the page made is one, the commands went through them, and
  // dispose() terminated every one of them (some were alive just before).
  expect(r.workers.length).toBeGreaterThanOrEqual(1)
  for (const w of r.workers) {
    expect(w).toMatchObject({ url: new URL('./kernel-worker.js', r.libraryUrl).href, type: 'module', name: 'daylite-kernel' })
  }
  const posted = r.workers.reduce((n, w) => n + w.posted, 0)
  const received = r.workers.reduce((n, w) => n + w.received, 0)
  expect(posted).toBeGreaterThanOrEqual(r.timings.echoRuns + 10)
  expect(received).toBeGreaterThanOrEqual(r.timings.echoRuns + 10)
  expect(r.workersBeforeDispose.some((w) => !w.terminated)).toBe(true)
  expect(r.workers.filter((w) => !w.terminated)).toEqual([])

  // The main thread kept running timers while a CPU-bound shell loop ran in the sandbox.
  expect(r.responsiveness.output).toBe('2000')
  expect(r.responsiveness.ticks).toBeGreaterThan(0)
  if (r.responsiveness.commandMs >= 200) {
    expect(r.responsiveness.longestGapMs).toBeLessThan(r.responsiveness.commandMs * 0.75)
  }

  expect(r.timings.echoRuns).toBe(20)
  for (const [name, value] of Object.entries(r.timings)) expect(Number.isFinite(value), name).toBe(true)
}

const skip = chromiumSkipReason()
if (skip !== undefined) console.warn(`browser tests skipped: ${skip}`)

describe.skipIf(skip !== undefined)(`the engine in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let browser: Browser
  let bundle: Bundle
  let library: string
  let isolated: StaticServer
  let notIsolated: StaticServer

  beforeAll(async () => {
    library = await mkdtemp(path.join(os.tmpdir(), 'daylite-browser-lib-'))
    const [, pageBundle, launched] = await Promise.all([
      buildBrowserLibrary(library),
      bundleForBrowser({
        'engine-page': path.join(fixtures, 'engine-page.ts'),
        'missing-worker-page': path.join(fixtures, 'missing-worker-page.ts'),
        'runtimes-page': path.join(fixtures, 'runtimes-page.ts'),
      }),
      launchChromium(),
    ])
    bundle = pageBundle
    browser = launched
    const files = {
      '/index.html': modulePage('./engine-page.js', 'daylite engine'),
      '/missing-worker.html': modulePage('./missing-worker-page.js', 'daylite without its kernel worker'),
      '/runtimes.html': modulePage('./runtimes-page.js', 'daylite runtimes'),
    }
    const opts = { mounts: { '/daylite/': library }, files }
    isolated = await startStaticServer(bundle.dir, opts)
    notIsolated = await startStaticServer(bundle.dir, { ...opts, crossOriginIsolated: false })
  })
  afterAll(async () => {
    await browser?.close()
    await isolated?.close()
    await notIsolated?.close()
    await bundle?.dispose()
    if (library !== undefined) await rm(library, { recursive: true, force: true })
  })

  it('builds the library and its kernel worker side by side, with the shell only in the worker', async () => {
    const files = await readdir(library)
    expect(files).toEqual(expect.arrayContaining(['index.js', 'kernel-worker.js']))
    const index = await readFile(path.join(library, 'index.js'), 'utf8')
    const kernel = await readFile(path.join(library, 'kernel-worker.js'), 'utf8')
    expect(index).toContain('new URL("./kernel-worker.js",import.meta.url)')
    // just-bash (the shell) is bundled into the kernel worker, not into the page's library.
    expect(kernel).toContain('registerTransformPlugin')
    expect(index).not.toContain('registerTransformPlugin')
  })

  it('runs a sandbox in a kernel Web Worker on a cross-origin-isolated page', async () => {
    const { result } = await runPage<EngineResult>(browser, isolated.url, { timeoutMs: PAGE_TIMEOUT_MS })
    printTimings('cross-origin isolated', result)
    expect(result.crossOriginIsolated).toBe(true)
    expect(result.sharedArrayBuffer).toBe('function')
    expectEngineWorked(result)
    expect(isolated.notFound).toEqual([])
  })

  it('runs python3, node and TypeScript (process workers inside the kernel worker) on a cross-origin-isolated page', async () => {
    const { result } = await runPage<RuntimesResult>(browser, new URL('/runtimes.html', isolated.url).href, { timeoutMs: PAGE_TIMEOUT_MS })
    console.log(`daylite runtimes in Chromium: ${Object.entries(result.ms).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join('; ')}`)
    expect(result.python).toEqual({ exitCode: 0, result: '{"v": 42} wasi\n' })
    expect(result.node).toEqual({ exitCode: 0, result: "b.txt [ 'x' ]\n" })
    expect(result.typescript).toEqual({ exitCode: 0, result: '42\n' })
    expect(result.interpreter).toBe('42\n')
    expect(result.pipeline).toEqual({ exitCode: 0, result: '1\n1\nA\n0 0\n' })
    expect(isolated.notFound).toEqual([])
  })

  it('runs a sandbox on a page without cross-origin isolation (no SharedArrayBuffer needed yet)', async () => {
    const { result } = await runPage<EngineResult>(browser, notIsolated.url, { timeoutMs: PAGE_TIMEOUT_MS })
    printTimings('not isolated', result)
    expect(result.crossOriginIsolated).toBe(false)
    expect(result.sharedArrayBuffer).toBe('undefined')
    expectEngineWorked(result)
    expect(notIsolated.notFound).toEqual([])
  })

  it('fails the first command clearly when kernel-worker.js cannot be loaded', async () => {
    const { result } = await runPage<MissingWorkerResult>(browser, new URL('/missing-worker.html', isolated.url).href, {
      timeoutMs: PAGE_TIMEOUT_MS,
    })
    console.log(`missing kernel worker: failed after ${result.failedAfterMs.toFixed(1)} ms with ${result.error.name}: ${result.error.message}`)
    expect(result.created).toBe(true)
    expect(result.error).toMatchObject({ name: 'DaytonaInternalServerError', isDaytonaError: true })
    expect(result.error.message).toMatch(/kernel worker could not be loaded from http:\/\/127\.0\.0\.1:\d+\/daylite\/no-such-kernel-worker\.js/)
    expect(result.failedAfterMs).toBeLessThan(5_000)
    // The pool does not keep respawning a worker that cannot load, and dispose() stops them all.
    expect(result.workersAtError).toBeGreaterThanOrEqual(1)
    expect(result.workersOneSecondLater).toBeLessThanOrEqual(result.workersAtError + 1)
    expect(result.workersAfterDispose).toBe(result.workersOneSecondLater)
    expect(result.allTerminated).toBe(true)
    expect(isolated.notFound).toContain('/daylite/no-such-kernel-worker.js')
  })
})
