import type { OrdersOptions } from './config.js'
import type { PlacedOrder } from './services/order-rows.js'
import type { OrderStatus } from './services/order-state.js'
import type { CheckoutService } from './services/checkout-service.js'
import type { OrderService } from './services/order-service.js'
import type { OrderStatusGateway } from './sockets/order-status.js'

declare module '@oo/core' {
  interface Cradle {
    ordersOptions: OrdersOptions
    orderStatusGateway: OrderStatusGateway
  }
  interface RequestCradle {
    orderService: OrderService
    checkoutService: CheckoutService
  }
  interface EventMap {
    'orders.order.placed': {
      orderId: string
      number: number
      /** The order as placed (no prices, no phone), so a consumer need not read it back. */
      order?: PlacedOrder
    }
    'orders.order.status-changed': {
      orderId: string
      number: number
      from: OrderStatus
      to: OrderStatus
      at: string
      actor: { kind: string; id: string | null }
    }
  }
}
