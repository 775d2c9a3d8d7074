import { OoError } from '@oo/core'

interface PgError {
  code?: string
  constraint?: string
  detail?: string
}

function pgError(err: unknown): PgError | undefined {
  if (!err || typeof err !== 'object') return undefined
  const native = (err as { nativeError?: unknown }).nativeError ?? err
  return typeof (native as PgError).code === 'string' ? (native as PgError) : undefined
}

/** `brokerage_plants_tenant_id_supplier_id_foreign` → `supplierId`. */
function fieldOf(constraint: string | undefined): string | undefined {
  const column = /_tenant_id_(\w+?)_foreign$/.exec(constraint ?? '')?.[1]
  return column?.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
}

/**
 * The database's refusals as the client's errors: a reference to a row this tenant does not
 * have (the same-tenant foreign keys), a name already taken, a row still referenced.
 */
export function translateDbError(err: unknown, op: 'write' | 'delete' = 'write'): never {
  const pg = pgError(err)
  // 23001: ON DELETE RESTRICT; 23503: a foreign key that names no row
  if ((pg?.code === '23503' || pg?.code === '23001') && op === 'delete')
    throw new OoError('BROKERAGE_IN_USE', 409, 'Other records still refer to this one', {
      cause: err,
      details: { constraint: pg.constraint },
    })
  if (pg?.code === '23503') {
    const field = fieldOf(pg.constraint)
    throw new OoError(
      'BROKERAGE_REFERENCE_NOT_FOUND',
      422,
      `${field ?? 'A reference'} names no record of this tenant`,
      {
        cause: err,
        field,
      },
    )
  }
  if (pg?.code === '23505')
    throw new OoError('BROKERAGE_NAME_TAKEN', 409, 'A record with this name already exists', {
      cause: err,
      field: 'name',
    })
  throw err
}
