import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { AppState } from '@oo/core'
import type { Context, Middleware } from 'koa'
import type { BuildState } from './build.js'

export const MOUNT = '/admin'

// Emotion (MUI) injects <style> elements; everything else comes from this origin.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ')

/**
 * Serves the built panel at /admin/ on every host: hashed assets cached for a year, index.html
 * revalidated every time, and index.html for any other /admin/* path (client-side routes).
 */
export function serveAdminPanel(dist: string, state: () => BuildState): Middleware<AppState> {
  return async function adminPanel(ctx, next) {
    if (ctx.path !== MOUNT && !ctx.path.startsWith(`${MOUNT}/`)) return next()
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()
    if (ctx.path === MOUNT) {
      ctx.status = 301
      ctx.redirect(`${MOUNT}/${ctx.search}`)
      return
    }
    let rel: string
    try {
      rel = decodeURIComponent(ctx.path.slice(MOUNT.length + 1))
    } catch {
      ctx.status = 400
      return
    }
    const file = normalize(join(dist, rel))
    if (
      rel.includes('\0') ||
      (file !== dist && !file.startsWith(dist.endsWith(sep) ? dist : dist + sep))
    ) {
      ctx.status = 404
      return
    }
    const found = rel && !rel.endsWith('/') ? await stat(file).catch(() => undefined) : undefined
    if (found?.isFile()) {
      const hashed = rel.startsWith('assets/')
      ctx.set('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      return send(ctx, file, found.size, found.mtime)
    }
    // A missing asset is a 404, never the HTML page (a browser would try to run it as a script).
    if (rel.startsWith('assets/') || /\.[a-z0-9]{1,8}$/i.test(rel)) {
      ctx.status = 404
      ctx.body = 'Not found'
      return
    }
    const index = join(dist, 'index.html')
    const page = await stat(index).catch(() => undefined)
    if (!page) return notBuilt(ctx, state())
    ctx.set('Cache-Control', 'no-cache')
    ctx.set('Content-Security-Policy', CSP)
    return send(ctx, index, page.size, page.mtime)
  }
}

function send(ctx: Context, file: string, size: number, mtime: Date): void {
  ctx.type = extname(file) || 'application/octet-stream'
  ctx.length = size
  ctx.lastModified = mtime
  ctx.status = 200
  if (ctx.fresh) {
    ctx.status = 304
    return
  }
  // HEAD: Koa sends headers only; an empty body keeps the status, then the real length.
  ctx.body = ctx.method === 'HEAD' ? Buffer.alloc(0) : createReadStream(file)
  ctx.length = size
}

/** No build yet: say what is happening and how to get one. */
function notBuilt(ctx: Context, state: BuildState): void {
  const building = state.status === 'building'
  ctx.status = 503
  ctx.set('Cache-Control', 'no-store')
  ctx.set('Retry-After', '5')
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  ctx.type = 'html'
  const title = building
    ? 'The admin panel is being built'
    : state.status === 'failed'
      ? 'The admin panel build failed'
      : 'The admin panel is not built'
  const body = building
    ? `<p>This is the first start: the engine is building the panel (about 20 seconds). This page reloads by itself.</p>`
    : `<p>Build it once from the repository root, then reload this page:</p><pre>npm run build -w admin</pre>` +
      `<p>In development (<code>npm start</code>) the engine builds it by itself when it is missing.</p>`
  const log =
    state.status === 'building' || state.status === 'failed'
      ? `<pre>${escape(state.log.slice(-15).join('\n'))}</pre>`
      : ''
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${
    building ? '<meta http-equiv="refresh" content="3">' : ''
  }<title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#222}pre{background:#f4f4f5;padding:.75rem;border-radius:.4rem;overflow:auto}</style></head><body><h1>${title}</h1>${body}${log}</body></html>`
}

function escape(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  )
}
