/**
 * The remote fallback: sandboxes on a real Daytona (through `@daytonaio/sdk`, loaded lazily),
 * the placement rules that send a sandbox there, and the promotion of a running WebAssembly
 * sandbox. See `docs/decisions/0006-remote.md`.
 */
export { DEFAULT_API_URL, TARGETS, parseTarget, resolveRemote, type PromoteEvent, type RemoteConfig, type ResolvedRemote, type SandboxTarget } from './config.js'
export { Placement, type PlaceRequest, type PlacementOptions } from './placement.js'
export { PlacedSandbox } from './placed.js'
export { RemoteSandbox } from './remote-sandbox.js'
export { RemoteRunner, type RemoteCreateParams } from './runner.js'
export {
  EMULATED_BASES,
  LINUX_ONLY_COMMANDS,
  NATIVE_PYTHON_PACKAGES,
  PACKAGE_MANAGERS,
  createNeeds,
  fallbackHint,
  imageNeeds,
  isEmulatedBase,
  needMessage,
  pipPackages,
  runtimeNeed,
  type Need,
} from './rules.js'
export { BASE_FILE_TIME, copyFiles, moveContexts, moveSessions, parseExports, pathMapper } from './migrate.js'
