import { randomBytes } from 'node:crypto'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import oidc from '../../oidc/index.js'
import tenancy from '../../tenancy/index.js'
import chat from '../index.js'
import { addToProject, API, connectChat, type ChatClient } from './helpers.js'

describe('chat guests', () => {
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>
  let burger: Awaited<ReturnType<TestApp['seedTenant']>>
  let main: string
  let kitchen: string
  const clients: ChatClient[] = []
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [tenancy(), oidc({ tokenSecret: randomBytes(32).toString('hex') }), chat()],
    })
    pizza = await t.seedTenant('pizza')
    burger = await t.seedTenant('burger')
    main = (await t.as(pizza.owner).get(`${API}/projects`).set('Host', pizza.host).expect(200))
      .body[0].id
    kitchen = (
      await t
        .as(pizza.owner)
        .post(`${API}/projects`)
        .set('Host', pizza.host)
        .send({ slug: 'kitchen', name: 'Kitchen' })
        .expect(201)
    ).body.id
    await t
      .as(pizza.owner)
      .post(`${API}/members`)
      .set('Host', pizza.host)
      .send({ email: 'bob@pizza.test', role: 'staff' })
      .expect(201)
    await addToProject(t, pizza.id, kitchen, 'bob@pizza.test')
  })
  afterAll(async () => {
    for (const c of clients) c.socket.disconnect()
    await t?.close()
  })

  it('lets a member invite a guest-NNNN into one project’s chat, and nowhere else', async () => {
    const invite = await t
      .as(pizza.owner)
      .post(`${API}/chat/projects/${main}/guests`)
      .set('Host', pizza.host)
      .send({})
      .expect(201)
    const { token, guestId } = invite.body as { token: string; guestId: string }
    expect(guestId).toMatch(/^guest-\d{4,}$/)
    const stored = await t.engine.database.asOwner((k) =>
      k('chat_guests').where({ guest_id: guestId }).first(),
    )
    expect(stored).toMatchObject({ project_id: main, tenant_id: pizza.id })

    const ownerSocket = await connectChat(t.url, {
      token: await t.tokenFor(pizza.owner),
      host: pizza.host,
    })
    const guestSocket = await connectChat(t.url, { token, host: pizza.host })
    clients.push(ownerSocket, guestSocket)
    expect(await ownerSocket.request('chat:join', { projectId: main })).toMatchObject({ ok: true })
    expect(await guestSocket.request('chat:join', { projectId: main })).toMatchObject({ ok: true })
    expect(await guestSocket.request('chat:join', { projectId: kitchen })).toMatchObject({
      ok: false,
      error: { code: 'CHAT_NOT_A_MEMBER' },
    })

    const opened = await t.http
      .post(`${API}/chat/projects/${main}/sessions`)
      .set('Host', pizza.host)
      .set(bearer(token))
      .send({})
      .expect(201)
    await t.http
      .post(`${API}/chat/sessions/${opened.body.session.id}/actions`)
      .set('Host', pizza.host)
      .set(bearer(token))
      .send({ action: 'review' })
      .expect(202)
    expect(await ownerSocket.next('chat:action', (m) => m.action === 'review')).toMatchObject({
      from: guestId,
      projectId: main,
    })

    await t.http
      .post(`${API}/chat/projects/${kitchen}/sessions`)
      .set('Host', pizza.host)
      .set(bearer(token))
      .send({})
      .expect(403)
    await t.http
      .post(`${API}/chat/projects/${main}/guests`)
      .set('Host', pizza.host)
      .set(bearer(token))
      .send({})
      .expect(403)
    await t.http
      .post(`${API}/chat/projects/${main}/sessions`)
      .set('Host', burger.host)
      .set(bearer(token))
      .send({})
      .expect(403)
  })

  it('refuses an invitation from someone outside the project', async () => {
    const res = await t
      .as('bob@pizza.test')
      .post(`${API}/chat/projects/${main}/guests`)
      .set('Host', pizza.host)
      .send({})
      .expect(403)
    expect(res.body.error.code).toBe('CHAT_NOT_A_MEMBER')
  })
})
