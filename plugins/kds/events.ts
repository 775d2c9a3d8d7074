import type { AwilixContainer, EventHandler, RequestCradle } from '@oo/core'

async function syncTicket(scope: AwilixContainer<RequestCradle>, orderId: string): Promise<void> {
  const event = await scope.cradle.kdsService.sync(orderId)
  if (event) scope.cradle.kitchenGateway.publish(scope.cradle.tenant.id, event)
}

/** A new order becomes a ticket on every kitchen screen of its tenant, on any engine process. */
export const onOrderPlaced: EventHandler<'orders.order.placed'> = async ({ event, scope }) => {
  const { orderId, number, order } = event.payload
  const ticket = await scope.cradle.kdsService.place(
    orderId,
    order && { id: orderId, number, ...order },
  )
  if (ticket) scope.cradle.kitchenGateway.publish(scope.cradle.tenant.id, ticket)
}

/** Status changes made outside the KDS (admin API, cancellations) reach the screens too. */
export const onOrderStatusChanged: EventHandler<'orders.order.status-changed'> = ({
  event,
  scope,
}) => syncTicket(scope, event.payload.orderId)
