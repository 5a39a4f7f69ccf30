/**
 * `daylite serve --backend native` as a command (the built `dist/cli.js`), and daylite's remote
 * fallback pointed at it through `DAYTONA_API_KEY`/`DAYTONA_API_URL`, as a user would set it up.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona } from '../../src/index.js'

for (const name of Object.keys(process.env)) if (name.startsWith('DAYTONA_')) delete process.env[name]

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))
let child: ChildProcess
let stdout = ''
let stderr = ''
let apiUrl = ''

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first')
  child = spawn(process.execPath, [cli, 'serve', '--backend', 'native', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()))
  for (let i = 0; i < 300 && !apiUrl; i++) {
    apiUrl = /Daytona's API on (http:\/\/\S+\/api)/.exec(stdout)?.[1] ?? ''
    await new Promise((r) => setTimeout(r, 50))
  }
  if (!apiUrl) throw new Error(`daylite serve did not start:\n${stdout}\n${stderr}`)
})

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
})

describe('daylite serve --backend native (the command)', () => {
  it('warns that it is not isolated, and says which backend it runs', () => {
    expect(stderr).toMatch(/WARNING: the native backend is NOT isolated/)
    expect(stdout).toMatch(/native backend/)
  })

  it('is the remote of a Daytona configured from the environment', async () => {
    process.env.DAYTONA_API_KEY = 'local'
    process.env.DAYTONA_API_URL = apiUrl
    const daytona = new Daytona()
    try {
      const sandbox = await daytona.create({ target: 'remote' })
      expect(sandbox.placement).toBe('remote')
      const r = await sandbox.process.executeCommand(`python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print('bound')"`)
      expect(r).toMatchObject({ exitCode: 0, result: 'bound\n' })
      await sandbox.delete()
      // With a remote from the environment, create() defaults to auto: WebAssembly first.
      const auto = await daytona.create()
      expect(auto.placement).toBe('wasm')
      await auto.delete()
    } finally {
      delete process.env.DAYTONA_API_KEY
      delete process.env.DAYTONA_API_URL
      await daytona.dispose()
    }
  })

  it('stops on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/SIGTERM, shutting down/)
  })
})
