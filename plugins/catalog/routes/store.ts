import { OoError, parse, type AppRouter, type AppState } from '@oo/core'
import type { ParameterizedContext } from 'koa'
import type { CachedBody } from '../services/store-cache.js'
import { StoreListQuery } from './schemas.js'

/** Serialized once, revalidated by ETag: storefronts and CDNs may keep it but must ask again. */
function send(ctx: ParameterizedContext<AppState>, cached: CachedBody): void {
  ctx.set('Cache-Control', 'no-cache')
  ctx.set('ETag', cached.etag)
  if (ctx.get('if-none-match') === cached.etag) {
    ctx.status = 304
    return
  }
  ctx.type = 'application/json; charset=utf-8'
  ctx.body = cached.body
}

function shop(ctx: ParameterizedContext<AppState>) {
  if (!ctx.state.tenant)
    throw new OoError('OO_TENANT_REQUIRED', 404, `No shop is registered at ${ctx.hostname}`)
  return ctx.state.scope.cradle.storeCatalog
}

export function storeRoutes(router: AppRouter): void {
  router.get('/products', async function listStoreProducts(ctx) {
    const catalog = shop(ctx)
    send(ctx, await catalog.list(parse(StoreListQuery, ctx.query)))
  })

  router.get('/products/:slug', async function storeProductBySlug(ctx) {
    const catalog = shop(ctx)
    const slug = ctx.params.slug ?? ''
    if (!/^[a-z0-9][a-z0-9-]{0,119}$/.test(slug))
      throw new OoError('CATALOG_PRODUCT_NOT_FOUND', 404, `No product ${slug} in this shop`)
    send(ctx, await catalog.bySlug(slug))
  })

  router.get('/categories', async function storeCategories(ctx) {
    send(ctx, await shop(ctx).categories())
  })
}
