import type { AwilixContainer, EventHandler, RequestCradle } from '@oo/core'
import type { TicketEvent } from './services/tickets.js'

async function syncTicket(scope: AwilixContainer<RequestCradle>, orderId: string): Promise<void> {
  const event = await scope.cradle.kdsService.sync(orderId)
  if (event) scope.cradle.kitchenGateway.publish(scope.cradle.tenant.id, event)
}

/** A new order becomes a ticket on every kitchen screen of its tenant, on any engine process. */
export const onOrderPlaced: EventHandler<'orders.order.placed'> = async ({ event, scope }) => {
  const { kdsService, kitchenGateway, tenant } = scope.cradle
  const publish = (ticket: TicketEvent) => kitchenGateway.publish(tenant.id, ticket)
  const { event: ticket, published } = await kdsService.place(event.payload.orderId, publish)
  if (ticket && !published) publish(ticket)
}

/** Status changes made outside the KDS (admin API, cancellations) reach the screens too. */
export const onOrderStatusChanged: EventHandler<'orders.order.status-changed'> = ({
  event,
  scope,
}) => syncTicket(scope, event.payload.orderId)
