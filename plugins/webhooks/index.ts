import { asClass, asValue, definePlugin } from '@oo/core'
import { webhooksOptions } from './config.js'
import { enqueueWebhooks } from './events.js'
import { adminRoutes } from './routes/admin.js'
import { WebhookDeliveryService } from './services/delivery-service.js'
import { WebhookDeliveryWorker } from './services/delivery-worker.js'
import { WebhookEndpointService } from './services/endpoint-service.js'
import { SigningSecrets } from './services/secrets.js'
import './cradle.js'

export default definePlugin({
  name: 'webhooks',
  dependsOn: ['tenancy'],
  options: webhooksOptions,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    'webhooks.read': ['owner', 'admin'],
    'webhooks.write': ['owner', 'admin'],
  },

  register({ container, options }) {
    container.register({
      webhooksOptions: asValue(options),
      webhookSigningSecrets: asClass(SigningSecrets).singleton(),
      webhookWorker: asClass(WebhookDeliveryWorker).singleton(),
      webhookEndpointService: asClass(WebhookEndpointService).scoped(),
      webhookDeliveryService: asClass(WebhookDeliveryService).scoped(),
    })
  },

  routes: { admin: adminRoutes },

  // Each handler only enqueues, after the event's transaction committed (outbox).
  events: {
    'orders.order.placed': enqueueWebhooks,
    'orders.order.status-changed': enqueueWebhooks,
    'catalog.product.updated': enqueueWebhooks,
    'config.setting.changed': enqueueWebhooks,
  },

  admin: { entry: './admin/index.ts' },

  async start({ container }) {
    container.cradle.webhookWorker.start()
  },

  async stop({ container }) {
    await container.cradle.webhookWorker.stop()
  },
})
