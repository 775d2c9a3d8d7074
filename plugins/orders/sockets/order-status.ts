import {
  OoError,
  tenantRoom,
  withSocketScope,
  type AwilixContainer,
  type Cradle,
  type PluginContext,
  type SocketData,
} from '@oo/core'
import type { Namespace } from 'socket.io'
import type { OrderStatus } from '../services/order-state.js'

export interface OrderStatusMessage {
  orderId: string
  number: number
  status: OrderStatus
  at: string
}

function orderRoom(tenantId: string, orderId: string): string {
  return `${tenantRoom(tenantId)}:order:${orderId}`
}

/** Pushes status changes to the customer's order page(s); holds the namespace, takes ids per call. */
export class OrderStatusGateway {
  #nsp?: Namespace

  attach(nsp: Namespace): void {
    this.#nsp = nsp
  }

  statusChanged(tenantId: string, message: OrderStatusMessage): void {
    this.#nsp?.to(orderRoom(tenantId, message.orderId)).emit('order:status', message)
  }
}

/**
 * `/order-status`: a customer's page connects with the order-scoped token it got at checkout
 * (no account), joins that one order's room and gets the current status at once, then each change.
 */
export function orderStatusNamespace(nsp: Namespace, { container }: PluginContext<unknown>): void {
  const root = container as AwilixContainer<Cradle>
  root.cradle.orderStatusGateway.attach(nsp)
  nsp.use((socket, next) => {
    const { principal, tenant } = socket.data as SocketData
    if (principal?.kind !== 'order' || principal.tenantId !== tenant.id) {
      const error = new Error('An order token is required') as Error & { data?: unknown }
      error.data = { code: principal ? 'OO_FORBIDDEN' : 'OO_UNAUTHENTICATED' }
      return next(error)
    }
    next()
  })
  nsp.on('connection', (socket) => {
    const { principal, tenant } = socket.data as SocketData
    const orderId = principal!.id
    void socket.join(orderRoom(tenant.id, orderId))
    void withSocketScope(root, socket, async (scope) => {
      const order = await scope.cradle.orderService.get(orderId)
      socket.emit('order:status', {
        orderId,
        number: order.number,
        status: order.status,
        at: order.statusChangedAt,
      } satisfies OrderStatusMessage)
    }).catch((err: unknown) => {
      socket.emit('order:error', { code: err instanceof OoError ? err.code : 'OO_INTERNAL' })
    })
  })
}
