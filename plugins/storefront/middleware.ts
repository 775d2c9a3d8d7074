import { sendStaticFile, type AppState, type SettingsAccessor } from '@oo/core'
import type { Context, Middleware } from 'koa'
import { THEMES, type ThemeName } from './config.js'
import type { ThemeSites } from './theme-sites.js'

const PAGES: Record<string, string> = { '/': 'index.html', '/order': 'order.html' }

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https: http:", // product photos may come from signed object-store URLs
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ')

/**
 * Serves the shop's storefront on its own domain: the tenant comes from the Host only (never a
 * header or a signed-in user's default), the theme from the tenant's setting, read per page load
 * so a theme change shows on the next load.
 */
export function serveStorefront(sites: ThemeSites): Middleware<AppState> {
  return async function serveStorefront(ctx, next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()
    const page = PAGES[ctx.path]
    const asset = ctx.path.startsWith('/_astro/')
    if (!page && !asset) return next()
    const { scope } = ctx.state
    const byHost = await scope.cradle.tenantResolver?.resolve({ host: ctx.hostname })
    if (!byHost) return next()
    const theme = await themeOf(ctx, byHost.tenant.id)
    const dist = sites.dist(theme)
    if (asset) {
      if (
        !(await sendStaticFile(ctx, dist, ctx.path.slice(1), 'public, max-age=31536000, immutable'))
      ) {
        ctx.status = 404
        ctx.body = 'Not found'
      }
      return
    }
    ctx.set('Content-Security-Policy', CSP)
    if (await sendStaticFile(ctx, dist, page!, 'no-cache')) return
    notBuilt(ctx, theme, sites.state(theme))
  }
}

async function themeOf(ctx: Context & { state: AppState }, tenantId: string): Promise<ThemeName> {
  const { scope } = ctx.state
  const settings = scope.resolve<SettingsAccessor | undefined>('settings', {
    allowUnregistered: true,
  })
  const view = await scope
    .resolve<{ storefront(id: string, s?: SettingsAccessor): Promise<{ theme: string }> }>(
      'tenantAdmin',
    )
    .storefront(tenantId, settings)
  return (THEMES as readonly string[]).includes(view.theme)
    ? (view.theme as ThemeName)
    : 'mono-luxe'
}

function notBuilt(ctx: Context, theme: string, state: string): void {
  ctx.status = 503
  ctx.set('Retry-After', '5')
  ctx.set('Cache-Control', 'no-store')
  ctx.type = 'html'
  const building = state === 'building' || state === 'missing'
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${
    building ? '<meta http-equiv="refresh" content="3">' : ''
  }<title>Storefront</title></head><body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The ${theme} storefront is ${state === 'failed' ? 'not available: its build failed' : building ? 'being built' : 'not built'}</h1>
<p>${building ? 'This page reloads by itself.' : 'Build the themes once with <code>npm run build:themes</code>.'}</p></body></html>`
}
