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
