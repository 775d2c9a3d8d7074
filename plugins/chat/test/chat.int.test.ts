import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import config from '../../config/index.js'
import tenancy from '../../tenancy/index.js'
import chatAssistant from '../../chat-assistant/index.js'
import chat from '../index.js'
import { addToProject, API, connectChat, tableCounts, type ChatClient } from './helpers.js'

describe('chat', () => {
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  let burger: Awaited<ReturnType<TestApp['seedTenant']>>
  let main: string
  let kitchen: string
  let burgerMain: string
  const clients: ChatClient[] = []
  const ann = 'ann@pizza.test'
  const bob = 'bob@pizza.test'

  async function client(email: string, host: string, join?: string): Promise<ChatClient> {
    const c = await connectChat(t.url, { token: await t.tokenFor(email), host })
    clients.push(c)
    if (join) expect(await c.request('chat:join', { projectId: join })).toMatchObject({ ok: true })
    return c
  }
  const open = async (email: string, host: string, projectId: string) =>
    (
      await t
        .as(email)
        .post(`${API}/chat/projects/${projectId}/sessions`)
        .set('Host', host)
        .send({})
        .expect(201)
    ).body as { session: { id: string }; closed: string[] }

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), config({ reconcileIntervalMs: 60_000 }), chat(), chatAssistant()],
    })
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
    const projects = await t
      .as(pizza.owner)
      .get(`${API}/projects`)
      .set('Host', pizza.host)
      .expect(200)
    main = projects.body.find((p: { slug: string }) => p.slug === 'main').id
    kitchen = (
      await t
        .as(pizza.owner)
        .post(`${API}/projects`)
        .set('Host', pizza.host)
        .send({ slug: 'kitchen', name: 'Kitchen' })
        .expect(201)
    ).body.id
    burgerMain = (
      await t.as(burger.owner).get(`${API}/projects`).set('Host', burger.host).expect(200)
    ).body[0].id
    for (const email of [ann, bob])
      await t
        .as(pizza.owner)
        .post(`${API}/members`)
        .set('Host', pizza.host)
        .send({ email, role: 'staff' })
        .expect(201)
    await addToProject(t, pizza.id, main, ann)
    await addToProject(t, pizza.id, kitchen, bob)
  })
  afterAll(async () => {
    for (const c of clients) c.socket.disconnect()
    await t?.close()
  })

  it('keeps exactly 3 sessions active when one user opens 10 at once', async () => {
    const annSocket = await client(ann, pizza.host)
    const results = await Promise.all(Array.from({ length: 10 }, () => open(ann, pizza.host, main)))
    const active = await t.engine.database.asOwner((k) =>
      k('chat_sessions').where({ project_id: main, status: 'active' }).pluck('id'),
    )
    expect(active).toHaveLength(3)
    expect(results.flatMap((r) => r.closed)).toHaveLength(7)
    const listed = await t
      .as(ann)
      .get(`${API}/chat/projects/${main}/sessions`)
      .set('Host', pizza.host)
      .expect(200)
    expect(listed.body.map((s: { id: string }) => s.id).sort()).toEqual([...active].sort())
    // FIFO: every session closed was opened before every session left open.
    const closedIds = new Set(results.flatMap((r) => r.closed))
    const opened = await t.engine.database.asOwner((k) =>
      k('chat_sessions').where({ project_id: main }).select('id', 'status', 'opened_at'),
    )
    const newestClosed = Math.max(
      ...opened.filter((s) => closedIds.has(s.id)).map((s) => new Date(s.opened_at).getTime()),
    )
    const oldestActive = Math.min(
      ...opened.filter((s) => s.status === 'active').map((s) => new Date(s.opened_at).getTime()),
    )
    expect(newestClosed).toBeLessThanOrEqual(oldestActive)
    await expect
      .poll(
        () =>
          annSocket.received
            .filter((r) => r.event === 'session:closed')
            .flatMap((r) => r.msg.sessionIds as string[]).length,
      )
      .toBe(7)
    // A replaced session can no longer speak.
    const replaced = [...closedIds][0]
    const res = await t
      .as(ann)
      .post(`${API}/chat/sessions/${replaced}/actions`)
      .set('Host', pizza.host)
      .send({ action: 'ready' })
      .expect(409)
    expect(res.body.error.code).toBe('CHAT_SESSION_NOT_ACTIVE')
  })

  it('fans a canned action out to the project’s members only', async () => {
    const annSocket = await client(ann, pizza.host, main)
    const ownerSocket = await client(pizza.owner, pizza.host, main)
    const bobSocket = await client(bob, pizza.host, kitchen)
    const burgerSocket = await client(burger.owner, burger.host, burgerMain)
    expect(await bobSocket.request('chat:join', { projectId: main })).toMatchObject({
      ok: false,
      error: { code: 'CHAT_NOT_A_MEMBER' },
    })
    expect(await burgerSocket.request('chat:join', { projectId: main })).toMatchObject({
      ok: false,
      error: { code: 'CHAT_PROJECT_NOT_FOUND' },
    })

    const { session } = await open(ann, pizza.host, main)
    const sent = await t
      .as(ann)
      .post(`${API}/chat/sessions/${session.id}/actions`)
      .set('Host', pizza.host)
      .send({ action: '👍' })
      .expect(202)
    expect(sent.body).toMatchObject({ projectId: main, action: 'thumbs-up', label: '👍' })
    for (const c of [annSocket, ownerSocket]) {
      expect(await c.next('chat:action', (m) => m.action === 'thumbs-up')).toMatchObject({
        projectId: main,
        from: sent.body.from,
      })
    }
    // Markers sent afterwards reach the others; anything for `main` would have arrived first.
    const bobSession = (await open(bob, pizza.host, kitchen)).session
    await t
      .as(bob)
      .post(`${API}/chat/sessions/${bobSession.id}/actions`)
      .set('Host', pizza.host)
      .send({ action: 'ready' })
      .expect(202)
    const burgerSession = (await open(burger.owner, burger.host, burgerMain)).session
    await t
      .as(burger.owner)
      .post(`${API}/chat/sessions/${burgerSession.id}/actions`)
      .set('Host', burger.host)
      .send({ action: 'ready' })
      .expect(202)
    await bobSocket.next('chat:action', (m) => m.projectId === kitchen)
    await burgerSocket.next('chat:action', (m) => m.projectId === burgerMain)
    expect(bobSocket.received.filter((r) => r.msg.projectId === main)).toEqual([])
    expect(burgerSocket.received.filter((r) => r.msg.projectId === main)).toEqual([])
    expect(
      annSocket.received.some((r) => r.msg.projectId === kitchen || r.msg.projectId === burgerMain),
    ).toBe(false)

    // Sending over the socket works the same way.
    const viaSocket = await annSocket.request<{ ok: boolean; data: { action: string } }>(
      'chat:send',
      { sessionId: session.id, action: 'Tests green' },
    )
    expect(viaSocket).toMatchObject({ ok: true, data: { action: 'tests-green' } })
    await ownerSocket.next('chat:action', (m) => m.action === 'tests-green')
  })

  it('refuses free text, unknown actions and oversized payloads, and stores nothing', async () => {
    const { session } = await open(ann, pizza.host, main)
    const annSocket = await client(ann, pizza.host, main)
    // Earlier actions' events (the assistant counts its replies) must land before the snapshot.
    await t.engine.container.cradle.outbox.drain()
    const before = await tableCounts(t)
    const url = `${API}/chat/sessions/${session.id}/actions`
    const bad: [unknown, number, string][] = [
      [{ text: 'hello team, the build is broken' }, 400, 'OO_VALIDATION_FAILED'],
      [{ action: 'hello team, the build is broken' }, 400, 'OO_VALIDATION_FAILED'],
      [{ action: 'deploy-now' }, 400, 'OO_VALIDATION_FAILED'],
      [{ action: 'ready', note: 'call me on 555-0100' }, 400, 'OO_VALIDATION_FAILED'],
      [{ action: ['ready', 'free text'] }, 400, 'OO_VALIDATION_FAILED'],
      [{ action: 'ready', pad: 'x'.repeat(4000) }, 413, 'CHAT_PAYLOAD_TOO_LARGE'],
    ]
    for (const [body, status, code] of bad) {
      const res = await t
        .as(ann)
        .post(url)
        .set('Host', pizza.host)
        .send(body as object)
        .expect(status)
      expect(res.body.error.code).toBe(code)
      expect(JSON.stringify(res.body)).not.toContain('555-0100')
    }
    await t
      .as(ann)
      .post(`${API}/chat/sessions/${session.id}/polls`)
      .set('Host', pizza.host)
      .send({ template: 'Lunch at noon?' })
      .expect(400)
    await t
      .as(ann)
      .post(`${API}/chat/sessions/${session.id}/polls`)
      .set('Host', pizza.host)
      .send({ template: 'go-no-go', question: 'Lunch?' })
      .expect(400)
    expect(
      await annSocket.request('chat:send', { sessionId: session.id, text: 'hello' }),
    ).toMatchObject({ ok: false, error: { code: 'OO_VALIDATION_FAILED' } })
    expect(
      await annSocket.request('chat:send', { sessionId: session.id, action: 'x'.repeat(2000) }),
    ).toMatchObject({ ok: false, error: { code: 'CHAT_PAYLOAD_TOO_LARGE' } })
    expect(await tableCounts(t)).toEqual(before)
    expect(annSocket.received.filter((r) => r.event === 'chat:action')).toEqual([])
  })

  it('counts a second vote by the same person once', async () => {
    const { session } = await open(ann, pizza.host, main)
    const poll = (
      await t
        .as(ann)
        .post(`${API}/chat/sessions/${session.id}/polls`)
        .set('Host', pizza.host)
        .send({ template: 'go-no-go' })
        .expect(201)
    ).body
    expect(poll).toMatchObject({
      choices: ['go', 'no-go'],
      status: 'open',
      tally: { go: 0, 'no-go': 0 },
    })
    const vote = (email: string, choice: string) =>
      t
        .as(email)
        .post(`${API}/chat/polls/${poll.pollId}/votes`)
        .set('Host', pizza.host)
        .send({ choice })
    expect((await vote(ann, 'go').expect(201)).body.tally).toEqual({ go: 1, 'no-go': 0 })
    expect((await vote(ann, 'no-go').expect(409)).body.error.code).toBe('CHAT_ALREADY_VOTED')
    await vote(ann, 'go').expect(409)
    await vote(pizza.owner, 'maybe').expect(400)
    await vote(bob, 'go').expect(403)
    expect((await vote(pizza.owner, 'go').expect(201)).body.tally).toEqual({ go: 2, 'no-go': 0 })
    await t
      .as(ann)
      .post(`${API}/chat/polls/${poll.pollId}/close`)
      .set('Host', pizza.host)
      .send({})
      .expect(200)
    await vote(pizza.owner, 'no-go').expect(409)
    const final = await t
      .as(ann)
      .get(`${API}/chat/polls/${poll.pollId}`)
      .set('Host', pizza.host)
      .expect(200)
    expect(final.body).toMatchObject({ status: 'closed', tally: { go: 2, 'no-go': 0 } })
  })

  it('aggregates counters per project and metric', async () => {
    const res = await t
      .as(ann)
      .get(`${API}/chat/projects/${main}/counters`)
      .set('Host', pizza.host)
      .expect(200)
    const counts = Object.fromEntries(
      res.body.map((c: { metric: string; count: number }) => [c.metric, c.count]),
    )
    expect(counts).toMatchObject({
      'action:thumbs-up': 1,
      'action:tests-green': 1,
      'poll:created': 1,
      'poll:vote': 2,
      'poll:closed': 1,
    })
    const kitchenCounts = await t
      .as(bob)
      .get(`${API}/chat/projects/${kitchen}/counters`)
      .set('Host', pizza.host)
      .expect(200)
    expect(kitchenCounts.body).toEqual(
      expect.arrayContaining([{ metric: 'action:ready', count: 1 }]),
    )
    expect(
      kitchenCounts.body.find((c: { metric: string }) => c.metric === 'action:thumbs-up'),
    ).toBeUndefined()
    await t.as(bob).get(`${API}/chat/projects/${main}/counters`).set('Host', pizza.host).expect(403)
  })

  it('lets the mock assistant answer some actions with canned replies, unless a setting turns it off', async () => {
    await t.engine.container.cradle.outbox.drain() // replies to earlier tests' actions go out first
    const annSocket = await client(ann, pizza.host, main)
    const { session } = await open(ann, pizza.host, main)
    const send = (action: string) =>
      t
        .as(ann)
        .post(`${API}/chat/sessions/${session.id}/actions`)
        .set('Host', pizza.host)
        .send({ action })
        .expect(202)
    await send('ready')
    await send('blocked')
    expect(await annSocket.next('chat:assistant')).toMatchObject({
      from: 'assistant',
      inReplyTo: 'blocked',
      reply: 'unblock-checklist',
    })
    expect(
      annSocket.received.filter((r) => r.event === 'chat:assistant').map((r) => r.msg.inReplyTo),
    ).toEqual(['blocked'])
    await t.engine.container.cradle.outbox.drain()
    await send('thumbs-down')
    await annSocket.next('chat:action', (m) => m.action === 'thumbs-down')
    expect(annSocket.received.filter((r) => r.event === 'chat:assistant')).toHaveLength(1)

    await t
      .as(pizza.owner)
      .put(`${API}/settings/chat-assistant.enabled`)
      .set('Host', pizza.host)
      .send({ value: false, version: 0 })
      .expect(200)
    await send('deployed')
    await t.engine.container.cradle.outbox.drain()
    await send('review')
    await t.engine.container.cradle.outbox.drain()
    await send('thumbs-up')
    await annSocket.next('chat:action', (m) => m.action === 'thumbs-up')
    expect(annSocket.received.filter((r) => r.event === 'chat:assistant')).toHaveLength(1)
  })

  it('stops a participant who left the project, even with an active session', async () => {
    const { session } = await open(bob, pizza.host, kitchen)
    await t.engine.database.asOwner((k) =>
      k('project_members').where({ project_id: kitchen }).delete(),
    )
    const res = await t
      .as(bob)
      .post(`${API}/chat/sessions/${session.id}/actions`)
      .set('Host', pizza.host)
      .send({ action: 'ready' })
      .expect(403)
    expect(res.body.error.code).toBe('CHAT_NOT_A_MEMBER')
    await addToProject(t, pizza.id, kitchen, bob)
  })

  it('applies a per-tenant session limit set through settings at once, and refuses one out of range', async () => {
    const put = (value: unknown, version: number) =>
      t
        .as(pizza.owner)
        .put(`${API}/settings/chat.maxActiveSessions`)
        .set('Host', pizza.host)
        .send({ value, version })
    expect((await put(50, 0).expect(400)).body.error).toMatchObject({
      code: 'CONFIG_VALUE_INVALID',
      field: 'maxActiveSessions',
    })
    await put(1, 0).expect(200)
    await open(ann, pizza.host, main)
    const listed = await t
      .as(ann)
      .get(`${API}/chat/projects/${main}/sessions`)
      .set('Host', pizza.host)
      .expect(200)
    expect(listed.body).toHaveLength(1)
    await put(null, 1).expect(200)
    for (let i = 0; i < 4; i++) await open(ann, pizza.host, main)
    expect(
      (
        await t
          .as(ann)
          .get(`${API}/chat/projects/${main}/sessions`)
          .set('Host', pizza.host)
          .expect(200)
      ).body,
    ).toHaveLength(3)
  })
})
