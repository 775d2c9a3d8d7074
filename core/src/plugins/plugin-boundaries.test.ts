import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const PLUGINS = fileURLToPath(new URL('../../../plugins/', import.meta.url))
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      return name === 'test' || name === 'node_modules' ? [] : sourceFiles(path)
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : []
  })
}

// Plugins meet only through the container and the event bus (STYLE.md, principle 2 and (a)).
// Tests may compose other plugins; production code may not import another plugin's files.
describe('plugin boundaries', () => {
  it('no plugin imports another plugin’s internals', () => {
    const offences: string[] = []
    for (const plugin of readdirSync(PLUGINS).filter((p) =>
      statSync(join(PLUGINS, p)).isDirectory(),
    )) {
      for (const file of sourceFiles(join(PLUGINS, plugin))) {
        for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
          const spec = match[1] ?? match[2]!
          if (!spec.startsWith('.')) continue
          const target = relative(PLUGINS, resolve(dirname(file), spec))
          const owner = target.split(sep)[0]
          if (!target.startsWith('..') && owner !== plugin)
            offences.push(`${relative(PLUGINS, file)} imports ${spec}`)
        }
      }
    }
    expect(offences).toEqual([])
  })
})

// The brokerage plugin is the proof that an outside developer needs nothing but the public API:
// its code reaches the engine only through '@oo/core' (knex for migration types only).
describe('brokerage imports only the public API', () => {
  const ALLOWED = ['@oo/core', 'zod', 'objection']
  const ADMIN_ALLOWED = ['react', 'react-admin', '@oo/admin/plugin-api', /^@mui\//]
  it('imports nothing of the repo but @oo/core', () => {
    const root = join(PLUGINS, 'brokerage')
    const offences: string[] = []
    for (const file of sourceFiles(root)) {
      const inAdmin = relative(root, file).startsWith(`admin${sep}`)
      const source = readFileSync(file, 'utf8')
      for (const match of source.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2]!
        if (spec.startsWith('.')) {
          if (relative(root, resolve(dirname(file), spec)).startsWith('..'))
            offences.push(`${relative(PLUGINS, file)} imports ${spec}`)
          continue
        }
        const typeOnlyKnex = spec === 'knex' && /^import type /.test(match[0])
        const allowed =
          ALLOWED.includes(spec) ||
          typeOnlyKnex ||
          (inAdmin &&
            ADMIN_ALLOWED.some((a) => (typeof a === 'string' ? a === spec : a.test(spec))))
        if (!allowed) offences.push(`${relative(PLUGINS, file)} imports ${spec}`)
      }
    }
    expect(sourceFiles(root).length).toBeGreaterThan(10)
    expect(offences).toEqual([])
  })
})
