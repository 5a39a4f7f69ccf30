/**
 * Test helpers that reach below the public API.
 */
import { hostOf } from '../../src/api/Sandbox.js'
import type { Sandbox } from '../../src/index.js'

/** Crashes the kernel worker that holds `sandbox` (an uncaught error inside the worker). */
export async function killAttachedWorker(sandbox: Sandbox): Promise<void> {
  await hostOf(sandbox).simulateCrash()
}
