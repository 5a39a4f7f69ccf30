import { createBaseLayer, Vfs } from '../../src/vfs/index.js'
import { builtinCommandNames, Shell, type ShellOptions } from '../../src/shell/index.js'

export const USER = { name: 'daytona', uid: 1000, gid: 1000, home: '/home/daytona' }

export const base = createBaseLayer({ commands: builtinCommandNames() })

/** A fresh sandbox filesystem from the base image. */
export function makeVfs(maxBytes?: number): Vfs {
  return new Vfs(base, maxBytes === undefined ? {} : { maxBytes })
}

/** A shell over a fresh VFS. */
export function makeShell(opts: Partial<ShellOptions> = {}): { shell: Shell; vfs: Vfs } {
  const vfs = makeVfs()
  return { shell: new Shell({ vfs, user: USER, ...opts }), vfs }
}
