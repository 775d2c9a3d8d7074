import { isAbsolute, resolve } from 'node:path'
import type { OoConfig } from './config/define-config.js'
import { appLoginUrl, derivedAppPassword } from './db/app-login.js'
import { loadSecretKey } from './db/secret-key.js'

/** The config with every default filled in. Registered as `config` on the root container. */
export interface ResolvedConfig {
  mode: 'development' | 'production' | 'test'
  http: {
    port: number
    host: string
    trustProxy: boolean
    bodyLimit: string
    corsOrigins: string[]
    drainMs: number
    headersTimeoutMs: number
    requestTimeoutMs: number
    keepAliveTimeoutMs: number
    maxConnectionsPerIp: number
    proxyHops: number
    trustedProxies: string[]
    metrics: { port?: number; host: string; token?: string }
  }
  /**
   * `appUrl` is the engine pool's login: given, or DATABASE_URL with the user `oo_app` and
   * `appPassword` (DATABASE_APP_PASSWORD or OO_APP_DB_PASSWORD, else derived from the secret
   * key). `oo migrate` and auto-migrate give the role `appPassword` when it is set (with a given
   * `appUrl`, only a password that was given).
   */
  database: {
    url?: string
    appUrl?: string
    appPassword?: string
    dataDir: string
    poolMax: number
  }
  /** OO_SECRET_KEY (or the data dir's generated key outside production); read on first use. */
  secretKey: () => Buffer
  redis: { url?: string; keyPrefix: string }
  autoMigrate: boolean
  shutdownTimeoutMs: number
  /** `retainSeconds`: how long delivered rows stay in `oo_outbox` before they are purged. */
  outbox: {
    pollIntervalMs: number
    autoDispatch: boolean
    leaseSeconds: number
    retainSeconds: number
  }
}

export function resolveConfig(
  config: OoConfig,
  overrides: Partial<{ outbox: Partial<ResolvedConfig['outbox']> }> = {},
): ResolvedConfig {
  const mode = config.mode ?? (process.env.NODE_ENV === 'production' ? 'production' : 'development')
  const dataDir = config.database?.dataDir ?? '.oo'
  const dataPath = isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir)
  let key: Buffer | undefined
  const secretKey = () =>
    (key ??= loadSecretKey({
      given: config.secretKey ?? process.env.OO_SECRET_KEY,
      mode,
      dataDir: dataPath,
    }))
  const url = config.database?.url
  const givenAppUrl = config.database?.appUrl
  // With DATABASE_APP_URL, a given password is still provisioned (deploy/docker-compose.yml
  // puts the same OO_APP_DB_PASSWORD, the older name, in both).
  const givenPassword =
    config.database?.appPassword ??
    process.env.DATABASE_APP_PASSWORD ??
    process.env.OO_APP_DB_PASSWORD
  const appPassword =
    url && !givenAppUrl ? (givenPassword ?? derivedAppPassword(secretKey())) : url && givenPassword
  const trustProxy = config.http?.trustProxy ?? false
  const drainMs = config.http?.drainMs ?? 5000
  return {
    mode,
    http: {
      port: config.http?.port ?? 3000,
      host: config.http?.host ?? '127.0.0.1',
      trustProxy,
      bodyLimit: config.http?.bodyLimit ?? '1mb',
      corsOrigins: config.http?.corsOrigins ?? [],
      // Longer than nginx's upstream keepalive_timeout (4 s in deploy/nginx.conf) and a k8s
      // readiness period, so the front door stops reusing and sending before the engine closes.
      drainMs,
      headersTimeoutMs: config.http?.headersTimeoutMs ?? 10_000,
      requestTimeoutMs: config.http?.requestTimeoutMs ?? 30_000,
      keepAliveTimeoutMs: config.http?.keepAliveTimeoutMs ?? 5000,
      // Behind a proxy every connection comes from the proxy: the per-client cap belongs there.
      maxConnectionsPerIp: config.http?.maxConnectionsPerIp ?? (trustProxy ? 0 : 256),
      proxyHops: config.http?.proxyHops ?? 1,
      trustedProxies: config.http?.trustedProxies ?? [],
      metrics: {
        port: config.http?.metrics?.port,
        host: config.http?.metrics?.host ?? '127.0.0.1',
        token: config.http?.metrics?.token || undefined,
      },
    },
    database: {
      url,
      appUrl: givenAppUrl ?? (url && appPassword ? appLoginUrl(url, appPassword) : undefined),
      appPassword,
      dataDir: dataPath,
      // Per process. Checkouts lock stock rows: connections beyond what the database's cores can
      // run add lock waits, not throughput (bench/orders.ts: 10 per process ~240 checkouts/s, 4 ~320).
      poolMax: config.database?.poolMax ?? 4,
    },
    secretKey,
    redis: { url: config.redis?.url, keyPrefix: config.redis?.keyPrefix ?? 'oo' },
    autoMigrate: config.autoMigrate ?? (!config.database?.url || mode !== 'production'),
    shutdownTimeoutMs: config.shutdownTimeoutMs ?? drainMs + 10_000,
    outbox: {
      pollIntervalMs: 1000,
      autoDispatch: true,
      leaseSeconds: 5,
      retainSeconds: 86_400,
      ...overrides.outbox,
    },
  }
}
