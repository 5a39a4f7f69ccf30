/**
 * The placement rules (`src/remote/rules.ts`), one by one, and the run-time ones against the real
 * output of daylite's shell, pip, CPython and node in a WebAssembly sandbox.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Daytona, Image, type Sandbox } from '../../src/index.js'
import { BASE_FILE_TIME, createNeeds, imageNeeds, isEmulatedBase, parseExports, parseTarget, pipPackages, resolveRemote, runtimeNeed } from '../../src/remote/index.js'
import { BASE_IMAGE_TIME } from '../../src/vfs/base-image.js'
import { buildAllFixtures, startIndex, type TestIndex } from '../pip/helpers.js'

for (const name of Object.keys(process.env)) if (name.startsWith('DAYTONA_')) delete process.env[name]

const rules = (dockerfile: string): string[] => imageNeeds(dockerfile).map((n) => n.rule)

describe('placement rules at create', () => {
  it('1. gpu and 2. volumes', () => {
    expect(createNeeds({ gpu: 1 }).map((n) => n.rule)).toEqual(['gpu'])
    expect(createNeeds({ gpu: 0 })).toEqual([])
    expect(createNeeds({ volumes: [{ volumeId: 'v', mountPath: '/data' }] }).map((n) => n.rule)).toEqual(['volumes'])
    expect(createNeeds({ volumes: [] })).toEqual([])
  })

  it('3. image-base: FROM other than the Debian/Python/Daytona bases we emulate', () => {
    for (const base of ['debian:12', 'python:3.13-slim-bookworm', 'docker.io/library/python:3.12', 'daytonaio/sandbox:0.4.3', 'debian@sha256:abc', '--platform=linux/amd64 debian:12 AS build']) {
      expect(isEmulatedBase(base), base).toBe(true)
    }
    for (const base of ['node:20', 'ubuntu:22.04', 'alpine', 'ghcr.io/org/tool:1', 'mcr.microsoft.com/dotnet/sdk:8.0']) expect(isEmulatedBase(base), base).toBe(false)
    expect(rules(Image.base('node:20').dockerfile)).toEqual(['image-base'])
    expect(rules(Image.debianSlim('3.12').dockerfile)).toEqual([])
  })

  it('4. image-package-manager: apt-get, apt, apk, yum, dnf… in a RUN step', () => {
    expect(rules(Image.debianSlim().runCommands('apt-get update && apt-get install -y curl').dockerfile)).toEqual(['image-package-manager'])
    expect(rules(Image.debianSlim().runCommands('sudo apt install -y git').dockerfile)).toEqual(['image-package-manager'])
    expect(rules(Image.debianSlim().runCommands('FOO=1 /sbin/apk add curl').dockerfile)).toEqual(['image-package-manager'])
    expect(rules(Image.debianSlim().runCommands(['dnf', 'install', '-y', 'gcc']).dockerfile)).toEqual(['image-package-manager'])
    expect(rules(Image.debianSlim().runCommands('echo apt-get is a word here').dockerfile)).toEqual([])
  })

  it('5. image-native-pip: pip install of a package with native code', () => {
    expect(rules(Image.debianSlim().pipInstall(['numpy==2.1', 'requests']).dockerfile)).toEqual(['image-native-pip'])
    expect(imageNeeds(Image.debianSlim().pipInstall(['pandas', 'scikit_learn>=1']).dockerfile)[0]?.reason).toContain('pandas, scikit-learn')
    expect(rules(Image.debianSlim().pipInstall(['requests', 'rich']).dockerfile)).toEqual([])
    expect(rules(Image.debianSlim().runCommands('pip3 install -i https://x/simple --upgrade matplotlib').dockerfile)).toEqual(['image-native-pip'])
    expect(pipPackages('python -m pip install -r req.txt --index-url http://x/simple a[extra]>=1 ./local b.whl "c<2"')).toEqual(['a', 'c'])
  })

  it('6. image-instruction: COPY, ADD and other instructions the engine does not apply', () => {
    expect(rules(Image.debianSlim().dockerfileCommands(['COPY . /app']).dockerfile)).toEqual(['image-instruction'])
    expect(rules(Image.debianSlim().env({ A: '1' }).workdir('/w').cmd(['x']).dockerfile)).toEqual([])
  })

  it('target: ours, or a Daytona region (which means remote)', () => {
    expect(parseTarget(undefined, 'wasm')).toEqual({ target: 'wasm' })
    expect(parseTarget('auto', 'wasm')).toEqual({ target: 'auto' })
    expect(parseTarget('remote', 'auto')).toEqual({ target: 'remote' })
    expect(parseTarget('eu', 'auto')).toEqual({ target: 'remote', region: 'eu' })
    expect(() => parseTarget(3, 'auto')).toThrow(/target must be/)
  })

  it('the remote comes from config.remote or DAYTONA_API_KEY; config.target is a region unless it is ours', () => {
    expect(resolveRemote(undefined)).toBeUndefined()
    expect(resolveRemote({ apiKey: 'k' })).toMatchObject({ apiKey: 'k', apiUrl: 'https://app.daytona.io/api', defaultTarget: 'auto' })
    expect(resolveRemote({ apiKey: 'k' }, 'us')?.target).toBe('us')
    expect(resolveRemote({ apiKey: 'k' }, 'auto')?.target).toBeUndefined()
    process.env.DAYTONA_API_KEY = 'from-env'
    process.env.DAYTONA_API_URL = 'http://127.0.0.1:9/api'
    try {
      expect(resolveRemote(undefined)).toMatchObject({ apiKey: 'from-env', apiUrl: 'http://127.0.0.1:9/api' })
      expect(resolveRemote(false)).toBeUndefined()
    } finally {
      delete process.env.DAYTONA_API_KEY
      delete process.env.DAYTONA_API_URL
    }
  })
})

describe('placement rules at run time, against real WebAssembly output', () => {
  let daytona: Daytona
  let sandbox: Sandbox
  let index: TestIndex

  beforeAll(async () => {
    index = await startIndex(buildAllFixtures())
    daytona = new Daytona({ remote: false })
    sandbox = await daytona.create()
  })

  afterAll(async () => {
    await daytona?.dispose()
    await index?.close()
  })

  /** The output of a command, without the hint the placed sandbox adds. */
  async function run(command: string): Promise<{ exitCode: number; output: string }> {
    const r = await sandbox.process.executeCommand(command)
    return { exitCode: r.exitCode, output: r.result.replace(/daylite: this needs[^\n]*\n$/, '') }
  }

  it('7. linux-command: command not found for a listed command, not for others', async () => {
    for (const cmd of ['apt-get install -y x', 'gcc -v', 'curl -s x', 'docker ps', 'sudo ls', 'make']) {
      const r = await run(cmd)
      expect(runtimeNeed(r.exitCode, r.output)?.rule, cmd).toBe('linux-command')
    }
    const other = await run('frobnicate')
    expect(other.exitCode).toBe(127)
    expect(runtimeNeed(other.exitCode, other.output)).toBeUndefined()
  })

  it("8. pip-native: daylite's pip refusing a package with only native wheels", async () => {
    const r = await run(`pip install --index-url ${index.url} nativepkg`)
    expect(r.exitCode).toBe(1)
    expect(runtimeNeed(r.exitCode, r.output)).toMatchObject({ rule: 'pip-native', reason: 'a Python package with native code (nativepkg)' })
    const pure = await run(`pip install --index-url ${index.url} nosuchproject`)
    expect(runtimeNeed(pure.exitCode, pure.output)).toBeUndefined()
  })

  it('9. python-native-import: ModuleNotFoundError for a native package only', async () => {
    const r = await run('python3 -c "import numpy"')
    expect(runtimeNeed(r.exitCode, r.output)).toMatchObject({ rule: 'python-native-import' })
    const other = await run('python3 -c "import nosuchmodule"')
    expect(runtimeNeed(other.exitCode, other.output)).toBeUndefined()
  })

  it('10. socket: Python binding a port, or connecting', async () => {
    const server = await run(`python3 -c "import http.server as h; h.HTTPServer(('127.0.0.1', 8000), h.BaseHTTPRequestHandler)"`)
    expect(runtimeNeed(server.exitCode, server.output)?.rule).toBe('socket')
    const client = await run(`python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:1')"`)
    expect(runtimeNeed(client.exitCode, client.output)?.rule).toBe('socket')
    const raised = await run('python3 -c "raise OSError(58, \'Not supported\')"')
    expect(runtimeNeed(raised.exitCode, raised.output)).toBeUndefined()
  })

  it('11. node-builtin: a Node module WebAssembly cannot provide', async () => {
    const r = await run(`node -e "require('http').createServer(() => {}).listen(3000)"`)
    expect(r.exitCode).not.toBe(0)
    expect(runtimeNeed(r.exitCode, r.output)).toMatchObject({ rule: 'node-builtin', reason: 'the Node.js module http' })
  })

  it('a success is never a reason to move', () => {
    expect(runtimeNeed(0, 'bash: gcc: command not found\n')).toBeUndefined()
  })
})

describe('the moving parts', () => {
  it("files of the base image are recognised by the engine's base timestamp", () => {
    expect(BASE_FILE_TIME).toBe(new Date(BASE_IMAGE_TIME).toISOString().replace('.000Z', 'Z'))
  })

  it('parses export -p, quotes and escapes included', () => {
    const vars = parseExports('declare -x A="1"\ndeclare -x B="say \\"hi\\" \\$x"\ndeclare -x C\nnoise\n')
    expect([...vars]).toEqual([
      ['A', '1'],
      ['B', 'say "hi" $x'],
      ['C', ''],
    ])
  })

  it('only src/remote/sdk.ts loads @daytonaio/sdk, and only lazily (no static import anywhere)', () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url))
    const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]))
    const text = (f: string): string => readFileSync(f, 'utf8')
    const staticImport = /^\s*(?:import|export)\b[^\n]*\bfrom\s+['"]@daytonaio\/sdk['"]/m
    const dynamicImport = /import\(\s*['"]@daytonaio\/sdk['"]\s*\)|SDK_PACKAGE/
    expect(files(src).filter((f) => staticImport.test(text(f))).map((f) => relative(src, f))).toEqual([])
    expect(files(src).filter((f) => dynamicImport.test(text(f))).map((f) => relative(src, f))).toEqual(['remote/sdk.ts'])
    expect(text(join(src, 'remote/sdk.ts'))).toMatch(/await import\(specifier\)/)
  })
})
