import type { EventHandler, EventMap } from '@oo/core'

/**
 * The events a tenant may subscribe an endpoint to: what an ERP, POS or delivery service reacts
 * to. The catalog emits no "stock low" event (yet); `catalog.product.updated` carries `stockQty`.
 */
export const WEBHOOK_EVENTS = [
  'orders.order.placed',
  'orders.order.status-changed',
  'catalog.product.updated',
  'config.setting.changed',
] as const satisfies readonly (keyof EventMap)[]
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/**
 * Runs after the event's transaction committed (outbox), once in the cluster, in the event's
 * tenant: it only enqueues one delivery per subscribed endpoint; the worker sends them.
 */
export const enqueueWebhooks: EventHandler<keyof EventMap> = async ({ event, scope }) => {
  if (!event.tenantId) return
  const queued = await scope.cradle.webhookDeliveryService.enqueue(event)
  if (queued) scope.cradle.webhookWorker.nudge()
}
