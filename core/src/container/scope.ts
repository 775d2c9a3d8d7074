import { asValue, type AwilixContainer } from 'awilix'
import type { Principal } from '../auth/principal.js'
import type { Cradle, RequestCradle, Tenant } from './cradle.js'

/** A fresh scope with no tenant and no principal yet. The caller must dispose it. */
export function createScope(
  root: AwilixContainer<Cradle>,
  principal: Principal | null = null,
): AwilixContainer<RequestCradle> {
  const scope = root.createScope<RequestCradle>()
  scope.register({ principal: asValue(principal) })
  return scope
}

export function bindTenantToScope(scope: AwilixContainer<RequestCradle>, tenant: Tenant): void {
  scope.register({ tenant: asValue(tenant) })
}

/**
 * Background work (event handlers, timers, socket messages) runs like a request: a scope bound
 * to the tenant, events flushed on success, disposed always. Nothing reads the tenant from a global.
 */
export async function withScope<T>(
  root: AwilixContainer<Cradle>,
  tenantId: string | null,
  fn: (scope: AwilixContainer<RequestCradle>) => Promise<T>,
  principal: Principal | null = null,
): Promise<T> {
  const scope = createScope(root, principal)
  try {
    if (tenantId) {
      const tenant = (await root.cradle.tenantResolver?.byId(tenantId)) ?? {
        id: tenantId,
        slug: tenantId,
        name: tenantId,
      }
      bindTenantToScope(scope, tenant)
    }
    const result = await fn(scope)
    await scope.cradle.eventBus.flush()
    return result
  } finally {
    await scope.dispose()
  }
}
