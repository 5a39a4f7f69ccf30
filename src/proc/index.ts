/**
 * `src/proc`: the process model. WASI programs run in pooled process workers and reach the
 * owner's VFS through a synchronous SharedArrayBuffer channel.
 */
export { ProcessHost, ProcessHostDisposedError, WasiProcess } from './host.js'
export type { ProcessHostOptions, ProcessResult, ProcessWorkerHandle, SpawnOptions } from './host.js'
export type { StdinProvider } from './channel-server.js'
export { ChannelClient, ChannelError, ChannelVfs } from './channel-client.js'
export { ChannelServer } from './channel-server.js'
