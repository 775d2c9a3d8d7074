import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { Context } from 'koa'

/**
 * Sends `rel` from inside `root` (never outside it: `..` and NUL are refused), with
 * Last-Modified/304 and the given Cache-Control. Returns false when there is no such file.
 */
export async function sendStaticFile(
  ctx: Context,
  root: string,
  rel: string,
  cacheControl: string,
): Promise<boolean> {
  let decoded: string
  try {
    decoded = decodeURIComponent(rel)
  } catch {
    return false
  }
  const base = root.endsWith(sep) ? root : root + sep
  const file = normalize(join(root, decoded))
  if (decoded.includes('\0') || !file.startsWith(base)) return false
  const found = await stat(file).catch(() => undefined)
  if (!found?.isFile()) return false
  ctx.set('Cache-Control', cacheControl)
  ctx.type = extname(file) || 'application/octet-stream'
  ctx.lastModified = found.mtime
  ctx.status = 200
  if (ctx.fresh) {
    ctx.status = 304
    return true
  }
  ctx.body = ctx.method === 'HEAD' ? Buffer.alloc(0) : createReadStream(file)
  ctx.length = found.size
  return true
}
