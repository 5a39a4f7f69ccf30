/**
 * The base image every sandbox starts from: a small Debian-like tree, built deterministically
 * (fixed timestamps, fixed inode order), so the same input gives the same layer id and bytes.
 */
import { VfsError } from './errors.js'
import { Layer } from './layer.js'
import type { LayerOptions } from './layer.js'
import { Vfs } from './vfs.js'

/** The fixed timestamp of every base-image inode: 2023-06-10T00:00:00Z, Debian 12's release day. */
export const BASE_IMAGE_TIME = 1686355200000

/** Options of {@link buildLayer}. */
export interface BuildLayerOptions extends LayerOptions {
  /** Timestamp of every inode created (default {@link BASE_IMAGE_TIME}). */
  time?: number
}

/**
 * Builds a frozen layer by running `fill` against a scratch Vfs (as root, with a constant clock)
 * and flattening it.
 *
 * @example
 * ```ts
 * const layer = buildLayer((vfs) => vfs.writeFile('/etc/motd', 'hi\n'), { id: 'motd@1' })
 * ```
 */
export function buildLayer(fill: (vfs: Vfs) => void, options: BuildLayerOptions = {}): Layer {
  const time = options.time ?? BASE_IMAGE_TIME
  const vfs = new Vfs(Layer.empty(), { clock: () => time, user: { uid: 0, gid: 0 } })
  fill(vfs)
  vfs.utimes('/', time, time)
  return Layer.fromVfs(vfs, options.id === undefined ? {} : { id: options.id })
}

/** Options of {@link createBaseLayer}. */
export interface BaseLayerOptions {
  /** Names that get an executable stub `/usr/bin/<name>` (the shell dispatches on the name). */
  commands?: string[]
  /** Extra read-only files (runtime libraries such as Python's stdlib zip), parents created, owned by root. */
  files?: { path: string; data: Uint8Array; mode?: number }[]
}

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
daytona:x:1000:1000::/home/daytona:/bin/bash
`

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
sudo:x:27:daytona
users:x:100:
nogroup:x:65534:
daytona:x:1000:
`

const HOSTS = `127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
127.0.1.1\tdaytona
`

/** Debian 12's os-release, plus a VARIANT saying what this really is. */
const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
VARIANT="daylite (Debian-compatible userland on WebAssembly)"
VARIANT_ID=daylite
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`

const BASHRC = `# ~/.bashrc: executed by bash(1) for non-login shells.
case $- in *i*) ;; *) return ;; esac
PS1='\\u@\\h:\\w\\$ '
alias ll='ls -l'
alias la='ls -A'
`

const PROFILE = `# ~/.profile: executed by the command interpreter for login shells.
if [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then
    . "$HOME/.bashrc"
fi
if [ -d "$HOME/.local/bin" ]; then
    PATH="$HOME/.local/bin:$PATH"
fi
`

/**
 * The Debian-like base image: `/bin → usr/bin`, `/etc` (passwd, group, hostname, hosts,
 * os-release), `/home/daytona` (1000:1000), `/root` (0700), `/tmp` (01777) and the usual empty
 * directories, plus an executable stub `/usr/bin/<name>` per command. Deterministic.
 *
 * @example
 * ```ts
 * const base = createBaseLayer({ commands: ['ls', 'cat', 'echo'] })
 * new Vfs(base).readFile('/usr/bin/ls') // "#!/bin/bash\n# daylite builtin: ls\n"
 * ```
 */
export function createBaseLayer(opts: BaseLayerOptions = {}): Layer {
  const list: unknown = opts.commands ?? []
  if (!Array.isArray(list)) throw new VfsError('EINVAL', 'createBaseLayer', '', undefined, 'commands must be an array')
  const names = new Set<string>()
  for (const c of list) {
    if (typeof c !== 'string' || c === '' || c === '.' || c === '..' || c.includes('/') || c.includes('\0')) {
      throw new VfsError('EINVAL', 'createBaseLayer', String(c), undefined, `bad command name '${String(c)}'`)
    }
    names.add(c)
  }
  const commands = Array.from(names).sort()
  return buildLayer((vfs) => {
    const dir = (p: string, mode = 0o755): void => {
      vfs.mkdir(p, { mode })
      vfs.chmod(p, mode)
    }
    for (const d of ['/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/local', '/usr/local/bin', '/usr/share']) dir(d)
    vfs.symlink('usr/bin', '/bin')
    vfs.symlink('usr/sbin', '/sbin')
    vfs.symlink('usr/lib', '/lib')
    dir('/etc')
    vfs.writeFile('/etc/passwd', PASSWD)
    vfs.writeFile('/etc/group', GROUP)
    vfs.writeFile('/etc/hostname', 'daytona\n')
    vfs.writeFile('/etc/hosts', HOSTS)
    vfs.writeFile('/etc/os-release', OS_RELEASE)
    vfs.writeFile('/etc/shells', '/bin/sh\n/bin/bash\n/usr/bin/bash\n')
    dir('/home')
    dir('/home/daytona')
    vfs.writeFile('/home/daytona/.bashrc', BASHRC)
    vfs.writeFile('/home/daytona/.profile', PROFILE)
    for (const p of ['/home/daytona/.bashrc', '/home/daytona/.profile', '/home/daytona']) vfs.chown(p, 1000, 1000)
    dir('/root', 0o700)
    dir('/tmp', 0o1777)
    for (const d of ['/var', '/var/log', '/var/lib', '/dev', '/proc', '/opt', '/mnt', '/srv']) dir(d)
    dir('/var/tmp', 0o1777)
    for (const name of commands) {
      vfs.writeFile(`/usr/bin/${name}`, `#!/bin/bash\n# daylite builtin: ${name}\n`, { mode: 0o755 })
    }
    for (const f of opts.files ?? []) {
      const parent = f.path.slice(0, f.path.lastIndexOf('/')) || '/'
      vfs.mkdir(parent, { recursive: true, mode: 0o755 })
      vfs.writeFile(f.path, f.data, { mode: f.mode ?? 0o644 })
    }
  })
}
