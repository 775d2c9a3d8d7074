import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'
import type { Plugin } from 'vite'

export const VIRTUAL_ID = 'virtual:oo-admin'
const RESOLVED_ID = '\0' + VIRTUAL_ID

interface PluginInstanceLike {
  definition: { name: string; admin?: { entry: string } }
}

export interface AdminEntry {
  plugin: string
  file: string
}

/**
 * Reads the composition root (oo.config.ts) and finds each plugin's `admin.entry`, resolved
 * relative to the folder of the module that exports the plugin. Entries whose file does not
 * exist (yet) are skipped with a warning, so a plugin can declare its admin before writing it.
 */
export async function findAdminEntries(configFile: string, warn: (message: string) => void): Promise<AdminEntry[]> {
  // The config and plugins are TypeScript run by Node: tsx's loader, as bin/oo.js does.
  const { register } = await import('tsx/esm/api')
  const unregister = register()
  try {
    const config = ((await import(pathToFileURL(configFile).href)) as { default: { plugins: PluginInstanceLike[] } }).default
    const folders = new Map<unknown, string>()
    for (const specifier of importSpecifiers(readFileSync(configFile, 'utf8'))) {
      const file = resolveSpecifier(specifier, configFile)
      if (!file) continue
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
      for (const value of Object.values(mod)) {
        const definition = (value as { definition?: unknown } | null)?.definition
        if (definition) folders.set(definition, dirname(file))
      }
    }
    const entries: AdminEntry[] = []
    for (const instance of config.plugins) {
      const { name, admin } = instance.definition
      if (!admin) continue
      const folder = folders.get(instance.definition)
      if (!folder) {
        warn(`plugin "${name}" declares admin.entry but is not imported directly by ${configFile}: skipped`)
        continue
      }
      const file = isAbsolute(admin.entry) ? admin.entry : resolve(folder, admin.entry)
      const found = [file, file.replace(/\.js$/, '.ts'), file.replace(/\.js$/, '.tsx'), file.replace(/\.ts$/, '.tsx')].find((f) => existsSync(f))
      if (!found) {
        warn(`plugin "${name}": admin entry ${file} does not exist yet: skipped`)
        continue
      }
      entries.push({ plugin: name, file: found })
    }
    return entries
  } finally {
    await unregister()
  }
}

function importSpecifiers(source: string): string[] {
  return [...source.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!)
}

function resolveSpecifier(specifier: string, configFile: string): string | undefined {
  if (specifier.startsWith('.')) {
    const file = resolve(dirname(configFile), specifier)
    return [file, file.replace(/\.js$/, '.ts')].find((f) => existsSync(f))
  }
  if (specifier.startsWith('@oo/core')) return undefined
  try {
    return createRequire(configFile).resolve(specifier)
  } catch {
    return undefined
  }
}

/** The Vite plugin: `import { plugins } from 'virtual:oo-admin'` → each plugin's resources module. */
export function ooAdmin(opts: { configFile: string }): Plugin {
  let entries: AdminEntry[] | undefined
  return {
    name: 'oo-admin',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined
      this.addWatchFile(opts.configFile)
      entries ??= await findAdminEntries(opts.configFile, (message) => this.warn(message))
      const lines = entries.map((e, i) => `import r${i} from ${JSON.stringify(e.file)}`)
      const list = entries.map((e, i) => `{ plugin: ${JSON.stringify(e.plugin)}, resources: r${i} }`).join(', ')
      return `${lines.join('\n')}\nexport const plugins = [${list}]\n`
    },
    watchChange(id) {
      if (id === opts.configFile) entries = undefined
    },
  }
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
