import type { EventHandler } from '@oo/core'

/** After commit: fresh store responses everywhere, and shoppers' screens updated at once. */
export const onProductUpdated: EventHandler<'catalog.product.updated'> = async ({
  event,
  scope,
}) => {
  if (event.tenantId) scope.cradle.storefrontPublisher.productChanged(event.tenantId, event.payload)
}

export const onCategoryUpdated: EventHandler<'catalog.category.updated'> = async ({
  event,
  scope,
}) => {
  if (event.tenantId) scope.cradle.storefrontPublisher.tenantChanged(event.tenantId)
}
