import type { Knex } from 'knex'
import { APP_ROLE, createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // One row per tenant, plugin (scope) and top-level settings key: the source of truth.
  await createTenantTable(knex, 'service_configs', (t) => {
    t.string('scope', 63).notNullable()
    t.string('key', 100).notNullable()
    t.jsonb('value').notNullable()
    t.integer('version').notNullable()
    t.string('updated_by', 200).nullable()
    t.unique(['tenant_id', 'scope', 'key'])
  })
  await knex.raw(
    `alter table service_configs add constraint service_configs_version_positive check (version > 0)`,
  )

  // Append-only: the engine role may insert and read, never rewrite the past.
  await createTenantTable(knex, 'config_history', (t) => {
    t.string('scope', 63).notNullable()
    t.string('key', 100).notNullable()
    t.integer('version').notNullable()
    t.jsonb('old_value').nullable()
    t.jsonb('new_value').notNullable()
    t.string('actor', 200).nullable()
    t.string('reason', 500).nullable()
    t.unique(['tenant_id', 'scope', 'key', 'version'])
  })
  await knex.raw(`revoke update, delete on config_history from ${APP_ROLE}`)

  // The reconcile loop compares versions across all tenants in one query. Versions only: the
  // values stay behind row-level security and are read inside each tenant's transaction.
  await knex.raw(`
    create function oo_config_versions() returns table (tenant_id uuid, scope text, key text, version integer)
    language sql stable security definer set search_path = public as $$
      select c.tenant_id, c.scope::text, c.key::text, c.version from service_configs c
    $$`)
  await knex.raw(`revoke all on function oo_config_versions() from public`)
  await knex.raw(`grant execute on function oo_config_versions() to ${APP_ROLE}`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function oo_config_versions()')
  await knex.schema.dropTable('config_history')
  await knex.schema.dropTable('service_configs')
}
