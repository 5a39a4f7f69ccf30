import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const tsc = new URL('../../node_modules/typescript/bin/tsc', import.meta.url).pathname

async function typecheck(project: string): Promise<string> {
  try {
    await run(process.execPath, [tsc, '-p', new URL(project, import.meta.url).pathname], { cwd: new URL('../..', import.meta.url).pathname })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
  }
}

describe('drop-in for @daytonaio/sdk 0.218 (type level)', () => {
  it('one SDK program type-checks against the real SDK and against daylite', async () => {
    const [sdk, ours] = await Promise.all([typecheck('./tsconfig.sdk.json'), typecheck('./tsconfig.daylite.json')])
    expect(sdk, 'the program must be valid for the real SDK').toBe('')
    expect(ours, 'the same program must be valid for daylite').toBe('')
  }, 120_000)
})
