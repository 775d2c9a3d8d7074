import { OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { z } from 'zod'
import { parseCsvRow } from './csv-rows.js'
import { csvRecords, CsvSyntaxError, toCsv } from './csv.js'
import { assertMayEdit, type Actor } from './actor.js'
import { translateDbError } from './db-errors.js'
import { listPage } from './list.js'
import { PARTY_KINDS, type PartyKind, type PartyResource } from './party-kinds.js'

export const PARTY_SORTABLE = ['name', 'createdAt', 'updatedAt'] as const

/** Parties and reference data (suppliers, customers, carriers, plants, contacts, product types). */
export class PartyService {
  readonly #db: TenantDb

  constructor({ db }: { db: TenantDb }) {
    this.#db = db
  }

  list(resource: PartyResource, query: ListQuery<Record<string, unknown>>) {
    const kind: PartyKind = PARTY_KINDS[resource]
    return this.#db.tx(async (trx) =>
      listPage(kind.model.query(trx), query, { filters: kind.filters, searchColumn: 'name' }),
    )
  }

  get(resource: PartyResource, id: string) {
    const kind: PartyKind = PARTY_KINDS[resource]
    return this.#db.tx(async (trx) => {
      const query = kind.model.query(trx).findById(id)
      const row = await (kind.graph ? query.withGraphFetched(kind.graph) : query)
      if (!row) throw notFound(kind, id)
      return row
    })
  }

  create(resource: PartyResource, body: Record<string, unknown>, actor: Actor) {
    const kind: PartyKind = PARTY_KINDS[resource]
    return this.#db
      .tx(async (trx) =>
        kind.model
          .query(trx)
          .insert({ ...body, createdBy: actor.id })
          .returning('*'),
      )
      .catch((err: unknown) => translateDbError(err))
  }

  update(resource: PartyResource, id: string, body: Record<string, unknown>, actor: Actor) {
    const kind: PartyKind = PARTY_KINDS[resource]
    return this.#db
      .tx(async (trx) => {
        const row = await kind.model.query(trx).findById(id).forUpdate()
        if (!row) throw notFound(kind, id)
        assertMayEdit(actor, row, `${kind.noun}s`)
        return kind.model.query(trx).patchAndFetchById(id, body)
      })
      .catch((err: unknown) => translateDbError(err))
  }

  remove(resource: PartyResource, id: string, actor: Actor) {
    const kind: PartyKind = PARTY_KINDS[resource]
    return this.#db
      .tx(async (trx) => {
        const row = await kind.model.query(trx).findById(id).forUpdate()
        if (!row) throw notFound(kind, id)
        assertMayEdit(actor, row, `${kind.noun}s`)
        await kind.model.query(trx).deleteById(id)
        return row
      })
      .catch((err: unknown) => translateDbError(err, 'delete'))
  }

  async exportCsv(resource: PartyResource): Promise<string> {
    const kind: PartyKind = PARTY_KINDS[resource]
    const rows = await this.#db.tx(async (trx) => kind.model.query(trx).orderBy('name'))
    return toCsv(kind.csv ?? [], rows as unknown as Record<string, unknown>[])
  }

  /**
   * Creates or updates (by name) one party per row, all or nothing: a bad row is a 400 naming
   * its line and column, and nothing is written.
   */
  async importCsv(resource: PartyResource, text: string, actor: Actor) {
    const kind: PartyKind = PARTY_KINDS[resource]
    const columns = kind.csv ?? []
    let parsed: ReturnType<typeof csvRecords>
    try {
      parsed = csvRecords(text, columns)
    } catch (err) {
      if (err instanceof CsvSyntaxError) throw csvError(err.message, `csv.line${err.line}`)
      throw err
    }
    if (!parsed.records.length) throw csvError('The CSV has no rows under its header', 'csv')
    if (parsed.unknownColumns.length)
      throw csvError(`Unknown columns: ${parsed.unknownColumns.join(', ')}`, 'csv.header')
    const bodies = parsed.records.map((record, i) =>
      parseCsvRow(kind.body as z.ZodType, record, i + 2),
    )
    return this.#db
      .tx(async (trx) => {
        let created = 0
        let updated = 0
        for (const body of bodies) {
          const existing = await kind.model.query(trx).findOne({ name: body.name as string })
          if (existing) {
            assertMayEdit(actor, existing, `${kind.noun}s`)
            await kind.model.query(trx).patch(body).where('id', existing.id)
            updated++
          } else {
            await kind.model.query(trx).insert({ ...body, createdBy: actor.id })
            created++
          }
        }
        return { created, updated }
      })
      .catch((err: unknown) => translateDbError(err))
  }
}

function notFound(kind: PartyKind, id: string): OoError {
  const code = `BROKERAGE_${kind.noun.replace(/ /g, '_').toUpperCase()}_NOT_FOUND`
  return new OoError(code, 404, `No ${kind.noun} ${id}`, { field: 'id' })
}

function csvError(message: string, field: string): OoError {
  return new OoError('BROKERAGE_CSV_INVALID', 400, message, { field })
}
