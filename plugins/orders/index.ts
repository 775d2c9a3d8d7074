import { asClass, asValue, definePlugin } from '@oo/core'
import { ordersOptions } from './config.js'
import { onStatusChanged } from './events.js'
import { adminRoutes } from './routes/admin.js'
import { storeRoutes } from './routes/store.js'
import { seedDemoOrders } from './seed.js'
import { CheckoutService } from './services/checkout-service.js'
import { OrderService } from './services/order-service.js'
import { OrderStatusGateway, orderStatusNamespace } from './sockets/order-status.js'
import './cradle.js'

export default definePlugin({
  name: 'orders',
  dependsOn: ['tenancy', 'catalog', 'oidc'],
  options: ordersOptions,
  migrations: new URL('./migrations/', import.meta.url),
  permissions: {
    'orders.read': ['owner', 'admin', 'manager', 'kitchen', 'staff', 'readonly'],
    'orders.write': ['owner', 'admin', 'manager', 'kitchen'],
  },

  register({ container, options }) {
    container.register({
      ordersOptions: asValue(options),
      orderStatusGateway: asClass(OrderStatusGateway).singleton(),
      orderService: asClass(OrderService).scoped(),
      checkoutService: asClass(CheckoutService).scoped(),
    })
  },

  routes: { admin: adminRoutes, store: storeRoutes },
  events: { 'orders.order.status-changed': onStatusChanged },
  sockets: { '/order-status': orderStatusNamespace },
  admin: { entry: './admin/index.ts' },

  async seed({ container, step }) {
    await seedDemoOrders(container.cradle, step)
  },
})
