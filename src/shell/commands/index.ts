/**
 * Registry of daylite's own shell commands: the ones just-bash 3.4.2 lacks or gets wrong. Each
 * loads lazily on first use (literal dynamic imports, so bundlers split them).
 */
import type { BuiltinCommand } from './context.js'

/** Loaders of the built-in commands by name. */
export const BUILTIN_COMMANDS: Readonly<Record<string, () => Promise<BuiltinCommand>>> = {
  ls: async () => (await import('./ls.js')).ls,
  id: async () => (await import('./id.js')).id,
  chown: async () => (await import('./chown.js')).chown,
  chgrp: async () => (await import('./chgrp.js')).chgrp,
  kill: async () => (await import('./kill.js')).kill,
  jobs: async () => (await import('./jobs.js')).jobs,
  trap: async () => (await import('./trap.js')).trap,
  umask: async () => (await import('./umask.js')).umask,
  ulimit: async () => (await import('./ulimit.js')).ulimit,
  yes: async () => (await import('./yes.js')).yes,
  whoami: async () => (await import('./whoami.js')).whoami,
  hostname: async () => (await import('./hostname.js')).hostname,
  xargs: async () => (await import('./xargs.js')).xargs,
  paste: async () => (await import('./paste.js')).paste,
}
