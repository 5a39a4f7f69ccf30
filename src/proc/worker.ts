/**
 * Entry point of a process worker (bundled as `process-worker.js` for Node and for browsers):
 * runs one WASI program at a time under `src/wasi`, its files reached through the synchronous
 * channel to the owner thread. Stays alive between programs (the host pools it).
 */
import { parentEndpoint } from '#platform'
import { bytesSource, createWasi } from '../wasi/index.js'
import type { ByteSource } from '../wasi/index.js'
import { ChannelClient, ChannelVfs } from './channel-client.js'
import { OP } from './protocol.js'
import type { RunMessage, WorkerMessage } from './protocol.js'

const endpoint = parentEndpoint()
const post = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => endpoint.post(m, transfer)

function run(m: RunMessage): void {
  try {
    const client = new ChannelClient(m.channel, m.wake, () => post({ type: 'wake' }))
    const stdin: ByteSource =
      m.stdin === 'channel' ? { read: (max) => client.call(OP.STDIN_READ, 'read', '', '', [max]).slice() } : bytesSource(m.stdin)
    const output = (type: 'stdout' | 'stderr') => (bytes: Uint8Array) => {
      // fd_write hands over a fresh, exactly sized buffer: move it instead of copying.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
      const out = own ? bytes : bytes.slice()
      post({ type, bytes: out }, [out.buffer as ArrayBuffer])
    }
    const program = createWasi(m.module, {
      args: m.args,
      env: m.env,
      cwd: m.cwd,
      vfs: new ChannelVfs(client),
      stdin,
      tty: m.tty,
      onStdout: output('stdout'),
      onStderr: output('stderr'),
    })
    const instance = new WebAssembly.Instance(m.module, program.imports)
    const memory = instance.exports.memory
    const size = (): number => (memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : 0)
    if (m.maxMemoryBytes !== undefined && size() > m.maxMemoryBytes) {
      output('stderr')(new TextEncoder().encode(`the program needs ${size()} bytes of memory at start, more than the limit of ${m.maxMemoryBytes}\n`))
      post({ type: 'exit', exitCode: 137, memoryBytes: size() })
      return
    }
    const result = program.start(instance)
    post({ type: 'exit', exitCode: result.exitCode, ...(result.trap !== undefined ? { trap: result.trap } : {}), memoryBytes: size() })
  } catch (e) {
    post({ type: 'fault', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
  }
}

endpoint.onMessage((message) => {
  const m = message as RunMessage
  if (m.type === 'run') run(m)
})
post({ type: 'ready' })
