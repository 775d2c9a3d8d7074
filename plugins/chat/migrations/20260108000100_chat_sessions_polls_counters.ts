import type { Knex } from 'knex'
import { createTenantTable } from '@oo/core'

// No messages table, by design: chat content is canned ids, fanned out and counted, never kept.
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'chat_sessions', (t) => {
    t.uuid('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE')
    // users.id for members, `guest-NNNN` for guests: never a name or an email.
    t.string('participant_id', 64).notNullable()
    t.string('status', 8).notNullable().defaultTo('active')
    // Taken after the per-participant lock, so FIFO order is the order sessions really opened.
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.raw('clock_timestamp()'))
    t.timestamp('closed_at', { useTz: true }).nullable()
    t.string('close_reason', 16).nullable()
  })
  await knex.raw(
    `alter table chat_sessions add constraint chat_sessions_status_check check (status in ('active','closed'))`,
  )
  await knex.raw(
    `create index chat_sessions_active on chat_sessions (tenant_id, project_id, participant_id, opened_at) where status = 'active'`,
  )

  await createTenantTable(knex, 'chat_guests', (t) => {
    t.uuid('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE')
    t.string('guest_id', 64).notNullable()
    t.string('invited_by', 64).notNullable()
    t.timestamp('expires_at', { useTz: true }).notNullable()
    t.unique(['project_id', 'guest_id'])
  })

  await createTenantTable(knex, 'chat_polls', (t) => {
    t.uuid('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE')
    t.string('template', 32).notNullable()
    t.jsonb('choices').notNullable()
    t.string('status', 8).notNullable().defaultTo('open')
    t.string('created_by', 64).notNullable()
    t.timestamp('closed_at', { useTz: true }).nullable()
  })
  await knex.raw(
    `alter table chat_polls add constraint chat_polls_status_check check (status in ('open','closed'))`,
  )

  await createTenantTable(knex, 'chat_poll_votes', (t) => {
    t.uuid('poll_id').notNullable().references('id').inTable('chat_polls').onDelete('CASCADE')
    t.string('voter_id', 64).notNullable()
    t.string('choice', 16).notNullable()
    t.unique(['poll_id', 'voter_id'])
  })

  // Aggregates per channel (project) and metric, e.g. `action:ready`, `poll:vote`.
  await createTenantTable(knex, 'chat_counters', (t) => {
    t.uuid('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE')
    t.string('metric', 48).notNullable()
    t.bigInteger('count').notNullable().defaultTo(0)
    t.unique(['tenant_id', 'project_id', 'metric'])
  })
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'chat_counters',
    'chat_poll_votes',
    'chat_polls',
    'chat_guests',
    'chat_sessions',
  ])
    await knex.schema.dropTable(table)
}
