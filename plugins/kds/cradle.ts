import type { KdsOptions } from './config.js'
import type { KdsService } from './services/kds-service.js'
import type { KitchenGateway } from './sockets/kitchen.js'

declare module '@oo/core' {
  interface Cradle {
    kdsOptions: KdsOptions
    kitchenGateway: KitchenGateway
  }
  interface RequestCradle {
    kdsService: KdsService
  }
}
