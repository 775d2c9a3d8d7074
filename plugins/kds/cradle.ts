import type { KdsOptions, KdsSettings } from './config.js'
import type { KdsService } from './services/kds-service.js'
import type { KdsSettingsReader } from './services/settings.js'
import type { KitchenGateway } from './sockets/kitchen.js'

declare module '@oo/core' {
  interface Cradle {
    kdsOptions: KdsOptions
    kitchenGateway: KitchenGateway
    kdsSettingsReader: KdsSettingsReader
  }
  interface RequestCradle {
    kdsService: KdsService
  }
  interface SettingsMap {
    kds: KdsSettings
  }
}
