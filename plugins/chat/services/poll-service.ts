import { OoError, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import type { ChatGateway, PollMessage } from './chat-gateway.js'
import type { ChatService } from './chat-service.js'
import { POLL_TEMPLATES, type PollTemplateId } from './vocabulary.js'

interface PollRow {
  id: string
  project_id: string
  template: PollTemplateId
  choices: string[]
  status: 'open' | 'closed'
  created_by: string
}

/** Polls with canned questions and fixed choices; one vote per participant. */
export class PollService {
  readonly #db: TenantDb
  readonly #chat: ChatService
  readonly #gateway: ChatGateway

  constructor({
    db,
    chatService,
    chatGateway,
  }: {
    db: TenantDb
    chatService: ChatService
    chatGateway: ChatGateway
  }) {
    this.#db = db
    this.#chat = chatService
    this.#gateway = chatGateway
  }

  async create(sessionId: string, template: PollTemplateId): Promise<PollMessage> {
    const poll = await this.#db.tx(async (trx) => {
      const session = await this.#chat.activeSession(trx, sessionId)
      const [row] = await trx('chat_polls')
        .insert({
          tenant_id: this.#db.tenantId,
          project_id: session.projectId,
          template,
          choices: JSON.stringify(POLL_TEMPLATES[template].choices),
          created_by: session.participantId,
        })
        .returning(['id', 'project_id', 'template', 'choices', 'status', 'created_by'])
      await this.#chat.count(trx, session.projectId, 'poll:created')
      return this.#view(trx, row as PollRow)
    })
    this.#gateway.poll(this.#db.tenantId, 'poll:created', poll)
    return poll
  }

  async get(pollId: string): Promise<PollMessage> {
    return this.#db.tx(async (trx) => {
      const row = await this.#find(trx, pollId)
      await this.#chat.assertMember(row.project_id, trx)
      return this.#view(trx, row)
    })
  }

  /** A second vote by the same participant is refused (409) and changes nothing. */
  async vote(pollId: string, choice: string): Promise<PollMessage> {
    const poll = await this.#db.tx(async (trx) => {
      const row = await this.#find(trx, pollId, true)
      const voter = await this.#chat.assertMember(row.project_id, trx)
      if (row.status !== 'open') throw new OoError('CHAT_POLL_CLOSED', 409, 'This poll is closed')
      if (!row.choices.includes(choice)) {
        throw new OoError(
          'CHAT_POLL_CHOICE_UNKNOWN',
          400,
          `choice must be one of ${row.choices.join(', ')}`,
          { field: 'choice' },
        )
      }
      const inserted = await trx('chat_poll_votes')
        .insert({ tenant_id: this.#db.tenantId, poll_id: pollId, voter_id: voter, choice })
        .onConflict(['poll_id', 'voter_id'])
        .ignore()
        .returning('id')
      if (!inserted.length)
        throw new OoError('CHAT_ALREADY_VOTED', 409, 'You have already voted in this poll')
      await this.#chat.count(trx, row.project_id, 'poll:vote')
      return this.#view(trx, row)
    })
    this.#gateway.poll(this.#db.tenantId, 'poll:voted', poll)
    return poll
  }

  /** The creator closes a poll, or a manager and above (`canModerate`). */
  async close(pollId: string, canModerate: boolean): Promise<PollMessage> {
    const poll = await this.#db.tx(async (trx) => {
      const row = await this.#find(trx, pollId, true)
      const who = await this.#chat.assertMember(row.project_id, trx)
      if (row.created_by !== who && !canModerate)
        throw new OoError(
          'CHAT_POLL_NOT_YOURS',
          403,
          'Only its creator or a manager may close this poll',
        )
      if (row.status === 'closed')
        throw new OoError('CHAT_POLL_CLOSED', 409, 'This poll is already closed')
      await trx('chat_polls')
        .where({ id: pollId })
        .update({ status: 'closed', closed_at: trx.fn.now(), updated_at: trx.fn.now() })
      await this.#chat.count(trx, row.project_id, 'poll:closed')
      return this.#view(trx, { ...row, status: 'closed' })
    })
    this.#gateway.poll(this.#db.tenantId, 'poll:closed', poll)
    return poll
  }

  async #find(trx: Knex.Transaction, pollId: string, lock = false): Promise<PollRow> {
    const query = trx('chat_polls')
      .where({ id: pollId })
      .first('id', 'project_id', 'template', 'choices', 'status', 'created_by')
    const row = (await (lock ? query.forUpdate() : query)) as PollRow | undefined
    if (!row) throw new OoError('CHAT_POLL_NOT_FOUND', 404, `Poll ${pollId} not found`)
    return row
  }

  async #view(trx: Knex.Transaction, row: PollRow): Promise<PollMessage> {
    const votes = await trx('chat_poll_votes')
      .where({ poll_id: row.id })
      .groupBy('choice')
      .select('choice')
      .count({ n: '*' })
    const tally = Object.fromEntries(row.choices.map((c) => [c, 0]))
    for (const v of votes as { choice: string; n: string }[]) tally[v.choice] = Number(v.n)
    return {
      projectId: row.project_id,
      pollId: row.id,
      template: row.template,
      question: POLL_TEMPLATES[row.template].question,
      choices: row.choices,
      status: row.status,
      tally,
    }
  }
}
