import { plugins } from 'virtual:oo-admin'
import type { AdminResource } from './plugin-api.ts'

// Generated at build time from oo.config.ts (each plugin's `admin.entry`): no hand-kept list.
export const adminPlugins = plugins

export const resources: AdminResource[] = plugins.flatMap((p) => p.resources)

export function resourceByName(name: string): AdminResource | undefined {
  return resources.find((r) => r.name === name)
}
