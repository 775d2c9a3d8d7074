import type { AwilixContainer } from 'awilix'
import type { ZodType } from 'zod'
import type { Redis } from '../realtime/redis.js'
import type { Server as SocketServer } from 'socket.io'
import type { AuthRegistry, Principal, TenantRole } from '../auth/principal.js'
import type { PermissionMatrix } from '../auth/permissions.js'
import type { ResolvedConfig } from '../boot-config.js'
import type { Database } from '../db/database.js'
import type { TenantDb } from '../db/tenant-db.js'
import type { ScopedEventBus } from '../events/event-bus.js'
import type { OutboxDispatcher } from '../events/outbox-dispatcher.js'
import type { HealthChecks } from '../http/health.js'
import type { Metrics } from '../http/metrics.js'
import type { Logger } from '../logger.js'
import type { ScopeRunner } from './scope-runner.js'

/** A tenant as the kernel knows it. The tenancy plugin owns the full record. */
export interface Tenant {
  id: string
  slug: string
  name: string
}

/**
 * How core asks "which tenant is this?" for HTTP requests and socket handshakes.
 * Provided by the tenancy plugin (cradle key `tenantResolver`).
 */
export interface TenantResolver {
  resolve(input: {
    host: string
    tenantHeader?: string
    principal?: Principal
  }): Promise<{ tenant: Tenant; role?: TenantRole } | null>
  /** The tenant with this id, or null (background scopes). */
  byId(id: string): Promise<Tenant | null>
  /** The tenant whose *verified* domain `host` is; null for pending and unknown hosts (CORS, Origin). */
  findByHost(host: string): Promise<Tenant | null>
  /** True when `host` is a verified domain of some tenant (redirect targets). */
  isVerifiedHost(host: string): Promise<boolean>
  /** True for the platform's own host (`OO_PUBLIC_URL`), which serves no tenant. */
  isPlatformHost(host: string): boolean
}

/**
 * Per-tenant settings by plugin name, as the plugin's `settings` schema outputs them.
 * Plugins augment it: `declare module '@oo/core' { interface SettingsMap { kds: KdsSettings } }`.
 */
export interface SettingsMap {}

export interface SettingsChange {
  tenantId: string
  plugin: string
  /** The top-level keys whose version changed. */
  keys: string[]
}

/**
 * Hot-reloaded per-tenant settings (cradle key `settings`, provided by the config plugin).
 * Optional: resolve with `{ allowUnregistered: true }` when the config plugin may be absent.
 */
export interface SettingsAccessor {
  /** The tenant's settings for `plugin`, parsed with the schema's defaults. Never a half-applied value. */
  get<P extends keyof SettingsMap & string>(tenantId: string, plugin: P): SettingsMap[P]
  /** True when the tenant has stored a value for this key (false: the schema default applies). */
  isSet(tenantId: string, plugin: string, key: string): boolean
  /** Called on this process after a change is in effect here; returns an unsubscribe function. */
  onChange(plugin: string, fn: (change: SettingsChange) => void): () => void
}

/** Root registrations. Plugins add theirs with `declare module '@oo/core' { interface Cradle {…} }`. */
export interface Cradle {
  config: ResolvedConfig
  logger: Logger
  database: Database
  outbox: OutboxDispatcher
  authRegistry: AuthRegistry
  permissions: PermissionMatrix
  healthChecks: HealthChecks
  /** This engine's Prometheus registry (`metrics.registry`): plugins add their own metrics to it. */
  metrics: Metrics
  /** Runs tenant-bound background work in its own scope. */
  scopes: ScopeRunner
  /** Present when `REDIS_URL` is set. */
  redis: Redis | null
  /** Attached before plugins' `sockets` hooks run. */
  io: SocketServer
  tenantResolver?: TenantResolver
  /** Each plugin's per-tenant `settings` schema, by plugin name. */
  settingsSchemas: ReadonlyMap<string, ZodType>
  /** Provided by the config plugin. */
  settings?: SettingsAccessor
}

/** Registrations that exist only on a scope (request, event, socket message). */
export interface RequestCradle extends Cradle {
  tenant: Tenant
  /** `null` for anonymous callers. */
  principal: Principal | null
  db: TenantDb
  eventBus: ScopedEventBus
}

/** Typed events. Plugins augment this map: `'orders.order.placed': { orderId: string }`. */
export interface EventMap {}

export interface OoEvent<E extends keyof EventMap = keyof EventMap> {
  id: string
  name: E
  tenantId: string | null
  payload: EventMap[E]
  occurredAt: Date
}

export type EventHandler<E extends keyof EventMap> = (args: {
  event: OoEvent<E>
  scope: AwilixContainer<RequestCradle>
}) => Promise<void>
