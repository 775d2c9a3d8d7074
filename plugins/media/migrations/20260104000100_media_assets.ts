import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // One uploaded image and its variants. Objects live under `t/<tenant>/<asset id>/…` in storage.
  await createTenantTable(knex, 'media_assets', (t) => {
    t.string('key_prefix', 200).notNullable()
    t.string('original_type', 40).notNullable()
    t.integer('width').notNullable()
    t.integer('height').notNullable()
    t.integer('bytes').notNullable()
    // [{ key, format, width, height, bytes, contentType, etag }]
    t.jsonb('variants').notNullable().defaultTo('[]')
    // From EXIF DateTimeOriginal; everything else in the EXIF (GPS, device) is dropped.
    t.timestamp('captured_at', { useTz: true }).nullable()
    // Who uses it, e.g. `catalog.product:<uuid>`; null until attached (orphan cleanup reclaims those).
    t.string('owner', 200).nullable()
    t.index(['tenant_id', 'owner'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('media_assets')
}
