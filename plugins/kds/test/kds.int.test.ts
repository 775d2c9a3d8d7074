import type { TestApp } from '@oo/core/testing'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bootOrders,
  checkout,
  collect,
  connectSocket,
  emitAck,
  inTenant,
  nextEvents,
  seedShop,
  type Shop,
} from '../../orders/test/helpers.js'
import type { KitchenTicket, OrderForKitchen } from '../services/tickets.js'

describe('kds: the /kitchen namespace', () => {
  let t: TestApp
  let shop: Shop
  let other: Shop
  const sockets: Socket[] = []

  const kitchenSocket = async (s: Shop, email = s.kitchen) => {
    const socket = await connectSocket(t.url, '/kitchen', s.host, await t.tokenFor(email))
    sockets.push(socket)
    return socket
  }
  const order = (s: Shop, slugs: string[], name = 'Guest') =>
    checkout(t, s, {
      items: slugs.map((slug) => ({ productId: s.products[slug], quantity: 1 })),
      customer: { pickupName: name },
    })
      .expect(201)
      .then((r) => r.body as { order: { id: string; lines: { id: string }[] }; orderToken: string })

  beforeAll(async () => {
    t = await bootOrders({
      kds: {
        defaults: {
          stations: [
            { id: 'oven', name: 'Oven', categories: ['pizzas'] },
            { id: 'bar', name: 'Bar', categories: ['drinks'] },
          ],
        },
      },
    })
    shop = await seedShop(t, 'pizza', [
      { slug: 'margherita', price: 950, stock: 500, category: 'pizzas' },
      { slug: 'lemonade', price: 300, stock: 500, category: 'drinks' },
      { slug: 'bread', price: 200, stock: 500 },
    ])
    other = await seedShop(t, 'burger', [
      { slug: 'cheeseburger', price: 800, stock: 500, category: 'burgers' },
    ])
  })
  afterAll(async () => {
    for (const s of sockets) s.disconnect()
    await t?.close()
  })

  it('admits kitchen staff and refuses farmers and anonymous callers', async () => {
    await kitchenSocket(shop)
    await expect(
      connectSocket(t.url, '/kitchen', shop.host, await t.tokenFor(shop.farmer)),
    ).rejects.toThrow(/kds.read/)
    await expect(connectSocket(t.url, '/kitchen', shop.host, undefined)).rejects.toThrow()
  })

  it('puts a new order on its own tenant’s screens, items routed to stations by category', async () => {
    const kitchen = await kitchenSocket(shop)
    const otherKitchen = await kitchenSocket(other)
    const leaked: unknown[] = []
    otherKitchen.on('ticket:created', (ticket: KitchenTicket) => leaked.push(ticket))
    const created = nextEvents<KitchenTicket>(kitchen, 'ticket:created', 1)
    const placed = await order(shop, ['margherita', 'lemonade', 'bread'], 'Routing')
    const [ticket] = await created
    expect(ticket).toMatchObject({
      orderId: placed.order.id,
      status: 'placed',
      label: 'Routing',
      seq: expect.any(Number),
    })
    expect(ticket!.items.map((i) => [i.name, i.stations])).toEqual([
      ['margherita', ['oven']],
      ['lemonade', ['bar']],
      ['bread', []],
    ])
    await order(other, ['cheeseburger'])
    await new Promise((r) => setTimeout(r, 500))
    expect(leaked).toHaveLength(1)
    expect((leaked[0] as KitchenTicket).label).toBe('Guest')
  })

  it('bumps items one by one (order to preparing, then ready), recalls, and tells the customer', async () => {
    const kitchen = await kitchenSocket(shop)
    const created = collect<KitchenTicket>(kitchen, 'ticket:created')
    const placed = await order(shop, ['margherita', 'lemonade'], 'Bumps')
    await created.waitFor((tk) => tk.orderId === placed.order.id)
    const customer = await connectSocket(t.url, '/order-status', shop.host, placed.orderToken)
    sockets.push(customer)
    const statuses = nextEvents<{ status: string }>(
      customer,
      'order:status',
      4,
      10_000,
      (m) => m.status !== 'placed',
    )
    const [line1, line2] = placed.order.lines
    const first = await emitAck<{ ok: boolean; ticket: KitchenTicket }>(kitchen, 'item:bump', {
      orderId: placed.order.id,
      lineId: line1!.id,
    })
    expect(first.ok).toBe(true)
    expect(first.ticket.status).toBe('preparing')
    const last = await emitAck<{ ok: boolean; ticket: KitchenTicket }>(kitchen, 'item:bump', {
      orderId: placed.order.id,
      lineId: line2!.id,
    })
    expect(last.ticket.status).toBe('ready')
    expect(last.ticket.items.every((i) => i.bumpedAt)).toBe(true)
    const recalled = await emitAck<{ ok: boolean; ticket: KitchenTicket }>(
      kitchen,
      'ticket:recall',
      { orderId: placed.order.id },
    )
    expect(recalled.ticket.status).toBe('preparing')
    expect(recalled.ticket.items.every((i) => i.bumpedAt === null)).toBe(true)
    expect((await statuses).map((m) => m.status)).toEqual([
      'accepted',
      'preparing',
      'ready',
      'preparing',
    ])
    // Recall keeps going back one step at a time, down to placed and no further.
    expect(await emitAck(kitchen, 'ticket:recall', { orderId: placed.order.id })).toMatchObject({
      ok: true,
      ticket: { status: 'accepted' },
    })
    expect(await emitAck(kitchen, 'ticket:recall', { orderId: placed.order.id })).toMatchObject({
      ok: true,
      ticket: { status: 'placed' },
    })
    const illegal = await emitAck<{ ok: boolean; error: { code: string } }>(
      kitchen,
      'ticket:recall',
      { orderId: placed.order.id },
    )
    expect(illegal).toMatchObject({ ok: false, error: { code: 'ORDERS_INVALID_TRANSITION' } })
  })

  it('bumps a whole ticket to ready and broadcasts it to every screen of the tenant', async () => {
    const a = await kitchenSocket(shop)
    const b = await kitchenSocket(shop, shop.owner)
    const created = collect<KitchenTicket>(b, 'ticket:created')
    const updated = collect<KitchenTicket>(b, 'ticket:updated')
    const placed = await order(shop, ['bread'], 'Whole')
    await created.waitFor((tk) => tk.orderId === placed.order.id)
    const seenByB = updated.waitFor((tk) => tk.orderId === placed.order.id).then((tk) => [tk])
    const res = await emitAck<{ ok: boolean; ticket: KitchenTicket }>(a, 'ticket:bump', {
      orderId: placed.order.id,
    })
    expect(res.ticket.status).toBe('ready')
    expect((await seenByB)[0]).toMatchObject({ status: 'ready', seq: res.ticket.seq })
    const twice = await emitAck<{ ok: boolean; error: { code: string } }>(a, 'ticket:bump', {
      orderId: placed.order.id,
    })
    expect(twice).toMatchObject({ ok: false, error: { code: 'ORDERS_INVALID_TRANSITION' } })
    const bad = await emitAck<{ ok: boolean; error: { code: string } }>(a, 'ticket:bump', {
      orderId: 'nope',
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'OO_VALIDATION_FAILED' } })
  })

  it('gives a reconnecting screen exactly what it missed, once each', async () => {
    const watcher = await kitchenSocket(shop, shop.owner)
    const screen = await kitchenSocket(shop)
    const sync = await emitAck<{
      ok: boolean
      mode: string
      seq: number
      tickets: KitchenTicket[]
    }>(screen, 'kitchen:sync', {})
    expect(sync.mode).toBe('snapshot')
    const lastSeen = sync.seq
    screen.disconnect()
    const missed = nextEvents<KitchenTicket>(watcher, 'ticket:created', 3)
    const placed = [
      await order(shop, ['bread'], 'Missed 1'),
      await order(shop, ['bread'], 'Missed 2'),
      await order(shop, ['lemonade'], 'Missed 3'),
    ]
    await missed
    const live: KitchenTicket[] = []
    screen.on('ticket:created', (tk: KitchenTicket) => live.push(tk))
    screen.connect()
    await new Promise<void>((r) => screen.once('connect', () => r()))
    const resume = await emitAck<{
      ok: boolean
      mode: string
      events: { type: string; ticket: KitchenTicket }[]
    }>(screen, 'kitchen:sync', { since: lastSeen })
    expect(resume.mode).toBe('events')
    const createdIds = resume.events
      .filter((e) => e.type === 'ticket:created')
      .map((e) => e.ticket.orderId)
    expect(createdIds.sort()).toEqual(placed.map((p) => p.order.id).sort())
    await new Promise((r) => setTimeout(r, 300))
    expect(live).toEqual([])
    const snapshot = await emitAck<{ ok: boolean; mode: string; tickets: KitchenTicket[] }>(
      screen,
      'kitchen:sync',
      {},
    )
    for (const p of placed)
      expect(snapshot.tickets.filter((tk) => tk.orderId === p.order.id)).toHaveLength(1)
    const tooOld = await emitAck<{ ok: boolean; mode: string }>(screen, 'kitchen:sync', {
      since: 10_000_000,
    })
    expect(tooOld.mode).toBe('snapshot')
  })

  it('handles a redelivered order event without a second ticket or a gap in the sequence', async () => {
    const kitchen = await kitchenSocket(shop)
    const created = collect<KitchenTicket>(kitchen, 'ticket:created')
    const placed = await order(shop, ['bread'], 'Twice')
    await created.waitFor((tk) => tk.orderId === placed.order.id)
    const o = placed.order
    const replay = await inTenant(t, shop.id, async (scope) => {
      // Once with the order the event carries, once as an older engine's event (id only).
      const again = await scope.cradle.kdsService.place(o.id, o as unknown as OrderForKitchen)
      const bare = await scope.cradle.kdsService.place(o.id)
      const events = await scope.cradle.db.tx((trx) =>
        trx('kds_events').where({ order_id: o.id }).select('type'),
      )
      return { again, bare, events: events.map((e: { type: string }) => e.type) }
    })
    // Both deliveries announce the ticket as written (its process may have died before it
    // published), and write nothing: no second ticket, no event, no gap.
    const first = await created.waitFor((tk) => tk.orderId === o.id)
    expect(replay.events).toEqual(['ticket:created'])
    for (const announced of [replay.again, replay.bare])
      expect(announced).toMatchObject({ type: 'ticket:created', seq: first.seq })
  })

  it('moves the ticket when the order changes elsewhere (admin cancel)', async () => {
    const kitchen = await kitchenSocket(shop)
    const created = collect<KitchenTicket>(kitchen, 'ticket:created')
    const updated = collect<KitchenTicket>(kitchen, 'ticket:updated')
    const placed = await order(shop, ['bread'], 'Cancelled')
    await created.waitFor((tk) => tk.orderId === placed.order.id)
    await t
      .as(shop.owner)
      .post(`/api/v1/admin/orders/${placed.order.id}/transitions`)
      .set('Host', shop.host)
      .send({ status: 'cancelled' })
      .expect(200)
    expect((await updated.waitFor((tk) => tk.orderId === placed.order.id)).status).toBe('cancelled')
    const snapshot = await emitAck<{ tickets: KitchenTicket[] }>(kitchen, 'kitchen:sync', {})
    expect(snapshot.tickets.some((tk) => tk.orderId === placed.order.id)).toBe(false)
  })

  it('applies a tenant’s saved stations and ageing live, without a restart', async () => {
    const kitchen = await kitchenSocket(shop)
    const settings = collect<{ stations: { id: string }[]; ageing: { warnMinutes: number } }>(
      kitchen,
      'kitchen:settings',
    )
    const created = collect<KitchenTicket>(kitchen, 'ticket:created')
    const put = (key: string, value: unknown) =>
      t
        .as(shop.owner)
        .put(`/api/v1/admin/settings/kds.${key}`)
        .set('Host', shop.host)
        .send({ value, version: 0 })
    await put('stations', [{ id: 'pass', name: 'Pass', categories: ['drinks', 'pizzas'] }]).expect(
      200,
    )
    await put('ageing', { warnMinutes: 2, lateMinutes: 4 }).expect(200)
    await settings.waitFor((s) => s.ageing.warnMinutes === 2)
    const sync = await emitAck<{
      settings: { stations: { id: string }[]; ageing: { lateMinutes: number } }
    }>(kitchen, 'kitchen:sync', {})
    expect(sync.settings).toEqual({
      stations: [{ id: 'pass', name: 'Pass', categories: ['drinks', 'pizzas'] }],
      ageing: { warnMinutes: 2, lateMinutes: 4 },
    })
    const placed = await order(shop, ['margherita', 'bread'], 'Rerouted')
    const ticket = await created.waitFor((tk) => tk.orderId === placed.order.id)
    expect(ticket.items.map((i) => i.stations)).toEqual([['pass'], []])
    // The other tenant still has the deploy-wide defaults.
    const otherSync = await emitAck<{ settings: { stations: { id: string }[] } }>(
      await kitchenSocket(other),
      'kitchen:sync',
      {},
    )
    expect(otherSync.settings.stations.map((s) => s.id)).toEqual(['oven', 'bar'])
  })

  it('serves the kitchen screen on the tenant’s domain', async () => {
    const page = await t.http.get('/kitchen').set('Host', shop.host).expect(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.text).toContain('/kitchen/app.js')
    const js = await t.http.get('/kitchen/app.js').set('Host', shop.host).expect(200)
    expect(js.headers['content-type']).toContain('javascript')
    await t.http.get('/kitchen/vendor/socket.io.esm.min.js').set('Host', shop.host).expect(200)
    await t.http.get('/kitchen').set('Host', 'nobody.test').expect(404)
  })
})
