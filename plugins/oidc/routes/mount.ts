import type { AppState, TenantResolver } from '@oo/core'
import type { Context, Middleware } from 'koa'
import type Provider from 'oidc-provider'
import { DEV_MOUNT, type DevIssuer } from '../services/dev-issuer.js'
import { devIssuerRoutes, type DevIssuerDeps } from './dev-issuer-routes.js'

/** The provider for this request: built on first use from the port the engine listens on. */
export function providerFor(devIssuer: DevIssuer): (ctx: Context) => Promise<Provider> {
  return (ctx) => devIssuer.provider(ctx.req.socket.localPort ?? 0)
}

/**
 * `/oidc/*`: our interaction pages first, everything else to oidc-provider (mounted by hand:
 * the prefix is stripped from the URL and kept in `originalUrl`, which it reads to build links).
 */
export function mountDevIssuer(
  devIssuer: DevIssuer,
  tenants: () => TenantResolver | undefined,
  deps: Omit<DevIssuerDeps, 'provider'> & { allowLocal: boolean },
): Middleware<AppState> {
  const provider = providerFor(devIssuer)
  const pages = devIssuerRoutes({ ...deps, provider }).routes()
  let handler: ((req: Context['req'], res: Context['res']) => Promise<void>) | undefined
  return async function devIssuerMount(ctx, next) {
    if (ctx.path !== DEV_MOUNT && !ctx.path.startsWith(`${DEV_MOUNT}/`)) return next()
    let ours = true
    await pages(ctx as never, async () => {
      ours = false
    })
    if (ours) return
    const instance = await provider(ctx as never)
    const vetted = await vetRedirects(ctx as never, tenants(), deps.allowLocal)
    handler ??= instance.callback() as never
    ctx.respond = false
    const req = ctx.req as Context['req'] & { originalUrl?: string }
    req.originalUrl = req.url
    req.url = req.url!.slice(DEV_MOUNT.length) || '/'
    await devIssuer.withVettedOrigins(vetted, () => handler!(req, ctx.res))
  }
}

// The engine's own loopback names; a `*.localhost` host is a tenant domain like any other.
const LOCAL = /^(localhost|127\.0\.0\.1|\[::1\])$/

/**
 * The origins this request may redirect to: a verified tenant domain, the platform host, or
 * (outside production) this machine. Only query parameters are vetted; a redirect named in a
 * form body meets an empty set and is refused by the provider.
 */
async function vetRedirects(
  ctx: Context,
  tenants: TenantResolver | undefined,
  allowLocal: boolean,
): Promise<Set<string>> {
  const vetted = new Set<string>()
  for (const name of ['redirect_uri', 'post_logout_redirect_uri']) {
    const value = ctx.query[name]
    if (typeof value !== 'string') continue
    let url: URL
    try {
      url = new URL(value)
    } catch {
      continue
    }
    if (!['http:', 'https:'].includes(url.protocol)) continue
    if (
      (allowLocal && LOCAL.test(url.hostname)) ||
      tenants?.isPlatformHost(url.hostname) ||
      (await tenants?.isVerifiedHost(url.hostname))
    )
      vetted.add(url.origin)
  }
  return vetted
}
