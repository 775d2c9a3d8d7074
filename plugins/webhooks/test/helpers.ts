// Set-up shared by the webhooks tests: the orders stack (checkouts emit the events) plus
// webhooks, a loopback receiver, and small API helpers.
import { createTestApp, type TestApp, type TestAppOptions } from '@oo/core/testing'
import { orderPlugins, type Shop } from '../../orders/test/helpers.js'
import webhooks from '../index.js'
import type { Receiver } from './receiver.js'

export const API = '/api/v1/admin'

export function bootWebhooks(
  options: Parameters<typeof webhooks>[0],
  extra: Partial<TestAppOptions> & { plugins?: TestAppOptions['plugins'] } = {},
): Promise<TestApp> {
  return createTestApp({
    ...extra,
    plugins: [...orderPlugins(), webhooks(options), ...(extra.plugins ?? [])],
    boot: { outbox: { pollIntervalMs: 200 } },
  })
}

export interface Subscription {
  id: string
  secret: string
  url: string
}

export async function subscribe(
  t: TestApp,
  shop: Shop,
  url: string,
  events: string[] = ['orders.order.placed'],
): Promise<Subscription> {
  const res = await t
    .as(shop.owner)
    .post(`${API}/webhooks`)
    .set('Host', shop.host)
    .send({ url, events })
    .expect(201)
  return res.body
}

export async function deliveriesOf(t: TestApp, shop: Shop, endpointId: string) {
  const res = await t
    .as(shop.owner)
    .get(`${API}/webhook-deliveries`)
    .query({ filter: JSON.stringify({ endpointId }), sort: JSON.stringify(['sequence', 'ASC']) })
    .set('Host', shop.host)
    .expect(200)
  return res.body as {
    id: string
    sequence: number
    status: string
    attempts: number
    responseStatus: number | null
    lastError: string | null
    messageId: string
    replayOf: string | null
  }[]
}

export function order(shop: Shop, slug: string, quantity = 1) {
  return {
    items: [{ productId: shop.products[slug], quantity }],
    customer: { pickupName: 'Webhook tester' },
  }
}

export type { Receiver }
