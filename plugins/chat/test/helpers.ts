import type { TestApp } from '@oo/core/testing'
import { io, type Socket } from 'socket.io-client'

export const API = '/api/v1/admin'

export interface ChatClient {
  socket: Socket
  received: { event: string; msg: Record<string, unknown> }[]
  request<T = { ok: boolean; data?: unknown; error?: { code: string } }>(
    event: string,
    payload: unknown,
  ): Promise<T>
  /** Resolves with the first message of `event` matching `pred` (already received or future). */
  next(
    event: string,
    pred?: (msg: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>
}

export async function connectChat(
  url: string,
  opts: { token?: string; host: string },
): Promise<ChatClient> {
  const socket = io(`${url}/chat`, {
    transports: ['websocket'],
    extraHeaders: { host: opts.host },
    auth: opts.token ? { token: opts.token } : {},
    reconnection: false,
    forceNew: true,
  })
  const received: ChatClient['received'] = []
  const waiters = new Set<() => void>()
  socket.onAny((event: string, msg: Record<string, unknown>) => {
    received.push({ event, msg })
    for (const w of [...waiters]) w()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return {
    socket,
    received,
    request: (event, payload) => new Promise((resolve) => socket.emit(event, payload, resolve)),
    next: (event, pred = () => true, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.find((r) => r.event === event && pred(r.msg))
          if (!hit) return false
          waiters.delete(check)
          clearTimeout(timer)
          resolve(hit.msg)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(
              `no ${event} within ${timeoutMs} ms; got ${JSON.stringify(received.map((r) => r.event))}`,
            ),
          )
        }, timeoutMs)
        if (!check()) waiters.add(check)
      }),
  }
}

/** project_members has no API of its own yet (tenancy): the test writes the row as the owner. */
export async function addToProject(
  t: TestApp,
  tenantId: string,
  projectId: string,
  email: string,
): Promise<void> {
  await t.engine.database.asOwner(async (k) => {
    const user = await k('users').where({ email }).first('id')
    if (!user) throw new Error(`no user ${email}`)
    await k('project_members')
      .insert({ tenant_id: tenantId, project_id: projectId, user_id: user.id })
      .onConflict(['project_id', 'user_id'])
      .ignore()
  })
}

/** Row count of every table in the schema, for "nothing was stored" checks. */
export async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  return t.engine.database.asOwner(async (k) => {
    const { rows } = await k.raw(
      `select tablename from pg_tables where schemaname = 'public' order by tablename`,
    )
    const out: Record<string, number> = {}
    for (const { tablename } of rows as { tablename: string }[]) {
      out[tablename] = Number((await k(tablename).count({ n: '*' }).first())!.n)
    }
    return out
  })
}
