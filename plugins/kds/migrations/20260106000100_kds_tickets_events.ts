import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // The kitchen's view of each order: its items, their stations and bump marks.
  await createTenantTable(knex, 'kds_tickets', (t) => {
    t.uuid('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE')
    t.bigInteger('number').notNullable()
    t.string('status', 16).notNullable()
    t.string('label', 200).nullable()
    t.string('note', 500).nullable()
    t.timestamp('placed_at', { useTz: true }).notNullable()
    t.jsonb('items').notNullable()
    t.bigInteger('seq').notNullable()
    t.unique(['tenant_id', 'order_id'])
    t.index(['tenant_id', 'status'])
  })

  // What each screen was told, numbered per tenant, so a reconnecting screen can resume.
  await createTenantTable(knex, 'kds_events', (t) => {
    t.bigInteger('seq').notNullable()
    t.string('type', 32).notNullable()
    t.uuid('order_id').notNullable()
    t.jsonb('ticket').notNullable()
    t.unique(['tenant_id', 'seq'])
  })

  // One row per tenant: its last sequence number. Its row lock orders the tenant's kitchen writes.
  await createTenantTable(knex, 'kds_cursors', (t) => {
    t.bigInteger('seq').notNullable().defaultTo(0)
    t.unique(['tenant_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['kds_cursors', 'kds_events', 'kds_tickets'])
    await knex.schema.dropTable(table)
}
