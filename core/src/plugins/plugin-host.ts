import Router from '@koa/router'
import { asValue, type AwilixContainer, type Resolver } from 'awilix'
import type { Middleware } from 'koa'
import type { z } from 'zod'
import type { Cradle, EventHandler, EventMap } from '../container/cradle.js'
import { OoError } from '../errors.js'
import type { AppState } from '../http/app-state.js'
import type { Logger } from '../logger.js'
import type { AppRouter, PluginContext, PluginDefinition, PluginInstance } from './define-plugin.js'

export interface LoadedPlugin {
  definition: PluginDefinition
  context: PluginContext<unknown>
}

/** Parses every plugin's options and reports all failures at once, each naming its plugin. */
export function parseOptions(plugins: readonly PluginInstance[]): unknown[] {
  const problems: string[] = []
  const parsed = plugins.map(({ definition, options }) => {
    if (!definition.options) return options ?? {}
    const result = (definition.options as z.ZodType).safeParse(options ?? {})
    if (result.success) return result.data
    for (const issue of result.error.issues) {
      problems.push(
        `${definition.name}: ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`,
      )
    }
    return undefined
  })
  if (problems.length)
    throw new OoError('OO_PLUGIN_OPTIONS_INVALID', 500, problems.join('\n'), {
      details: { problems },
    })
  return parsed
}

/**
 * Wraps the root container so a plugin cannot silently replace another's registration
 * (awilix would overwrite without a word).
 */
function guardedContainer(
  root: AwilixContainer<Cradle>,
  plugin: string,
  owners: Map<string, string>,
): AwilixContainer<Cradle> {
  const register = (
    nameOrHash: string | Record<string, Resolver<unknown>>,
    resolver?: Resolver<unknown>,
  ) => {
    const hash = typeof nameOrHash === 'string' ? { [nameOrHash]: resolver! } : nameOrHash
    for (const key of Object.keys(hash)) {
      if (key in root.registrations) {
        const owner = owners.get(key) ?? 'core'
        throw new OoError(
          'OO_CONTAINER_KEY_TAKEN',
          500,
          `"${key}" from ${plugin} is already registered by ${owner}`,
        )
      }
      owners.set(key, plugin)
    }
    root.register(hash)
    return proxy
  }
  const proxy: AwilixContainer<Cradle> = new Proxy(root, {
    get(target, prop) {
      if (prop === 'register') return register
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return proxy
}

export function registerPlugins(
  plugins: readonly PluginInstance[],
  options: unknown[],
  root: AwilixContainer<Cradle>,
  logger: Logger,
): LoadedPlugin[] {
  const owners = new Map<string, string>()
  // Every plugin's per-tenant settings schema, for the plugin that owns settings storage.
  const settings = new Map(
    plugins
      .filter((p) => p.definition.settings)
      .map((p) => [p.definition.name, p.definition.settings!]),
  )
  root.register({ settingsSchemas: asValue(settings as ReadonlyMap<string, z.ZodType>) })
  return plugins.map(({ definition }, i) => {
    const context: PluginContext<unknown> = {
      name: definition.name,
      options: options[i],
      container: guardedContainer(root, definition.name, owners),
      logger: logger.child({ plugin: definition.name }),
    }
    for (const [permission, roles] of Object.entries(definition.permissions ?? {})) {
      root.cradle.permissions.grant(permission, roles)
    }
    definition.register?.(context as never)
    return { definition, context }
  })
}

export function collectMiddleware(loaded: readonly LoadedPlugin[]): Middleware<AppState>[] {
  return loaded.flatMap(
    ({ definition, context }) => definition.middleware?.(context as never) ?? [],
  )
}

/** Mounts every plugin's routes on its own router, then refuses any method+path taken twice. */
export function mountRoutes(loaded: readonly LoadedPlugin[], area: 'admin' | 'store'): AppRouter[] {
  const taken = new Map<string, string>()
  const routers: AppRouter[] = []
  for (const { definition, context } of loaded) {
    const mount = definition.routes?.[area]
    if (!mount) continue
    const router = new Router<AppState>()
    mount(router, context as never)
    for (const layer of router.stack) {
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) {
        const key = `${method} /${area}${layer.path}`
        const other = taken.get(key)
        if (other)
          throw new OoError(
            'OO_ROUTE_TAKEN',
            500,
            `${key} registered by ${other} and ${definition.name}`,
          )
        taken.set(key, definition.name)
      }
    }
    routers.push(router)
  }
  return routers
}

export function eventHandlers(
  loaded: readonly LoadedPlugin[],
): { name: string; plugin: string; handler: EventHandler<keyof EventMap> }[] {
  return loaded.flatMap(({ definition }) =>
    Object.entries(definition.events ?? {}).map(([name, handler]) => ({
      name,
      plugin: definition.name,
      handler: handler as EventHandler<keyof EventMap>,
    })),
  )
}

export async function withTimeout(
  label: string,
  ms: number,
  work: () => Promise<void>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new OoError('OO_PLUGIN_TIMEOUT', 500, `${label} did not finish in ${ms} ms`)),
          ms,
        )
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export async function startPlugins(
  loaded: readonly LoadedPlugin[],
  timeoutMs: number,
): Promise<LoadedPlugin[]> {
  const started: LoadedPlugin[] = []
  for (const plugin of loaded) {
    const start = plugin.definition.start
    if (start)
      await withTimeout(`${plugin.definition.name}.start()`, timeoutMs, () =>
        start(plugin.context as never),
      )
    started.push(plugin)
  }
  return started
}

/** Reverse order; one plugin failing to stop does not keep the others from stopping. */
export async function stopPlugins(
  started: readonly LoadedPlugin[],
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  for (const plugin of [...started].reverse()) {
    const stop = plugin.definition.stop
    if (!stop) continue
    try {
      await withTimeout(`${plugin.definition.name}.stop()`, timeoutMs, () =>
        stop(plugin.context as never),
      )
    } catch (err) {
      logger.error({ err, plugin: plugin.definition.name }, 'plugin failed to stop')
    }
  }
}
