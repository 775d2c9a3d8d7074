// Test set-up for the brokerage plugin: the engine with tenancy and brokerage only, tenants with
// an owner, a staff member (the seed's `user`) and a readonly member.
import { createTestApp, type TestApp } from '@oo/core/testing'
import tenancy from '../../tenancy/index.js'
import brokerage from '../index.js'

export const A = '/api/v1/admin'

export function bootBrokerage(extra: Parameters<typeof createTestApp>[0]['plugins'] = []) {
  return createTestApp({ plugins: [tenancy(), brokerage(), ...extra] })
}

export interface Desk {
  id: string
  host: string
  owner: string
  staff: string
  readonly: string
}

export async function seedDesk(t: TestApp, slug: string): Promise<Desk> {
  const tenant = await t.seedTenant(slug)
  const desk = {
    id: tenant.id,
    host: tenant.host,
    owner: tenant.owner,
    staff: `trader@${slug}.test`,
    readonly: `auditor@${slug}.test`,
  }
  for (const [email, role] of [
    [desk.staff, 'staff'],
    [desk.readonly, 'readonly'],
  ] as const) {
    await t
      .as(tenant.owner)
      .post(`${A}/members`)
      .set('Host', tenant.host)
      .send({ email, role })
      .expect(201)
    await t.as(email).get(`${A}/me`).set('Host', tenant.host).expect(200)
  }
  return desk
}

/** Requests as `email` on the desk's host. */
export function on(t: TestApp, desk: Desk, email = desk.owner) {
  const as = t.as(email)
  return {
    get: (p: string) => as.get(`${A}${p}`).set('Host', desk.host),
    post: (p: string, body?: object) => as.post(`${A}${p}`).set('Host', desk.host).send(body),
    put: (p: string, body?: object) => as.put(`${A}${p}`).set('Host', desk.host).send(body),
    delete: (p: string) => as.delete(`${A}${p}`).set('Host', desk.host),
  }
}

/** A supplier with a plant, a customer, a carrier and two product types. */
export async function seedParties(t: TestApp, desk: Desk) {
  const api = on(t, desk)
  const supplier = (
    await api
      .post('/brokerage-suppliers', {
        name: 'Prairie Packers',
        capabilities: ['boxed beef', 'trim'],
        certifications: ['USDA', 'halal'],
        qualityRating: 4,
      })
      .expect(201)
  ).body
  const customer = (
    await api
      .post('/brokerage-customers', {
        name: 'Harbor Foods',
        creditLimitMinor: 50_000_000,
        paymentTermsDays: 30,
      })
      .expect(201)
  ).body
  const carrier = (
    await api.post('/brokerage-carriers', { name: 'Reefer Lines', mcNumber: 'MC-1234' }).expect(201)
  ).body
  const plant = (
    await api
      .post('/brokerage-plants', {
        name: 'Omaha Cold Store',
        kind: 'warehouse',
        city: 'Omaha',
        country: 'US',
        supplierId: supplier.id,
      })
      .expect(201)
  ).body
  const chuck = (
    await api.post('/brokerage-product-types', { name: 'Chuck roll', protein: 'beef' }).expect(201)
  ).body
  const bellies = (
    await api
      .post('/brokerage-product-types', { name: 'Pork bellies', protein: 'pork' })
      .expect(201)
  ).body
  return { supplier, customer, carrier, plant, chuck, bellies }
}
export type Parties = Awaited<ReturnType<typeof seedParties>>

export function purchaseOrder(p: Parties, lines?: object[]) {
  return {
    supplierId: p.supplier.id,
    plantId: p.plant.id,
    carrierId: p.carrier.id,
    pickupDate: '2026-03-02',
    deliveryDate: '2026-03-04',
    lines: lines ?? [
      { productTypeId: p.chuck.id, weight: 40_000, pricePerUnitMinor: 312.5 },
      { productTypeId: p.bellies.id, weight: 20_000, pricePerUnitMinor: 189 },
    ],
  }
}
