import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // An uploaded document, its text and the draft the assistant made of it, until the user
  // confirms it (and the purchase order it became) or discards it.
  await createTenantTable(knex, 'assistant_document_drafts', (t) => {
    t.string('status', 16).notNullable().defaultTo('pending')
    t.string('file_name', 255).nullable()
    t.string('provider', 20).notNullable()
    t.text('text').notNullable()
    t.jsonb('draft').notNullable()
    // No foreign key: the purchase orders belong to another plugin.
    t.uuid('purchase_order_id').nullable()
    t.integer('purchase_order_number').nullable()
    t.string('created_by', 100).nullable()
    t.index(['tenant_id', 'status', 'created_at'])
  })
  await knex.raw(
    `alter table assistant_document_drafts add constraint assistant_document_drafts_status check (status in ('pending','confirmed','discarded'))`,
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('assistant_document_drafts')
}
