import { OoError } from '@oo/core'

export const ORDER_STATUSES = [
  'placed',
  'accepted',
  'preparing',
  'ready',
  'completed',
  'cancelled',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** The kitchen's working states: a ticket with one of these is on the board. */
export const OPEN_STATUSES: readonly OrderStatus[] = ['placed', 'accepted', 'preparing', 'ready']

const FORWARD: Partial<Record<OrderStatus, OrderStatus>> = {
  placed: 'accepted',
  accepted: 'preparing',
  preparing: 'ready',
  ready: 'completed',
}

// Recall: a bumped step undone (a ticket bumped too early, a customer who never came).
const BACK: Partial<Record<OrderStatus, OrderStatus>> = {
  accepted: 'placed',
  preparing: 'accepted',
  ready: 'preparing',
  completed: 'ready',
}

const CANCELLABLE: readonly OrderStatus[] = ['placed', 'accepted', 'preparing', 'ready']

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value)
}

function refuse(from: OrderStatus, to: OrderStatus | 'recall'): never {
  throw new OoError(
    'ORDERS_INVALID_TRANSITION',
    409,
    `An order that is ${from} cannot go to ${to}`,
    {
      details: { from, to },
    },
  )
}

/** `to` when `from → to` is one legal step (forward, cancel or recall), else 409. */
export function nextStatus(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (FORWARD[from] === to || BACK[from] === to) return to
  if (to === 'cancelled' && CANCELLABLE.includes(from)) return to
  return refuse(from, to)
}

/** The status one step back from `from` (recall), else 409. */
export function recallStatus(from: OrderStatus): OrderStatus {
  return BACK[from] ?? refuse(from, 'recall')
}

/**
 * The forward steps from `from` to `to` (exclusive of `from`), e.g. a ticket bumped straight to
 * ready passes through accepted and preparing so the history shows every step. 409 when `to` is
 * not ahead of `from`.
 */
export function forwardPath(from: OrderStatus, to: OrderStatus): OrderStatus[] {
  const path: OrderStatus[] = []
  let at = from
  while (at !== to) {
    const next = FORWARD[at]
    if (!next) refuse(from, to)
    path.push(next)
    at = next
  }
  if (!path.length) refuse(from, to)
  return path
}
