// Record one artifact in runtimes/manifest.json without touching other keys.
//
//   node update-manifest.mjs <manifest.json> <key> <artifact-file>
//
// The entry's extra fields come from $QJS_MANIFEST_JSON (a JSON object); sha256,
// bytes and gzipBytes are computed here. The manifest is shared with other
// runtime recipes: read-modify-write of our key only, written to a temporary
// file and renamed over the original so a reader never sees half a file.
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const [manifestPath, key, artifactPath] = process.argv.slice(2)
if (!manifestPath || !key || !artifactPath) {
  console.error('usage: update-manifest.mjs <manifest.json> <key> <artifact>')
  process.exit(2)
}
const extra = JSON.parse(process.env.QJS_MANIFEST_JSON ?? '{}')
const bytes = readFileSync(artifactPath)
const entry = {
  sha256: createHash('sha256').update(bytes).digest('hex'),
  bytes: bytes.length,
  gzipBytes: gzipSync(bytes, { level: 9 }).length,
  ...extra,
}

let manifest = { artifacts: {} }
try {
  manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
} catch (err) {
  if (err.code !== 'ENOENT') throw err
}
manifest.artifacts ??= {}
manifest.artifacts[key] = entry
const sorted = Object.fromEntries(Object.entries(manifest.artifacts).sort(([a], [b]) => a.localeCompare(b)))
const tmp = `${manifestPath}.${process.pid}.tmp`
writeFileSync(tmp, JSON.stringify({ ...manifest, artifacts: sorted }, null, 2) + '\n')
renameSync(tmp, manifestPath)
console.error(`${manifestPath}: ${key} sha256 ${entry.sha256} (${entry.bytes} bytes)`)
