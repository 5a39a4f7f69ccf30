import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Layer, Vfs } from '../../src/vfs/index.js'
import { PipError } from '../../src/engine/kernel/pip/errors.js'
import { SANDBOX_LAYOUT } from '../../src/engine/kernel/pip/installed.js'
import { parseWheelFilename, wheelRank, isNativeWheel, parseSdistFilename } from '../../src/engine/kernel/pip/index-client.js'
import { prepareLocalProject } from '../../src/engine/kernel/pip/local-project.js'
import { parseEntryPoints, parseMetadata, parseRecord, formatRecord } from '../../src/engine/kernel/pip/metadata.js'
import { checkUrl } from '../../src/engine/kernel/pip/network.js'
import { evaluateMarker, markerApplies, parseMarker, parseRequirement } from '../../src/engine/kernel/pip/requirement.js'
import { emptyRequirementSet, readRequirementsFile, splitWords } from '../../src/engine/kernel/pip/requirements-file.js'
import { sha256, toBase64Url, toHex } from '../../src/engine/kernel/pip/sha256.js'
import { parseToml } from '../../src/engine/kernel/pip/toml.js'
import { SpecifierSet, Version } from '../../src/engine/kernel/pip/version.js'
import { ZipReader } from '../../src/engine/kernel/pip/zip.js'
import { zip } from './helpers.js'

const v = (s: string): Version => {
  const parsed = Version.parse(s)
  if (!parsed) throw new Error(`bad version ${s}`)
  return parsed
}

describe('PEP 440 versions', () => {
  it('normalises and orders versions as the spec says', () => {
    expect(v('1.0-ALPHA.1').toString()).toBe('1.0a1')
    expect(v('v1.0-r2').toString()).toBe('1.0.post2')
    expect(v('1.0-1').toString()).toBe('1.0.post1')
    expect(v('1.0.dev').toString()).toBe('1.0.dev0')
    expect(v('1.0c1').toString()).toBe('1.0rc1')
    expect(v('1!2.0+Ubuntu-1').toString()).toBe('1!2.0+ubuntu.1')
    expect(Version.parse('1.0-foo')).toBeUndefined()
    const ordered = ['1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1', '1!0.1']
    const shuffled = [...ordered].reverse()
    expect(shuffled.sort((a, b) => v(a).compare(v(b)))).toEqual(ordered)
    expect(v('1.0').compare(v('1.0.0'))).toBe(0)
  })

  it('matches specifiers, with pre-releases only when asked for or the only match', () => {
    const ok = (spec: string, version: string): boolean => SpecifierSet.parse(spec).contains(v(version), true)
    expect(ok('==1.1.*', '1.1.post1')).toBe(true)
    expect(ok('==1.1.*', '1.10')).toBe(false)
    expect(ok('==1.0', '1.0+local')).toBe(true)
    expect(ok('==1.0+local', '1.0')).toBe(false)
    expect(ok('!=1.3.*', '1.3.4')).toBe(false)
    expect(ok('~=2.2', '2.9')).toBe(true)
    expect(ok('~=2.2', '3.0')).toBe(false)
    expect(ok('~=1.4.5', '1.4.9')).toBe(true)
    expect(ok('~=1.4.5', '1.5.0')).toBe(false)
    expect(ok('<2.0', '2.0rc1')).toBe(false)
    expect(ok('<2.0rc2', '2.0rc1')).toBe(true)
    expect(ok('>1.7', '1.7.post2')).toBe(false)
    expect(ok('>1.7.post2', '1.7.post3')).toBe(true)
    expect(ok('>1.7', '1.7+local')).toBe(false)
    expect(ok('>=1.0,<2', '1.5')).toBe(true)
    expect(ok('===1.0', '1.0')).toBe(true)
    const items = ['1.0', '1.1', '2.0a1'].map((s) => ({ version: v(s) }))
    expect(SpecifierSet.parse('>=1.0').filter(items).map((i) => i.version.toString())).toEqual(['1.0', '1.1'])
    expect(SpecifierSet.parse('>=2.0a1').filter(items).map((i) => i.version.toString())).toEqual(['2.0a1'])
    expect(SpecifierSet.parse('>1.5').filter(items).map((i) => i.version.toString())).toEqual(['2.0a1'])
    expect(SpecifierSet.parse('>1.5').filter(items, false)).toEqual([])
    expect(() => SpecifierSet.parse('~=1')).toThrow(PipError)
    expect(() => SpecifierSet.parse('>=1.*')).toThrow(/only allowed with == and !=/)
  })
})

describe('PEP 508 requirements and markers', () => {
  it('parses names, extras, specifiers, URLs and markers', () => {
    const r = parseRequirement('Requests[Socks, security] (>=2.8.1, ==2.8.*) ; python_version < "3.14"')
    expect(r.key).toBe('requests')
    expect(r.extras).toEqual(['socks', 'security'])
    expect(r.specifier.toString()).toBe('>=2.8.1,==2.8.*')
    expect(r.marker && evaluateMarker(r.marker)).toBe(true)
    const u = parseRequirement('pip @ https://example.com/pip-24.0-py3-none-any.whl ; sys_platform == "wasi"')
    expect(u.url).toBe('https://example.com/pip-24.0-py3-none-any.whl')
    expect(() => parseRequirement('foo >= 1.0 bar')).toThrow(/Invalid requirement/)
    expect(() => parseRequirement('foo; unknown_var == "1"')).toThrow(/unknown marker variable/)
  })

  it('evaluates markers for CPython 3.13 on wasm32-wasi', () => {
    const m = (s: string, extras: string[] = []): boolean => markerApplies(parseMarker(s), extras)
    expect(m('sys_platform == "wasi" and platform_machine == "wasm32" and os_name == "posix"')).toBe(true)
    expect(m('sys_platform == "linux" or sys_platform == "win32"')).toBe(false)
    expect(m('python_version >= "3.8" and python_version < "3.14"')).toBe(true)
    expect(m('python_full_version >= "3.13.1"')).toBe(true)
    expect(m('"3.14" <= python_version')).toBe(false)
    expect(m('implementation_name == "cpython" and platform_python_implementation == "CPython"')).toBe(true)
    expect(m('(os_name == "nt" or sys.platform == "wasi") and python_version > "2.7"')).toBe(true)
    expect(m('"wasm" in platform_machine')).toBe(true)
    expect(m('extra == "Color_Extra"')).toBe(false)
    expect(m('extra == "Color_Extra"', ['color-extra'])).toBe(true)
  })
})

describe('TOML', () => {
  it('parses what a pyproject.toml can hold', () => {
    const doc = parseToml(
      [
        '# comment',
        'title = "a \\"q\\" \\u00e9 \\U0001F600"',
        "lit = 'C:\\path'",
        'multi = """',
        'one \\',
        '   two"""',
        "raw = '''",
        "x\\n'''",
        'ints = [1_000, 0x1F, 0o17, 0b101, -3, +4]',
        'floats = [1.5, -2e3, 6.02E+23, inf, -inf]',
        'bools = [true, false]',
        'date = 1979-05-27T07:32:00Z',
        'mixed = [ "a", # comment',
        '  { b = 1, c.d = "e" }, ]',
        '"quoted key" = 1',
        'dotted.key.path = "v"',
        '[project]',
        'name = "x"',
        '[project.optional-dependencies]',
        'test = ["pytest>=7"]',
        '[[tool.mypy.overrides]]',
        'module = "a"',
        '[[tool.mypy.overrides]]',
        'module = "b"',
        '[a.b]',
        'c = 1',
        '[a]',
        'd = 2',
      ].join('\n'),
    )
    expect(doc.title).toBe('a "q" é 😀')
    expect(doc.lit).toBe('C:\\path')
    expect(doc.multi).toBe('one two')
    expect(doc.raw).toBe('x\\n')
    expect(doc.ints).toEqual([1000, 31, 15, 5, -3, 4])
    expect(doc.floats).toEqual([1.5, -2000, 6.02e23, Infinity, -Infinity])
    expect(doc.bools).toEqual([true, false])
    expect(doc.date).toBe('1979-05-27T07:32:00Z')
    expect(doc.mixed).toEqual(['a', { b: 1, c: { d: 'e' } }])
    expect(doc['quoted key']).toBe(1)
    expect(doc.dotted).toEqual({ key: { path: 'v' } })
    expect(doc.project).toEqual({ name: 'x', 'optional-dependencies': { test: ['pytest>=7'] } })
    expect(doc.tool).toEqual({ mypy: { overrides: [{ module: 'a' }, { module: 'b' }] } })
    expect(doc.a).toEqual({ b: { c: 1 }, d: 2 })
  })

  it('rejects invalid documents with the line and column', () => {
    expect(() => parseToml('a = 1\na = 2\n')).toThrow(/pyproject.toml:2:1: invalid TOML: key 'a' is defined twice/)
    expect(() => parseToml('[a]\n[a]\n')).toThrow(/table \[a\] is defined twice/)
    expect(() => parseToml('a = {b = 1}\n[a]\n')).toThrow(/defined twice/)
    expect(() => parseToml('a = "unterminated\n')).toThrow(/newline in a single-line string/)
    expect(() => parseToml('a = "\\q"\n')).toThrow(/invalid escape/)
    expect(() => parseToml('a = bare\n')).toThrow(/strings need quotes/)
    expect(() => parseToml('a = 1 b = 2\n')).toThrow(/expected the end of the line/)
    expect(() => parseToml('a = [1, 2\n')).toThrow(/unterminated array/)
    expect(() => parseToml('a = 1\n[a.b]\n')).toThrow(/already a value/)
  })
})

describe('zip, hashes and metadata formats', () => {
  it('reads stored and deflated entries and checks their CRC', async () => {
    const big = new Uint8Array(100_000).fill(7)
    const bytes = zip([
      { name: 'a.txt', data: new TextEncoder().encode('hello'), stored: true },
      { name: 'dir/big.bin', data: big, mode: 0o755 },
    ])
    const z = ZipReader.open(bytes, 'x.zip')
    expect(z.entries.map((e) => [e.name, e.method, e.mode])).toEqual([
      ['a.txt', 0, 0o644],
      ['dir/big.bin', 8, 0o755],
    ])
    const entry = z.get('dir/big.bin')
    expect(entry && (await z.read(entry))).toEqual(big)
    // Corrupt the stored entry's data: the CRC no longer matches.
    const broken = bytes.slice()
    broken[30 + 'a.txt'.length] = 'j'.charCodeAt(0)
    const bz = ZipReader.open(broken, 'x.zip')
    const a = bz.get('a.txt')
    await expect(a ? bz.read(a) : Promise.reject(new Error('missing'))).rejects.toThrow(/CRC-32 mismatch/)
    expect(() => ZipReader.open(new Uint8Array(10), 'nope.whl')).toThrow(/not a valid zip file/)
  })

  it('hashes like node:crypto and encodes RECORD hashes', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 100_000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31) & 255)
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'))
      expect(toBase64Url(sha256(data))).toBe(createHash('sha256').update(data).digest('base64url'))
    }
  })

  it('parses METADATA, entry points and RECORD', () => {
    const m = parseMetadata('Metadata-Version: 2.1\nName: a\nRequires-Dist: b\nRequires-Dist: c; extra == "x"\nDescription: line1\n        |line2\n\nbody text\n')
    expect(m.getAll('requires-dist')).toEqual(['b', 'c; extra == "x"'])
    expect(m.get('description')).toBe('line1\nline2')
    expect(m.body).toBe('body text\n')
    const eps = parseEntryPoints('[console_scripts]\nhello = pkg.cli:main [extra]\n\n[gui_scripts]\nui=pkg.ui:App.run\n')
    expect(eps.get('console_scripts')).toEqual([{ name: 'hello', module: 'pkg.cli', attr: 'main' }])
    expect(eps.get('gui_scripts')).toEqual([{ name: 'ui', module: 'pkg.ui', attr: 'App.run' }])
    const rows = [{ path: 'a,b.py', hash: 'sha256=x', size: '1' }, { path: 'R', hash: '', size: '' }]
    expect(parseRecord(formatRecord(rows))).toEqual(rows)
  })

  it('tells pure wheels from native ones', () => {
    const rank = (f: string): number | undefined => {
      const w = parseWheelFilename(f)
      return w ? wheelRank(w) : -1
    }
    expect(rank('a-1.0-py3-none-any.whl')).toBeDefined()
    expect(rank('a-1.0-py2.py3-none-any.whl')).toBeDefined()
    expect(rank('a-1.0-cp313-none-any.whl')).toBeDefined()
    expect(rank('a-1.0-1-py313-none-any.whl')).toBeDefined()
    expect(rank('a-1.0-cp314-none-any.whl')).toBeUndefined()
    expect(rank('a-1.0-py2-none-any.whl')).toBeUndefined()
    expect(rank('a-1.0-cp313-abi3-manylinux_2_17_x86_64.whl')).toBeUndefined()
    const native = parseWheelFilename('numpy-2.1.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')
    expect(native && isNativeWheel(native)).toBe(true)
    expect(parseSdistFilename('my-pkg-1.0.tar.gz', 'my_pkg')?.toString()).toBe('1.0')
  })
})

describe('network policy', () => {
  const allowed = (url: string, policy: Parameters<typeof checkUrl>[1]): boolean => {
    try {
      checkUrl(new URL(url), policy)
      return true
    } catch {
      return false
    }
  }
  it('applies networkBlockAll, CIDRs (IPv4 and IPv6), host names and domains', () => {
    expect(allowed('https://pypi.org/simple/', {})).toBe(true)
    expect(allowed('https://pypi.org/simple/', { networkBlockAll: true })).toBe(false)
    expect(allowed('http://10.1.2.3/', { networkAllowList: '10.0.0.0/8' })).toBe(true)
    expect(allowed('http://11.1.2.3/', { networkAllowList: '10.0.0.0/8' })).toBe(false)
    expect(allowed('http://192.168.1.77/', { networkAllowList: '10.0.0.0/8, 192.168.1.0/24' })).toBe(true)
    expect(allowed('http://[::1]:8080/', { networkAllowList: '::1/128' })).toBe(true)
    expect(allowed('http://[2001:db8::5]/', { networkAllowList: '2001:db8::/32' })).toBe(true)
    expect(allowed('http://[2001:db9::5]/', { networkAllowList: '2001:db8::/32' })).toBe(false)
    expect(allowed('http://localhost:1/', { networkAllowList: '127.0.0.0/8' })).toBe(true)
    expect(allowed('https://pypi.org/', { networkAllowList: '151.101.0.0/16' })).toBe(false)
    expect(allowed('https://pypi.org/', { networkAllowList: 'pypi.org,files.pythonhosted.org' })).toBe(true)
    expect(allowed('https://files.pythonhosted.org/', { domainAllowList: 'pythonhosted.org' })).toBe(true)
    expect(allowed('https://pythonhosted.org/', { domainAllowList: '*.pythonhosted.org' })).toBe(false)
    expect(allowed('https://evilpythonhosted.org/', { domainAllowList: 'pythonhosted.org' })).toBe(false)
    expect(allowed('ftp://pypi.org/', {})).toBe(false)
  })
})

describe('requirements files and local projects (on a real sandbox VFS)', () => {
  const fresh = (): Vfs => new Vfs(Layer.empty())
  const write = (vfs: Vfs, files: Record<string, string>): void => {
    for (const [p, text] of Object.entries(files)) {
      vfs.mkdir(p.slice(0, p.lastIndexOf('/')), { recursive: true })
      vfs.writeFile(p, text)
    }
  }

  it('reads requirements files with options, includes, hashes and ${VARS}', () => {
    const vfs = fresh()
    write(vfs, {
      '/w/req.txt': '-i https://idx/simple\n--extra-index-url=https://extra/simple\n-r more/other.txt\n-c cons.txt\nA[x]>=1 \\\n  --hash=sha256:ABCD   # pinned\n${PKG}==2 ; python_version > "3"\n./localdir\n',
      '/w/more/other.txt': '--pre\nb\n',
      '/w/cons.txt': 'a<3\n',
    })
    const set = emptyRequirementSet()
    readRequirementsFile(vfs, '/w/req.txt', '/w', { PKG: 'c' }, set)
    expect(set.indexUrl).toBe('https://idx/simple')
    expect(set.extraIndexUrls).toEqual(['https://extra/simple'])
    expect(set.pre).toBe(true)
    expect(set.constraints.map((c) => c.text)).toEqual(['a<3'])
    expect(set.items.map((i) => (i.kind === 'path' ? `path:${i.path}` : `${i.req.text}|${i.hashes.join()}`))).toEqual(['b|', 'A[x]>=1|sha256:abcd', 'c==2 ; python_version > "3"|', 'path:./localdir'])
    expect(splitWords(`-e "a b" 'c'`)).toEqual(['-e', 'a b', 'c'])
    write(vfs, { '/w/bad.txt': '--frobnicate\n' })
    expect(() => readRequirementsFile(vfs, '/w/bad.txt', '/w', {}, emptyRequirementSet())).toThrow(/unknown option --frobnicate in \/w\/bad.txt \(line 1\)/)
  })

  it('finds the packages of flit, hatchling, setuptools and poetry projects', () => {
    const vfs = fresh()
    write(vfs, {
      '/p/flit/pyproject.toml': '[build-system]\nbuild-backend = "flit_core.buildapi"\n[project]\nname = "Flit-Demo"\ndynamic = ["version", "description"]\n',
      '/p/flit/flit_demo.py': '"""Demo."""\n__version__ = "0.9"\n',
      '/p/hatch/pyproject.toml': '[build-system]\nbuild-backend = "hatchling.build"\n[project]\nname = "h"\nversion = "1"\n[tool.hatch.build.targets.wheel]\npackages = ["lib/hpkg"]\n',
      '/p/hatch/lib/hpkg/__init__.py': '',
      '/p/st/pyproject.toml': '[project]\nname = "st"\nversion = "2.0"\n[project.entry-points."x.plugins"]\np = "stpkg:plugin"\n[tool.setuptools]\npackages = ["stpkg", "stpkg.sub"]\npy-modules = ["single"]\n',
      '/p/st/stpkg/__init__.py': '',
      '/p/st/stpkg/sub/__init__.py': '',
      '/p/st/single.py': '',
      '/p/poetry/pyproject.toml': '[build-system]\nbuild-backend = "poetry.core.masonry.api"\n[project]\nname = "po"\nversion = "3"\n[tool.poetry]\npackages = [{ include = "popkg", from = "src" }]\n',
      '/p/poetry/src/popkg/__init__.py': '',
      '/p/native/pyproject.toml': '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n[project]\nname = "n"\nversion = "1"\n',
      '/p/bad/pyproject.toml': '[project]\nname = "bad"\nversion = 1\n',
    })
    const files = (dir: string): string[] =>
      prepareLocalProject(vfs, dir, SANDBOX_LAYOUT, false)
        .dist.files.map((f) => f.path.replace(`${SANDBOX_LAYOUT.site}/`, ''))
        .sort()
    expect(files('/p/flit')).toEqual(['flit_demo-0.9.dist-info/METADATA', 'flit_demo-0.9.dist-info/WHEEL', 'flit_demo.py'])
    expect(files('/p/hatch')).toEqual(['h-1.dist-info/METADATA', 'h-1.dist-info/WHEEL', 'hpkg/__init__.py'])
    expect(files('/p/st')).toEqual(['single.py', 'st-2.0.dist-info/METADATA', 'st-2.0.dist-info/WHEEL', 'st-2.0.dist-info/entry_points.txt', 'stpkg/__init__.py', 'stpkg/sub/__init__.py'])
    expect(files('/p/poetry')).toEqual(['po-3.dist-info/METADATA', 'po-3.dist-info/WHEEL', 'popkg/__init__.py'])
    expect(() => files('/p/native')).toThrow(/compiles native code.*remote fallback/)
    expect(() => files('/p/bad')).toThrow(/\[project\] version must be a string/)
    const editable = prepareLocalProject(vfs, '/p/poetry', SANDBOX_LAYOUT, true)
    const pth = editable.dist.files.find((f) => f.path.endsWith('.pth'))
    expect(pth && new TextDecoder().decode(pth.data)).toBe('/p/poetry/src\n')
  })
})
