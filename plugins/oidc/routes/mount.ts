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
    await vetRedirects(ctx as never, devIssuer, tenants(), deps.allowLocal)
    handler ??= instance.callback() as never
    ctx.respond = false
    const req = ctx.req as Context['req'] & { originalUrl?: string }
    req.originalUrl = req.url
    req.url = req.url!.slice(DEV_MOUNT.length) || '/'
    await handler!(req, ctx.res)
  }
}

const LOCAL = /^(localhost|127\.0\.0\.1|\[::1\]|.+\.localhost)$/

/** Redirect targets must be on a registered tenant domain, the engine's origin, or (outside production) this machine. */
async function vetRedirects(
  ctx: Context,
  devIssuer: DevIssuer,
  tenants: TenantResolver | undefined,
  allowLocal: boolean,
): Promise<void> {
  for (const name of ['redirect_uri', 'post_logout_redirect_uri']) {
    const value = ctx.query[name]
    if (typeof value !== 'string') continue
    let url: URL
    try {
      url = new URL(value)
    } catch {
      continue
    }
    if (devIssuer.allowedOrigins.has(url.origin)) continue
    if (!['http:', 'https:'].includes(url.protocol)) continue
    if ((allowLocal && LOCAL.test(url.hostname)) || (await tenants?.isKnownHost(url.hostname)))
      devIssuer.allowedOrigins.add(url.origin)
  }
}
