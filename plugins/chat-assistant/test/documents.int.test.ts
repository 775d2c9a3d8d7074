import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTestApp, type TestApp } from '@oo/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  A,
  on,
  seedDesk,
  seedParties,
  type Desk,
  type Parties,
} from '../../brokerage/test/helpers.js'
import brokerage from '../../brokerage/index.js'
import chat from '../../chat/index.js'
import tenancy from '../../tenancy/index.js'
import chatAssistant from '../index.js'
import { makePdf } from './pdf-fixture.js'

const CONFIRMATION = [
  'ORDER CONFIRMATION 55120',
  'Supplier: Prairie Packers Inc.',
  'Ship to: Omaha Cold Store',
  'Carrier: Reefer Lines',
  'Pickup date: 03/02/2026',
  'Delivery: 2026-03-04',
  'Chuck roll 40,000 lb @ $3.125/lb',
  'Pork bellies 20000 lbs at 1.89 per lb',
]

function upload(
  t: TestApp,
  desk: Desk,
  body: Buffer,
  type = 'application/pdf',
  email = desk.owner,
) {
  return t
    .as(email)
    .post(`${A}/assistant-documents`)
    .set('Host', desk.host)
    .set('Content-Type', type)
    .set('X-File-Name', 'confirmation-55120.pdf')
    .send(body)
}

describe('document assistant (rules provider)', () => {
  let t: TestApp
  let desk: Desk
  let other: Desk
  let p: Parties

  beforeAll(async () => {
    t = await createTestApp({
      plugins: [
        tenancy(),
        chat(),
        chatAssistant({ documents: { maxBytes: 64 * 1024 } }),
        brokerage(),
      ],
    })
    desk = await seedDesk(t, 'docs')
    other = await seedDesk(t, 'docs-other')
    p = await seedParties(t, desk)
  })
  afterAll(() => t?.close())

  it('turns an uploaded PDF into a draft, lets the user correct it, and confirms it into a purchase order', async () => {
    const res = await upload(t, desk, makePdf(CONFIRMATION)).expect(201)
    expect(res.body).toMatchObject({
      status: 'pending',
      provider: 'rules',
      fileName: 'confirmation-55120.pdf',
      draft: {
        supplierId: p.supplier.id,
        plantId: p.plant.id,
        carrierId: p.carrier.id,
        pickupDate: '2026-03-02',
        deliveryDate: '2026-03-04',
        lines: [
          { productTypeId: p.chuck.id, weight: 40_000, pricePerUnitMinor: 312.5 },
          { productTypeId: p.bellies.id, weight: 20_000, pricePerUnitMinor: 189 },
        ],
        warnings: [],
      },
    })
    expect(res.body.text).toContain('Chuck roll 40,000 lb')
    const api = on(t, desk)
    expect((await api.get('/brokerage-purchase-orders').expect(200)).body).toEqual([])

    const reviewed = { ...res.body.draft, lines: [{ ...res.body.draft.lines[0], weight: 39_500 }] }
    await api.put(`/assistant-documents/${res.body.id}`, { draft: reviewed }).expect(200)
    const confirmed = (await api.post(`/assistant-documents/${res.body.id}/confirm`).expect(200))
      .body
    expect(confirmed).toMatchObject({ status: 'confirmed', purchaseOrderNumber: 1 })

    const po = (
      await api.get(`/brokerage-purchase-orders/${confirmed.purchaseOrderId}`).expect(200)
    ).body
    expect(po).toMatchObject({
      status: 'draft',
      supplierId: p.supplier.id,
      notes: 'From document confirmation-55120.pdf',
      lines: [{ productTypeId: p.chuck.id, weight: 39_500, pricePerUnitMinor: 312.5 }],
    })
    const again = await api.post(`/assistant-documents/${res.body.id}/confirm`).expect(409)
    expect(again.body.error.code).toBe('ASSISTANT_DRAFT_CLOSED')
    expect((await api.get('/brokerage-purchase-orders').expect(200)).body).toHaveLength(1)
  })

  it('takes the same upload as base64 JSON, as the admin panel sends it', async () => {
    const res = await on(t, desk)
      .post('/assistant-documents', {
        fileName: 'from-panel.pdf',
        pdfBase64: makePdf(CONFIRMATION).toString('base64'),
      })
      .expect(201)
    expect(res.body).toMatchObject({
      fileName: 'from-panel.pdf',
      draft: { supplierId: p.supplier.id },
    })
  })

  it('confirms nothing while the draft misses what a purchase order needs, and names the field', async () => {
    const res = await upload(
      t,
      desk,
      makePdf(['Vendor: Nobody We Know', 'Chuck roll 100 lb @ 3.00']),
    ).expect(201)
    expect(res.body.draft).toMatchObject({ supplierId: null, plantId: null })
    expect(res.body.draft.warnings).toContain('No supplier named "Nobody We Know": pick one')
    const refused = await on(t, desk)
      .post(`/assistant-documents/${res.body.id}/confirm`)
      .expect(400)
    expect(refused.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'supplierId' })
    expect(
      (await on(t, desk).get(`/assistant-documents/${res.body.id}`).expect(200)).body.status,
    ).toBe('pending')
  })

  it('refuses what is not a readable PDF, and what is too large, with a 4xx naming the file', async () => {
    const notPdf = await upload(t, desk, Buffer.from('hello'), 'application/pdf').expect(415)
    expect(notPdf.body.error).toMatchObject({ code: 'ASSISTANT_NOT_A_PDF', field: 'file' })
    const wrongType = await upload(t, desk, makePdf(CONFIRMATION), 'text/plain').expect(415)
    expect(wrongType.body.error.code).toBe('ASSISTANT_NOT_A_PDF')
    const broken = await upload(t, desk, Buffer.from('%PDF-1.4\nthis is no pdf\n%%EOF')).expect(422)
    expect(broken.body.error).toMatchObject({ code: 'ASSISTANT_PDF_UNREADABLE', field: 'file' })
    const blank = await upload(t, desk, makePdf([])).expect(422)
    expect(blank.body.error.code).toBe('ASSISTANT_NO_TEXT')
    const asJson = await on(t, desk)
      .post('/assistant-documents', { fileName: 'x.pdf', pdfBase64: 'not base64!' })
      .expect(400)
    expect(asJson.body.error).toMatchObject({ code: 'OO_VALIDATION_FAILED', field: 'pdfBase64' })
    const huge = await upload(
      t,
      desk,
      Buffer.concat([makePdf(CONFIRMATION), Buffer.alloc(70 * 1024)]),
    ).expect(413)
    expect(huge.body.error).toMatchObject({ code: 'ASSISTANT_FILE_TOO_LARGE', field: 'file' })
  })

  it('keeps drafts to their tenant and the readonly role out', async () => {
    const res = await upload(t, desk, makePdf(CONFIRMATION)).expect(201)
    const theirs = on(t, other)
    expect((await theirs.get(`/assistant-documents/${res.body.id}`)).status).toBe(404)
    expect((await theirs.post(`/assistant-documents/${res.body.id}/confirm`)).status).toBe(404)
    expect((await theirs.get('/assistant-documents').expect(200)).body).toEqual([])
    expect(
      (await upload(t, desk, makePdf(CONFIRMATION), 'application/pdf', desk.readonly)).status,
    ).toBe(403)
    // The other tenant's parties are not in this tenant's vocabulary: nothing matches there.
    const elsewhere = await upload(t, other, makePdf(CONFIRMATION)).expect(201)
    expect(elsewhere.body.draft).toMatchObject({ supplierId: null, plantId: null, carrierId: null })
  })
})

describe('document assistant (LLM provider, against a local fake model)', () => {
  let t: TestApp
  let desk: Desk
  let p: Parties
  let server: Server
  let answer: (req: IncomingMessage, body: string) => { status: number; json?: unknown }
  const seen: { auth?: string; body: { model: string; messages: { content: string }[] } }[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(body) })
        const out = answer(req, body)
        res
          .writeHead(out.status, { 'content-type': 'application/json' })
          .end(JSON.stringify(out.json ?? {}))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`
    t = await createTestApp({
      plugins: [
        tenancy(),
        chat(),
        chatAssistant({
          documents: {
            provider: 'llm',
            llm: { url, apiKey: 'test-key-123', model: 'fake-1', timeoutMs: 2000 },
          },
        }),
        brokerage(),
      ],
    })
    desk = await seedDesk(t, 'llm-docs')
    p = await seedParties(t, desk)
  })
  afterAll(async () => {
    await t?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  it('sends the text and the tenant’s names with the key, and drafts from the JSON it gets back', async () => {
    answer = () => ({
      status: 200,
      json: {
        choices: [
          {
            message: {
              content: JSON.stringify({
                supplier: 'Prairie Packers',
                plant: 'Omaha Cold Store',
                carrier: null,
                pickupDate: '2026-03-02',
                deliveryDate: null,
                weightUnit: 'lb',
                lines: [{ product: 'Pork bellies', weight: 18_000, pricePerUnit: 1.95 }],
              }),
            },
          },
        ],
      },
    })
    const res = await upload(t, desk, makePdf(['BILL OF LADING 7781', 'bellies 18k lb'])).expect(
      201,
    )
    expect(res.body).toMatchObject({
      provider: 'llm',
      draft: {
        supplierId: p.supplier.id,
        plantId: p.plant.id,
        carrierId: null,
        lines: [{ productTypeId: p.bellies.id, weight: 18_000, pricePerUnitMinor: 195 }],
      },
    })
    const call = seen.at(-1)!
    expect(call.auth).toBe('Bearer test-key-123')
    expect(call.body.model).toBe('fake-1')
    expect(call.body.messages[1]!.content).toContain('BILL OF LADING 7781')
    expect(call.body.messages[1]!.content).toContain('Suppliers: Prairie Packers')
  })

  it('answers 502 when the model fails or talks nonsense, and stores no draft', async () => {
    answer = () => ({ status: 500 })
    const down = await upload(t, desk, makePdf(['anything'])).expect(502)
    expect(down.body.error.code).toBe('ASSISTANT_PROVIDER_FAILED')
    answer = () => ({
      status: 200,
      json: { choices: [{ message: { content: '{"lines": "many"}' } }] },
    })
    const nonsense = await upload(t, desk, makePdf(['anything'])).expect(502)
    expect(nonsense.body.error.code).toBe('ASSISTANT_PROVIDER_FAILED')
    expect((await on(t, desk).get('/assistant-documents').expect(200)).body).toHaveLength(1)
  })
})

describe('document assistant without a purchase-order desk', () => {
  it('answers 404 when brokerage is not listed', async () => {
    const t = await createTestApp({ plugins: [tenancy(), chat(), chatAssistant()] })
    try {
      const tenant = await t.seedTenant('no-desk')
      const res = await t
        .as(tenant.owner)
        .post(`${A}/assistant-documents`)
        .set('Host', tenant.host)
        .set('Content-Type', 'application/pdf')
        .send(makePdf(CONFIRMATION))
        .expect(404)
      expect(res.body.error.code).toBe('ASSISTANT_NO_DESK')
    } finally {
      await t.close()
    }
  })
})
