import { tenantRoom, type EventHandler } from '@oo/core'
import { INVALIDATE, STOREFRONT } from './sockets/storefront.js'

/** Retires the tenant's cached store responses on every engine process. */
function invalidateEverywhere(
  scope: Parameters<EventHandler<'catalog.product.updated'>>[0]['scope'],
  tenantId: string,
): void {
  const { io, redis, storeCache } = scope.cradle
  storeCache.invalidate(tenantId)
  // Other processes hear it through the Redis adapter; a lone process has no one to tell.
  if (redis) io.of(STOREFRONT).serverSideEmit(INVALIDATE, tenantId)
}

/** After commit: fresh store responses everywhere, and shoppers' screens updated at once. */
export const onProductUpdated: EventHandler<'catalog.product.updated'> = async ({
  event,
  scope,
}) => {
  if (!event.tenantId) return
  invalidateEverywhere(scope, event.tenantId)
  scope.cradle.io
    .of(STOREFRONT)
    .to(tenantRoom(event.tenantId))
    .emit('catalog.product.updated', event.payload)
}

export const onCategoryUpdated: EventHandler<'catalog.category.updated'> = async ({
  event,
  scope,
}) => {
  if (event.tenantId) invalidateEverywhere(scope, event.tenantId)
}
