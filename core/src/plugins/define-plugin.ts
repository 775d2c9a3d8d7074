import type Router from '@koa/router'
import type { AwilixContainer } from 'awilix'
import type { Middleware } from 'koa'
import type { Namespace } from 'socket.io'
import type { z } from 'zod'
import type { Cradle, EventHandler, EventMap } from '../container/cradle.js'
import type { AppState } from '../http/app-state.js'
import type { Logger } from '../logger.js'

export type AppRouter = Router<AppState>

export interface PluginContext<Options = unknown> {
  readonly name: string
  /** Parsed and defaulted by the plugin's `options` schema. */
  readonly options: Options
  /** The root container: register singletons or scoped services here. */
  readonly container: AwilixContainer<Cradle>
  /** Child logger carrying `{ plugin: name }`. */
  readonly logger: Logger
}

/** Socket namespace setup. Core has authenticated the socket and joined its tenant room first. */
export type SocketSetup<O> = (nsp: Namespace, ctx: PluginContext<O>) => void

export interface PluginDefinition<S extends z.ZodType = z.ZodType> {
  /** kebab-case, unique: used in logs, errors, migration names and event prefixes. */
  name: string
  /** Plugins that must register and start before this one. */
  dependsOn?: readonly string[]
  /** Deploy-time options from oo.config.ts, parsed once at boot. */
  options?: S
  /** Per-tenant runtime settings, owned and hot-reloaded by the config plugin. */
  settings?: z.ZodType
  /** knex migrations folder for this plugin's tables. */
  migrations?: URL
  /** Permission → roles that hold it; merged into the one RBAC matrix. */
  permissions?: Record<string, readonly string[]>
  /** Sync, no I/O. Register services. */
  register?(ctx: PluginContext<z.output<S>>): void
  /** Global Koa middleware, mounted after authentication, in dependency order. */
  middleware?(ctx: PluginContext<z.output<S>>): Middleware<AppState>[]
  /** Routes under /api/v1/admin and /api/v1/store. */
  routes?: {
    admin?(router: AppRouter, ctx: PluginContext<z.output<S>>): void
    store?(router: AppRouter, ctx: PluginContext<z.output<S>>): void
  }
  /** Event handlers; each runs once in the cluster, in a fresh scope bound to the event's tenant. */
  events?: { [E in keyof EventMap]?: EventHandler<E> }
  /**
   * socket.io namespaces, e.g. `{ '/kitchen': { permission: 'kds.read', setup: kitchenNamespace } }`.
   * Core authenticates each socket, checks `permission` and joins the tenant room before `setup` sees it.
   */
  sockets?: Record<
    `/${string}`,
    SocketSetup<z.output<S>> | { permission?: string; setup: SocketSetup<z.output<S>> }
  >
  /** react-admin resources module, relative to the plugin folder. */
  admin?: { entry: string }
  /** Demo data for `oo seed --demo`, run in dependency order. Must be idempotent. */
  seed?(ctx: PluginContext<z.output<S>> & { step: (message: string) => void }): Promise<void>
  /** I/O allowed. Awaited in dependency order before listen; 10 s timeout. */
  start?(ctx: PluginContext<z.output<S>>): Promise<void>
  /** Reverse dependency order on shutdown, after HTTP and sockets close; 10 s timeout. */
  stop?(ctx: PluginContext<z.output<S>>): Promise<void>
}

export interface PluginInstance {
  readonly definition: PluginDefinition
  readonly options: unknown
}

export type PluginFactory<S extends z.ZodType> = ((options?: z.input<S>) => PluginInstance) & {
  readonly definition: PluginDefinition<S>
}

/** Declares a plugin. Returns the typed factory used in oo.config.ts: `orders({ ... })`. */
export function definePlugin<S extends z.ZodType = z.ZodType>(
  definition: PluginDefinition<S>,
): PluginFactory<S> {
  const factory = (options?: z.input<S>): PluginInstance => ({
    definition: definition as unknown as PluginDefinition,
    options,
  })
  return Object.assign(factory, { definition })
}
