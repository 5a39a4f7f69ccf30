/**
 * Moving a sandbox's state from one backend to another (a WebAssembly sandbox promoted to the
 * remote runner): its files under the home and work dirs (bulk download, then bulk upload, with
 * modes), its sessions (same ids, with their directory and exported variables), and its
 * interpreter contexts (same cwd; their variables cannot move).
 */
import type { SandboxBackend } from '../engine/backend.js'
import { shellQuote } from '../engine/engine.js'
import { SandboxError, SandboxErrorCode } from '../engine/errors.js'
import type { FileInfoDto } from '../engine/protocol.js'

/**
 * The modification time of every file of the engine's base image (`BASE_IMAGE_TIME` in
 * `src/vfs/base-image.ts`, 2023-06-10): a file with it was never written in the sandbox, so
 * the remote has its own version and it is not copied.
 */
export const BASE_FILE_TIME = '2023-06-10T00:00:00Z'

/** Directory levels listed under each root. */
export const MOVE_DEPTH = 32
/** The most bytes a promotion copies; a sandbox holding more fails to move (and says so). */
export const MAX_MOVE_BYTES = 1024 * 1024 * 1024
/** Bytes per download/upload batch. */
const BATCH_BYTES = 16 * 1024 * 1024
/** Files per download/upload batch. */
const BATCH_FILES = 200
/** Longest setup command (mkdir/chmod) sent at once. */
const MAX_SETUP_COMMAND = 64 * 1024

/** Maps a path of one sandbox to the same place in another (home → home, work dir → work dir). */
export type PathMap = (path: string) => string

/** The path map from `from`'s home and work dir to `to`'s. */
export function pathMapper(from: SandboxBackend, to: SandboxBackend): PathMap {
  const pairs: [string, string][] = [
    [from.workDir, to.workDir],
    [from.homeDir, to.homeDir],
  ]
  pairs.sort((a, b) => b[0].length - a[0].length)
  return (path) => {
    for (const [a, b] of pairs) {
      if (path === a) return b
      if (path.startsWith(`${a}/`)) return `${b}${path.slice(a.length)}`
    }
    return path
  }
}

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`)
}

/** Runs setup commands in chunks under the length limit. */
async function runChunked(to: SandboxBackend, prefix: string, args: string[]): Promise<void> {
  let batch: string[] = []
  let size = prefix.length
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return
    const r = await to.exec({ command: `${prefix} ${batch.join(' ')}` })
    if (r.exitCode !== 0) throw new SandboxError(SandboxErrorCode.INTERNAL, `setting up the moved files failed: ${prefix}: ${r.output.slice(-300)}`)
    batch = []
    size = prefix.length
  }
  for (const a of args) {
    if (size + a.length + 1 > MAX_SETUP_COMMAND) await flush()
    batch.push(a)
    size += a.length + 1
  }
  await flush()
}

/**
 * Copies the files under `from`'s home and work dir to `to` (files written since the sandbox was
 * created, with their modes, and every directory), in batches.
 * @throws SandboxError LIMIT_EXCEEDED past {@link MAX_MOVE_BYTES}
 */
export async function copyFiles(from: SandboxBackend, to: SandboxBackend, map: PathMap): Promise<{ files: number; bytes: number }> {
  const roots = [from.homeDir]
  if (!under(from.workDir, from.homeDir)) roots.push(from.workDir)
  const entries: FileInfoDto[] = []
  for (const root of roots) {
    try {
      entries.push(...(await from.fs({ op: 'list', path: root, depth: MOVE_DEPTH })))
    } catch (error) {
      if (!(error instanceof SandboxError && error.code === SandboxErrorCode.FILE_NOT_FOUND)) throw error
    }
  }
  const files = entries.filter((e) => !e.isDir && e.path !== undefined && e.modTime !== BASE_FILE_TIME)
  const dirs = entries.filter((e) => e.isDir && e.path !== undefined)
  const total = files.reduce((n, f) => n + f.size, 0)
  if (total > MAX_MOVE_BYTES) {
    throw new SandboxError(SandboxErrorCode.LIMIT_EXCEEDED, `the sandbox holds ${total} bytes of files; moving it to the remote runner copies at most ${MAX_MOVE_BYTES}`, {
      bytes: total,
      limit: MAX_MOVE_BYTES,
    })
  }
  if (dirs.length > 0) await runChunked(to, 'mkdir -p --', dirs.map((d) => shellQuote(map(d.path as string))))
  let bytes = 0
  let copied = 0
  for (let i = 0; i < files.length; ) {
    const batch: FileInfoDto[] = []
    let size = 0
    while (i < files.length && batch.length < BATCH_FILES && (batch.length === 0 || size + (files[i]?.size ?? 0) <= BATCH_BYTES)) {
      const f = files[i++] as FileInfoDto
      batch.push(f)
      size += f.size
    }
    const items = await from.fs({ op: 'download', paths: batch.map((f) => f.path as string) })
    const upload: { path: string; data: Uint8Array }[] = []
    for (const item of items) {
      if ('error' in item) continue // removed since the listing, or unreadable: not copied
      upload.push({ path: map(item.path), data: item.data })
      bytes += item.data.byteLength
    }
    await to.fs({ op: 'upload', files: upload })
    copied += upload.length
  }
  // Modes: one chmod per distinct mode (files default to 0644, directories to 0755 on the remote).
  const byMode = new Map<string, string[]>()
  for (const e of [...dirs, ...files]) {
    if (e.permissions === (e.isDir ? '0755' : '0644')) continue
    const list = byMode.get(e.permissions) ?? []
    list.push(shellQuote(map(e.path as string)))
    byMode.set(e.permissions, list)
  }
  for (const [mode, paths] of byMode) await runChunked(to, `chmod ${shellQuote(mode)} --`, paths)
  return { files: copied, bytes }
}

/** Variables a session's state never carries over (the remote machine has its own). */
const NOT_MOVED = new Set(['PWD', 'OLDPWD', 'SHLVL', '_', 'HOME', 'USER', 'LOGNAME', 'HOSTNAME', 'PATH', 'SHELL', 'TERM', 'LANG'])

/** `export -p` output → variables. */
export function parseExports(text: string): Map<string, string> {
  const vars = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^declare -x ([A-Za-z_][A-Za-z0-9_]*)(?:="((?:[^"\\]|\\.)*)")?$/.exec(line)
    if (m?.[1]) vars.set(m[1], (m[2] ?? '').replace(/\\(.)/g, '$1'))
  }
  return vars
}

/**
 * Re-creates `from`'s sessions in `to` with the same ids; each starts in the directory its shell
 * was in, with the variables it had exported (one setup command in the new session's history).
 * A session whose last command still runs is re-created empty.
 */
export async function moveSessions(from: SandboxBackend, to: SandboxBackend, map: PathMap): Promise<void> {
  const sessions = await from.listSessions()
  if (sessions.length === 0) return
  const base = parseExports((await from.exec({ command: 'export -p' })).output)
  for (const s of sessions) {
    await to.createSession(s.sessionId)
    const last = s.commands[s.commands.length - 1]
    if (last !== undefined && last.exitCode === undefined) continue
    const state = await from.sessionExec(s.sessionId, 'pwd; export -p')
    const text = state.output ?? ''
    const cwd = text.split('\n')[0] ?? ''
    const setup: string[] = []
    if (cwd.startsWith('/') && cwd !== from.workDir) setup.push(`cd ${shellQuote(map(cwd))}`)
    for (const [k, v] of parseExports(text)) {
      if (!NOT_MOVED.has(k) && base.get(k) !== v) setup.push(`export ${k}=${shellQuote(map(v))}`)
    }
    if (setup.length > 0) await to.sessionExec(s.sessionId, setup.join('; '))
  }
}

/** Re-creates `from`'s interpreter contexts in `to` (same cwd); returns old id → new id. */
export async function moveContexts(from: SandboxBackend, to: SandboxBackend, map: PathMap): Promise<Map<string, string>> {
  const ids = new Map<string, string>()
  for (const c of await from.listContexts()) {
    const created = await to.createContext(map(c.cwd))
    ids.set(c.id, created.id)
  }
  return ids
}
