import { asClass, asValue, definePlugin } from '@oo/core'
import { kdsOptions, kdsSettings } from './config.js'
import { onOrderPlaced, onOrderStatusChanged } from './events.js'
import { kitchenScreen } from './middleware.js'
import { KdsService } from './services/kds-service.js'
import { KitchenGateway, kitchenNamespace } from './sockets/kitchen.js'
import './cradle.js'

const KITCHEN_ROLES = ['owner', 'admin', 'manager', 'kitchen'] as const

export default definePlugin({
  name: 'kds',
  dependsOn: ['tenancy', 'orders'],
  options: kdsOptions,
  settings: kdsSettings,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    'kds.read': KITCHEN_ROLES,
    'kds.write': KITCHEN_ROLES,
  },

  register({ container, options }) {
    container.register({
      kdsOptions: asValue(options),
      kitchenGateway: asClass(KitchenGateway).singleton(),
      kdsService: asClass(KdsService).scoped(),
    })
  },

  middleware: () => [kitchenScreen()],
  events: {
    'orders.order.placed': onOrderPlaced,
    'orders.order.status-changed': onOrderStatusChanged,
  },
  sockets: { '/kitchen': { permission: 'kds.read', setup: kitchenNamespace } },
})
