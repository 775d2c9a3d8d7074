import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestApp } from '@oo/core/testing'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootOrders, checkout, seedShop, type Shop } from '../../orders/test/helpers.js'

const CHROMIUM = '/usr/bin/chromium'

describe.skipIf(!existsSync(CHROMIUM))('kitchen screen in Chromium', () => {
  let t: TestApp
  let shop: Shop
  let context: BrowserContext
  let page: Page
  const profile = mkdtempSync(join(tmpdir(), 'oo-kds-chromium-'))

  beforeAll(async () => {
    t = await bootOrders()
    shop = await seedShop(t, 'diner', [{ slug: 'pancakes', price: 650, stock: 50, category: 'breakfast' }])
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP *.test 127.0.0.1'],
    })
    page = context.pages()[0] ?? (await context.newPage())
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    await t?.close()
    rmSync(profile, { recursive: true, force: true })
  })

  it('shows a new order without a reload, bumps it, and shows the offline banner when the engine stops', async () => {
    const port = new URL(t.url).port
    const token = await t.tokenFor(shop.kitchen)
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(`http://${shop.host}:${port}/kitchen#token=${encodeURIComponent(token)}`)
    await page.getByTestId('start').click()
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 10_000 }).toBe('live')
    expect(page.url()).not.toContain('token=') // the fragment is taken off the address bar

    const placed = await checkout(t, shop, { items: [{ productId: shop.products.pancakes, quantity: 3 }], customer: { pickupName: 'Browser' } }).expect(201)
    const card = page.locator(`#board [data-order-id="${placed.body.order.id}"]`)
    await card.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await card.textContent()).toContain('Browser')
    expect(await card.textContent()).toContain('3×')
    expect(await card.getAttribute('class')).toMatch(/\bok\b/)

    await card.getByTestId('bump').click()
    const ready = page.locator(`#ready [data-order-id="${placed.body.order.id}"]`)
    await ready.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await ready.getAttribute('data-status')).toBe('ready')
    const order = await t.as(shop.owner).get(`/api/v1/admin/orders/${placed.body.order.id}`).set('Host', shop.host).expect(200)
    expect(order.body.status).toBe('ready')
    expect(order.body.history.at(-1).actor.label).toBe(shop.kitchen)

    expect(await page.getByTestId('offline-banner').isVisible()).toBe(false)
    await t.engine.stop()
    await page.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 10_000 })
    expect(await page.getByTestId('offline-banner').textContent()).toContain('Offline — reconnecting')
    expect(errors).toEqual([])
  }, 60_000)
})
