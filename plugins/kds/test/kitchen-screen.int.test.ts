import { hasChromium, launchChromium, type TestApp } from '@oo/core/testing'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bootOrders,
  checkout,
  collect,
  connectSocket,
  inTenant,
  seedShop,
  type Shop,
} from '../../orders/test/helpers.js'
import type { KitchenTicket } from '../services/tickets.js'

const PASSWORD = 'kitchen password 1234'

describe.skipIf(!hasChromium)('kitchen screen in Chromium', () => {
  let t: TestApp
  let shop: Shop
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    t = await bootOrders()
    shop = await seedShop(t, 'diner', [
      { slug: 'pancakes', price: 650, stock: 50, category: 'breakfast' },
    ])
    // launchChromium turns speculative preconnects off: an idle preconnected socket would hold
    // the engine's HTTP close, stalling the "engine stopped" step.
    context = await launchChromium()
    page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(10_000)
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    await t?.close()
  })

  it('signs in, shows a new order without a reload, bumps it, catches up after a drop, and shows the offline banner when the engine stops', async () => {
    const origin = `http://${shop.host}:${new URL(t.url).port}`
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await t.engine.container.cradle.oidcAccounts.register({
      email: shop.kitchen,
      password: PASSWORD,
      emailVerified: true,
    })

    // Not signed in: the screen offers sign-in, which goes through the built-in issuer and comes back.
    await page.goto(`${origin}/kitchen`)
    await page.locator('#signin-link').click()
    await page.locator('input[name="email"]').fill(shop.kitchen)
    await page.locator('input[name="password"]').fill(PASSWORD)
    await Promise.all([
      page.waitForURL(`${origin}/kitchen`, { timeout: 15_000 }),
      page.locator('button[type="submit"]').click(),
    ])
    await page.getByTestId('start').click()
    await expect
      .poll(() => page.getByTestId('connection-status').textContent(), { timeout: 10_000 })
      .toBe('live')

    const placed = await checkout(t, shop, {
      items: [{ productId: shop.products.pancakes, quantity: 3 }],
      customer: { pickupName: 'Browser' },
    }).expect(201)
    const card = page.locator(`#board [data-order-id="${placed.body.order.id}"]`)
    await card.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await card.textContent()).toContain('Browser')
    expect(await card.textContent()).toContain('3×')
    expect(await card.getAttribute('class')).toMatch(/\bok\b/)

    await card.getByTestId('bump').click()
    const ready = page.locator(`#ready [data-order-id="${placed.body.order.id}"]`)
    await ready.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await ready.getAttribute('data-status')).toBe('ready')
    const order = await t
      .as(shop.owner)
      .get(`/api/v1/admin/orders/${placed.body.order.id}`)
      .set('Host', shop.host)
      .expect(200)
    expect(order.body.status).toBe('ready')
    expect(order.body.history.at(-1).actor.label).toBe(shop.kitchen)

    // Ageing colours from the tenant's thresholds (defaults: warn at 5 min, late at 8 min).
    const aged = [
      await checkout(t, shop, {
        items: [{ productId: shop.products.pancakes, quantity: 1 }],
        customer: { pickupName: 'Six minutes' },
      }).expect(201),
      await checkout(t, shop, {
        items: [{ productId: shop.products.pancakes, quantity: 1 }],
        customer: { pickupName: 'Nine minutes' },
      }).expect(201),
    ].map((r) => r.body.order.id as string)
    for (const id of aged)
      await page
        .locator(`#board [data-order-id="${id}"]`)
        .waitFor({ state: 'visible', timeout: 10_000 })
    await inTenant(t, shop.id, (scope) =>
      scope.cradle.db.tx(async (trx) => {
        await trx('kds_tickets')
          .where({ order_id: aged[0] })
          .update({ placed_at: trx.raw(`now() - interval '6 minutes'`) })
        await trx('kds_tickets')
          .where({ order_id: aged[1] })
          .update({ placed_at: trx.raw(`now() - interval '9 minutes'`) })
      }),
    )
    await page.reload()
    await page.getByTestId('start').click()
    await page.locator(`#board [data-order-id="${aged[1]}"].late`).waitFor({ timeout: 10_000 })
    expect(await page.locator(`#board [data-order-id="${aged[0]}"]`).getAttribute('class')).toMatch(
      /\bwarn\b/,
    )
    expect(await page.locator(`#board [data-order-id="${aged[1]}"] .age`).textContent()).toMatch(
      /^9:\d\d$/,
    )
    await expect
      .poll(() => page.getByTestId('connection-status').textContent(), { timeout: 10_000 })
      .toBe('live')
    expect(await page.getByTestId('offline-banner').isVisible()).toBe(false)

    // Cut the screen off (server drops it, reconnects are refused), take two orders, let it back:
    // it shows the banner meanwhile and catches up on return, each ticket once.
    let cutOff = true
    await page.routeWebSocket(/\/socket\.io\//, (ws) =>
      cutOff ? ws.close() : ws.connectToServer(),
    )
    await page.route('**/socket.io/**', (route) => (cutOff ? route.abort() : route.continue()))
    t.engine.io.of('/kitchen').disconnectSockets(true)
    await page.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 10_000 })
    const watcher = await connectSocket(t.url, '/kitchen', shop.host, await t.tokenFor(shop.owner))
    const seen = collect<KitchenTicket>(watcher, 'ticket:created')
    const missed = [
      await checkout(t, shop, {
        items: [{ productId: shop.products.pancakes, quantity: 1 }],
        customer: { pickupName: 'Missed A' },
      }).expect(201),
      await checkout(t, shop, {
        items: [{ productId: shop.products.pancakes, quantity: 2 }],
        customer: { pickupName: 'Missed B' },
      }).expect(201),
    ].map((r) => r.body.order.id as string)
    for (const id of missed) await seen.waitFor((tk) => tk.orderId === id) // the kitchen has them; this screen does not
    expect(await page.locator(`#board [data-order-id="${missed[0]}"]`).count()).toBe(0)
    cutOff = false
    await page.getByTestId('offline-banner').waitFor({ state: 'hidden', timeout: 15_000 })
    for (const id of missed) {
      await page
        .locator(`#board [data-order-id="${id}"]`)
        .waitFor({ state: 'visible', timeout: 10_000 })
      expect(await page.locator(`[data-order-id="${id}"]`).count()).toBe(1)
    }
    watcher.disconnect()

    const stopped = performance.now()
    await t.engine.stop()
    expect(performance.now() - stopped).toBeLessThan(15_000)
    await page.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 10_000 })
    expect(await page.getByTestId('offline-banner').textContent()).toContain(
      'Offline — reconnecting',
    )
    expect(errors).toEqual([])
  }, 90_000)
})
