import type { KdsStation } from '../config.js'

export interface KitchenItem {
  lineId: string
  name: string
  quantity: number
  categorySlug: string | null
  /** Station ids that make this item; empty = every station (unrouted). */
  stations: string[]
  bumpedAt: string | null
}

export interface KitchenTicket {
  orderId: string
  number: number
  status: string
  label: string | null
  note: string | null
  placedAt: string
  items: KitchenItem[]
  /** The tenant's event sequence number of this version of the ticket. */
  seq: number
}

export type TicketEventType = 'ticket:created' | 'ticket:updated'

export interface TicketEvent {
  type: TicketEventType
  seq: number
  ticket: KitchenTicket
}

/** The order fields a ticket is built from (what `orderService` returns). */
export interface OrderForKitchen {
  id: string
  number: number
  status: string
  customer: { name: string | null; pickupName: string | null }
  note: string | null
  placedAt: string
  lines: { id: string; name: string; quantity: number; categorySlug: string | null }[]
}

/** Stations whose categories include the item's; none matching → every station. */
export function routeItem(categorySlug: string | null, stations: readonly KdsStation[]): string[] {
  if (!categorySlug) return []
  return stations.filter((s) => s.categories.includes(categorySlug)).map((s) => s.id)
}

/** The ticket for an order now, keeping the bump marks the kitchen already made. */
export function buildTicket(
  order: OrderForKitchen,
  previous: readonly KitchenItem[] | undefined,
  stations: readonly KdsStation[],
): Omit<KitchenTicket, 'seq'> {
  const bumps = new Map((previous ?? []).map((i) => [i.lineId, i.bumpedAt]))
  return {
    orderId: order.id,
    number: order.number,
    status: order.status,
    label: order.customer.pickupName ?? order.customer.name,
    note: order.note,
    placedAt: order.placedAt,
    items: order.lines.map((line) => ({
      lineId: line.id,
      name: line.name,
      quantity: line.quantity,
      categorySlug: line.categorySlug,
      stations: routeItem(line.categorySlug, stations),
      bumpedAt: bumps.get(line.id) ?? null,
    })),
  }
}

/** True when nothing a screen shows has changed (no event needed). */
export function sameTicket(a: Omit<KitchenTicket, 'seq'>, b: Omit<KitchenTicket, 'seq'>): boolean {
  if (a.status !== b.status || a.items.length !== b.items.length) return false
  return a.items.every((item, i) => {
    const other = b.items[i]!
    return (
      item.lineId === other.lineId &&
      item.bumpedAt === other.bumpedAt &&
      item.stations.join() === other.stations.join()
    )
  })
}

/** Marks one item (or, with `lineId` undefined, every item) bumped or not. */
export function markItems(
  items: readonly KitchenItem[],
  lineId: string | undefined,
  bumped: boolean,
  at: string,
): KitchenItem[] {
  return items.map((item) =>
    lineId === undefined || item.lineId === lineId
      ? { ...item, bumpedAt: bumped ? (item.bumpedAt ?? at) : null }
      : item,
  )
}
