import type { TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkout, inTenant, seedShop, type Shop } from '../../orders/test/helpers.js'
import { API, bootWebhooks, deliveriesOf, order } from './helpers.js'
import { Receiver, eventually } from './receiver.js'

describe('webhooks: private targets refused (allowPrivateTargets off, as in production)', () => {
  let t: TestApp
  let pizza: Shop
  const receiver = new Receiver()

  beforeAll(async () => {
    await receiver.start()
    t = await bootWebhooks({ retryDelaysMs: [20, 20], pollIntervalMs: 20, timeoutMs: 1000 })
    pizza = await seedShop(t, 'pizza', [{ slug: 'margherita', price: 950, stock: 1000 }])
  })
  afterAll(async () => {
    await t?.close()
    await receiver.down()
  })

  it('refuses loopback, private and link-local targets at subscribe time (v4 and v6)', async () => {
    for (const url of [
      receiver.url('/x'),
      'http://localhost:8080/hooks',
      'http://[::1]/hooks',
      'http://[::ffff:127.0.0.1]/hooks',
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/',
      'http://192.168.0.10:8443/',
      'http://0.0.0.0/',
      'https://[fe80::1]/',
      'https://[fd00::5]/',
    ]) {
      const res = await t
        .as(pizza.owner)
        .post(`${API}/webhooks`)
        .set('Host', pizza.host)
        .send({ url, events: ['orders.order.placed'] })
      expect(res.status, url).toBe(422)
      expect(res.body.error).toMatchObject({ code: 'WEBHOOKS_TARGET_PRIVATE', field: 'url' })
    }
    // .invalid never resolves (RFC 6761): refused rather than stored unchecked.
    const unresolvable = await t
      .as(pizza.owner)
      .post(`${API}/webhooks`)
      .set('Host', pizza.host)
      .send({ url: 'https://erp.no-such-host.invalid/hooks', events: ['orders.order.placed'] })
    expect(unresolvable.status).toBe(422)
    expect(unresolvable.body.error).toMatchObject({
      code: 'WEBHOOKS_TARGET_UNRESOLVABLE',
      field: 'url',
    })
    // A public address is accepted (no DNS needed for a literal); changing it to loopback is not.
    const ok = await t
      .as(pizza.owner)
      .post(`${API}/webhooks`)
      .set('Host', pizza.host)
      .send({ url: 'https://93.184.216.34/hooks', events: ['orders.order.placed'], enabled: false })
      .expect(201)
    const moved = await t
      .as(pizza.owner)
      .put(`${API}/webhooks/${ok.body.id}`)
      .set('Host', pizza.host)
      .send({ url: 'http://127.0.0.1:9/' })
    expect(moved.status).toBe(422)
    expect(moved.body.error).toMatchObject({ code: 'WEBHOOKS_TARGET_PRIVATE', field: 'url' })
    await t
      .as(pizza.owner)
      .delete(`${API}/webhooks/${ok.body.id}`)
      .set('Host', pizza.host)
      .expect(200)
  })

  it('checks again at send time, after DNS resolution: nothing reaches a private address', async () => {
    // As if DNS had changed since subscribe: rows that name loopback by name and by address.
    const port = new URL(receiver.url()).port
    const [byName, byAddress] = await inTenant(t, pizza.id, (s) =>
      s.cradle.db.tx((trx) =>
        trx('webhook_endpoints')
          .insert(
            [`http://localhost:${port}/by-name`, `http://127.0.0.1:${port}/by-address`].map(
              (url) => ({
                tenant_id: pizza.id,
                url,
                events: ['orders.order.placed'],
                secret: t.engine.container.cradle.webhookSigningSecrets.seal(
                  `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
                  pizza.id,
                ),
              }),
            ),
          )
          .returning('id'),
      ),
    )
    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)
    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)

    // Each delivery is tried 1 + 2 times, then given up, and the next one gets its turn.
    for (const { id } of [byName!, byAddress!]) {
      const rows = await eventually(async () => {
        const all = await deliveriesOf(t, pizza, id)
        return all.length === 2 && all.every((d) => d.status === 'failed') && all
      })
      for (const d of rows) {
        expect(d).toMatchObject({ attempts: 3, responseStatus: null })
        expect(d.lastError).toMatch(/private/)
      }
    }
    expect(receiver.received).toEqual([])
  })
})
