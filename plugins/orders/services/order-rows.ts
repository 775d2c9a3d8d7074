import type { Principal } from '@oo/core'
import type { OrderStatus } from './order-state.js'

export interface OrderLine {
  id: string
  productId: string
  name: string
  quantity: number
  unitPriceMinor: number
  lineTotalMinor: number
  currency: string
  categoryId: string | null
  categorySlug: string | null
  farmerId: string | null
}

export interface Order {
  id: string
  number: number
  status: OrderStatus
  customer: { name: string | null; phone: string | null; pickupName: string | null }
  note: string | null
  currency: string | null
  totalMinor: number
  placedAt: string
  statusChangedAt: string
  lines: OrderLine[]
}

/** The order as its customer sees it (checkout answer, order page): no farmer or category ids. */
export type CustomerOrder = Omit<Order, 'lines'> & {
  lines: Omit<OrderLine, 'farmerId' | 'categoryId'>[]
}

export function toCustomerOrder(order: Order): CustomerOrder {
  return {
    ...order,
    lines: order.lines.map(({ farmerId: _farmer, categoryId: _category, ...line }) => line),
  }
}

/** What `orders.order.placed` carries of the order: what a kitchen needs, no prices, no phone. */
export interface PlacedOrder {
  status: OrderStatus
  customer: { name: string | null; pickupName: string | null }
  note: string | null
  placedAt: string
  lines: { id: string; name: string; quantity: number; categorySlug: string | null }[]
}

export function toPlaced(order: Order): PlacedOrder {
  return {
    status: order.status,
    customer: { name: order.customer.name, pickupName: order.customer.pickupName },
    note: order.note,
    placedAt: order.placedAt,
    lines: order.lines.map(({ id, name, quantity, categorySlug }) => ({
      id,
      name,
      quantity,
      categorySlug,
    })),
  }
}

export interface OrderHistoryEntry {
  from: OrderStatus | null
  to: OrderStatus
  at: string
  actor: { kind: string; id: string | null; label: string | null }
  reason: string | null
}

/** Who made a change, as recorded in the order history. */
export interface Actor {
  kind: 'user' | 'guest' | 'order' | 'system'
  id: string | null
  label: string | null
}

export function actorOf(principal: Principal | null | undefined): Actor {
  if (!principal) return { kind: 'system', id: null, label: null }
  return {
    kind: principal.kind,
    id: principal.id,
    label: principal.email ?? principal.name ?? null,
  }
}

export type OrderRow = Record<string, unknown> & { id: string }
export type LineRow = Record<string, unknown> & { id: string; order_id: string }

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString()

export function toLine(row: LineRow): OrderLine {
  const unit = Number(row.unit_price_minor)
  const quantity = Number(row.quantity)
  return {
    id: row.id,
    productId: String(row.product_id),
    name: String(row.name),
    quantity,
    unitPriceMinor: unit,
    lineTotalMinor: unit * quantity,
    currency: String(row.currency),
    categoryId: (row.category_id as string | null) ?? null,
    categorySlug: (row.category_slug as string | null) ?? null,
    farmerId: (row.farmer_id as string | null) ?? null,
  }
}

export function toOrder(row: OrderRow, lines: OrderLine[]): Order {
  return {
    id: row.id,
    number: Number(row.number),
    status: row.status as OrderStatus,
    customer: {
      name: (row.customer_name as string | null) ?? null,
      phone: (row.customer_phone as string | null) ?? null,
      pickupName: (row.pickup_name as string | null) ?? null,
    },
    note: (row.note as string | null) ?? null,
    currency: (row.currency as string | null) ?? null,
    totalMinor: lines.reduce((sum, l) => sum + l.lineTotalMinor, 0),
    placedAt: iso(row.placed_at),
    statusChangedAt: iso(row.status_changed_at),
    lines,
  }
}

export function toHistory(row: Record<string, unknown>): OrderHistoryEntry {
  return {
    from: (row.from_status as OrderStatus | null) ?? null,
    to: row.to_status as OrderStatus,
    at: iso(row.created_at),
    actor: {
      kind: String(row.actor_kind),
      id: (row.actor_id as string | null) ?? null,
      label: (row.actor_label as string | null) ?? null,
    },
    reason: (row.reason as string | null) ?? null,
  }
}
