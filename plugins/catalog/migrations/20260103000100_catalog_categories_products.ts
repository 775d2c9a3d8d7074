import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // Menu sections (restaurants) and produce groups (farm hubs).
  await createTenantTable(knex, 'catalog_categories', (t) => {
    t.string('slug', 100).notNullable()
    t.string('name', 200).notNullable()
    t.text('description').nullable()
    t.integer('position').notNullable().defaultTo(0)
    t.unique(['tenant_id', 'slug'])
  })

  await createTenantTable(knex, 'catalog_products', (t) => {
    t.string('slug', 120).notNullable()
    t.string('name', 200).notNullable()
    t.text('description').notNullable().defaultTo('')
    t.bigInteger('price_minor').notNullable()
    t.string('currency', 3).notNullable()
    t.integer('stock_qty').notNullable().defaultTo(0)
    t.string('unit', 20).notNullable().defaultTo('piece')
    t.uuid('category_id')
      .nullable()
      .references('id')
      .inTable('catalog_categories')
      .onDelete('SET NULL')
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}')
    t.boolean('active').notNullable().defaultTo(true)
    // The owning farmer or vendor: a platform user who is a member of the tenant.
    t.uuid('farmer_id').nullable().references('id').inTable('users').onDelete('SET NULL')
    // Traceability.
    t.string('origin_farm', 200).nullable()
    t.string('origin_location', 300).nullable()
    t.date('harvest_date').nullable()
    t.string('lot_code', 64).nullable()
    // Bumped on every change; part of the storefront ETag and the cache key.
    t.integer('version').notNullable().defaultTo(1)
    t.unique(['tenant_id', 'slug'])
    t.index(['tenant_id', 'category_id'])
  })
  await knex.raw(`alter table catalog_products
    add constraint catalog_products_price_check check (price_minor >= 0),
    add constraint catalog_products_stock_check check (stock_qty >= 0),
    add constraint catalog_products_currency_check check (currency ~ '^[A-Z]{3}$'),
    add column search tsvector generated always as (
      setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
      setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
      setweight(to_tsvector('english', coalesce(origin_farm, '')), 'C')) stored`)
  await knex.raw(`create index catalog_products_search on catalog_products using gin (search)`)
  await knex.raw(`create index catalog_products_tags on catalog_products using gin (tags)`)
  await knex.raw(
    `create index catalog_products_active_name on catalog_products (tenant_id, name) where active`,
  )

  // Ordered images of a product; the asset (and its objects) belong to the media plugin.
  await createTenantTable(knex, 'catalog_product_images', (t) => {
    t.uuid('product_id')
      .notNullable()
      .references('id')
      .inTable('catalog_products')
      .onDelete('CASCADE')
    t.uuid('asset_id').notNullable().references('id').inTable('media_assets').onDelete('CASCADE')
    t.integer('position').notNullable().defaultTo(0)
    t.string('alt', 300).nullable()
    t.unique(['product_id', 'asset_id'])
    t.index(['product_id', 'position'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['catalog_product_images', 'catalog_products', 'catalog_categories'])
    await knex.schema.dropTable(table)
}
