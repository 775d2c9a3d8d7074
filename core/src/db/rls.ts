import type { Knex } from 'knex'
import { APP_ROLE } from './app-login.js'

/**
 * SQL for "the tenant bound to this transaction": NULL unless `app.tenant_id` carries the
 * engine's signature, checked by the owner's view `oo_bound_tenant` (see tenant-key.ts and
 * migrations/20261204000200_core_tenant_binding_view.ts). As an uncorrelated subquery it runs
 * once per statement and policy (an InitPlan), not once per row.
 */
export const CURRENT_TENANT_SQL = `(select tenant from public.oo_bound_tenant)`

/**
 * Protects a tenant table: ENABLE + FORCE row-level security, a policy confining the engine
 * role to the transaction's tenant, and the grants the engine role needs. The migration owner
 * keeps a maintenance policy (FORCE would otherwise lock it out of its own tables, e.g. in
 * SECURITY DEFINER look-ups and `oo demo reset`).
 */
export async function enableTenantRls(
  knex: Knex,
  table: string,
  column = 'tenant_id',
): Promise<void> {
  await knex.raw(`alter table ?? enable row level security`, [table])
  await knex.raw(`alter table ?? force row level security`, [table])
  await knex.raw(
    `create policy ${table}_tenant_isolation on ?? to ${APP_ROLE} using (?? = ${CURRENT_TENANT_SQL}) with check (?? = ${CURRENT_TENANT_SQL})`,
    [table, column, column],
  )
  await knex.raw(
    `create policy ${table}_owner_maintenance on ?? to current_user using (true) with check (true)`,
    [table],
  )
  await knex.raw(`grant select, insert, update, delete on ?? to ${APP_ROLE}`, [table])
}

/**
 * Creates a tenant table: `id uuid` primary key, `tenant_id` first after it (cascading from
 * tenants), timestamps, then RLS. `build` adds the plugin's own columns.
 */
export async function createTenantTable(
  knex: Knex,
  table: string,
  build: (t: Knex.CreateTableBuilder) => void,
): Promise<void> {
  await knex.schema.createTable(table, (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.uuid('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE')
    build(t)
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.index(['tenant_id'])
  })
  await enableTenantRls(knex, table)
}

/** Grants the engine role plain access to a platform (non-tenant) table. */
export async function grantPlatformTable(
  knex: Knex,
  table: string,
  privileges = 'select, insert, update, delete',
): Promise<void> {
  await knex.raw(`grant ${privileges} on ?? to ${APP_ROLE}`, [table])
}
