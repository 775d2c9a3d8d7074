// Helpers for the brokerage migrations (outside migrations/, which knex reads as migrations).
import type { Knex } from 'knex'

/**
 * A reference to another brokerage table of the same tenant. Foreign-key checks bypass
 * row-level security, so a plain `references('id')` would accept another tenant's id; the
 * pair (tenant_id, x_id) → (tenant_id, id) makes the database refuse it too.
 */
export function sameTenantRef(
  t: Knex.CreateTableBuilder,
  column: string,
  table: string,
  opts: { nullable?: boolean; onDelete?: 'CASCADE' | 'RESTRICT' } = {},
): void {
  const col = t.uuid(column)
  if (opts.nullable) col.nullable()
  else col.notNullable()
  t.foreign(['tenant_id', column])
    .references(['tenant_id', 'id'])
    .inTable(table)
    .onDelete(opts.onDelete ?? 'RESTRICT')
  t.index(['tenant_id', column])
}
