import { OoError } from '@oo/core'
import type { Context } from 'koa'

const LIMIT = 16 * 1024

/** Form fields from a JSON body (parsed by core) or an urlencoded one (parsed here, ≤ 16 kB). */
export async function formBody(ctx: Context): Promise<Record<string, string>> {
  const parsed = (ctx.request as { body?: unknown }).body
  if (parsed && typeof parsed === 'object' && Object.keys(parsed).length) {
    return Object.fromEntries(
      Object.entries(parsed).filter(([, v]) => typeof v === 'string'),
    ) as Record<string, string>
  }
  if (!ctx.is('application/x-www-form-urlencoded')) return {}
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > LIMIT) throw new OoError('OO_BODY_TOO_LARGE', 413, 'Form too large')
    chunks.push(chunk)
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
}

/** JSON for API clients, HTML for browsers. */
export function wantsJson(ctx: Context): boolean {
  return ctx.is('application/json') === 'application/json' || ctx.accepts('html', 'json') === 'json'
}
