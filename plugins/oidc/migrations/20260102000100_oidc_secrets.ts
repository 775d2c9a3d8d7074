import type { Knex } from 'knex'
import { grantPlatformTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // Engine secrets generated once on first boot and shared by every process (never a default).
  await knex.schema.createTable('oidc_secrets', (t) => {
    t.string('name', 100).primary()
    t.text('value').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await grantPlatformTable(knex, 'oidc_secrets', 'select, insert')
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oidc_secrets')
}
