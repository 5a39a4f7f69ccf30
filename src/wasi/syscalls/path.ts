/**
 * path syscalls whose marshalling or semantics we own: `path_open` reuses the lowest free fd
 * (POSIX), `path_filestat_get` writes times correctly, and `path_rename`, `path_link` and
 * `path_symlink` call the VFS directly (the shim moves its own Inode objects for rename and link,
 * and hard-wires `path_symlink` to ENOTSUP).
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { VfsDirectory } from '../fds/directory.js'
import { errnoFor } from '../errno.js'
import { writeFilestat } from '../stat.js'
import { readString } from './context.js'
import type { SyscallContext } from './context.js'

function directory(ctx: SyscallContext, fd: number): VfsDirectory | number {
  const f = ctx.fds[fd]
  if (f === undefined) return wasi.ERRNO_BADF
  if (!(f instanceof VfsDirectory)) return wasi.ERRNO_NOTDIR
  return f
}

/** path_open, path_filestat_get, path_rename, path_link, path_symlink. */
export function pathSyscalls(ctx: SyscallContext) {
  return {
    path_open(
      fd: number,
      dirflags: number,
      pathPtr: number,
      pathLen: number,
      oflags: number,
      rightsBase: bigint,
      rightsInheriting: bigint,
      fdflags: number,
      openedPtr: number,
    ): number {
      const dir = ctx.fds[fd]
      if (dir === undefined) return wasi.ERRNO_BADF
      const path = readString(ctx, pathPtr, pathLen)
      const { ret, fd_obj } = dir.path_open(dirflags, path, oflags, rightsBase, rightsInheriting, fdflags)
      if (ret !== wasi.ERRNO_SUCCESS || fd_obj === null) return ret
      let slot = 3
      while (slot < ctx.fds.length && ctx.fds[slot] !== undefined) slot++
      ctx.fds[slot] = fd_obj
      new DataView(ctx.memory()).setUint32(openedPtr, slot, true)
      return wasi.ERRNO_SUCCESS
    },
    path_filestat_get(fd: number, flags: number, pathPtr: number, pathLen: number, ptr: number): number {
      const dir = ctx.fds[fd]
      if (dir === undefined) return wasi.ERRNO_BADF
      const { ret, filestat } = dir.path_filestat_get(flags, readString(ctx, pathPtr, pathLen))
      if (filestat !== null) writeFilestat(new DataView(ctx.memory()), ptr, filestat)
      return ret
    },
    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      const from = directory(ctx, fd)
      const to = directory(ctx, newFd)
      if (typeof from === 'number') return from
      if (typeof to === 'number') return to
      try {
        from.vfs.rename(from.resolve(readString(ctx, oldPtr, oldLen)), to.resolve(readString(ctx, newPtr, newLen)))
        return wasi.ERRNO_SUCCESS
      } catch (e) {
        return errnoFor(e)
      }
    },
    path_link(oldFd: number, _oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      const from = directory(ctx, oldFd)
      const to = directory(ctx, newFd)
      if (typeof from === 'number') return from
      if (typeof to === 'number') return to
      try {
        from.vfs.link(from.resolve(readString(ctx, oldPtr, oldLen)), to.resolve(readString(ctx, newPtr, newLen)))
        return wasi.ERRNO_SUCCESS
      } catch (e) {
        return errnoFor(e)
      }
    },
    path_symlink(targetPtr: number, targetLen: number, fd: number, pathPtr: number, pathLen: number): number {
      const dir = directory(ctx, fd)
      if (typeof dir === 'number') return dir
      return dir.symlink(readString(ctx, targetPtr, targetLen), readString(ctx, pathPtr, pathLen))
    },
  }
}
