import {
  asClass,
  asFunction,
  asValue,
  AwilixResolutionError,
  createContainer,
  InjectionMode,
  type AwilixContainer,
} from 'awilix'
import { AuthRegistry } from '../auth/principal.js'
import { PermissionMatrix } from '../auth/permissions.js'
import type { ResolvedConfig } from '../boot-config.js'
import type { Database } from '../db/database.js'
import { TenantDb } from '../db/tenant-db.js'
import { OoError } from '../errors.js'
import { ScopedEventBus } from '../events/event-bus.js'
import { OutboxDispatcher } from '../events/outbox-dispatcher.js'
import { HealthChecks } from '../http/health.js'
import type { Logger } from '../logger.js'
import type { Redis } from '../realtime/redis.js'
import type { Cradle, RequestCradle, Tenant } from './cradle.js'
import { ScopeRunner } from './scope-runner.js'

function tenantOf(cradle: RequestCradle): Tenant | null {
  try {
    return cradle.tenant
  } catch (err) {
    if (err instanceof AwilixResolutionError) return null
    throw err
  }
}

/** Strict root container with the kernel's registrations. Tenant-bound things are scoped only. */
export function createRootContainer(deps: {
  config: ResolvedConfig
  logger: Logger
  database: Database
  redis: Redis | null
}): AwilixContainer<Cradle> {
  const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true })
  container.register({
    config: asValue(deps.config),
    logger: asValue(deps.logger),
    database: asValue(deps.database),
    redis: asValue(deps.redis),
    outbox: asValue(new OutboxDispatcher()),
    authRegistry: asClass(AuthRegistry).singleton(),
    permissions: asClass(PermissionMatrix).singleton(),
    healthChecks: asClass(HealthChecks).singleton(),
    scopes: asValue(new ScopeRunner(container)),
    eventBus: asFunction(
      (c: RequestCradle) => new ScopedEventBus(c.database, c.outbox, () => tenantOf(c)?.id ?? null),
    ).scoped(),
    db: asFunction((c: RequestCradle) => {
      const tenant = tenantOf(c)
      if (!tenant) {
        throw new OoError(
          'OO_TENANT_REQUIRED',
          404,
          'This needs a tenant: call through a shop domain, or send X-Tenant-ID for a tenant you belong to',
        )
      }
      return new TenantDb({ database: c.database, tenant, eventBus: c.eventBus })
    }).scoped(),
  })
  return container
}
