import type { Knex } from 'knex'
import { APP_ROLE, createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // A short number people can read out at the counter; uuids stay the identity.
  await knex.raw('create sequence orders_number_seq start 1001')
  await knex.raw(`grant usage on sequence orders_number_seq to ${APP_ROLE}`)

  await createTenantTable(knex, 'orders', (t) => {
    t.bigInteger('number').notNullable().defaultTo(knex.raw(`nextval('orders_number_seq')`))
    t.string('status', 16).notNullable().defaultTo('placed')
    t.string('customer_name', 200).nullable()
    t.string('customer_phone', 40).nullable()
    t.string('pickup_name', 200).nullable()
    t.string('note', 500).nullable()
    t.string('currency', 3).nullable()
    t.bigInteger('total_minor').notNullable().defaultTo(0)
    t.string('idempotency_key', 200).nullable()
    t.string('request_hash', 64).nullable()
    t.timestamp('placed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('status_changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    // The idempotency guarantee: a second insert with the same key waits for the first, then conflicts.
    t.unique(['tenant_id', 'idempotency_key'])
    t.index(['tenant_id', 'status', 'placed_at'])
    t.index(['tenant_id', 'placed_at'])
  })
  await knex.raw(
    `alter table orders add constraint orders_status_check check (status in ('placed','accepted','preparing','ready','completed','cancelled'))`,
  )

  await createTenantTable(knex, 'order_lines', (t) => {
    t.uuid('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE')
    t.integer('line_no').notNullable()
    t.string('product_id', 64).notNullable()
    t.string('name', 300).notNullable()
    t.integer('quantity').notNullable()
    t.bigInteger('unit_price_minor').notNullable()
    t.string('currency', 3).notNullable()
    t.string('category_id', 64).nullable()
    t.string('category_slug', 200).nullable()
    t.string('farmer_id', 64).nullable()
    t.unique(['order_id', 'line_no'])
    t.index(['tenant_id', 'farmer_id'])
  })
  await knex.raw(
    'alter table order_lines add constraint order_lines_quantity_check check (quantity > 0)',
  )

  await createTenantTable(knex, 'order_history', (t) => {
    t.uuid('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE')
    t.string('from_status', 16).nullable()
    t.string('to_status', 16).notNullable()
    t.string('actor_kind', 16).notNullable()
    t.string('actor_id', 100).nullable()
    t.string('actor_label', 320).nullable()
    t.string('reason', 500).nullable()
    t.index(['order_id', 'created_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('order_history')
  await knex.schema.dropTable('order_lines')
  await knex.schema.dropTable('orders')
  await knex.raw('drop sequence orders_number_seq')
}
