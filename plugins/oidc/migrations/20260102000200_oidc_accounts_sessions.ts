import type { Knex } from 'knex'
import { grantPlatformTable } from '@oo/core'

export async function up(knex: Knex): Promise<void> {
  // Local accounts of the built-in development issuer (platform-wide, like users).
  await knex.schema.createTable('oidc_accounts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.string('email', 320).notNullable().unique()
    t.text('password_hash').notNullable()
    t.string('name', 200).nullable()
    t.boolean('email_verified').notNullable().defaultTo(false)
    t.integer('failed_attempts').notNullable().defaultTo(0)
    t.timestamp('locked_until', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await knex.raw(
    `alter table oidc_accounts add constraint oidc_accounts_email_lower check (email = lower(email))`,
  )
  await grantPlatformTable(knex, 'oidc_accounts', 'select, insert, update')

  // One-time tokens (password reset, email verification); only their hash is stored.
  await knex.schema.createTable('oidc_account_tokens', (t) => {
    t.string('token_hash', 64).primary()
    t.uuid('account_id').notNullable().references('id').inTable('oidc_accounts').onDelete('CASCADE')
    t.string('purpose', 16).notNullable()
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.timestamp('used_at', { useTz: true }).nullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await grantPlatformTable(knex, 'oidc_account_tokens', 'select, insert, update')

  // Mail the issuer would send; an admin (or a test) reads it here.
  await knex.schema.createTable('oidc_mail_outbox', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'))
    t.string('to_address', 320).notNullable().index()
    t.string('subject', 200).notNullable()
    t.text('body').notNullable()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await grantPlatformTable(knex, 'oidc_mail_outbox', 'select, insert')

  // oidc-provider's state (interactions, codes, sessions, grants) so every process shares it.
  await knex.schema.createTable('oidc_provider_store', (t) => {
    t.string('model', 40).notNullable()
    t.string('id', 255).notNullable()
    t.jsonb('payload').notNullable()
    t.string('grant_id', 255).nullable().index()
    t.string('uid', 255).nullable().index()
    t.string('user_code', 255).nullable()
    t.timestamp('expires_at', { useTz: true }).nullable()
    t.primary(['model', 'id'])
  })
  await grantPlatformTable(knex, 'oidc_provider_store')

  // Browser sessions (backend-for-frontend). The cookie holds a random id; we store its hash.
  await knex.schema.createTable('oidc_sessions', (t) => {
    t.string('id_hash', 64).primary()
    t.jsonb('principal').notNullable()
    t.string('csrf', 64).notNullable()
    t.string('issuer', 500).notNullable()
    t.text('id_token').nullable()
    t.timestamp('expires_at', { useTz: true }).notNullable().index()
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
  await grantPlatformTable(knex, 'oidc_sessions')
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'oidc_sessions',
    'oidc_provider_store',
    'oidc_mail_outbox',
    'oidc_account_tokens',
    'oidc_accounts',
  ])
    await knex.schema.dropTable(table)
}
