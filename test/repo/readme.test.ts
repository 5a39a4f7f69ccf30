import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** The ```ts blocks of the README that import daylite. */
function examples(): string[] {
  const readme = readFileSync(`${root}README.md`, 'utf8')
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').filter((code) => code.includes("from 'daylite'"))
}

describe('README', () => {
  it('has runnable examples, and each one runs against the built package', () => {
    const blocks = examples()
    expect(blocks.length).toBeGreaterThan(0)
    for (const [i, code] of blocks.entries()) {
      // Type annotations are not used in the README's examples, so the block is plain JavaScript.
      const file = `${root}dist/readme-example-${i}.mjs`
      writeFileSync(file, code.replace("from 'daylite'", "from './index.js'") + '\nconsole.log("README-OK")\n')
      try {
        const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 })
        expect(out.trim().split('\n').pop(), `README example ${i}`).toBe('README-OK')
      } finally {
        rmSync(file, { force: true })
      }
    }
  }, 60_000)
})
