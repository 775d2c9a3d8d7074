import { randomBytes } from 'node:crypto'
import {
  createTestApp,
  createTestDatabase,
  hasPostgres,
  hasRedis,
  type TestApp,
  type TestDatabase,
} from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import chatAssistant from '../../chat-assistant/index.js'
import chat from '../../chat/index.js'
import { connectChat, type ChatClient } from '../../chat/test/helpers.js'
import tenancy from '../../tenancy/index.js'
import config from '../index.js'
import { closeAgent, requestJson, spawnEngine, type EngineProcess } from './fixtures/spawn.js'

const API = '/api/v1/admin'

// Separate OS processes need a shared PostgreSQL and Redis: the embedded database is one process.
describe.skipIf(!hasPostgres || !hasRedis)('settings and chat across two engine processes', () => {
  let database: TestDatabase
  let writer: TestApp
  let a: EngineProcess
  let b: EngineProcess
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  let token: string
  const sockets: ChatClient[] = []

  const theme = async (engine: { url: string }) =>
    (await requestJson(`${engine.url}/api/v1/store/tenant`, { host: pizza.host })).body
      .theme as string
  const status = async (engine: { url: string }) => {
    const { keys, appliedByBroadcast, healedByReconcile } = (
      await requestJson(`${engine.url}${API}/settings-status`, { host: pizza.host, token })
    ).body
    return { keys, appliedByBroadcast, healedByReconcile } as {
      keys: number
      appliedByBroadcast: number
      healedByReconcile: number
    }
  }
  const put = (engine: { url: string }, value: unknown, version: number, id = 'tenancy.theme') =>
    requestJson(`${engine.url}${API}/settings/${id}`, {
      method: 'PUT',
      host: pizza.host,
      token,
      body: { value, version },
    })

  beforeAll(async () => {
    database = await createTestDatabase()
    // In this process: provisioning, tokens, and a writer whose broadcasts are switched off
    // (a change made here reaches A and B only through their reconcile loops).
    writer = await createTestApp({
      plugins: [
        tenancy(),
        config({ broadcast: false, reconcileIntervalMs: 3_600_000 }),
        chat(),
        chatAssistant(),
      ],
      database,
      boot: { outbox: { autoDispatch: false } },
    })
    pizza = await writer.seedTenant('pizza')
    token = await writer.tokenFor(pizza.owner)
    await writer
      .as(pizza.owner)
      .put(`${API}/settings/tenancy.theme`)
      .set('Host', pizza.host)
      .send({ value: 'fresh-market', version: 0 })
      .expect(200)
    const env = {
      DATABASE_URL: database.config.url,
      DATABASE_APP_URL: database.config.appUrl,
      OO_REDIS_PREFIX: `oo-settings-${randomBytes(4).toString('hex')}`,
      OO_TEST_JWKS: JSON.stringify(await writer.issuer.jwks()),
    }
    // A reconciles every 1.5 s; B never does during the test, so B learns only by broadcast.
    ;[a, b] = await Promise.all([
      spawnEngine({ ...env, OO_RECONCILE_MS: '1500' }),
      spawnEngine({ ...env, OO_RECONCILE_MS: '3600000' }),
    ])
  })

  afterAll(async () => {
    for (const s of sockets) s.socket.disconnect()
    const codes = await Promise.all([a?.stop(), b?.stop()])
    closeAgent()
    await writer?.close()
    expect(codes).toEqual([0, 0])
  })

  it('loads every stored setting before serving', async () => {
    expect(await theme(a)).toBe('fresh-market')
    expect(await theme(b)).toBe('fresh-market')
  })

  it('puts a change made through A into effect on B within 1 s (B never reconciles: it is the broadcast)', async () => {
    const before = await status(b)
    const res = await put(a, 'tech-ocean', 1)
    expect(res.status).toBe(200)
    const started = performance.now()
    while ((await theme(b)) !== 'tech-ocean') {
      expect(performance.now() - started).toBeLessThan(1000)
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(performance.now() - started).toBeLessThan(1000)
    expect((await status(b)).appliedByBroadcast).toBe(before.appliedByBroadcast + 1)
  })

  it('heals a change whose broadcast was never sent, on A’s next reconcile', async () => {
    const before = await status(a)
    await writer
      .as(pizza.owner)
      .put(`${API}/settings/tenancy.theme`)
      .set('Host', pizza.host)
      .send({ value: 'mono-luxe', version: 2 })
      .expect(200)
    await expect.poll(() => theme(a), { timeout: 4000, interval: 50 }).toBe('mono-luxe')
    const after = await status(a)
    expect(after.healedByReconcile).toBe(before.healedByReconcile + 1)
    expect(after.appliedByBroadcast).toBe(before.appliedByBroadcast)
    // B does not reconcile in this test and heard nothing: proof the publish really was suppressed.
    expect(await theme(b)).toBe('tech-ocean')
  })

  it('refuses a stale version with 409 on either process, and history lists every version', async () => {
    const stale = await put(a, 'fresh-market', 2)
    expect(stale.status).toBe(409)
    expect(stale.body.error).toMatchObject({
      code: 'CONFIG_VERSION_CONFLICT',
      details: { currentVersion: 3 },
    })
    const history = await requestJson(`${a.url}${API}/settings/tenancy.theme/history`, {
      host: pizza.host,
      token,
    })
    expect(
      history.body.map((h: { version: number; newValue: string }) => [h.version, h.newValue]),
    ).toEqual([
      [3, 'mono-luxe'],
      [2, 'tech-ocean'],
      [1, 'fresh-market'],
    ])
  })

  it('refuses invalid values with 400: nothing changes and no process hears of it', async () => {
    const before = [await status(a), await status(b)]
    for (const [id, value, field] of [
      ['tenancy.theme', 7, 'theme'],
      ['tenancy.theme', 'neon', 'theme'],
      ['chat-assistant.enabled', 'yes', 'enabled'],
    ] as const) {
      const res = await put(b, value, id === 'tenancy.theme' ? 3 : 0, id)
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({ code: 'CONFIG_VALUE_INVALID', field })
    }
    const history = await requestJson(`${a.url}${API}/settings/tenancy.theme/history`, {
      host: pizza.host,
      token,
    })
    expect(history.body).toHaveLength(3)
    expect([await status(a), await status(b)]).toEqual(before)
    expect(await theme(a)).toBe('mono-luxe')
  })

  it('fans a chat action sent through A out to a member’s socket on B', async () => {
    const projects = await requestJson(`${a.url}${API}/projects`, { host: pizza.host, token })
    const main = projects.body[0].id as string
    const onB = await connectChat(b.url, { token, host: pizza.host })
    sockets.push(onB)
    expect(await onB.request('chat:join', { projectId: main })).toMatchObject({ ok: true })
    const opened = await requestJson(`${a.url}${API}/chat/projects/${main}/sessions`, {
      method: 'POST',
      host: pizza.host,
      token,
      body: {},
    })
    const sent = await requestJson(
      `${a.url}${API}/chat/sessions/${opened.body.session.id}/actions`,
      { method: 'POST', host: pizza.host, token, body: { action: 'deployed' } },
    )
    expect(sent.status).toBe(202)
    expect(await onB.next('chat:action', (m) => m.action === 'deployed')).toMatchObject({
      projectId: main,
      label: 'Deployed',
    })
    // The assistant's reply is handled once in the cluster, and still reaches B.
    expect(await onB.next('chat:assistant')).toMatchObject({
      inReplyTo: 'deployed',
      reply: 'watch-metrics',
    })
  })

  it('keeps 3 chat sessions active when 10 opens race across both processes', async () => {
    const main = (await requestJson(`${a.url}${API}/projects`, { host: pizza.host, token })).body[0]
      .id as string
    const opens = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        requestJson(`${(i % 2 ? b : a).url}${API}/chat/projects/${main}/sessions`, {
          method: 'POST',
          host: pizza.host,
          token,
          body: {},
        }),
      ),
    )
    expect(opens.map((r) => r.status)).toEqual(Array(10).fill(201))
    const active = await requestJson(`${b.url}${API}/chat/projects/${main}/sessions`, {
      host: pizza.host,
      token,
    })
    expect(active.body).toHaveLength(3)
  })
})
