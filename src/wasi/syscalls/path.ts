/**
 * Every path syscall, so that each path is decoded strictly (`readPath`: bytes that are not UTF-8
 * are EILSEQ, where the shim decodes lossily to U+FFFD and so aliases distinct names). Besides:
 * `path_open` reuses the lowest free fd (POSIX), `path_filestat_get` writes times correctly,
 * `path_readlink` truncates to the guest's buffer as POSIX `readlink` does (the shim answers
 * EBADF), `path_rename` goes through the process's open files (an open file follows a rename),
 * and `path_link` and `path_symlink` call the VFS directly (the shim moves its own Inode objects,
 * and hard-wires `path_symlink` to ENOTSUP).
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { VfsDirectory } from '../fds/directory.js'
import { errnoFor } from '../errno.js'
import { writeFilestat } from '../stat.js'
import { ENCODER, readPath } from './context.js'
import type { SyscallContext } from './context.js'

function directory(ctx: SyscallContext, fd: number): VfsDirectory | number {
  const f = ctx.fds[fd]
  if (f === undefined) return wasi.ERRNO_BADF
  if (!(f instanceof VfsDirectory)) return wasi.ERRNO_NOTDIR
  return f
}

/** path_open, path_filestat_get/set_times, path_create/remove_directory, path_unlink_file, path_readlink, path_rename, path_link, path_symlink. */
export function pathSyscalls(ctx: SyscallContext) {
  /** The fd's Fd and the decoded path, or an errno. */
  const at = (fd: number, ptr: number, len: number) => {
    const dir = ctx.fds[fd]
    if (dir === undefined) return wasi.ERRNO_BADF
    const path = readPath(ctx, ptr, len)
    if (path === undefined) return wasi.ERRNO_ILSEQ
    return { dir, path }
  }
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
      const a = at(fd, pathPtr, pathLen)
      if (typeof a === 'number') return a
      const { ret, fd_obj } = a.dir.path_open(dirflags, a.path, oflags, rightsBase, rightsInheriting, fdflags)
      if (ret !== wasi.ERRNO_SUCCESS || fd_obj === null) return ret
      let slot = 3
      while (slot < ctx.fds.length && ctx.fds[slot] !== undefined) slot++
      ctx.fds[slot] = fd_obj
      new DataView(ctx.memory()).setUint32(openedPtr, slot, true)
      return wasi.ERRNO_SUCCESS
    },
    path_filestat_get(fd: number, flags: number, pathPtr: number, pathLen: number, ptr: number): number {
      const a = at(fd, pathPtr, pathLen)
      if (typeof a === 'number') return a
      const { ret, filestat } = a.dir.path_filestat_get(flags, a.path)
      if (filestat !== null) writeFilestat(new DataView(ctx.memory()), ptr, filestat)
      return ret
    },
    path_filestat_set_times(fd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fstFlags: number): number {
      const a = at(fd, pathPtr, pathLen)
      if (typeof a === 'number') return a
      return a.dir.path_filestat_set_times(flags, a.path, atim, mtim, fstFlags)
    },
    path_create_directory(fd: number, pathPtr: number, pathLen: number): number {
      const a = at(fd, pathPtr, pathLen)
      if (typeof a === 'number') return a
      return a.dir.path_create_directory(a.path)
    },
    path_remove_directory(fd: number, pathPtr: number, pathLen: number): number {
      const a = at(fd, pathPtr, pathLen)
      if (typeof a === 'number') return a
      return a.dir.path_remove_directory(a.path)
    },
    path_unlink_file(fd: number, pathPtr: number, pathLen: number): number {
      const a = at(fd, pathPtr, pathLen)
      if (typeof a === 'number') return a
      return a.dir.path_unlink_file(a.path)
    },
    path_readlink(fd: number, pathPtr: number, pathLen: number, bufPtr: number, bufLen: number, nreadPtr: number): number {
      const a = at(fd, pathPtr, pathLen)
      if (typeof a === 'number') return a
      const { ret, data } = a.dir.path_readlink(a.path)
      if (ret !== wasi.ERRNO_SUCCESS || data === null) return ret
      const bytes = ENCODER.encode(data)
      const n = Math.min(bytes.byteLength, bufLen)
      const mem = new Uint8Array(ctx.memory())
      mem.set(bytes.subarray(0, n), bufPtr)
      new DataView(mem.buffer).setUint32(nreadPtr, n, true)
      return wasi.ERRNO_SUCCESS
    },
    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      const from = directory(ctx, fd)
      const to = directory(ctx, newFd)
      if (typeof from === 'number') return from
      if (typeof to === 'number') return to
      const oldPath = readPath(ctx, oldPtr, oldLen)
      const newPath = readPath(ctx, newPtr, newLen)
      if (oldPath === undefined || newPath === undefined) return wasi.ERRNO_ILSEQ
      try {
        from.files.rename(from.resolve(oldPath), to.resolve(newPath))
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
      const oldPath = readPath(ctx, oldPtr, oldLen)
      const newPath = readPath(ctx, newPtr, newLen)
      if (oldPath === undefined || newPath === undefined) return wasi.ERRNO_ILSEQ
      try {
        from.vfs.link(from.resolve(oldPath), to.resolve(newPath))
        return wasi.ERRNO_SUCCESS
      } catch (e) {
        return errnoFor(e)
      }
    },
    path_symlink(targetPtr: number, targetLen: number, fd: number, pathPtr: number, pathLen: number): number {
      const dir = directory(ctx, fd)
      if (typeof dir === 'number') return dir
      const target = readPath(ctx, targetPtr, targetLen)
      const path = readPath(ctx, pathPtr, pathLen)
      if (target === undefined || path === undefined) return wasi.ERRNO_ILSEQ
      return dir.symlink(target, path)
    },
  }
}
