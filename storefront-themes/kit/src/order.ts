// The customer's order page: no account, only the order-scoped token from checkout. Each status
// change arrives live over the /order-status socket; no refresh anywhere.
import { io } from 'socket.io-client'
import { formatPrice, storeApi } from './store-api.js'

const STEPS = ['placed', 'accepted', 'preparing', 'ready', 'completed'] as const
const LABELS: Record<string, string> = {
  placed: 'Order received',
  accepted: 'Accepted by the kitchen',
  preparing: 'Being prepared',
  ready: 'Ready for pickup',
  completed: 'Picked up — enjoy!',
  cancelled: 'Cancelled',
}

const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector)!

function showStatus(status: string): void {
  $('#oo-order-status').textContent = LABELS[status] ?? status
  document.body.dataset.orderStatus = status
  const reached = STEPS.indexOf(status as (typeof STEPS)[number])
  document.querySelectorAll<HTMLElement>('[data-step]').forEach((el) => {
    const index = STEPS.indexOf(el.dataset.step as (typeof STEPS)[number])
    el.dataset.state =
      status === 'cancelled'
        ? 'cancelled'
        : index < reached
          ? 'done'
          : index === reached
            ? 'current'
            : 'todo'
  })
}

export async function startOrderPage(): Promise<void> {
  const orderId = decodeURIComponent(location.hash.slice(1))
  const token = sessionStorage.getItem(`oo.order.${orderId}`)
  if (!orderId || !token) {
    $('#oo-order-status').textContent =
      'This order can only be followed from the browser that placed it.'
    return
  }
  const tenant = await storeApi.tenant()
  $('#oo-shop-name').textContent = tenant.name
  const order = await storeApi.order(orderId, token)
  $('#oo-order-number').textContent = `#${order.number}`
  $('#oo-order-lines').replaceChildren(
    ...order.lines.map((line) => {
      const li = document.createElement('li')
      li.textContent = `${line.quantity} × ${line.name} — ${formatPrice(line.unitPriceMinor * line.quantity, line.currency)}`
      return li
    }),
  )
  $('#oo-order-total').textContent = formatPrice(order.totalMinor, order.currency)
  showStatus(order.status)

  const socket = io('/order-status', { auth: { token }, transports: ['websocket'] })
  const live = $<HTMLElement>('#oo-live')
  socket.on('connect', () => (live.dataset.state = 'live'))
  socket.on('disconnect', () => (live.dataset.state = 'offline'))
  socket.on('order:status', (message: { orderId: string; status: string }) => {
    if (message.orderId === orderId) showStatus(message.status)
  })
}
