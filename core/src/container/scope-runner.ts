import type { AwilixContainer } from 'awilix'
import type { Principal } from '../auth/principal.js'
import type { Cradle, RequestCradle } from './cradle.js'
import { withScope } from './scope.js'

/**
 * Lets singletons do tenant-bound work (provisioning, timers, seeds) the same way a request
 * does: a fresh scope bound to the tenant, events flushed on success, disposed always.
 */
export class ScopeRunner {
  readonly #root: AwilixContainer<Cradle>

  constructor(root: AwilixContainer<Cradle>) {
    this.#root = root
  }

  run<T>(
    tenantId: string | null,
    fn: (scope: AwilixContainer<RequestCradle>) => Promise<T>,
    principal: Principal | null = null,
  ): Promise<T> {
    return withScope(this.#root, tenantId, fn, principal)
  }
}
