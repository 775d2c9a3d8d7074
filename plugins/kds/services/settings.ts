import type { AwilixContainer, Cradle, SettingsAccessor } from '@oo/core'
import { kdsSettings, type KdsOptions, type KdsSettings } from '../config.js'

const KEYS = ['stations', 'ageing'] as const

/**
 * The one place kitchen settings are read. A key the tenant has stored (config plugin, hot
 * reloaded) wins; otherwise the deploy-wide default from the plugin options applies.
 */
export class KdsSettingsReader {
  readonly #container: AwilixContainer<Cradle>
  readonly #defaults: KdsSettings
  #unwatch?: () => void

  constructor(container: AwilixContainer<Cradle>, options: KdsOptions) {
    this.#container = container
    this.#defaults = kdsSettings.parse(options.defaults)
  }

  read(tenantId: string): KdsSettings {
    const settings = this.#container.resolve<SettingsAccessor | undefined>('settings', {
      allowUnregistered: true,
    })
    if (!settings) return this.#defaults
    const stored = settings.get(tenantId, 'kds')
    const merged = { ...this.#defaults }
    for (const key of KEYS)
      if (settings.isSet(tenantId, 'kds', key)) Object.assign(merged, { [key]: stored[key] })
    return merged
  }

  /** Calls `fn` on this process whenever a tenant's kitchen settings change, until `unwatch()`. */
  watch(fn: (tenantId: string) => void): void {
    const settings = this.#container.resolve<SettingsAccessor | undefined>('settings', {
      allowUnregistered: true,
    })
    this.#unwatch = settings?.onChange('kds', ({ tenantId }) => fn(tenantId))
  }

  unwatch(): void {
    this.#unwatch?.()
    this.#unwatch = undefined
  }
}
