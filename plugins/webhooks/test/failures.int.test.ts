import { definePlugin, type OoEvent } from '@oo/core'
import type { TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { checkout, seedShop, type Shop } from '../../orders/test/helpers.js'
import { API, bootWebhooks, deliveriesOf, order, subscribe } from './helpers.js'
import { Receiver, eventually, sleep, verify } from './receiver.js'

describe('webhooks: an endpoint that keeps failing', () => {
  let t: TestApp
  let pizza: Shop
  let closed = false
  const receiver = new Receiver()
  const notices: OoEvent<'webhooks.endpoint.disabled'>[] = []
  const noticeTaker = definePlugin({
    name: 'notice-taker',
    events: { 'webhooks.endpoint.disabled': async ({ event }) => void notices.push(event) },
  })

  beforeAll(async () => {
    await receiver.start()
    t = await bootWebhooks(
      {
        allowPrivateTargets: true,
        retryDelaysMs: Array(50).fill(40),
        disableAfterMs: 400,
        pollIntervalMs: 20,
        timeoutMs: 1000,
      },
      { plugins: [noticeTaker()] },
    )
    pizza = await seedShop(t, 'pizza', [{ slug: 'margherita', price: 950, stock: 1000 }])
  })
  afterAll(async () => {
    if (!closed) await t?.close()
    await receiver.down()
  })

  it('is disabled after failing for disableAfterMs, with a notice to the tenant, and can be enabled again', async () => {
    receiver.status = 500
    const ep = await subscribe(t, pizza, receiver.url('/failing'))
    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)

    const disabled = await eventually(async () => {
      const res = await t.as(pizza.owner).get(`${API}/webhooks/${ep.id}`).set('Host', pizza.host)
      return res.body.enabled === false && res.body
    })
    expect(disabled).toMatchObject({
      failingSince: expect.any(String),
      disabledAt: expect.any(String),
      disabledReason: expect.stringContaining('HTTP 500'),
    })
    expect(
      Date.parse(disabled.disabledAt) - Date.parse(disabled.failingSince),
    ).toBeGreaterThanOrEqual(400)
    const [pending] = await deliveriesOf(t, pizza, ep.id)
    expect(pending).toMatchObject({ status: 'pending', responseStatus: 500 })
    expect(pending!.attempts).toBeGreaterThanOrEqual(2)
    expect(pending!.lastError).toMatch(/^HTTP 500/)

    // The tenant's notice: an outbox event, delivered once.
    await t.engine.container.cradle.outbox.drain()
    await expect.poll(() => notices.length).toBe(1)
    expect(notices[0]).toMatchObject({
      tenantId: pizza.id,
      payload: { endpointId: ep.id, url: ep.url, lastError: expect.stringMatching(/^HTTP 500/) },
    })

    // Disabled: nothing more is sent, and new events are not queued for it.
    const sent = receiver.on('/failing').length
    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)
    await t.engine.container.cradle.outbox.drain()
    await sleep(300)
    expect(receiver.on('/failing')).toHaveLength(sent)
    expect(await deliveriesOf(t, pizza, ep.id)).toHaveLength(1)
    const replay = await t
      .as(pizza.owner)
      .post(`${API}/webhook-deliveries/${pending!.id}/replay`)
      .set('Host', pizza.host)
    expect(replay.status).toBe(409)
    expect(replay.body.error.code).toBe('WEBHOOKS_ENDPOINT_DISABLED')

    // The receiver is mended; react-admin's edit form sends the whole record back, enabled.
    receiver.status = 200
    const enabled = await t
      .as(pizza.owner)
      .put(`${API}/webhooks/${ep.id}`)
      .set('Host', pizza.host)
      .send({ ...disabled, enabled: true })
      .expect(200)
    expect(enabled.body).toMatchObject({
      enabled: true,
      failingSince: null,
      disabledAt: null,
      disabledReason: null,
    })
    await eventually(async () => (await deliveriesOf(t, pizza, ep.id))[0]?.status === 'delivered')
    expect(verify(ep.secret, receiver.on('/failing').at(-1)!).type).toBe('orders.order.placed')
  })

  it('counts an attempt that gets no answer within timeoutMs as failed', async () => {
    receiver.silentOn.add('/silent')
    const ep = await subscribe(t, pizza, receiver.url('/silent'))
    const started = Date.now()
    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)
    const [first] = await eventually(async () => {
      const rows = await deliveriesOf(t, pizza, ep.id)
      return rows[0]?.lastError ? rows : undefined
    })
    expect(first).toMatchObject({ lastError: 'timed out', responseStatus: null })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    receiver.silentOn.delete('/silent')
  })

  it('sends nothing after the engine stopped: no timer is left behind', async () => {
    receiver.status = 503
    const ep = await subscribe(t, pizza, receiver.url('/stopping'))
    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)
    await receiver.waitFor(() => receiver.on('/stopping').length >= 2)
    expect(ep.id).toBeDefined()
    closed = true
    await t.close()
    // Every timer the worker would set from now on is recorded (it re-arms itself on each pass).
    const real = globalThis.setTimeout
    const armed: string[] = []
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      fn: () => void,
      ms?: number,
    ) => {
      const stack = new Error().stack ?? ''
      if (stack.includes('delivery-worker')) armed.push(stack)
      return real(fn, ms)
    }) as typeof setTimeout)
    let after = 0
    try {
      // An attempt cut short by the stop may still land (its bytes were on the wire): let it.
      await sleep(100)
      after = receiver.received.length
      await sleep(400)
    } finally {
      spy.mockRestore()
    }
    expect(armed).toEqual([])
    expect(receiver.received.length).toBe(after)
  })
})
