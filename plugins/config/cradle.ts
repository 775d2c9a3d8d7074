import type { ConfigOptions } from './config.js'
import type { SettingsBus } from './services/settings-bus.js'
import type { SettingsService } from './services/settings-service.js'
import type { SettingsStore } from './services/settings-store.js'

declare module '@oo/core' {
  interface Cradle {
    configOptions: ConfigOptions
    /** The concrete store behind the `settings` accessor (status, reload, reconcile). */
    settingsStore: SettingsStore
    settingsBus: SettingsBus
  }
  interface RequestCradle {
    settingsService: SettingsService
  }
  interface EventMap {
    /** Durable, once in the cluster. Every process reacts to the broadcast instead. */
    'config.setting.changed': { scope: string; key: string; version: number }
  }
}
