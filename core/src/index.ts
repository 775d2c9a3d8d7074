// The public API of the kernel. Plugins import only from here ('@oo/core').
export { aliasTo, asClass, asFunction, asValue, type AwilixContainer } from 'awilix'
export {
  definePlugin,
  type AppRouter,
  type PluginContext,
  type PluginDefinition,
  type PluginFactory,
  type PluginInstance,
} from './plugins/define-plugin.js'
export { defineConfig, type OoConfig } from './config/define-config.js'
export { env } from './config/env.js'
export type { ResolvedConfig } from './boot-config.js'
export { OoError, isOoError } from './errors.js'
export { isUuid } from './ids.js'
export type { Logger } from './logger.js'
export type {
  Cradle,
  RequestCradle,
  EventMap,
  SettingsMap,
  SettingsAccessor,
  SettingsChange,
  EventHandler,
  OoEvent,
  Tenant,
  TenantResolver,
} from './container/cradle.js'
export { ScopeRunner } from './container/scope-runner.js'
export { withScope, createScope, bindTenantToScope } from './container/scope.js'
export type { AppState } from './http/app-state.js'
export { API_PREFIX } from './http/app.js'
export { parse } from './http/parse.js'
export { sendStaticFile } from './http/static-files.js'
export {
  parseListQuery,
  applyListQuery,
  setContentRange,
  type ListQuery,
} from './http/content-range.js'
export { TenantDb, bindTenant } from './db/tenant-db.js'
export { TenantModel } from './db/tenant-model.js'
export { SecretSealer } from './db/secret-sealer.js'
export { deriveKey } from './db/secret-key.js'
export { Database, APP_ROLE } from './db/database.js'
export {
  createTenantTable,
  enableTenantRls,
  grantPlatformTable,
  CURRENT_TENANT_SQL,
} from './db/rls.js'
export type { ScopedEventBus } from './events/event-bus.js'
export { tenantRoom, withSocketScope, type SocketData } from './realtime/socket-server.js'
export { principalRoom, tokenRoom, disconnectRoom } from './realtime/principal-rooms.js'
export type { Redis } from './realtime/redis.js'
export type { Metrics } from './http/metrics.js'
export {
  TENANT_ROLES,
  type TenantRole,
  type Principal,
  type Authenticator,
  type Credentials,
  AuthRegistry,
} from './auth/principal.js'
export { requirePermission, effectiveRole, PermissionMatrix } from './auth/permissions.js'
export { boot, type Engine, type BootOptions } from './boot.js'
