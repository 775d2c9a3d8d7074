import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'
import { sameTenantRef } from '../schema.js'

const check = (table: string, name: string, sql: string) =>
  `alter table ${table} add constraint ${table}_${name} check (${sql})`

export async function up(knex: Knex): Promise<void> {
  // Per-tenant document numbers (PO 1, 2, …; invoices 1, 2, …): one row per tenant and series,
  // bumped in the writing transaction, so numbers are gapless unless that transaction rolls back.
  await createTenantTable(knex, 'brokerage_counters', (t) => {
    t.string('series', 20).notNullable()
    t.bigInteger('value').notNullable().defaultTo(0)
    t.unique(['tenant_id', 'series'])
  })

  await createTenantTable(knex, 'brokerage_purchase_orders', (t) => {
    t.integer('number').notNullable()
    t.string('status', 16).notNullable().defaultTo('draft')
    sameTenantRef(t, 'supplier_id', 'brokerage_suppliers')
    sameTenantRef(t, 'plant_id', 'brokerage_plants')
    sameTenantRef(t, 'carrier_id', 'brokerage_carriers', { nullable: true })
    t.date('pickup_date').nullable()
    t.date('delivery_date').nullable()
    t.string('currency', 3).notNullable().defaultTo('USD')
    t.string('weight_unit', 2).notNullable().defaultTo('lb')
    t.bigInteger('total_minor').notNullable().defaultTo(0)
    t.text('notes').nullable()
    t.string('created_by', 100).nullable()
    t.unique(['tenant_id', 'number'])
    t.unique(['tenant_id', 'id'])
    t.index(['tenant_id', 'status'])
  })
  await createTenantTable(knex, 'brokerage_purchase_order_lines', (t) => {
    sameTenantRef(t, 'purchase_order_id', 'brokerage_purchase_orders', { onDelete: 'CASCADE' })
    t.integer('line_no').notNullable()
    sameTenantRef(t, 'product_type_id', 'brokerage_product_types')
    t.decimal('weight', 14, 3).notNullable()
    t.decimal('price_per_unit_minor', 14, 4).notNullable()
    t.bigInteger('line_total_minor').notNullable()
    t.unique(['purchase_order_id', 'line_no'])
    t.unique(['tenant_id', 'id'])
  })

  await createTenantTable(knex, 'brokerage_sales_orders', (t) => {
    t.integer('number').notNullable()
    t.string('status', 16).notNullable().defaultTo('draft')
    sameTenantRef(t, 'customer_id', 'brokerage_customers')
    sameTenantRef(t, 'plant_id', 'brokerage_plants', { nullable: true })
    t.date('delivery_date').nullable()
    t.string('currency', 3).notNullable().defaultTo('USD')
    t.string('weight_unit', 2).notNullable().defaultTo('lb')
    t.bigInteger('total_minor').notNullable().defaultTo(0)
    t.text('notes').nullable()
    t.string('created_by', 100).nullable()
    t.unique(['tenant_id', 'number'])
    t.unique(['tenant_id', 'id'])
    t.index(['tenant_id', 'status'])
  })
  await createTenantTable(knex, 'brokerage_sales_order_lines', (t) => {
    sameTenantRef(t, 'sales_order_id', 'brokerage_sales_orders', { onDelete: 'CASCADE' })
    t.integer('line_no').notNullable()
    sameTenantRef(t, 'product_type_id', 'brokerage_product_types')
    // The purchase-order line this sale is sourced from: the link, and the cost for margins.
    sameTenantRef(t, 'purchase_order_line_id', 'brokerage_purchase_order_lines', {
      nullable: true,
    })
    t.decimal('weight', 14, 3).notNullable()
    t.decimal('price_per_unit_minor', 14, 4).notNullable()
    t.bigInteger('line_total_minor').notNullable()
    t.unique(['sales_order_id', 'line_no'])
  })

  await createTenantTable(knex, 'brokerage_invoices', (t) => {
    t.integer('number').notNullable()
    t.string('status', 16).notNullable().defaultTo('draft')
    sameTenantRef(t, 'sales_order_id', 'brokerage_sales_orders')
    sameTenantRef(t, 'customer_id', 'brokerage_customers')
    t.string('currency', 3).notNullable()
    t.bigInteger('subtotal_minor').notNullable()
    t.integer('tax_rate_bp').notNullable().defaultTo(0)
    t.bigInteger('tax_minor').notNullable().defaultTo(0)
    t.bigInteger('total_minor').notNullable()
    t.bigInteger('paid_minor').notNullable().defaultTo(0)
    t.date('issued_on').nullable()
    t.date('due_date').nullable()
    t.string('created_by', 100).nullable()
    t.unique(['tenant_id', 'number'])
    t.unique(['tenant_id', 'id'])
    t.index(['tenant_id', 'status', 'due_date'])
  })
  await createTenantTable(knex, 'brokerage_payments', (t) => {
    sameTenantRef(t, 'invoice_id', 'brokerage_invoices')
    t.bigInteger('amount_minor').notNullable()
    t.date('received_on').notNullable()
    t.string('method', 20).notNullable().defaultTo('wire')
    t.string('reference', 120).nullable()
    t.string('created_by', 100).nullable()
  })

  // Who moved which document from what status to what, when and why.
  await createTenantTable(knex, 'brokerage_status_history', (t) => {
    t.string('entity', 20).notNullable()
    t.uuid('entity_id').notNullable()
    t.string('from_status', 16).nullable()
    t.string('to_status', 16).notNullable()
    t.string('actor_id', 100).nullable()
    t.string('actor_label', 320).nullable()
    t.string('reason', 500).nullable()
    t.index(['tenant_id', 'entity_id', 'created_at'])
  })

  await knex.raw(check('brokerage_purchase_order_lines', 'weight', 'weight > 0'))
  await knex.raw(check('brokerage_purchase_order_lines', 'price', 'price_per_unit_minor >= 0'))
  await knex.raw(check('brokerage_sales_order_lines', 'weight', 'weight > 0'))
  await knex.raw(check('brokerage_sales_order_lines', 'price', 'price_per_unit_minor >= 0'))
  await knex.raw(check('brokerage_payments', 'amount', 'amount_minor > 0'))
  await knex.raw(check('brokerage_invoices', 'paid', 'paid_minor between 0 and total_minor'))
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'status_history',
    'payments',
    'invoices',
    'sales_order_lines',
    'sales_orders',
    'purchase_order_lines',
    'purchase_orders',
    'counters',
  ])
    await knex.schema.dropTableIfExists(`brokerage_${table}`)
}
