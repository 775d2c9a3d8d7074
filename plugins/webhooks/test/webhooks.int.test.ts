import { randomUUID } from 'node:crypto'
import type { TestApp } from '@oo/core/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { checkout, inTenant, seedShop, type Shop } from '../../orders/test/helpers.js'
import { API, bootWebhooks, deliveriesOf, order, subscribe } from './helpers.js'
import { Receiver, eventually, sleep, verify } from './receiver.js'

describe('webhooks: signed deliveries driven from the outbox', () => {
  let t: TestApp
  let pizza: Shop
  let burger: Shop
  const receiver = new Receiver()

  beforeAll(async () => {
    await receiver.start()
    t = await bootWebhooks({
      allowPrivateTargets: true,
      retryDelaysMs: Array(40).fill(100),
      pollIntervalMs: 50,
      timeoutMs: 2000,
    })
    pizza = await seedShop(t, 'pizza', [
      { slug: 'margherita', price: 950, stock: 1000 },
      { slug: 'scarce', price: 700, stock: 1 },
    ])
    burger = await seedShop(t, 'burger', [{ slug: 'cheeseburger', price: 800, stock: 1000 }])
  })
  afterEach(async () => {
    receiver.status = 200
    await receiver.up().catch(() => undefined) // already up
    for (const shop of [pizza, burger])
      await inTenant(t, shop.id, (s) => s.cradle.db.tx((trx) => trx('webhook_endpoints').delete()))
  })
  afterAll(async () => {
    await t?.close()
    await receiver.down()
  })

  it('stores the signing secret sealed: SQL as the engine reads only ciphertext, bound to its tenant', async () => {
    const ep = await subscribe(t, pizza, receiver.url('/sealed'))
    const stored = (await inTenant(t, pizza.id, (s) =>
      s.cradle.db.tx((trx) => trx('webhook_endpoints').where({ id: ep.id }).first('secret')),
    )) as { secret: string }
    expect(stored.secret).toMatch(/^oo1\./)
    expect(stored.secret).not.toContain(ep.secret.slice('whsec_'.length, 20))
    const secrets = t.engine.container.cradle.webhookSigningSecrets
    expect(secrets.open(stored.secret, pizza.id)).toBe(ep.secret)
    expect(() => secrets.open(stored.secret, burger.id)).toThrow(/does not open/)
    // The deliveries are signed with the secret as given at create, opened at send time.
    await checkout(t, pizza, order(pizza, 'margherita', 1)).expect(201)
    await receiver.waitFor(() => receiver.on('/sealed').length >= 1)
    expect(verify(ep.secret, receiver.on('/sealed')[0]!).type).toBe('orders.order.placed')
  })

  it('signs each delivery per the Standard Webhooks spec and never shows the secret again', async () => {
    const ep = await subscribe(t, pizza, receiver.url('/signed'))
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const one = await t.as(pizza.owner).get(`${API}/webhooks/${ep.id}`).set('Host', pizza.host)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({ id: ep.id, enabled: true, events: ['orders.order.placed'] })
    expect(one.body).not.toHaveProperty('secret')
    const list = await t.as(pizza.owner).get(`${API}/webhooks`).set('Host', pizza.host).expect(200)
    expect(list.body.map((e: { id: string }) => e.id)).toEqual([ep.id])
    expect(list.body[0]).not.toHaveProperty('secret')
    expect(list.headers['content-range']).toBe('webhooks 0-0/1')

    const placed = await checkout(t, pizza, order(pizza, 'margherita', 2)).expect(201)
    await receiver.waitFor(() => receiver.on('/signed').length >= 1)
    const [request] = receiver.on('/signed')
    const message = verify(ep.secret, request!)
    expect(message).toMatchObject({
      type: 'orders.order.placed',
      data: { orderId: placed.body.order.id, number: placed.body.order.number },
    })
    expect(Date.parse(message.timestamp)).toBeGreaterThan(Date.now() - 60_000)
    expect(request!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(request!.headers['content-type']).toBe('application/json')
    // What a receiver refuses: a changed body, or a signature made with another secret.
    expect(() =>
      verify(ep.secret, { ...request!, body: request!.body.replace(/"number":\d+/, '"number":1') }),
    ).toThrow()
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, request!)).toThrow()

    const [delivery] = await eventually(async () => {
      const rows = await deliveriesOf(t, pizza, ep.id)
      return rows[0]?.status === 'delivered' && rows
    })
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      responseStatus: 200,
      lastError: null,
      messageId: request!.headers['webhook-id'],
    })
  })

  it('delivers every event once the receiver is back, in order, each once', async () => {
    const ep = await subscribe(t, pizza, receiver.url('/outage'), [
      'orders.order.placed',
      'orders.order.status-changed',
    ])
    await receiver.down()
    const numbers: number[] = []
    let firstId = ''
    for (let i = 0; i < 4; i++) {
      const res = await checkout(t, pizza, order(pizza, 'margherita')).expect(201)
      numbers.push(res.body.order.number)
      firstId ||= res.body.order.id
    }
    await t
      .as(pizza.owner)
      .post(`${API}/orders/${firstId}/transitions`)
      .set('Host', pizza.host)
      .send({ status: 'accepted' })
      .expect(200)

    // While it is down, the first delivery is retried and every later one waits its turn.
    const waiting = await eventually(async () => {
      const rows = await deliveriesOf(t, pizza, ep.id)
      return rows.length === 5 && rows[0]!.attempts >= 3 && rows
    })
    expect(waiting[0]).toMatchObject({
      status: 'pending',
      lastError: expect.stringMatching(/ECONNREFUSED/),
    })
    expect(waiting.slice(1).map((d) => d.attempts)).toEqual([0, 0, 0, 0])

    await receiver.up()
    await receiver.waitFor(() => receiver.on('/outage').length >= 5)
    await sleep(300)
    const got = receiver.on('/outage')
    const messages = got.map((r) => verify(ep.secret, r))
    expect(messages.map((m) => [m.type, m.data.number])).toEqual([
      ...numbers.map((n) => ['orders.order.placed', n]),
      ['orders.order.status-changed', numbers[0]],
    ])
    expect(messages[4]!.data).toMatchObject({ from: 'placed', to: 'accepted' })
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(5)
    const rows = await eventually(async () => {
      const all = await deliveriesOf(t, pizza, ep.id)
      return all.every((d) => d.status === 'delivered') && all
    })
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(4)
    expect(rows.slice(1).map((d) => d.attempts)).toEqual([1, 1, 1, 1])
  })

  it('sends nothing for a rolled-back checkout or transaction', async () => {
    const ep = await subscribe(t, pizza, receiver.url('/rollback'))
    await checkout(t, pizza, order(pizza, 'scarce', 2)).expect(409)
    await expect(
      inTenant(t, pizza.id, (scope) =>
        scope.cradle.db.tx(async (trx) => {
          await trx('catalog_products')
            .where({ id: pizza.products.margherita })
            .update({ stock_qty: 1 })
          scope.cradle.eventBus.emit('orders.order.placed', { orderId: randomUUID(), number: -1 })
          throw new Error('rolled back on purpose')
        }),
      ),
    ).rejects.toThrow('rolled back on purpose')
    const committed = await checkout(t, pizza, order(pizza, 'margherita')).expect(201)

    await receiver.waitFor(() => receiver.on('/rollback').length >= 1)
    await t.engine.container.cradle.outbox.drain()
    await sleep(300)
    const numbers = receiver.on('/rollback').map((r) => verify(ep.secret, r).data.number)
    expect(numbers).toEqual([committed.body.order.number])
    expect(await deliveriesOf(t, pizza, ep.id)).toHaveLength(1)
  })

  it('shows a tenant only its own subscriptions and deliveries (RLS; another tenant’s ids are 404)', async () => {
    const mine = await subscribe(t, pizza, receiver.url('/pizza-only'))
    const theirs = await subscribe(t, burger, receiver.url('/burger-only'))
    await checkout(t, burger, order(burger, 'cheeseburger')).expect(201)
    await receiver.waitFor(() => receiver.on('/burger-only').length >= 1)
    const [theirDelivery] = await deliveriesOf(t, burger, theirs.id)
    expect(theirDelivery).toBeDefined()

    const owner = () => t.as(pizza.owner)
    const list = await owner().get(`${API}/webhooks`).set('Host', pizza.host).expect(200)
    expect(list.body.map((e: { id: string }) => e.id)).toEqual([mine.id])
    const log = await owner().get(`${API}/webhook-deliveries`).set('Host', pizza.host).expect(200)
    expect(log.body).toEqual([])
    expect(await deliveriesOf(t, pizza, theirs.id)).toEqual([])

    const probes = [
      owner().get(`${API}/webhooks/${theirs.id}`),
      owner().put(`${API}/webhooks/${theirs.id}`).send({ enabled: false }),
      owner().delete(`${API}/webhooks/${theirs.id}`),
      owner().get(`${API}/webhook-deliveries/${theirDelivery!.id}`),
      owner().post(`${API}/webhook-deliveries/${theirDelivery!.id}/replay`),
    ]
    for (const probe of probes) {
      const res = await probe.set('Host', pizza.host)
      expect(res.status).toBe(404)
      expect(res.body.error.code).toMatch(/^WEBHOOKS_(ENDPOINT|DELIVERY)_NOT_FOUND$/)
    }
    const still = await t
      .as(burger.owner)
      .get(`${API}/webhooks/${theirs.id}`)
      .set('Host', burger.host)
    expect(still.body).toMatchObject({ id: theirs.id, enabled: true })
    expect(await deliveriesOf(t, burger, theirs.id)).toHaveLength(1)

    // Row-level security: a statement without any where, in pizza's transaction, sees pizza only.
    const seen = await inTenant(t, pizza.id, (s) =>
      s.cradle.db.tx(async (trx) => ({
        endpoints: await trx('webhook_endpoints').select('tenant_id'),
        deliveries: await trx('webhook_deliveries').select('tenant_id'),
      })),
    )
    expect(seen.endpoints).toEqual([{ tenant_id: pizza.id }])
    expect(seen.deliveries.every((d: { tenant_id: string }) => d.tenant_id === pizza.id)).toBe(true)
    expect(receiver.on('/pizza-only')).toEqual([])

    // Only owners and admins manage webhooks.
    const kitchen = await t.as(pizza.kitchen).get(`${API}/webhooks`).set('Host', pizza.host)
    expect(kitchen.status).toBe(403)
  })

  it('replays a delivery: the same webhook-id and body, at the end of the queue', async () => {
    const ep = await subscribe(t, pizza, receiver.url('/replay'))
    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)
    const [first] = await eventually(async () => {
      const rows = await deliveriesOf(t, pizza, ep.id)
      return rows[0]?.status === 'delivered' && rows
    })
    const res = await t
      .as(pizza.owner)
      .post(`${API}/webhook-deliveries/${first!.id}/replay`)
      .set('Host', pizza.host)
      .expect(201)
    expect(res.body).toMatchObject({ replayOf: first!.id, messageId: first!.messageId })
    await receiver.waitFor(() => receiver.on('/replay').length >= 2)
    const [a, b] = receiver.on('/replay')
    expect(b!.headers['webhook-id']).toBe(a!.headers['webhook-id'])
    expect(b!.body).toBe(a!.body)
    expect(verify(ep.secret, b!).type).toBe('orders.order.placed')
    const rows = await eventually(async () => {
      const all = await deliveriesOf(t, pizza, ep.id)
      return all.length === 2 && all.every((d) => d.status === 'delivered') && all
    })
    expect(rows[1]).toMatchObject({ replayOf: first!.id, attempts: 1 })
    const detail = await t
      .as(pizza.owner)
      .get(`${API}/webhook-deliveries/${rows[1]!.id}`)
      .set('Host', pizza.host)
      .expect(200)
    expect(detail.body.payload).toEqual(JSON.parse(a!.body))

    const unknown = await t
      .as(pizza.owner)
      .post(`${API}/webhook-deliveries/${randomUUID()}/replay`)
      .set('Host', pizza.host)
    expect(unknown.status).toBe(404)
    const malformed = await t
      .as(pizza.owner)
      .post(`${API}/webhook-deliveries/not-an-id/replay`)
      .set('Host', pizza.host)
    expect(malformed.status).toBe(400)
    expect(malformed.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'id' })
  })

  it('covers product, status and setting events, and takes back the whole record react-admin PUTs', async () => {
    const ep = await subscribe(t, pizza, receiver.url('/catalogue'), [
      'catalog.product.updated',
      'config.setting.changed',
    ])
    await t
      .as(pizza.owner)
      .put(`${API}/products/${pizza.products.margherita}`)
      .set('Host', pizza.host)
      .send({ priceMinor: 990 })
      .expect(200)
    await t
      .as(pizza.owner)
      .put(`${API}/settings/tenancy.theme`)
      .set('Host', pizza.host)
      .send({ value: 'tech-ocean', version: 0 })
      .expect(200)
    await receiver.waitFor(() => receiver.on('/catalogue').length >= 2)
    const messages = receiver.on('/catalogue').map((r) => verify(ep.secret, r))
    expect(messages[0]).toMatchObject({
      type: 'catalog.product.updated',
      data: { productId: pizza.products.margherita, priceMinor: 990, changes: ['price'] },
    })
    expect(messages[1]).toMatchObject({
      type: 'config.setting.changed',
      data: { scope: 'tenancy', key: 'theme', version: 1 },
    })

    const current = await t.as(pizza.owner).get(`${API}/webhooks/${ep.id}`).set('Host', pizza.host)
    const saved = await t
      .as(pizza.owner)
      .put(`${API}/webhooks/${ep.id}`)
      .set('Host', pizza.host)
      .send({ ...current.body, description: 'ERP', events: ['config.setting.changed'] })
      .expect(200)
    expect(saved.body).toMatchObject({ description: 'ERP', events: ['config.setting.changed'] })
  })

  it('refuses bad subscriptions with a 4xx naming the field', async () => {
    const post = (body: object) =>
      t.as(pizza.owner).post(`${API}/webhooks`).set('Host', pizza.host).send(body)
    const cases: [object, number, string, string][] = [
      [
        { url: 'ftp://erp.example.com/', events: ['orders.order.placed'] },
        400,
        'WEBHOOKS_URL_INVALID',
        'url',
      ],
      [
        { url: 'https://u:p@erp.example.com/', events: ['orders.order.placed'] },
        400,
        'WEBHOOKS_URL_INVALID',
        'url',
      ],
      [{ url: 'not a url', events: ['orders.order.placed'] }, 400, 'WEBHOOKS_URL_INVALID', 'url'],
      [
        { url: receiver.url(), events: ['orders.order.exploded'] },
        400,
        'OO_VALIDATION_FAILED',
        'events.0',
      ],
      [{ url: receiver.url(), events: [] }, 400, 'OO_VALIDATION_FAILED', 'events'],
      [{ url: receiver.url() }, 400, 'OO_VALIDATION_FAILED', 'events'],
      [
        { url: receiver.url(), events: ['orders.order.placed'], secret: 'mine' },
        400,
        'OO_VALIDATION_FAILED',
        '',
      ],
      [{ url: 42, events: ['orders.order.placed'] }, 400, 'OO_VALIDATION_FAILED', 'url'],
    ]
    for (const [body, status, code, field] of cases) {
      const res = await post(body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.body.error.code).toBe(code)
      if (field) expect(res.body.error.field).toBe(field)
    }
    const list = await t.as(pizza.owner).get(`${API}/webhooks`).set('Host', pizza.host).expect(200)
    expect(list.body).toEqual([])
  })
})
