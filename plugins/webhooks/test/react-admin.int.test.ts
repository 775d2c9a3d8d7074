import type { TestApp } from '@oo/core/testing'
import { fetchUtils } from 'ra-core'
import simpleRestProvider from 'ra-data-simple-rest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkout, seedShop, type Shop } from '../../orders/test/helpers.js'
import { API, bootWebhooks, order } from './helpers.js'
import { Receiver, eventually, verify } from './receiver.js'

// The panel's calls, made by react-admin's stock data provider against the real engine.
describe('webhooks admin resources through ra-data-simple-rest', () => {
  let t: TestApp
  let pizza: Shop
  let provider: ReturnType<typeof simpleRestProvider>
  const receiver = new Receiver()

  beforeAll(async () => {
    await receiver.start()
    t = await bootWebhooks({ allowPrivateTargets: true, pollIntervalMs: 50 })
    pizza = await seedShop(t, 'pizza', [{ slug: 'margherita', price: 950, stock: 1000 }])
    const token = await t.tokenFor(pizza.owner)
    provider = simpleRestProvider(
      `${t.url}${API}`,
      (url: string, options: fetchUtils.Options = {}) =>
        fetchUtils.fetchJson(url, {
          ...options,
          headers: new Headers({
            Accept: 'application/json',
            Authorization: `Bearer ${token}`,
            'X-Tenant-ID': pizza.id,
          }),
        }),
    )
  })
  afterAll(async () => {
    await t?.close()
    await receiver.down()
  })

  it('creates, lists, reads, edits and deletes endpoints; lists deliveries by endpoint; replays one', async () => {
    const created = await provider.create('webhooks', {
      data: {
        url: receiver.url('/ra'),
        events: ['orders.order.placed'],
        description: '',
        enabled: true,
      },
    })
    const secret = (created.data as { secret?: string }).secret!
    expect(secret).toMatch(/^whsec_/)
    const id = created.data.id as string

    const list = await provider.getList('webhooks', {
      pagination: { page: 1, perPage: 25 },
      sort: { field: 'createdAt', order: 'DESC' },
      filter: {},
    })
    expect(list.total).toBe(1)
    expect(list.data[0]).not.toHaveProperty('secret')
    const one = await provider.getOne('webhooks', { id })
    const many = await provider.getMany('webhooks', { ids: [id] })
    expect(many.data.map((e) => e.id)).toEqual([id])

    // <Edit> without a transform PUTs the whole record.
    const edited = await provider.update('webhooks', {
      id,
      data: { ...one.data, description: 'POS' },
      previousData: one.data,
    })
    expect(edited.data).toMatchObject({ id, description: 'POS' })

    await checkout(t, pizza, order(pizza, 'margherita')).expect(201)
    await receiver.waitFor(() => receiver.on('/ra').length >= 1)
    const log = await eventually(async () => {
      const res = await provider.getManyReference('webhook-deliveries', {
        target: 'endpointId',
        id,
        pagination: { page: 1, perPage: 25 },
        sort: { field: 'sequence', order: 'DESC' },
        filter: {},
      })
      return res.data[0]?.status === 'delivered' && res
    })
    expect(log.total).toBe(1)

    // The Replay button: `create` on the resource path `webhook-deliveries/<id>/replay`.
    const replayed = await provider.create(`webhook-deliveries/${log.data[0]!.id}/replay`, {
      data: {},
    })
    expect(replayed.data).toMatchObject({ replayOf: log.data[0]!.id, status: 'pending' })
    await receiver.waitFor(() => receiver.on('/ra').length >= 2)
    expect(verify(secret, receiver.on('/ra')[1]!).type).toBe('orders.order.placed')

    const delivered = await eventually(async () => {
      const res = await provider.getList('webhook-deliveries', {
        pagination: { page: 1, perPage: 25 },
        sort: { field: 'sequence', order: 'ASC' },
        filter: { status: 'delivered', endpointId: id },
      })
      return res.total === 2 && res
    })
    expect(delivered.data.map((d) => d.replayOf)).toEqual([null, log.data[0]!.id])

    await provider.delete('webhooks', { id, previousData: edited.data })
    const after = await provider.getList('webhook-deliveries', {
      pagination: { page: 1, perPage: 25 },
      sort: { field: 'sequence', order: 'DESC' },
      filter: {},
    })
    expect(after.total).toBe(0)
  })
})
