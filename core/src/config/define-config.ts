import type { PluginInstance } from '../plugins/define-plugin.js'

/** Deploy-time configuration. Built in `oo.config.ts`; validated by `boot()`. */
export interface OoConfig {
  /** `production` refuses pending migrations and the development issuer. */
  mode?: 'development' | 'production' | 'test'
  http?: {
    /** @default 3000 */
    port?: number
    /** @default '127.0.0.1' */
    host?: string
    /** Honour X-Forwarded-Host/-For (only behind a proxy you control). @default false */
    trustProxy?: boolean
    /** Largest JSON body accepted. @default '1mb' */
    bodyLimit?: string
    /** Extra CORS origins besides the registered tenant domains. */
    corsOrigins?: string[]
    /** On SIGTERM, how long the engine keeps serving (`Connection: close`, `/ready` 503) before it closes. @default 5000 */
    drainMs?: number
    /** A request's headers must arrive within this (slow-loris). @default 10000 */
    headersTimeoutMs?: number
    /** A whole request (headers and body) must arrive within this. @default 30000 */
    requestTimeoutMs?: number
    /** An idle keep-alive connection closes after this; keep it above the proxy's upstream keep-alive. @default 5000 */
    keepAliveTimeoutMs?: number
    /** Open connections per peer address; 0 = no cap. @default 256, or 0 with `trustProxy` (cap at the proxy) */
    maxConnectionsPerIp?: number
    /** With `trustProxy`: proxies in front of the engine; the client is that many X-Forwarded-For entries from the right. @default 1 */
    proxyHops?: number
    /** With `trustProxy`: the proxies' addresses or CIDRs; the client is the right-most X-Forwarded-For entry outside them (instead of `proxyHops`). */
    trustedProxies?: string[]
    /** Prometheus `/metrics`, never on the shop port unasked: its own listener (`port` on `host`, @default '127.0.0.1'), and/or the main port with `Authorization: Bearer <token>`. Neither → not served. */
    metrics?: { port?: number; host?: string; token?: string }
  }
  database?: {
    /** Owner connection (runs migrations). Unset → embedded PGlite in `dataDir`. */
    url?: string
    /**
     * Login of the restricted engine role. Unset → `url` with the user `oo_app` and `appPassword`,
     * which `oo migrate` (and auto-migrate) give the role.
     */
    appUrl?: string
    /** Password for `oo_app` when `appUrl` is unset. @default DATABASE_APP_PASSWORD, else derived from the secret key */
    appPassword?: string
    /** Folder for the embedded database and local files. @default '.oo' */
    dataDir?: string
    /** Connections per engine process (PostgreSQL). @default 4 */
    poolMax?: number
  }
  /**
   * Seals the secrets stored in the database (at least 32 characters). @default OO_SECRET_KEY;
   * outside production a key generated into `<dataDir>/secret.key`. Required in production.
   */
  secretKey?: string
  /** Redis for socket fan-out, rate limits and revocations across processes. */
  redis?: { url?: string; keyPrefix?: string }
  /** Migrate at boot. Default: yes on the embedded database, no in production. */
  autoMigrate?: boolean
  /** Graceful shutdown budget before a hard exit, drain included. @default drainMs + 10000 */
  shutdownTimeoutMs?: number
  plugins: PluginInstance[]
}

/** Typed and pure: returns the config it is given. Validation happens in `boot()`. */
export function defineConfig(config: OoConfig): OoConfig {
  return config
}
