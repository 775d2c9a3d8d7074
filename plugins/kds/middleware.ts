import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AppState } from '@oo/core'
import type { Middleware } from 'koa'

const SCREEN_DIR = fileURLToPath(new URL('./screen/', import.meta.url))
// socket.io ships its browser client; serving that copy keeps client and server versions in step.
const SOCKET_IO_CLIENT = join(
  dirname(createRequire(import.meta.url).resolve('socket.io/package.json')),
  'client-dist',
  'socket.io.esm.min.js',
)

const ASSETS: Record<string, { file: string; type: string }> = {
  '/kitchen': { file: join(SCREEN_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/kitchen/': { file: join(SCREEN_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/kitchen/app.js': { file: join(SCREEN_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/kitchen/app.css': { file: join(SCREEN_DIR, 'app.css'), type: 'text/css; charset=utf-8' },
  '/kitchen/vendor/socket.io.esm.min.js': {
    file: SOCKET_IO_CLIENT,
    type: 'text/javascript; charset=utf-8',
  },
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/**
 * The kitchen screen at `/kitchen` on the tenant's own domain: a static page and a small ES module
 * client (no build step). Files are read once per process, on first use.
 */
export function kitchenScreen(): Middleware<AppState> {
  const cache = new Map<string, Buffer>()
  return async function kitchenScreen(ctx, next) {
    const asset = ASSETS[ctx.path]
    if (!asset || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next()
    if (!ctx.state.tenant) return next()
    let body = cache.get(asset.file)
    if (!body) {
      body = await readFile(asset.file)
      cache.set(asset.file, body)
    }
    ctx.set('Content-Security-Policy', CSP)
    ctx.set(
      'Cache-Control',
      asset.type.startsWith('text/html') ? 'no-store' : 'public, max-age=300',
    )
    ctx.type = asset.type
    ctx.body = body
  }
}
