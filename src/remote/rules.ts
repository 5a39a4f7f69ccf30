/**
 * Every placement rule of daylite, in one place: what sends a sandbox to the remote runner when
 * it is created, and what moves a running WebAssembly sandbox there. `docs/decisions/0006-remote.md`
 * explains them; `test/remote/rules.test.ts` checks each one.
 *
 * At create (`target: 'auto'`), a sandbox goes remote when it needs any of:
 * 1. `gpu` — `resources.gpu > 0`;
 * 2. `volumes` — Daytona volumes to mount;
 * 3. `image-base` — an `Image` whose `FROM` is not one of {@link EMULATED_BASES};
 * 4. `image-package-manager` — a `RUN` step that calls a system package manager ({@link PACKAGE_MANAGERS});
 * 5. `image-native-pip` — a `RUN … pip install` of a package with native code ({@link NATIVE_PYTHON_PACKAGES});
 * 6. `image-instruction` — a Dockerfile instruction the engine does not apply (`COPY`, `ADD`, …).
 *
 * At run time (`target: 'auto'`), a command that fails in WebAssembly moves the sandbox when its
 * output shows:
 * 7. `linux-command` — `bash: X: command not found` for X in {@link LINUX_ONLY_COMMANDS};
 * 8. `pip-native` — daylite's pip refusing a package with native code (or a source-only one);
 * 9. `python-native-import` — `ModuleNotFoundError` for a package in {@link NATIVE_PYTHON_PACKAGES};
 * 10. `socket` — Python code opening a socket (a server on a port, or a client connection);
 * 11. `node-builtin` — JavaScript requiring a Node module WebAssembly cannot provide (`http`, `net`, `child_process`…).
 *
 * Without a remote, or with `target: 'wasm'`, rules 1–6 raise `UNSUPPORTED` (Daytona: a plain
 * `DaytonaError`, HTTP 501) and rules 7–11 return the original failure with {@link fallbackHint}
 * appended. Rule 3 alone is not an error: without a remote, the image's steps run on daylite's
 * Debian-like base and `FROM` is recorded, as before the fallback existed.
 */
import { parseDockerfile } from '../engine/engine.js'

/**
 * `FROM` images the in-process engine stands in for (its base layer is Debian-like with CPython
 * 3.13): Debian, Python (any tag) and Daytona's own sandbox image, with or without a registry prefix.
 */
export const EMULATED_BASES: readonly string[] = ['debian', 'python', 'daytonaio/sandbox']

/** System package managers: only a real Linux userland has them. */
export const PACKAGE_MANAGERS: readonly string[] = ['apt-get', 'apt', 'aptitude', 'dpkg', 'apk', 'yum', 'dnf', 'microdnf', 'zypper', 'pacman', 'rpm', 'snap', 'brew']

/**
 * Commands that exist on a Linux machine (or Daytona's default image) but not in the WebAssembly
 * sandbox: compilers and build tools, network clients, package managers, container and service
 * tools. `command not found` for one of them moves an `auto` sandbox.
 */
export const LINUX_ONLY_COMMANDS: readonly string[] = [
  ...PACKAGE_MANAGERS,
  'sudo',
  'su',
  'gcc',
  'g++',
  'cc',
  'c++',
  'clang',
  'clang++',
  'make',
  'cmake',
  'ninja',
  'ld',
  'as',
  'rustc',
  'cargo',
  'go',
  'java',
  'javac',
  'mvn',
  'gradle',
  'dotnet',
  'ruby',
  'gem',
  'perl',
  'php',
  'curl',
  'wget',
  'ssh',
  'scp',
  'rsync',
  'nc',
  'netcat',
  'telnet',
  'ping',
  'dig',
  'nslookup',
  'docker',
  'podman',
  'kubectl',
  'systemctl',
  'service',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'bun',
  'deno',
  'psql',
  'mysql',
  'redis-server',
  'redis-cli',
  'nginx',
  'ffmpeg',
  'convert',
  'chromium',
  'google-chrome',
  'firefox',
  'Xvfb',
  'strace',
  'gdb',
  'lsof',
  'ps',
  'top',
  'htop',
]

/**
 * Python packages that ship native code (compiled extensions or native dependencies), so
 * daylite's WebAssembly Python cannot install or import them. Daytona's default image has many
 * of them preinstalled.
 */
export const NATIVE_PYTHON_PACKAGES: readonly string[] = [
  'numpy',
  'pandas',
  'scipy',
  'matplotlib',
  'scikit-learn',
  'sklearn',
  'scikit-image',
  'skimage',
  'statsmodels',
  'torch',
  'torchvision',
  'tensorflow',
  'jax',
  'jaxlib',
  'keras',
  'xgboost',
  'lightgbm',
  'numba',
  'llvmlite',
  'pillow',
  'pil',
  'opencv-python',
  'opencv-python-headless',
  'cv2',
  'lxml',
  'psycopg2',
  'psycopg2-binary',
  'psycopg',
  'mysqlclient',
  'cryptography',
  'bcrypt',
  'cffi',
  'pydantic-core',
  'pydantic_core',
  'orjson',
  'ujson',
  'uvloop',
  'grpcio',
  'grpc',
  'pyarrow',
  'polars',
  'duckdb',
  'h5py',
  'tokenizers',
  'shapely',
  'pyyaml',
  'yaml',
  'regex',
  'kiwisolver',
  'contourpy',
  'greenlet',
  'gevent',
  'zmq',
  'pyzmq',
  'psutil',
  'playwright',
  'selenium',
]

/** Which rule matched and why, in words for people. */
export interface Need {
  /** The rule's name (`gpu`, `image-base`, `linux-command`…). */
  rule: string
  /** What the sandbox needs, e.g. `the command gcc`. */
  reason: string
}

/** How to turn the fallback on, said the same way everywhere. */
export function fallbackHint(remoteConfigured: boolean): string {
  return remoteConfigured
    ? "create the sandbox with target: 'auto' (moves when needed) or target: 'remote' to run it on the configured remote Daytona"
    : "configure the remote fallback to run it on a remote Daytona: new Daytona({ remote: { apiKey, apiUrl } }), or DAYTONA_API_KEY and DAYTONA_API_URL in the environment (sandboxes then default to target: 'auto', which moves them when they need Linux)"
}

/** The message of a create-time refusal (rules 1–6). */
export function needMessage(need: Need, remoteConfigured: boolean): string {
  return `this sandbox needs ${need.reason}, which the WebAssembly engine cannot provide; ${fallbackHint(remoteConfigured)}`
}

function imageName(from: string): string {
  // `--platform=x image:tag AS name` → `image`; a registry host and `library/` are dropped.
  const words = from.split(/\s+/).filter((w) => !w.startsWith('--'))
  let name = (words[0] ?? '').toLowerCase()
  name = name.replace(/@.*$/, '')
  const colon = name.lastIndexOf(':')
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon)
  const parts = name.split('/')
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? '')) parts.shift()
  if (parts[0] === 'library') parts.shift()
  return parts.join('/')
}

/** True when `from` (a Dockerfile FROM argument) names a base the engine stands in for. */
export function isEmulatedBase(from: string): boolean {
  return EMULATED_BASES.includes(imageName(from))
}

/** The package names a `pip install …` command line asks for (flags and their values skipped). */
export function pipPackages(command: string): string[] {
  const out: string[] = []
  for (const m of command.matchAll(/(?:^|[;&|(]\s*|\s)(?:python3?(?:\.\d+)?\s+-m\s+)?pip3?(?:\.\d+)?\s+install\s+([^;&|)]*)/g)) {
    const words = (m[1] ?? '').split(/\s+/).filter(Boolean)
    for (let i = 0; i < words.length; i++) {
      const w = (words[i] ?? '').replace(/^['"]|['"]$/g, '')
      if (w.startsWith('-')) {
        if (/^(-r|--requirement|-c|--constraint|-i|--index-url|--extra-index-url|-f|--find-links|-t|--target|--prefix|--root|-e|--editable|--platform|--python-version|--implementation|--abi)$/.test(w)) i++
        continue
      }
      const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(w)?.[1]
      if (name && !w.includes('/') && !w.endsWith('.whl')) out.push(name.toLowerCase().replace(/_/g, '-'))
    }
  }
  return out
}

function nativePackage(name: string): boolean {
  const n = name.toLowerCase()
  return NATIVE_PYTHON_PACKAGES.includes(n) || NATIVE_PYTHON_PACKAGES.includes(n.replace(/-/g, '_'))
}

/** Words that run the command after them (`sudo apt-get …`). */
const PREFIXES = new Set(['sudo', 'env', 'nice', 'time', 'nohup', 'exec', 'command', 'xargs'])

/** The command word of each simple command in a shell line, past `VAR=x` and `sudo`-like prefixes (good enough for RUN steps). */
function commandWords(line: string): string[] {
  return line
    .split(/&&|\|\||[;|&()\n]/)
    .map((part) => {
      const words = part.trim().split(/\s+/)
      let i = 0
      while (i < words.length) {
        const w = (words[i] ?? '').replace(/^.*\//, '')
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || PREFIXES.has(w) || (i > 0 && w.startsWith('-'))) i++
        else break
      }
      return (words[i] ?? '').replace(/^.*\//, '')
    })
    .filter(Boolean)
}

/** What an image (Dockerfile text) needs that WebAssembly cannot run: rules 3–6, in order. */
export function imageNeeds(dockerfile: string): Need[] {
  const parsed = parseDockerfile(dockerfile)
  const needs: Need[] = []
  if (parsed.from !== undefined && !isEmulatedBase(parsed.from)) needs.push({ rule: 'image-base', reason: `the base image ${parsed.from}` })
  for (const step of parsed.steps) {
    if (step.kind === 'unsupported') {
      needs.push({ rule: 'image-instruction', reason: `the image step "${step.text}"` })
      continue
    }
    const words = commandWords(step.text)
    const manager = words.find((w) => PACKAGE_MANAGERS.includes(w))
    if (manager) needs.push({ rule: 'image-package-manager', reason: `a system package manager (${manager}) in "RUN ${step.text}"` })
    const native = pipPackages(step.text).filter(nativePackage)
    if (native.length > 0) needs.push({ rule: 'image-native-pip', reason: `Python packages with native code (${native.join(', ')}) in "RUN ${step.text}"` })
  }
  return needs
}

/** What a create request needs: rules 1–6. */
export function createNeeds(params: { gpu?: number; volumes?: unknown[]; dockerfile?: string }): Need[] {
  const needs: Need[] = []
  if (typeof params.gpu === 'number' && params.gpu > 0) needs.push({ rule: 'gpu', reason: `${params.gpu} GPU${params.gpu > 1 ? 's' : ''}` })
  if (Array.isArray(params.volumes) && params.volumes.length > 0) needs.push({ rule: 'volumes', reason: 'Daytona volumes' })
  if (params.dockerfile !== undefined) needs.push(...imageNeeds(params.dockerfile))
  return needs
}

/**
 * What a failed command's output says it needed (rules 7–11), or undefined. Only a non-zero exit
 * is looked at; the patterns are the messages daylite's shell, pip, CPython and node print.
 */
export function runtimeNeed(exitCode: number, output: string): Need | undefined {
  if (exitCode === 0) return undefined
  for (const m of output.matchAll(/(?:^|\n)(?:bash: )?(?:line \d+: )?([^\s:]+): command not found/g)) {
    const name = (m[1] ?? '').replace(/^.*\//, '')
    if (LINUX_ONLY_COMMANDS.includes(name)) return { rule: 'linux-command', reason: `the command ${name}` }
  }
  if (/^ERROR: .*(?:has native code|platform-specific \(native\) wheel|compiles native code|only as a source distribution|remote fallback)/m.test(output)) {
    const name = /^ERROR: (?:cannot install the project in \S+|([A-Za-z0-9._-]+))/m.exec(output)?.[1]
    return { rule: 'pip-native', reason: `a Python package with native code${name ? ` (${name})` : ''}` }
  }
  const missing = /ModuleNotFoundError: No module named '([A-Za-z0-9_]+)/.exec(output)?.[1]
  if (missing && nativePackage(missing)) return { rule: 'python-native-import', reason: `the Python package ${missing} (native code)` }
  if (/socket\.py", line \d+[\s\S]*?(?:OSError: \[Errno 58\] Not supported|AttributeError: module '_socket' has no attribute)/.test(output)) {
    return { rule: 'socket', reason: 'network sockets (a server listening on a port, or a connection)' }
  }
  if (output.includes('ERR_UNAVAILABLE_IN_WASM')) {
    const name = /The module '([A-Za-z0-9_/:.-]+)' is not available/.exec(output)?.[1]
    return { rule: 'node-builtin', reason: name ? `the Node.js module ${name}` : 'a Node.js module WebAssembly cannot provide' }
  }
  return undefined
}
