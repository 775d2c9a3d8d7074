import { Model, raw, snakeCaseMappers, type ModelOptions, type Pojo } from 'objection'
import { CURRENT_TENANT_SQL } from './rls.js'

/**
 * The base of a plugin's Objection models for tables made by `createTenantTable`: camelCase
 * properties over snake_case columns, `id`, `tenantId` and timestamps, relations like any
 * Objection model. A TenantModel is never bound to a knex: every query names the tenant
 * transaction it runs in — `db.tx(async (trx) => Supplier.query(trx).withGraphFetched('contacts'))` —
 * so it runs as `oo_app` under the tenant's row-level security, relations and graph inserts
 * included (Objection runs them on the root query's transaction). A query without one fails
 * ("no database connection") instead of reaching the database outside a tenant.
 * Properties are camelCase; `where`, `orderBy` and relation `join`s name the snake_case columns.
 */
export class TenantModel extends Model {
  id!: string
  tenantId!: string
  createdAt!: Date
  updatedAt!: Date

  static override get columnNameMappers() {
    return snakeCaseMappers()
  }

  /**
   * Properties (camelCase) whose columns PostgreSQL returns as strings (`numeric`, `bigint`) and
   * the model reads as numbers. Only for values that fit a double (weights, prices in minor units, counts).
   */
  static numberColumns: readonly string[] = []

  /**
   * Properties whose columns are SQL `date`s, read as `YYYY-MM-DD` strings. The drivers turn a
   * date into a Date at midnight — local midnight (pg), UTC midnight (PGlite) — so the same row
   * would read as different days in different time zones.
   */
  static dateColumns: readonly string[] = []

  /**
   * The tenant is taken from the transaction's binding, the same value RLS checks, never from
   * the caller: a model cannot be written into another tenant, and a write outside a tenant
   * transaction fails on `tenant_id not null`. Read the row back with `.returning('*')` or
   * `insertAndFetch` to see the id it got.
   */
  override $beforeInsert(): void {
    ;(this as { tenantId: unknown }).tenantId = raw(CURRENT_TENANT_SQL)
  }

  override $beforeUpdate(): void {
    this.updatedAt = new Date()
  }

  override $parseDatabaseJson(json: Pojo): Pojo {
    const parsed = super.$parseDatabaseJson(json)
    for (const column of (this.constructor as typeof TenantModel).numberColumns) {
      const value = parsed[column]
      if (typeof value === 'string') parsed[column] = Number(value)
    }
    for (const column of (this.constructor as typeof TenantModel).dateColumns) {
      const value = parsed[column]
      if (value instanceof Date) parsed[column] = calendarDay(value)
    }
    return parsed
  }

  override $formatJson(json: Pojo): Pojo {
    const out = super.$formatJson(json)
    // Before `.returning('*')` the tenant is still the SQL expression, which is no value to show.
    if (typeof out.tenantId !== 'string') delete out.tenantId
    return out
  }

  override $setJson(json: Pojo, options?: ModelOptions): this {
    // A client-sent tenantId is ignored (the binding decides), so it need not be validated either.
    const { tenantId: _ignored, ...rest } = json
    return super.$setJson(rest, options)
  }
}

/** The calendar day a driver meant by a midnight Date (local for pg, UTC for PGlite). */
function calendarDay(d: Date): string {
  const utcMidnight = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0
  const [y, m, day] = utcMidnight
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate()]
  return `${y}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}
