import { asClass, asValue, definePlugin } from '@oo/core'
import { kdsOptions, kdsSettings } from './config.js'
import { onOrderPlaced, onOrderStatusChanged } from './events.js'
import { kitchenScreen } from './middleware.js'
import { KdsService } from './services/kds-service.js'
import { KdsSettingsReader } from './services/settings.js'
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
      kdsSettingsReader: asValue(new KdsSettingsReader(container, options)),
      kdsService: asClass(KdsService).scoped(),
    })
  },

  middleware: () => [kitchenScreen()],
  events: {
    'orders.order.placed': onOrderPlaced,
    'orders.order.status-changed': onOrderStatusChanged,
  },
  sockets: { '/kitchen': { permission: 'kds.read', setup: kitchenNamespace } },

  // Each process tells its own screens (the change is announced on every process).
  async start({ container }) {
    const { kdsSettingsReader: reader, kitchenGateway: gateway } = container.cradle
    reader.watch((tenantId) => gateway.settingsChanged(tenantId, reader.read(tenantId)))
  },

  async stop({ container }) {
    container.cradle.kdsSettingsReader.unwatch()
  },
})
