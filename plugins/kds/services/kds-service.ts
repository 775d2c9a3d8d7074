import { OoError, type Tenant, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import type { KdsOptions, KdsSettings } from '../config.js'
import type { KdsSettingsReader } from './settings.js'
import {
  buildTicket,
  markItems,
  sameTicket,
  type KitchenItem,
  type KitchenTicket,
  type OrderForKitchen,
  type TicketEvent,
  type TicketEventType,
} from './tickets.js'

/** What the KDS needs from the orders plugin (its scoped `orderService`), inside our transaction. */
interface OrdersPort {
  findIn(trx: Knex.Transaction, id: string): Promise<OrderForKitchen | null>
  advanceIn(trx: Knex.Transaction, id: string, to: 'preparing' | 'ready'): Promise<OrderForKitchen>
  recallIn(trx: Knex.Transaction, id: string): Promise<OrderForKitchen>
}

const OPEN = ['placed', 'accepted', 'preparing', 'ready']
const BEFORE_PREPARING = ['placed', 'accepted']
const MAX_RESUME = 500
const TRIM_EVERY = 500
// Event-driven ticket writes only mirror committed orders: a redelivered event rebuilds them,
// so their commit need not wait for the WAL flush. Bumps and recalls change orders: durable.
const REBUILT_FROM_ORDERS = { asyncCommit: true }

export type CatchUp =
  | {
      mode: 'events'
      seq: number
      events: TicketEvent[]
      settings: KdsSettings
      serverTime: string
    }
  | {
      mode: 'snapshot'
      seq: number
      tickets: KitchenTicket[]
      settings: KdsSettings
      serverTime: string
    }

interface TicketRow {
  order_id: string
  number: string | number
  status: string
  label: string | null
  note: string | null
  placed_at: Date | string
  items: KitchenItem[] | string
  seq: string | number
}

/**
 * The kitchen's tickets. Every write takes the tenant's cursor row lock first, then reads the
 * order as committed now, so tickets change in one order per tenant and each event's `seq` is
 * one more than the last: a screen that saw `seq` N resumes with everything after N.
 */
export class KdsService {
  readonly #db: TenantDb
  readonly #orders: OrdersPort
  readonly #settings: KdsSettings
  readonly #retain: number

  constructor({
    db,
    orderService,
    tenant,
    kdsOptions,
    kdsSettingsReader,
  }: {
    db: TenantDb
    orderService: OrdersPort
    tenant: Tenant
    kdsOptions: KdsOptions
    kdsSettingsReader: KdsSettingsReader
  }) {
    this.#db = db
    this.#orders = orderService
    this.#settings = kdsSettingsReader.read(tenant.id)
    this.#retain = kdsOptions.retainEvents
  }

  get settings(): KdsSettings {
    return this.#settings
  }

  /** Brings the ticket in line with its order (after an order event). Null when nothing changed. */
  sync(orderId: string): Promise<TicketEvent | null> {
    return this.#db.tx(async (trx) => {
      const seq = await this.#lockCursor(trx)
      const order = await this.#orders.findIn(trx, orderId)
      return order ? this.#syncIn(trx, seq, order) : null
    }, REBUILT_FROM_ORDERS)
  }

  /**
   * A new order's ticket, built from the order its event carries and written (cursor, ticket and
   * event in one statement) as one `db.statement`: the order-to-screen path is one round trip
   * (tenant setting and write in one implicit transaction). Should the order already have a ticket (a
   * redelivery, or a status change got there first), or the event carry no order (written by an
   * older engine), this is a plain sync under the cursor lock. Null when nothing changed.
   */
  async place(orderId: string, placed?: OrderForKitchen): Promise<TicketEvent | null> {
    const created = placed
      ? await this.#create(buildTicket(placed, undefined, this.#settings.stations))
      : null
    return created ?? (await this.sync(orderId)) ?? this.#announce(orderId)
  }

  /**
   * The ticket as it stands, announced again without writing anything. A redelivered order event
   * finds its ticket written and unchanged; the process that wrote it may have died before it
   * published (kill -9 between the commit and the socket write), so the screens may never have
   * heard of it. A screen ignores a ticket whose `seq` it already has, so a second announcement
   * costs nothing and a missed one is healed without waiting for a reconnect.
   */
  #announce(orderId: string): Promise<TicketEvent | null> {
    return this.#db.tx(async (trx) => {
      const ticket = await this.#ticketRow(trx, orderId)
      return ticket ? { type: 'ticket:created', seq: ticket.seq, ticket } : null
    })
  }

  /**
   * Cursor, ticket and event in one statement, only when the order has no ticket yet; null
   * otherwise. The cursor moves only if no ticket was there; should two deliveries of one event
   * race, the loser leaves a gap in the sequence, and a screen resuming across a gap gets a
   * snapshot instead of events (never a wrong board).
   */
  async #create(next: Omit<KitchenTicket, 'seq'>): Promise<TicketEvent | null> {
    const rows = await this.#db.statement<{ seq: string | number }>(
      `with cursor as (
              insert into kds_cursors as k (tenant_id, seq) values (:tenant, 1)
              on conflict (tenant_id) do update set seq = k.seq + 1, updated_at = now()
                 where not exists (select 1 from kds_tickets t where t.order_id = :orderId)
              returning seq),
            ticket as (
              insert into kds_tickets (tenant_id, order_id, number, status, label, note, placed_at, items, seq)
              select :tenant, :orderId, :number, :status, :label, :note, :placedAt, :items::jsonb, cursor.seq from cursor
              on conflict (tenant_id, order_id) do nothing
              returning seq)
       insert into kds_events (tenant_id, seq, type, order_id, ticket)
       select :tenant, ticket.seq, 'ticket:created', :orderId, jsonb_set(:ticket::jsonb, '{seq}', to_jsonb(ticket.seq)) from ticket
       returning seq`,
      {
        tenant: this.#db.tenantId,
        orderId: next.orderId,
        number: next.number,
        status: next.status,
        label: next.label,
        note: next.note,
        placedAt: next.placedAt,
        items: JSON.stringify(next.items),
        ticket: JSON.stringify({ ...next, seq: 0 }),
      },
      REBUILT_FROM_ORDERS,
    )
    if (!rows[0]) return null
    const seq = Number(rows[0].seq)
    if (seq % TRIM_EVERY === 0) await this.#db.tx((trx) => this.#trimEvents(trx, seq))
    return { type: 'ticket:created', seq, ticket: { ...next, seq } }
  }

  async #syncIn(
    trx: Knex.Transaction,
    seq: number,
    order: OrderForKitchen,
  ): Promise<TicketEvent | null> {
    const existing = await this.#ticketRow(trx, order.id)
    const next = buildTicket(order, existing?.items, this.#settings.stations)
    if (existing && sameTicket(existing, next)) return null
    return this.#write(trx, seq, existing ? 'ticket:updated' : 'ticket:created', next)
  }

  /** One item done (or undone). The first bump starts the order; the last one makes it ready. */
  bumpItem(orderId: string, lineId: string, undo = false): Promise<TicketEvent> {
    return this.#db.tx(async (trx) => {
      const seq = await this.#lockCursor(trx)
      const ticket = await this.#requireTicket(trx, orderId)
      if (!ticket.items.some((i) => i.lineId === lineId))
        throw new OoError('KDS_ITEM_NOT_FOUND', 404, `Ticket ${orderId} has no item ${lineId}`, {
          field: 'lineId',
        })
      const items = markItems(ticket.items, lineId, !undo, new Date().toISOString())
      let order = await this.#requireOrder(trx, orderId)
      if (!undo && BEFORE_PREPARING.includes(order.status))
        order = await this.#orders.advanceIn(trx, orderId, 'preparing')
      if (!undo && order.status === 'preparing' && items.every((i) => i.bumpedAt))
        order = await this.#orders.advanceIn(trx, orderId, 'ready')
      return this.#write(
        trx,
        seq,
        'ticket:updated',
        buildTicket(order, items, this.#settings.stations),
      )
    })
  }

  /** The whole ticket done: the order goes to ready (through every step) and every item is marked. */
  bumpTicket(orderId: string): Promise<TicketEvent> {
    return this.#db.tx(async (trx) => {
      const seq = await this.#lockCursor(trx)
      const ticket = await this.#requireTicket(trx, orderId)
      const order = await this.#orders.advanceIn(trx, orderId, 'ready')
      const items = markItems(ticket.items, undefined, true, new Date().toISOString())
      return this.#write(
        trx,
        seq,
        'ticket:updated',
        buildTicket(order, items, this.#settings.stations),
      )
    })
  }

  /** A bumped ticket back on the board: the order goes one step back and the bump marks clear. */
  recall(orderId: string): Promise<TicketEvent> {
    return this.#db.tx(async (trx) => {
      const seq = await this.#lockCursor(trx)
      const ticket = await this.#requireTicket(trx, orderId)
      const order = await this.#orders.recallIn(trx, orderId)
      const items = markItems(ticket.items, undefined, false, '')
      return this.#write(
        trx,
        seq,
        'ticket:updated',
        buildTicket(order, items, this.#settings.stations),
      )
    })
  }

  /** What a (re)connecting screen needs: the events after `since`, or every open ticket. */
  catchUp(since?: number): Promise<CatchUp> {
    return this.#db.tx(async (trx) => {
      // FOR SHARE waits for a ticket write in flight to commit, so its event is in the catch-up.
      const cursor = (await trx('kds_cursors').forShare().first('seq')) as
        { seq: string } | undefined
      const seq = Number(cursor?.seq ?? 0)
      const base = { seq, settings: this.#settings, serverTime: new Date().toISOString() }
      if (since !== undefined && since <= seq) {
        const rows = (await trx('kds_events')
          .where('seq', '>', since)
          .orderBy('seq')
          .limit(MAX_RESUME + 1)
          .select('seq', 'type', 'ticket')) as {
          seq: string
          type: TicketEventType
          ticket: KitchenTicket
        }[]
        const contiguous =
          rows.length <= MAX_RESUME &&
          rows.length === seq - since &&
          (!rows.length || Number(rows[0]!.seq) === since + 1)
        if (contiguous)
          return {
            mode: 'events',
            ...base,
            events: rows.map((r) => ({ type: r.type, seq: Number(r.seq), ticket: r.ticket })),
          }
      }
      const rows = (await trx('kds_tickets')
        .whereIn('status', OPEN)
        .orderBy('placed_at')) as TicketRow[]
      return { mode: 'snapshot', ...base, tickets: rows.map(toTicket) }
    })
  }

  async #lockCursor(trx: Knex.Transaction): Promise<number> {
    // The no-op update on conflict takes the row lock in the same statement that creates the row.
    const { rows } = (await trx.raw(
      `insert into kds_cursors (tenant_id, seq) values (?, 0) on conflict (tenant_id) do update set seq = kds_cursors.seq returning seq`,
      [this.#db.tenantId],
    )) as { rows: { seq: string }[] }
    return Number(rows[0]!.seq)
  }

  async #ticketRow(trx: Knex.Transaction, orderId: string): Promise<KitchenTicket | null> {
    const row = (await trx('kds_tickets').where({ order_id: orderId }).first()) as
      TicketRow | undefined
    return row ? toTicket(row) : null
  }

  async #requireTicket(trx: Knex.Transaction, orderId: string): Promise<KitchenTicket> {
    const ticket = await this.#ticketRow(trx, orderId)
    if (!ticket)
      throw new OoError('KDS_TICKET_NOT_FOUND', 404, `No kitchen ticket for order ${orderId}`, {
        field: 'orderId',
      })
    return ticket
  }

  async #requireOrder(trx: Knex.Transaction, orderId: string): Promise<OrderForKitchen> {
    const order = await this.#orders.findIn(trx, orderId)
    if (!order)
      throw new OoError('KDS_TICKET_NOT_FOUND', 404, `No order ${orderId}`, { field: 'orderId' })
    return order
  }

  async #write(
    trx: Knex.Transaction,
    current: number,
    type: TicketEventType,
    next: Omit<KitchenTicket, 'seq'>,
  ): Promise<TicketEvent> {
    const seq = current + 1
    const ticket: KitchenTicket = { ...next, seq }
    // Cursor, ticket and event in one statement: one round trip inside the tenant's lock.
    await trx.raw(
      `with cursor as (update kds_cursors set seq = :seq, updated_at = now() where tenant_id = :tenant),
            upsert as (
              insert into kds_tickets (tenant_id, order_id, number, status, label, note, placed_at, items, seq)
              values (:tenant, :orderId, :number, :status, :label, :note, :placedAt, :items::jsonb, :seq)
              on conflict (tenant_id, order_id) do update set status = excluded.status, items = excluded.items, seq = excluded.seq, updated_at = now())
       insert into kds_events (tenant_id, seq, type, order_id, ticket) values (:tenant, :seq, :type, :orderId, :ticket::jsonb)`,
      {
        seq,
        tenant: this.#db.tenantId,
        orderId: ticket.orderId,
        number: ticket.number,
        status: ticket.status,
        label: ticket.label,
        note: ticket.note,
        placedAt: ticket.placedAt,
        items: JSON.stringify(ticket.items),
        type,
        ticket: JSON.stringify(ticket),
      },
    )
    await this.#trimEvents(trx, seq)
    return { type, seq, ticket }
  }

  /** Every TRIM_EVERY events, drops those older than the resume window. */
  async #trimEvents(trx: Knex.Transaction, seq: number): Promise<void> {
    if (seq % TRIM_EVERY === 0)
      await trx('kds_events')
        .where('seq', '<=', seq - this.#retain)
        .delete()
  }
}

function toTicket(row: TicketRow): KitchenTicket {
  return {
    orderId: row.order_id,
    number: Number(row.number),
    status: row.status,
    label: row.label,
    note: row.note,
    placedAt: (row.placed_at instanceof Date
      ? row.placed_at
      : new Date(row.placed_at)
    ).toISOString(),
    items: typeof row.items === 'string' ? (JSON.parse(row.items) as KitchenItem[]) : row.items,
    seq: Number(row.seq),
  }
}
