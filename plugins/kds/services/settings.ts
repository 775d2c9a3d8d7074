import type { Tenant } from '@oo/core'
import { kdsSettings, type KdsOptions, type KdsSettings } from '../config.js'

/**
 * The tenant's kitchen settings. The one place they are read: until the config plugin stores
 * per-tenant values (TODO(#5): read them from its settings store), every tenant gets the
 * deploy-wide defaults from the plugin options, validated by the same schema.
 */
export function readKdsSettings(_tenant: Tenant, options: KdsOptions): KdsSettings {
  return kdsSettings.parse(options.defaults)
}
