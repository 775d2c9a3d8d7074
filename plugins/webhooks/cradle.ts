import type { WebhooksOptions } from './config.js'
import type { WebhookDeliveryService } from './services/delivery-service.js'
import type { WebhookDeliveryWorker } from './services/delivery-worker.js'
import type { WebhookEndpointService } from './services/endpoint-service.js'
import type { SigningSecrets } from './services/secrets.js'

declare module '@oo/core' {
  interface Cradle {
    webhooksOptions: WebhooksOptions
    webhookWorker: WebhookDeliveryWorker
    webhookSigningSecrets: SigningSecrets
  }
  interface RequestCradle {
    webhookEndpointService: WebhookEndpointService
    webhookDeliveryService: WebhookDeliveryService
  }
  interface EventMap {
    /** An endpoint failed for `disableAfterMs` without a success and was disabled: the tenant's notice. */
    'webhooks.endpoint.disabled': {
      endpointId: string
      url: string
      failingSince: string
      disabledAt: string
      lastError: string
    }
  }
}
