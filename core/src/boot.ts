import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { asValue, type AwilixContainer } from 'awilix'
import type Koa from 'koa'
import type { Server as SocketServer } from 'socket.io'
import { resolveConfig, type ResolvedConfig } from './boot-config.js'
import type { OoConfig } from './config/define-config.js'
import type { Cradle } from './container/cradle.js'
import { createRootContainer } from './container/create-container.js'
import { Database } from './db/database.js'
import {
  migrateLatest,
  migrationFolders,
  migrationStatus,
  provisionAppPassword,
} from './db/migrate.js'
import { OoError } from './errors.js'
import { createApp } from './http/app.js'
import type { AppState } from './http/app-state.js'
import { Metrics, metricsListener } from './http/metrics.js'
import { createLogger, type Logger } from './logger.js'
import type { PluginContext, SocketSetup } from './plugins/define-plugin.js'
import { sortPlugins } from './plugins/plugin-graph.js'
import {
  collectMiddleware,
  eventHandlers,
  mountRoutes,
  parseOptions,
  registerPlugins,
  startPlugins,
  stopPlugins,
  type LoadedPlugin,
} from './plugins/plugin-host.js'
import { connectRedis, watchRedis, type Redis } from './realtime/redis.js'
import { authenticateSockets, createSocketServer } from './realtime/socket-server.js'
import { createHttpServer } from './server.js'

export interface Engine {
  readonly config: ResolvedConfig
  readonly app: Koa<AppState>
  readonly server: HttpServer
  readonly io: SocketServer
  readonly container: AwilixContainer<Cradle>
  readonly database: Database
  readonly plugins: readonly LoadedPlugin[]
  /** `http://127.0.0.1:PORT` once listening. */
  url: string
  /** The metrics listener's URL once listening, when `http.metrics.port` is set. */
  metricsUrl?: string
  listen(): Promise<string>
  /**
   * Graceful: `/ready` 503 and `Connection: close` at once, serving on for `drainMs` (0 unless
   * given: SIGTERM passes `http.drainMs`); then sockets (told to reconnect) and HTTP (answers in
   * flight finish), the outbox drained (unless told not to) while every plugin still runs,
   * plugins in reverse, pools closed.
   */
  stop(opts?: { drainOutbox?: boolean; drainMs?: number }): Promise<void>
}

export interface BootOptions {
  logger?: Logger
  /** An already open embedded database (tests load a migrated snapshot). */
  pglite?: PGlite
  outbox?: Partial<ResolvedConfig['outbox']>
  pluginTimeoutMs?: number
  onMigrationStep?: Parameters<typeof migrateLatest>[2]
}

const PLUGIN_TIMEOUT_MS = 10_000
/** What a stop spends delivering outbox rows before it hands the rest to another process. */
const OUTBOX_STOP_BUDGET_MS = 3000

/** validate → sort → connect → migrate/check → register → mount → start. Fails fast with OO_* codes. */
export async function boot(input: OoConfig, opts: BootOptions = {}): Promise<Engine> {
  const config = resolveConfig(input, { outbox: opts.outbox })
  const logger = opts.logger ?? createLogger()
  const options = parseOptions(input.plugins)
  const order = sortPlugins(input.plugins)
  const sortedOptions = order.map((p) => options[input.plugins.indexOf(p)])

  const database = await Database.connect(config.database, { pglite: opts.pglite })
  let redis: Redis | null = null
  const cleanup: (() => Promise<void>)[] = [() => database.close()]
  try {
    await prepareSchema(
      database,
      config,
      order.map((p) => p.definition.migrations),
      opts.onMigrationStep,
    )
    if (config.redis.url) {
      redis = await connectRedis(config.redis.url)
      const client = redis
      cleanup.unshift(async () => void (await client.quit()))
    }
    const root = createRootContainer({ config, logger, database, redis })
    const loaded = registerPlugins(order, sortedOptions, root, logger)
    const session = await database.ready(config)
    if (session.privileged)
      logger.warn(
        { user: session.user },
        'the engine pool can leave oo_app (refused in production)',
      )

    const metrics = new Metrics({
      outboxLag: () => root.cradle.outbox.lagSeconds(),
      openSockets: () => io.engine.clientsCount,
    })
    root.register({ metrics: asValue(metrics) })
    if (redis) watchRedis(redis, { logger, registry: metrics.registry })
    const app = createApp({
      root,
      logger,
      metrics,
      pluginMiddleware: collectMiddleware(loaded),
      adminRouters: mountRoutes(loaded, 'admin'),
      storeRouters: mountRoutes(loaded, 'store'),
    })
    app.on('error', (err) => logger.error({ err }, 'koa error'))
    const metricsServer = metricsListener(metrics, config.http.metrics)
    cleanup.unshift(() => metricsServer.close())
    const http = createHttpServer(app.callback(), config.http, logger)
    const server = http.server
    const sockets = await createSocketServer(server, {
      redis,
      keyPrefix: config.redis.keyPrefix,
      logger,
      registry: metrics.registry,
    })
    const io = sockets.io
    root.register({ io: asValue(io) })
    mountSockets(loaded, root, config, logger)
    for (const { name, plugin, handler } of eventHandlers(loaded))
      root.cradle.outbox.on(name, plugin, handler)

    root.cradle.healthChecks.add('database', () => database.ping())
    if (redis) {
      const client = redis
      // Not critical: without Redis the engine still serves (degraded), see docs/operations-redis.md.
      root.cradle.healthChecks.add('redis', async () => void (await client.ping()), {
        critical: false,
      })
    }
    sealRoot(root)

    const started = await startPlugins(loaded, opts.pluginTimeoutMs ?? PLUGIN_TIMEOUT_MS).catch(
      async (err) => {
        await stopPlugins(loaded, opts.pluginTimeoutMs ?? PLUGIN_TIMEOUT_MS, logger)
        throw err
      },
    )
    root.cradle.outbox.start({ database, root, logger, ...config.outbox })

    let stopping: Promise<void> | undefined
    const engine: Engine = {
      config,
      app,
      server,
      io,
      container: root,
      database,
      plugins: loaded,
      url: '',
      async listen() {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject)
          server.listen(config.http.port, config.http.host, () => resolve())
        })
        const { port } = server.address() as AddressInfo
        engine.url = `http://${config.http.host}:${port}`
        engine.metricsUrl = await metricsServer.listen()
        return engine.url
      },
      stop(stopOpts = {}) {
        stopping ??= (async () => {
          root.cradle.healthChecks.startDraining()
          http.startDraining()
          // Behind a proxy (nginx, an ingress) new connections are refused from the first moment:
          // the proxy sends them to another engine (safe for any request: nothing was sent) and
          // takes this one out after max_fails, while the connections it holds finish their
          // requests. Closing the listener later, with a connection per request arriving, would
          // reset the ones waiting in its accept queue. Exposed directly (or behind a k8s Service,
          // whose endpoints follow readiness with a lag) the engine listens through the drain.
          if (config.http.trustProxy && stopOpts.drainMs) http.stopListening()
          if (stopOpts.drainMs) await new Promise((r) => setTimeout(r, stopOpts.drainMs))
          // No new connections; idle keep-alive ones are cut at once, and a connection with a
          // request in the handler closes after its answer (which says `Connection: close`).
          const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()))
          http.closeIdle()
          // socket.io closes each transport: clients see "transport close" and reconnect, to
          // another process (a disconnect packet would tell them to stay away).
          await sockets.close()
          await httpClosed
          // Events committed by the last requests reach their handlers while every plugin (and
          // the clients it uses) still runs; a handler's timer set now is cleared by its stop().
          await root.cradle.outbox.stop({
            drain: stopOpts.drainOutbox ?? true,
            withinMs: OUTBOX_STOP_BUDGET_MS,
          })
          await stopPlugins(started, opts.pluginTimeoutMs ?? PLUGIN_TIMEOUT_MS, logger)
          await root.dispose()
          for (const fn of cleanup) await fn()
        })()
        return stopping
      },
    }
    return engine
  } catch (err) {
    for (const fn of cleanup) await fn().catch(() => undefined)
    throw err
  }
}

async function prepareSchema(
  database: Database,
  config: ResolvedConfig,
  pluginFolders: (URL | undefined)[],
  onStep: BootOptions['onMigrationStep'],
): Promise<void> {
  const folders = migrationFolders(pluginFolders)
  if (config.autoMigrate) {
    await migrateLatest(database, folders, onStep)
    await provisionAppPassword(database, config)
  } else {
    const { pending } = await migrationStatus(database, folders)
    if (pending.length) {
      throw new OoError(
        'OO_MIGRATIONS_PENDING',
        500,
        `${pending.length} pending: ${pending.join(', ')}. Run \`oo migrate\` first.`,
      )
    }
  }
}

function mountSockets(
  loaded: readonly LoadedPlugin[],
  root: AwilixContainer<Cradle>,
  config: ResolvedConfig,
  logger: Logger,
): void {
  for (const { definition, context } of loaded) {
    for (const [name, entry] of Object.entries(definition.sockets ?? {})) {
      const { setup, permission } =
        typeof entry === 'function' ? { setup: entry, permission: undefined } : entry
      const nsp = root.cradle.io.of(name)
      authenticateSockets(nsp, root, { trustProxy: config.http.trustProxy, permission, logger })
      ;(setup as SocketSetup<unknown>)(nsp, context as PluginContext<unknown>)
    }
  }
}

/** After boot, the root container takes no new registrations; scopes stay open. */
function sealRoot(root: AwilixContainer<Cradle>): void {
  root.register = (name: unknown) => {
    const key = typeof name === 'string' ? name : Object.keys(name as object).join(', ')
    throw new OoError(
      'OO_CONTAINER_SEALED',
      500,
      `register('${key}') on the root container after start`,
    )
  }
}
