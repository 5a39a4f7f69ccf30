/**
 * `src/vfs`: the sandbox filesystem. Explicit named exports only.
 */
export { Vfs } from './vfs.js'
export { concatBytes } from './bytes.js'
export { normalizePath, resolvePath } from './path.js'
export { Layer } from './layer.js'
export type { LayerOptions } from './layer.js'
export { VfsError, isVfsError, errnoOf } from './errors.js'
export type { VfsErrorJSON } from './errors.js'
export { toAsync, SYNC_VFS_METHODS } from './async.js'
export { createBaseLayer, buildLayer, BASE_IMAGE_TIME } from './base-image.js'
export type { BaseLayerOptions, BuildLayerOptions } from './base-image.js'
export { VfsErrorCode } from './types.js'
export type {
  AsyncVfs,
  InodeKind,
  MkdirOptions,
  RmOptions,
  SyncVfs,
  VfsDirent,
  VfsOptions,
  VfsQuota,
  VfsStats,
  VfsUsage,
  VfsUser,
  WriteOptions,
} from './types.js'
