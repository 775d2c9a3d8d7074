// The events an endpoint may subscribe to (the engine checks them too: WEBHOOK_EVENTS in ../events.ts).
export const EVENT_CHOICES = [
  { id: 'orders.order.placed', name: 'Order placed' },
  { id: 'orders.order.status-changed', name: 'Order status changed' },
  { id: 'catalog.product.updated', name: 'Product updated (price, stock, …)' },
  { id: 'config.setting.changed', name: 'Setting changed' },
]

export const STATUS_CHOICES = ['pending', 'delivered', 'failed'].map((id) => ({ id, name: id }))
