/**
 * Entry point of a kernel worker (bundled as `kernel-worker.js` for Node and for browsers).
 */
import { parentEndpoint } from '#platform'
import { serve } from '../rpc.js'
import { Kernel } from './kernel.js'

const endpoint = parentEndpoint()
let emit: (name: string, payload: unknown) => void = () => {}
const kernel = new Kernel((name, payload) => emit(name, payload))
emit = serve(endpoint, kernel)
endpoint.post({ t: 'evt', name: 'ready', payload: null })
