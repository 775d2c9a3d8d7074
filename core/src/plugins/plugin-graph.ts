import { OoError } from '../errors.js'
import type { PluginInstance } from './define-plugin.js'

/**
 * Stable topological order by `dependsOn`: among plugins whose dependencies are met, the one
 * listed first in oo.config.ts goes first. Fails on duplicates, missing dependencies and cycles.
 */
export function sortPlugins(plugins: readonly PluginInstance[]): PluginInstance[] {
  const byName = new Map<string, PluginInstance>()
  for (const plugin of plugins) {
    const name = plugin.definition.name
    if (byName.has(name)) throw new OoError('OO_PLUGIN_DUPLICATE', 500, `"${name}" is listed twice`)
    byName.set(name, plugin)
  }
  for (const plugin of plugins) {
    for (const dep of plugin.definition.dependsOn ?? []) {
      if (!byName.has(dep)) {
        throw new OoError(
          'OO_PLUGIN_DEPENDENCY_MISSING',
          500,
          `${plugin.definition.name} depends on "${dep}", which is not in oo.config.ts`,
        )
      }
    }
  }
  const sorted: PluginInstance[] = []
  const done = new Set<string>()
  const remaining = [...plugins]
  while (remaining.length) {
    const index = remaining.findIndex((p) =>
      (p.definition.dependsOn ?? []).every((d) => done.has(d)),
    )
    if (index === -1) throw new OoError('OO_PLUGIN_CYCLE', 500, describeCycle(remaining))
    const [next] = remaining.splice(index, 1)
    sorted.push(next!)
    done.add(next!.definition.name)
  }
  return sorted
}

function describeCycle(stuck: PluginInstance[]): string {
  const deps = new Map(stuck.map((p) => [p.definition.name, p.definition.dependsOn ?? []]))
  const path: string[] = []
  let current = stuck[0]!.definition.name
  while (!path.includes(current)) {
    path.push(current)
    current = deps.get(current)!.find((d) => deps.has(d))!
  }
  return [...path.slice(path.indexOf(current)), current].join(' → ')
}
