import { Counter, Gauge, type Registry } from 'prom-client'
import { createClient } from 'redis'
import type { Logger } from '../logger.js'

export type Redis = ReturnType<typeof createClient>

/**
 * Connects a Redis client; failure to connect fails boot (no log-and-continue).
 *
 * At run time Redis may go away and come back. While it is away every command fails at once
 * (`disableOfflineQueue`) instead of waiting in memory for the reconnect: nothing that a request
 * awaits can hang for the length of an outage, and nothing piles up. Each caller has its own
 * fallback (rate limits count in memory, socket fan-out to other processes is dropped and
 * counted, settings heal by reconcile). Clients made with `duplicate()` inherit this.
 */
export async function connectRedis(url: string): Promise<Redis> {
  let booted = false
  const client = createClient({
    url,
    disableOfflineQueue: true,
    // A PING every 5 s when idle: a connection that died silently is noticed and replaced.
    pingInterval: 5000,
    socket: {
      connectTimeout: 2000,
      // At boot a few tries (~5 s: Redis may be starting next to us), then boot fails; once
      // running, the client retries for as long as the outage lasts.
      reconnectStrategy: (retries, cause) =>
        booted || retries < 10
          ? Math.min(retries * 100, 2000)
          : new Error(`Redis at ${redacted(url)} unreachable: ${cause.message}`),
    },
  })
  client.on('error', () => {
    // Reconnects are handled by the client; watchRedis reports the outage (log, metrics, /ready).
  })
  await client.connect()
  booted = true
  return client
}

function redacted(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

/**
 * Logs an outage once (warn when the connection is lost, info when it is back, with how long it
 * lasted) and exposes `oo_redis_up` and `oo_redis_disconnects_total`.
 */
export function watchRedis(client: Redis, opts: { logger: Logger; registry: Registry }): void {
  const { logger } = opts
  new Gauge({
    name: 'oo_redis_up',
    help: '1 while the Redis connection is ready, 0 during an outage',
    registers: [opts.registry],
    collect() {
      this.set(client.isReady ? 1 : 0)
    },
  })
  const disconnects = new Counter({
    name: 'oo_redis_disconnects_total',
    help: 'Times the Redis connection was lost',
    registers: [opts.registry],
  })
  let lostAt: number | null = null
  const lost = (err?: unknown) => {
    if (lostAt !== null) return
    lostAt = Date.now()
    disconnects.inc()
    logger.warn(
      { err },
      'redis connection lost: rate limits per process, no cross-process fan-out until it is back',
    )
  }
  client.on('error', lost)
  client.on('reconnecting', () => lost())
  client.on('ready', () => {
    if (lostAt === null) return
    logger.info({ outageMs: Date.now() - lostAt }, 'redis connection back')
    lostAt = null
  })
}
