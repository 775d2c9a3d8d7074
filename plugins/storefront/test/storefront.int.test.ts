import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestApp, hasChromium, launchChromium, type TestApp } from '@oo/core/testing'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import catalog from '../../catalog/index.js'
import media from '../../media/index.js'
import oidc from '../../oidc/index.js'
import orders from '../../orders/index.js'
import tenancy from '../../tenancy/index.js'
import storefront from '../index.js'

// A first page load on a loaded CI machine (builds, other suites) can take seconds.
const SLOW = { timeout: 15_000 }

describe.skipIf(!hasChromium)('storefront themes in a real browser', () => {
  let t: TestApp
  let browser: BrowserContext
  let port: string
  const shops: Record<string, { id: string; host: string; owner: string; productId: string }> = {}

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), media(), catalog(), oidc(), orders(), storefront({ autoBuild: false })],
      boot: { outbox: { pollIntervalMs: 100 } },
    })
    await t.engine.container.cradle.themeSites.buildMissing()
    port = new URL(t.url).port
    for (const [slug, theme, product] of [
      ['luxe', 'mono-luxe', 'Margherita'],
      ['market', 'fresh-market', 'Heirloom Tomatoes'],
    ] as const) {
      const shop = await t.seedTenant(slug)
      await t
        .as(shop.owner)
        .put(`/api/v1/admin/tenants/${shop.id}`)
        .set('Host', shop.host)
        .send({ theme })
        .expect(200)
      const created = await t
        .as(shop.owner)
        .post('/api/v1/admin/products')
        .set('Host', shop.host)
        .send({
          name: product,
          description: `Our ${product}`,
          priceMinor: 950,
          currency: 'EUR',
          stockQty: 5,
        })
        .expect(201)
      shops[slug] = { ...shop, productId: created.body.id }
    }
    browser = await launchChromium()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it(
    'shows each shop its own theme and menu, from the same process',
    { timeout: 60_000 },
    async () => {
      const page = await browser.newPage()
      await page.goto(`http://${shops.luxe!.host}:${port}/`)
      await expect
        .poll(() => page.locator('.oo-card h3').allTextContents(), SLOW)
        .toEqual(['Margherita'])
      expect(await page.getAttribute('html', 'data-oo-theme')).toBe('mono-luxe')
      await page.goto(`http://${shops.market!.host}:${port}/`)
      await expect
        .poll(() => page.locator('.oo-card h3').allTextContents(), SLOW)
        .toEqual(['Heirloom Tomatoes'])
      expect(await page.getAttribute('html', 'data-oo-theme')).toBe('fresh-market')
      await page.close()
    },
  )

  it(
    'updates stock on the open page when it changes, then checks out a guest whose order page follows the kitchen live',
    { timeout: 90_000 },
    async () => {
      const shop = shops.market!
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`http://${shop.host}:${port}/`)
      await expect
        .poll(() => page.locator('#oo-live').getAttribute('data-state'), SLOW)
        .toBe('live')
      const badge = page.locator(`[data-product-id="${shop.productId}"] [data-stock]`)
      await expect.poll(() => badge.textContent(), SLOW).toBe('5 left')

      await t
        .as(shop.owner)
        .put(`/api/v1/admin/products/${shop.productId}`)
        .set('Host', shop.host)
        .send({ stockQty: 3 })
        .expect(200)
      await expect.poll(() => badge.textContent(), SLOW).toBe('3 left') // no reload

      await page.locator(`[data-product-id="${shop.productId}"] [data-add]`).click()
      await page.fill('input[name="pickupName"]', 'Sam')
      await page.click('#oo-checkout-submit')
      await page.waitForURL(/\/order#/)
      await expect
        .poll(() => page.locator('#oo-order-status').textContent(), SLOW)
        .toBe('Order received')
      const orderId = decodeURIComponent(new URL(page.url()).hash.slice(1))

      for (const status of ['accepted', 'preparing', 'ready']) {
        await t
          .as(shop.owner)
          .post(`/api/v1/admin/orders/${orderId}/transitions`)
          .set('Host', shop.host)
          .send({ status })
          .expect(200)
      }
      await expect
        .poll(() => page.locator('#oo-order-status').textContent(), SLOW)
        .toBe('Ready for pickup')
      await page.screenshot({ path: join(tmpdir(), 'oo-storefront-order.png') })
      const stock = await t.http.get('/api/v1/store/products').set('Host', shop.host).expect(200)
      expect(stock.body.items[0].stockQty).toBe(2)
      expect(errors).toEqual([])
      await page.close()
    },
  )

  it('leaves other hosts and paths to the rest of the engine', async () => {
    await t.http.get('/').set('Host', 'unknown.test').expect(404)
    await t.http.get('/api/v1/store/tenant').set('Host', shops.luxe!.host).expect(200)
    const asset = await t.http.get('/_astro/nope.js').set('Host', shops.luxe!.host).expect(404)
    expect(asset.text).toBe('Not found')
  })
})
