import type { Server as HttpServer } from 'node:http'
import { createAdapter } from '@socket.io/redis-adapter'
import type { AwilixContainer } from 'awilix'
import { parse as parseCookies } from 'cookie'
import { Counter, type Registry } from 'prom-client'
import { Server, type Namespace, type Socket } from 'socket.io'
import { effectiveRole } from '../auth/permissions.js'
import type { Credentials, Principal, TenantRole } from '../auth/principal.js'
import type { Cradle, RequestCradle, Tenant } from '../container/cradle.js'
import { bindTenantToScope, createScope } from '../container/scope.js'
import { isOoError, OoError } from '../errors.js'
import { assertSocketOrigin, originPolicyFor } from '../http/origin-policy.js'
import type { Logger } from '../logger.js'
import { withHandledFanOut } from './adapter-clients.js'
import { principalRoom, tokenRoom } from './principal-rooms.js'
import type { Redis } from './redis.js'

/** What core puts on every authenticated socket. */
export interface SocketData {
  principal: Principal | null
  tenant: Tenant
  role?: TenantRole
}

/** The room every socket of a tenant joins. Emit with `nsp.to(tenantRoom(id))`, never a bare `nsp.emit`. */
export function tenantRoom(tenantId: string): string {
  return `tenant:${tenantId}`
}

export async function createSocketServer(
  httpServer: HttpServer,
  opts: { redis: Redis | null; keyPrefix: string; logger?: Logger; registry?: Registry },
): Promise<{ io: Server; close: () => Promise<void> }> {
  const io = new Server(httpServer, { serveClient: false, cors: { origin: false } })
  let sub: Redis | null = null
  if (opts.redis) {
    const pub = opts.redis
    sub = pub.duplicate()
    sub.on('error', () => {
      // The shared client's watcher reports the outage; this one reconnects and resubscribes.
    })
    await sub.connect()
    const onDropped = droppedFanOut(opts.logger, opts.registry)
    io.adapter(
      createAdapter(withHandledFanOut(pub, onDropped), withHandledFanOut(sub, onDropped), {
        key: `${opts.keyPrefix}:socket.io`,
      }),
    )
  }
  return {
    io,
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()))
      // QUIT cannot reach a Redis that is away: then drop the connection and its reconnect loop.
      const client = sub
      if (client) await client.quit().catch(() => client.destroy())
    },
  }
}

/** Counts lost cross-process messages; warns once per run of failures, not once per message. */
function droppedFanOut(logger?: Logger, registry?: Registry) {
  const dropped = registry
    ? new Counter({
        name: 'oo_socket_fanout_dropped_total',
        help: 'Socket.io adapter messages that could not reach Redis (other processes missed them)',
        labelNames: ['command'],
        registers: [registry],
      })
    : undefined
  let warnedAt = 0
  return (err: unknown, command: string) => {
    dropped?.inc({ command })
    const now = Date.now()
    if (now - warnedAt < 60_000) return
    warnedAt = now
    logger?.warn({ err, command }, 'socket fan-out to other processes dropped: Redis unavailable')
  }
}

/** The handshake's cookies, parsed as HTTP parses them: a value that is not valid %-encoding stays as sent. */
function cookieReader(header: string | undefined): Credentials['cookies'] {
  const jar = parseCookies(header ?? '')
  return { get: (name) => jar[name] }
}

/**
 * Core's namespace middleware: verifies the token from the handshake `auth` payload (never the
 * URL), resolves the tenant from the Host or `auth.tenantId`, and joins the tenant room.
 * `permission` (optional) is checked against the RBAC matrix.
 */
export function authenticateSockets(
  nsp: Namespace,
  root: AwilixContainer<Cradle>,
  opts: { trustProxy: boolean; permission?: string; logger: Logger },
): void {
  nsp.use(async (socket, next) => {
    try {
      const auth = (socket.handshake.auth ?? {}) as { token?: unknown; tenantId?: unknown }
      const principal = await root.cradle.authRegistry.authenticate({
        bearer: typeof auth.token === 'string' ? auth.token : undefined,
        cookies: cookieReader(socket.handshake.headers.cookie),
      })
      const forwarded = opts.trustProxy ? socket.handshake.headers['x-forwarded-host'] : undefined
      const host = String(forwarded ?? socket.handshake.headers.host ?? '')
        .split(',')[0]!
        .trim()
        .replace(/:\d+$/, '')
        .toLowerCase()
      const resolved = await root.cradle.tenantResolver?.resolve({
        host,
        tenantHeader: typeof auth.tenantId === 'string' ? auth.tenantId : undefined,
        principal: principal ?? undefined,
      })
      if (!resolved) throw new OoError('OO_TENANT_REQUIRED', 404, 'No tenant for this connection')
      const { headers } = socket.handshake
      await assertSocketOrigin(originPolicyFor(root), headers, opts.trustProxy, resolved.tenant.id)
      if (opts.permission) {
        const role = effectiveRole(principal ?? undefined, resolved.role)
        if (!root.cradle.permissions.allows(role, opts.permission)) {
          throw new OoError(
            principal ? 'OO_FORBIDDEN' : 'OO_UNAUTHENTICATED',
            principal ? 403 : 401,
            `Needs ${opts.permission}`,
          )
        }
      }
      const data: SocketData = { principal, tenant: resolved.tenant, role: resolved.role }
      socket.data = data
      // Rooms by caller and token, so access granted here can be taken back later (removal,
      // role change, revocation, sign-out everywhere) from any process.
      const rooms = [tenantRoom(resolved.tenant.id)]
      if (principal) {
        rooms.push(principalRoom(principal), principalRoom(principal, resolved.tenant.id))
        if (principal.tokenId) rooms.push(tokenRoom(principal.tokenId))
      }
      await socket.join(rooms)
      next()
    } catch (err) {
      const error = new Error(isOoError(err) ? err.message : 'Connection refused') as Error & {
        data?: unknown
      }
      error.data = { code: isOoError(err) ? err.code : 'OO_INTERNAL' }
      if (!isOoError(err)) opts.logger.error({ err, nsp: nsp.name }, 'socket authentication failed')
      next(error)
    }
  })
}

/** Runs a socket message handler in a scope bound to the socket's tenant and principal. */
export async function withSocketScope<T>(
  root: AwilixContainer<Cradle>,
  socket: Socket,
  fn: (scope: AwilixContainer<RequestCradle>) => Promise<T>,
): Promise<T> {
  const data = socket.data as SocketData
  const scope = createScope(root, data.principal)
  try {
    bindTenantToScope(scope, data.tenant)
    const result = await fn(scope)
    await scope.cradle.eventBus.flush()
    return result
  } finally {
    await scope.dispose()
  }
}
