import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'
import { sameTenantRef } from '../schema.js'

/** The columns every party shares; `created_by` lets the `staff` role edit only its own rows. */
function party(t: Knex.CreateTableBuilder): void {
  t.string('name', 200).notNullable()
  t.string('email', 320).nullable()
  t.string('phone', 40).nullable()
  t.text('notes').nullable()
  t.string('created_by', 100).nullable()
  t.unique(['tenant_id', 'name'])
  t.unique(['tenant_id', 'id'])
}

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'brokerage_suppliers', (t) => {
    party(t)
    t.jsonb('capabilities').notNullable().defaultTo('[]')
    t.jsonb('certifications').notNullable().defaultTo('[]')
    t.smallint('quality_rating').nullable()
  })
  await knex.raw(
    `alter table brokerage_suppliers add constraint brokerage_suppliers_rating check (quality_rating between 1 and 5)`,
  )
  await createTenantTable(knex, 'brokerage_customers', (t) => {
    party(t)
    t.jsonb('preferences').notNullable().defaultTo('[]')
    t.bigInteger('credit_limit_minor').notNullable().defaultTo(0)
    t.integer('payment_terms_days').notNullable().defaultTo(30)
  })
  await createTenantTable(knex, 'brokerage_carriers', (t) => {
    party(t)
    t.string('mc_number', 40).nullable()
  })
  await createTenantTable(knex, 'brokerage_product_types', (t) => {
    t.string('name', 200).notNullable()
    t.string('protein', 20).notNullable()
    t.text('description').nullable()
    t.string('created_by', 100).nullable()
    t.unique(['tenant_id', 'name'])
    t.unique(['tenant_id', 'id'])
  })
  await createTenantTable(knex, 'brokerage_plants', (t) => {
    t.string('name', 200).notNullable()
    t.string('kind', 20).notNullable()
    t.string('address_line', 300).nullable()
    t.string('city', 120).nullable()
    t.string('region', 120).nullable()
    t.string('postal_code', 20).nullable()
    t.string('country', 2).nullable()
    sameTenantRef(t, 'supplier_id', 'brokerage_suppliers', { nullable: true })
    sameTenantRef(t, 'customer_id', 'brokerage_customers', { nullable: true })
    t.string('created_by', 100).nullable()
    t.unique(['tenant_id', 'name'])
    t.unique(['tenant_id', 'id'])
  })
  await knex.raw(
    `alter table brokerage_plants add constraint brokerage_plants_kind check (kind in ('processing','distribution','warehouse'))`,
  )
  await createTenantTable(knex, 'brokerage_contacts', (t) => {
    t.string('name', 200).notNullable()
    t.string('title', 120).nullable()
    t.string('email', 320).nullable()
    t.string('phone', 40).nullable()
    sameTenantRef(t, 'supplier_id', 'brokerage_suppliers', { nullable: true, onDelete: 'CASCADE' })
    sameTenantRef(t, 'customer_id', 'brokerage_customers', { nullable: true, onDelete: 'CASCADE' })
    sameTenantRef(t, 'carrier_id', 'brokerage_carriers', { nullable: true, onDelete: 'CASCADE' })
    t.string('created_by', 100).nullable()
  })
  // A contact belongs to exactly one party.
  await knex.raw(
    `alter table brokerage_contacts add constraint brokerage_contacts_one_party check (num_nonnulls(supplier_id, customer_id, carrier_id) = 1)`,
  )
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['contacts', 'plants', 'product_types', 'carriers', 'customers', 'suppliers'])
    await knex.schema.dropTableIfExists(`brokerage_${table}`)
}
