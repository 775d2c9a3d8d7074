import type { Knex } from 'knex'

// Delivered outbox rows are purged after a retention period: an index to find them by delivery
// time (dead rows, `failed_at`, are kept for inspection), and the right to delete them.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'create index oo_outbox_delivered on oo_outbox (dispatched_at) where dispatched_at is not null',
  )
  await knex.raw('grant delete on oo_outbox to oo_app')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('revoke delete on oo_outbox from oo_app')
  await knex.raw('drop index oo_outbox_delivered')
}
