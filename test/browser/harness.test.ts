/**
 * Proves the browser harness: the static server's headers and path handling (plain Node), and a
 * real cross-origin-isolated page in Chromium doing a SharedArrayBuffer + Atomics round trip
 * with a module Web Worker.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SabResult } from './fixtures/sab-protocol.js'
import {
  bundleForBrowser,
  chromiumSkipReason,
  launchChromium,
  modulePage,
  openPage,
  runPage,
  startStaticServer,
  type Bundle,
  type StaticServer,
} from '../support/browser.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')

/** A raw GET that sends `rawPath` byte for byte (fetch and URL would normalise `..` away). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('startStaticServer', () => {
  let root: string
  let outside: string
  let server: StaticServer

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'daylite-static-'))
    outside = await mkdtemp(path.join(os.tmpdir(), 'daylite-outside-'))
    await writeFile(path.join(outside, 'secret.txt'), 'secret')
    await mkdir(path.join(root, 'sub'))
    await writeFile(path.join(root, 'sub', 'index.html'), '<p>sub</p>')
    await writeFile(path.join(root, 'a.js'), 'export {}')
    await writeFile(path.join(root, 'a.mjs'), 'export {}')
    await writeFile(path.join(root, 'a.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
    await writeFile(path.join(root, 'a.json'), '{}')
    await writeFile(path.join(root, 'a.js.map'), '{}')
    await writeFile(path.join(root, 'a.bin'), 'x')
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'))
    server = await startStaticServer(root, {
      mounts: { '/out/': outside },
      files: { '/index.html': modulePage('./a.js') },
    })
  })
  afterAll(async () => {
    await server?.close()
    await rm(root, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  })

  it('serves content types and cross-origin isolation headers', async () => {
    const types: Record<string, string> = {
      '/': 'text/html; charset=utf-8',
      '/sub/': 'text/html; charset=utf-8',
      '/a.js': 'text/javascript; charset=utf-8',
      '/a.mjs': 'text/javascript; charset=utf-8',
      '/a.wasm': 'application/wasm',
      '/a.json': 'application/json; charset=utf-8',
      '/a.js.map': 'application/json; charset=utf-8',
      '/a.bin': 'application/octet-stream',
      '/out/secret.txt': 'text/plain; charset=utf-8',
    }
    for (const [urlPath, type] of Object.entries(types)) {
      const res = await fetch(new URL(urlPath, server.url))
      expect(res.status, urlPath).toBe(200)
      expect(res.headers.get('content-type'), urlPath).toBe(type)
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
      expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    }
    expect(await (await fetch(server.url)).text()).toContain('<script type="module" src="./a.js">')
    expect(await (await fetch(new URL('/sub/', server.url))).text()).toBe('<p>sub</p>')
  })

  it('answers 404 for missing files and records them', async () => {
    expect((await fetch(new URL('/missing.js', server.url))).status).toBe(404)
    expect(server.notFound).toContain('/missing.js')
  })

  it('refuses to leave the served directories', async () => {
    const attempts = [
      '/../package.json',
      '/sub/../../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/sub%2f..%2f..%2fetc%2fpasswd',
      '/..%5c..%5cetc%5cpasswd',
      '/a.js%00.html',
      '/link.txt',
      '/out/../../etc/passwd',
    ]
    for (const attempt of attempts) {
      const res = await rawGet(server.url, attempt)
      expect([403, 404], `${attempt} → ${res.status}`).toContain(res.status)
      expect(res.body).not.toContain('secret')
      expect(res.body).not.toContain('root:')
    }
  })

  it('omits COOP/COEP when isolation is off', async () => {
    const plain = await startStaticServer(root, { crossOriginIsolated: false })
    try {
      const res = await fetch(new URL('/a.js', plain.url))
      expect(res.headers.get('cross-origin-opener-policy')).toBeNull()
      expect(res.headers.get('cross-origin-embedder-policy')).toBeNull()
    } finally {
      await plain.close()
    }
  })
})

const skip = chromiumSkipReason()
if (skip !== undefined) console.warn(`browser tests skipped: ${skip}`)

describe.skipIf(skip !== undefined)(`in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let browser: Browser
  let bundle: Bundle
  let isolated: StaticServer
  let notIsolated: StaticServer

  beforeAll(async () => {
    bundle = await bundleForBrowser({
      'sab-page': path.join(fixtures, 'sab-page.ts'),
      'sab-worker': path.join(fixtures, 'sab-worker.ts'),
    })
    const files = {
      '/index.html': modulePage('./sab-page.js'),
      '/throws.html': modulePage('./throws.js'),
      '/throws.js': 'console.log("about to throw"); throw new Error("boom from the page")',
      '/missing.html': modulePage('./nope.js'),
    }
    isolated = await startStaticServer(bundle.dir, { files })
    notIsolated = await startStaticServer(bundle.dir, { files, crossOriginIsolated: false })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await isolated?.close()
    await notIsolated?.close()
    await bundle?.dispose()
  })

  it('round-trips a SharedArrayBuffer with a module worker through Atomics.wait', async () => {
    const { result, events } = await runPage<SabResult>(browser, isolated.url)
    expect(result).toMatchObject({
      crossOriginIsolated: true,
      workerCrossOriginIsolated: true,
      sharedArrayBuffer: 'function',
      firstWait: 'ok',
      firstNotifyWoke: 1,
      rounds: 500,
      correctReplies: 500,
    })
    expect(result.waits?.['timed-out']).toBe(0)
    expect(result.meanRoundTripUs).toBeGreaterThan(0)
    expect(events.some((e) => e.text.startsWith('sab round trip:'))).toBe(true)
    console.info(`SharedArrayBuffer round trip in Chromium: mean ${result.meanRoundTripUs?.toFixed(1)} µs`)
  })

  it('has no SharedArrayBuffer without COOP/COEP', async () => {
    const { result } = await runPage<SabResult>(browser, notIsolated.url)
    expect(result).toEqual({ crossOriginIsolated: false, sharedArrayBuffer: 'undefined' })
  })

  it('waits for a console message instead of a global', async () => {
    const { result } = await runPage<string>(browser, isolated.url, { consoleMessage: /^sab round trip:/ })
    expect(result).toMatch(/^sab round trip: 500 rounds/)
  })

  it('fails fast with the page error and console in the message', async () => {
    const started = Date.now()
    const run = runPage(browser, new URL('/throws.html', isolated.url).href, { timeoutMs: 8_000 })
    await expect(run).rejects.toThrow(/boom from the page[\s\S]*about to throw/)
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('times out with failed requests in the message', async () => {
    await using session = await openPage(browser, new URL('/missing.html', isolated.url).href)
    await expect(session.waitForResult({ timeoutMs: 300 })).rejects.toThrow(
      /did not set window.__result within 300 ms[\s\S]*failed requests:[\s\S]*404\] GET http:\/\/127\.0\.0\.1:\d+\/nope\.js/,
    )
    expect(isolated.notFound).toContain('/nope.js')
  })
})
