import { request as httpRequest } from 'node:http'
import { createTestApp, hasChromium, launchChromium, type TestApp } from '@oo/core/testing'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import catalog from '../../catalog/index.js'
import media from '../../media/index.js'
import oidc from '../../oidc/index.js'
import orders from '../../orders/index.js'
import tenancy from '../../tenancy/index.js'
import storefront from '../index.js'

const SLOW = { timeout: 15_000 }

describe.skipIf(!hasChromium)('a storefront checkout whose answer is lost', () => {
  let t: TestApp
  let browser: BrowserContext
  let port: string
  let shop: { id: string; host: string; owner: string; productId: string }

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), media(), catalog(), oidc(), orders(), storefront({ autoBuild: false })],
    })
    await t.engine.container.cradle.themeSites.buildMissing()
    port = new URL(t.url).port
    const tenant = await t.seedTenant('retry')
    const created = await t
      .as(tenant.owner)
      .post('/api/v1/admin/products')
      .set('Host', tenant.host)
      .send({
        name: 'Sourdough',
        description: 'A loaf',
        priceMinor: 650,
        currency: 'EUR',
        stockQty: 5,
      })
      .expect(201)
    shop = { ...tenant, productId: created.body.id }
    browser = await launchChromium()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  const ordersInDb = () =>
    t.engine.container.cradle.scopes.run(shop.id, (s) =>
      s.cradle.db.tx(async (trx) => (await trx('orders').select('id')) as { id: string }[]),
    )

  it(
    'retries with the same Idempotency-Key and shows the order already made, once',
    { timeout: 90_000 },
    async () => {
      const page = await browser.newPage()
      const keys: (string | undefined)[] = []
      // The first checkout reaches the engine and commits; its answer never reaches the page.
      await page.route('**/api/v1/store/checkout', async (route) => {
        keys.push(route.request().headers()['idempotency-key'])
        if (keys.length === 1) {
          // Sent on to the engine from here (this process cannot resolve *.test; the browser maps it).
          const request = route.request()
          const status = await new Promise<number>((resolve, reject) => {
            const headers = { ...request.headers(), host: shop.host }
            const sent = httpRequest(`${t.url}${new URL(request.url()).pathname}`, {
              method: 'POST',
              headers,
            })
            sent.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)))
            sent.on('error', reject)
            sent.end(request.postData())
          })
          expect(status).toBe(201) // committed
          await route.abort('connectionreset')
        } else {
          await route.continue()
        }
      })
      await page.goto(`http://${shop.host}:${port}/`)
      await page.locator(`[data-product-id="${shop.productId}"] [data-add]`).click()
      await page.fill('input[name="pickupName"]', 'Robin')
      await page.click('#oo-checkout-submit')
      await page.waitForURL(/\/order#/, SLOW)
      const shown = decodeURIComponent(new URL(page.url()).hash.slice(1))

      expect(keys).toHaveLength(2)
      expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
      expect(keys[1]).toBe(keys[0])
      expect(await ordersInDb()).toEqual([{ id: shown }])
      const stock = await t.http.get('/api/v1/store/products').set('Host', shop.host).expect(200)
      expect(stock.body.items[0].stockQty).toBe(4)
      // The attempt is over: its key is gone, the next cart gets a new one.
      expect(await page.evaluate(() => sessionStorage.getItem('oo.checkout.attempt'))).toBeNull()
      await page.close()
    },
  )
})
