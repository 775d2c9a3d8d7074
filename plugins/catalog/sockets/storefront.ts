import type { PluginContext } from '@oo/core'
import type { Namespace } from 'socket.io'

/** Public namespace for shoppers: core resolves the tenant from the Host and joins its room. */
export const STOREFRONT = '/storefront'
/** Server-to-server message (through the Redis adapter): drop a tenant's cached store responses. */
export const INVALIDATE = 'catalog:invalidate'

export function storefrontNamespace(nsp: Namespace, { container }: PluginContext<unknown>): void {
  nsp.on(INVALIDATE, (tenantId: unknown) => {
    if (typeof tenantId === 'string') container.cradle.storeCache.invalidate(tenantId)
  })
  // Read-only for shoppers: nothing to handle from clients; pushes come from events.ts.
}
