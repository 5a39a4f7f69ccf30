/**
 * The shell layer: bash (just-bash) over the sandbox VFS, used by the kernel.
 */
export { builtinCommandNames, Shell, type ShellOptions } from './shell.js'
export { createSessionState } from './session.js'
export { DEFAULT_SHELL_LIMITS, type ShellLimits } from './limits.js'
export { TRUNCATION_MARKER } from './output.js'
export { VfsFileSystem } from './fs-adapter.js'
export { Pipe, PIPE_CAPACITY, type PipeReader, type PipeWriter } from './pipe.js'
export type {
  ShellCommand,
  ShellCommandContext,
  ShellCommandResult,
  ShellExecOptions,
  ShellResult,
  ShellSessionState,
  ShellSubExecOptions,
  ShellUser,
} from './types.js'
