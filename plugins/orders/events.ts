import type { EventHandler } from '@oo/core'

/** Tells the customer's order page, wherever its socket is connected (Redis adapter). */
export const onStatusChanged: EventHandler<'orders.order.status-changed'> = async ({
  event,
  scope,
}) => {
  const { orderId, number, to, at } = event.payload
  scope.cradle.orderStatusGateway.statusChanged(event.tenantId!, {
    orderId,
    number,
    status: to,
    at,
  })
}
