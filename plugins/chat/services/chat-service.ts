import { OoError, type Cradle, type Principal, type ScopedEventBus, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import type { ActionMessage, ChatGateway } from './chat-gateway.js'
import { label, type ActionId } from './vocabulary.js'

export interface ChatSession {
  id: string
  projectId: string
  openedAt: string
}

/**
 * Sessions, canned actions and counters of a project's team chat. Nothing here accepts or
 * stores text: actions are vocabulary ids, and only counts of them are persisted.
 */
export class ChatService {
  readonly #db: TenantDb
  readonly #events: ScopedEventBus
  readonly #gateway: ChatGateway
  readonly #limits: Cradle['chatLimits']
  readonly #principal: Principal | null

  constructor({
    db,
    eventBus,
    chatGateway,
    chatLimits,
    principal,
  }: {
    db: TenantDb
    eventBus: ScopedEventBus
    chatGateway: ChatGateway
    chatLimits: Cradle['chatLimits']
    principal: Principal | null
  }) {
    this.#db = db
    this.#events = eventBus
    this.#gateway = chatGateway
    this.#limits = chatLimits
    this.#principal = principal
  }

  get tenantId(): string {
    return this.#db.tenantId
  }

  /** `users.id` of a member or `guest-NNNN` of a guest. */
  participantId(): string {
    const p = this.#principal
    if (!p || (p.kind !== 'user' && p.kind !== 'guest'))
      throw new OoError(
        'CHAT_PARTICIPANT_REQUIRED',
        403,
        'Chat is for project members and invited guests',
      )
    return p.id
  }

  /** Throws unless the caller belongs to the project (member, or guest with a live pass). */
  async assertMember(projectId: string, trx?: Knex.Transaction): Promise<string> {
    const check = async (t: Knex.Transaction) => {
      const who = this.participantId()
      const project = await t('projects').where({ id: projectId }).first('id')
      if (!project)
        throw new OoError('CHAT_PROJECT_NOT_FOUND', 404, `Project ${projectId} not found`, {
          field: 'projectId',
        })
      const member =
        this.#principal!.kind === 'guest'
          ? await t('chat_guests')
              .where({ project_id: projectId, guest_id: who })
              .where('expires_at', '>', t.fn.now())
              .first('id')
          : await t('project_members').where({ project_id: projectId, user_id: who }).first('id')
      if (!member)
        throw new OoError('CHAT_NOT_A_MEMBER', 403, 'You are not a member of this project')
      return who
    }
    return trx ? check(trx) : this.#db.tx(check)
  }

  /**
   * Opens a session; beyond the limit the oldest active ones close (FIFO). A per-participant
   * advisory lock serialises concurrent opens, so the limit holds under any interleaving.
   */
  async openSession(projectId: string): Promise<{ session: ChatSession; closed: string[] }> {
    const result = await this.#db.tx(async (trx) => {
      const who = await this.assertMember(projectId, trx)
      await trx.raw(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [
        `chat-session:${this.tenantId}:${projectId}:${who}`,
      ])
      const active: string[] = await trx('chat_sessions')
        .where({ project_id: projectId, participant_id: who, status: 'active' })
        .orderBy([{ column: 'opened_at' }, { column: 'id' }])
        .pluck('id')
      const closed = active.slice(
        0,
        Math.max(0, active.length - this.#limits.maxActiveSessions(this.tenantId) + 1),
      )
      if (closed.length) {
        await trx('chat_sessions').whereIn('id', closed).update({
          status: 'closed',
          close_reason: 'replaced',
          closed_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        })
      }
      const [row] = await trx('chat_sessions')
        .insert({ tenant_id: this.tenantId, project_id: projectId, participant_id: who })
        .returning(['id', 'project_id', 'opened_at'])
      await this.#count(trx, projectId, 'session:opened')
      return { who, closed, session: toSession(row) }
    })
    this.#gateway.sessionsClosed(this.tenantId, result.who, projectId, result.closed)
    return { session: result.session, closed: result.closed }
  }

  async activeSessions(projectId: string): Promise<ChatSession[]> {
    return this.#db.tx(async (trx) => {
      const who = await this.assertMember(projectId, trx)
      const rows = await trx('chat_sessions')
        .where({ project_id: projectId, participant_id: who, status: 'active' })
        .orderBy('opened_at')
        .select('id', 'project_id', 'opened_at')
      return rows.map(toSession)
    })
  }

  async closeSession(sessionId: string): Promise<void> {
    await this.#db.tx(async (trx) => {
      const updated = await trx('chat_sessions')
        .where({ id: sessionId, participant_id: this.participantId(), status: 'active' })
        .update({
          status: 'closed',
          close_reason: 'closed',
          closed_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        })
      if (!updated) throw sessionGone(sessionId)
    })
  }

  /** A canned action in an active session: counted, announced durably, fanned out after commit. */
  async send(sessionId: string, action: ActionId): Promise<ActionMessage> {
    const message = await this.#db.tx(async (trx) => {
      const session = await this.activeSession(trx, sessionId)
      await this.#count(trx, session.projectId, `action:${action}`)
      this.#events.emit('chat.action.sent', {
        projectId: session.projectId,
        from: session.participantId,
        action,
      })
      return {
        projectId: session.projectId,
        from: session.participantId,
        action,
        label: label(action),
        at: Date.now(),
      }
    })
    this.#gateway.action(this.tenantId, message)
    return message
  }

  async counters(projectId: string): Promise<{ metric: string; count: number }[]> {
    return this.#db.tx(async (trx) => {
      await this.assertMember(projectId, trx)
      const rows = await trx('chat_counters')
        .where({ project_id: projectId })
        .orderBy('metric')
        .select('metric', 'count')
      return rows.map((r: { metric: string; count: string }) => ({
        metric: r.metric,
        count: Number(r.count),
      }))
    })
  }

  /** The member's (or guest's) own active session in this tenant, with its project. */
  async activeSession(
    trx: Knex.Transaction,
    sessionId: string,
  ): Promise<{ id: string; projectId: string; participantId: string }> {
    const who = this.participantId()
    // One round trip on the hot path: the session and whether its owner still belongs there.
    const stillMember =
      this.#principal!.kind === 'guest'
        ? trx.raw(
            `exists (select 1 from chat_guests g where g.project_id = s.project_id and g.guest_id = ? and g.expires_at > now())`,
            [who],
          )
        : trx.raw(
            `exists (select 1 from project_members m where m.project_id = s.project_id and m.user_id = ?)`,
            [who],
          )
    const row = await trx('chat_sessions as s')
      .where({ 's.id': sessionId, 's.participant_id': who })
      .first('s.id', 's.project_id', 's.status', trx.raw('? as member', [stillMember]))
    if (!row || row.status !== 'active') throw sessionGone(sessionId)
    if (!row.member)
      throw new OoError('CHAT_NOT_A_MEMBER', 403, 'You are not a member of this project')
    return { id: row.id, projectId: row.project_id, participantId: who }
  }

  async count(trx: Knex.Transaction, projectId: string, metric: string): Promise<void> {
    await this.#count(trx, projectId, metric)
  }

  async #count(trx: Knex.Transaction, projectId: string, metric: string): Promise<void> {
    await trx.raw(
      `insert into chat_counters (tenant_id, project_id, metric, count) values (?, ?, ?, 1)
       on conflict (tenant_id, project_id, metric) do update set count = chat_counters.count + 1, updated_at = now()`,
      [this.tenantId, projectId, metric],
    )
  }
}

function toSession(row: { id: string; project_id: string; opened_at: Date | string }): ChatSession {
  return { id: row.id, projectId: row.project_id, openedAt: new Date(row.opened_at).toISOString() }
}

function sessionGone(id: string): OoError {
  return new OoError(
    'CHAT_SESSION_NOT_ACTIVE',
    409,
    `Session ${id} is not an active session of yours (closed, replaced or unknown)`,
    { field: 'sessionId' },
  )
}
