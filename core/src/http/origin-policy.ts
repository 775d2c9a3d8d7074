import type { AwilixContainer } from 'awilix'
import type { Cradle, TenantResolver } from '../container/cradle.js'
import { OoError } from '../errors.js'
import { isUuid } from '../ids.js'

/**
 * Which browser origins may make credentialed calls to a tenant (CORS on HTTP, `Origin` on
 * socket.io handshakes): the tenant's own *verified* domains, plus the configured extras
 * (`CORS_ORIGINS`). Another tenant's domain never qualifies, nor does a pending claim; in
 * production only https origins do (a page served over http can be rewritten on the way).
 */
export class OriginPolicy {
  readonly #resolver: () => TenantResolver | undefined
  readonly #extras: ReadonlySet<string>
  readonly #httpsOnly: boolean

  constructor(opts: {
    resolver: () => TenantResolver | undefined
    extraOrigins: string[]
    httpsOnly: boolean
  }) {
    this.#resolver = opts.resolver
    this.#extras = new Set(opts.extraOrigins)
    this.#httpsOnly = opts.httpsOnly
  }

  /** True when `origin` is a configured origin or a verified domain of `tenantId`. */
  async allows(origin: string, tenantId: string | null): Promise<boolean> {
    if (this.#extras.has(origin)) return true
    const host = this.#hostOf(origin)
    if (!host || !tenantId) return false
    return (await this.#resolver()?.findByHost(host))?.id === tenantId
  }

  /** True when `origin` is configured or a verified domain of any tenant (preflights, see security.ts). */
  async allowsSomeTenant(origin: string): Promise<boolean> {
    if (this.#extras.has(origin)) return true
    const host = this.#hostOf(origin)
    return !!host && !!(await this.#resolver()?.findByHost(host))
  }

  /**
   * The tenant a request targets before tenancy has run: the verified domain in its Host, else
   * the id in X-Tenant-ID. Tenancy later refuses a header that contradicts the host, and a caller
   * who is not a member; CORS only needs to know whose origins to compare with.
   */
  async targetTenant(host: string, tenantHeader: string | undefined): Promise<string | null> {
    const fromHost = host ? await this.#resolver()?.findByHost(host) : null
    if (fromHost) return fromHost.id
    const header = tenantHeader?.trim()
    return header && isUuid(header) ? header : null
  }

  #hostOf(origin: string): string | null {
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      return null
    }
    if (url.protocol !== 'https:' && (this.#httpsOnly || url.protocol !== 'http:')) return null
    return url.hostname
  }
}

/** The engine's policy: tenancy's verified domains, `http.corsOrigins`, https only in production. */
export function originPolicyFor(root: AwilixContainer<Cradle>): OriginPolicy {
  const { config } = root.cradle
  return new OriginPolicy({
    resolver: () => root.cradle.tenantResolver,
    extraOrigins: config.http.corsOrigins,
    httpsOnly: config.mode === 'production',
  })
}

/**
 * socket.io handshakes: a browser always sends `Origin`, and websockets skip CORS, so the check
 * is ours. No Origin means a non-browser client (a kitchen tablet app, a test): allowed. A page
 * of the very host the socket connects to is same-origin (the engine's own pages, e.g. the panel
 * on the platform host naming its tenant in `auth.tenantId`): allowed too.
 */
export async function assertSocketOrigin(
  policy: OriginPolicy,
  headers: Record<string, string | string[] | undefined>,
  trustProxy: boolean,
  tenantId: string,
): Promise<void> {
  const origin = headers.origin
  if (typeof origin !== 'string') return
  const forwarded = trustProxy ? headers['x-forwarded-host'] : undefined
  const host = String(forwarded ?? headers.host ?? '')
    .split(',')[0]!
    .trim()
    .toLowerCase()
  if (sameHost(origin, host) || (await policy.allows(origin, tenantId))) return
  throw new OoError('OO_ORIGIN_NOT_ALLOWED', 403, `${origin} may not connect to this shop`, {
    field: 'Origin',
  })
}

function sameHost(origin: string, host: string): boolean {
  try {
    return !!host && new URL(origin).host === host
  } catch {
    return false
  }
}
