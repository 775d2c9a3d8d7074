import type { Cradle } from '@oo/core'
import type { OrderStatus } from './services/order-state.js'

const DEMO_HOSTS = ['pizza.localhost', 'burger.localhost', 'farm.localhost']
// Where each demo order ends up: some still on the kitchen board, some finished.
const DEMO_ORDERS: { pickupName: string; target: OrderStatus[] }[] = [
  { pickupName: 'Alex', target: [] },
  { pickupName: 'Sam', target: ['accepted', 'preparing'] },
  { pickupName: 'Kim', target: ['accepted'] },
  { pickupName: 'Noor', target: ['accepted', 'preparing', 'ready', 'completed'] },
  { pickupName: 'Lee', target: ['cancelled'] },
]

/** A few open and finished orders per demo tenant. Idempotent: fixed Idempotency-Keys. */
export async function seedDemoOrders(
  cradle: Cradle,
  step: (message: string) => void,
): Promise<void> {
  for (const host of DEMO_HOSTS) {
    const tenant = await cradle.tenantDirectory.findByHost(host)
    if (!tenant) continue
    await cradle.scopes.run(tenant.id, async (scope) => {
      // Seeding reads the demo menu the catalog seed wrote; checkout itself goes through catalogStock.
      const products = (await scope.cradle.db.tx((trx) =>
        trx('catalog_products')
          .where('active', true)
          .andWhere('stock_qty', '>=', 10)
          .orderBy('name')
          .limit(3)
          .select('id'),
      )) as { id: string }[]
      if (!products.length) return step(`orders for ${tenant.slug}: no products to order, skipped`)
      let created = 0
      for (const [i, demo] of DEMO_ORDERS.entries()) {
        const items = products
          .slice(0, 1 + (i % products.length))
          .map((p, n) => ({ productId: p.id, quantity: 1 + ((i + n) % 2) }))
        const { order, replayed } = await scope.cradle.checkoutService.checkout(
          { items, customer: { pickupName: demo.pickupName } },
          `demo-seed-${tenant.slug}-${i}`,
        )
        if (replayed) continue
        for (const to of demo.target) await scope.cradle.orderService.transition(order.id, to)
        created++
      }
      step(`orders for ${tenant.slug}: ${created} created`)
    })
  }
}
