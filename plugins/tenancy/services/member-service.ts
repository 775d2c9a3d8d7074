import {
  applyListQuery,
  OoError,
  type ListQuery,
  type ScopedEventBus,
  type TenantDb,
} from '@oo/core'
import type { CreateMemberBody, UpdateMemberBody } from '../routes/schemas.js'
import type { UserDirectory } from './user-directory.js'

export interface Member {
  id: string
  userId: string
  email: string | null
  name: string | null
  role: string
}

const COLUMNS = {
  id: 'm.id',
  email: 'u.email',
  role: 'm.role',
  createdAt: 'm.created_at',
} as Record<string, string>

/** The current tenant's members and their roles. */
export class MemberService {
  readonly #db: TenantDb
  readonly #users: UserDirectory
  readonly #events: ScopedEventBus

  constructor({
    db,
    userDirectory,
    eventBus,
  }: {
    db: TenantDb
    userDirectory: UserDirectory
    eventBus: ScopedEventBus
  }) {
    this.#db = db
    this.#users = userDirectory
    this.#events = eventBus
  }

  list(
    query: ListQuery<{ id?: string | string[]; q?: string }>,
  ): Promise<{ rows: Member[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const base = trx('members as m').join('users as u', 'u.id', 'm.user_id')
      if (query.filter.id) base.whereIn('m.id', ([] as string[]).concat(query.filter.id))
      if (query.filter.q) base.whereILike('u.email', `%${query.filter.q}%`)
      const [{ count }] = (await base.clone().count({ count: '*' })) as [{ count: string }]
      const rows = await applyListQuery(
        base.select('m.id', 'm.user_id as userId', 'u.email', 'u.name', 'm.role'),
        query,
        (f) => COLUMNS[f] ?? 'm.id',
      )
      return { rows: rows as Member[], total: Number(count) }
    })
  }

  get(id: string): Promise<Member> {
    return this.#db.tx(async (trx) => {
      const row = await trx('members as m')
        .join('users as u', 'u.id', 'm.user_id')
        .where('m.id', id)
        .first('m.id', 'm.user_id as userId', 'u.email', 'u.name', 'm.role')
      if (!row) throw new OoError('TENANCY_MEMBER_NOT_FOUND', 404, `Member ${id} not found`)
      return row as Member
    })
  }

  async add(body: CreateMemberBody): Promise<Member> {
    const user = await this.#users.invite(body.email)
    const id = await this.#db.tx(async (trx) => {
      const [row] = await trx('members')
        .insert({ tenant_id: this.#db.tenantId, user_id: user.id, role: body.role })
        .returning('id')
        .catch((err: { code?: string }) => {
          throw err.code === '23505'
            ? new OoError('TENANCY_ALREADY_MEMBER', 409, `${body.email} is already a member`, {
                field: 'email',
              })
            : err
        })
      this.#events.emit('tenancy.member.changed', { userId: user.id, role: body.role })
      return (row as { id: string }).id
    })
    return this.get(id)
  }

  async update(id: string, body: UpdateMemberBody): Promise<Member> {
    await this.#db.tx(async (trx) => {
      const current = await trx('members').where({ id }).forUpdate().first()
      if (!current) throw new OoError('TENANCY_MEMBER_NOT_FOUND', 404, `Member ${id} not found`)
      if (current.role === 'owner' && body.role !== 'owner') await assertAnotherOwner(trx, id)
      await trx('members').where({ id }).update({ role: body.role, updated_at: trx.fn.now() })
      this.#events.emit('tenancy.member.changed', { userId: current.user_id, role: body.role })
    })
    return this.get(id)
  }

  async remove(id: string): Promise<Member> {
    const member = await this.get(id)
    await this.#db.tx(async (trx) => {
      if (member.role === 'owner') await assertAnotherOwner(trx, id)
      await trx('project_members').where({ user_id: member.userId }).delete()
      await trx('members').where({ id }).delete()
      this.#events.emit('tenancy.member.changed', { userId: member.userId, role: null })
    })
    return member
  }
}

async function assertAnotherOwner(
  trx: import('knex').Knex.Transaction,
  exceptId: string,
): Promise<void> {
  const others = await trx('members')
    .where({ role: 'owner' })
    .whereNot({ id: exceptId })
    .count({ n: '*' })
    .first()
  if (Number(others?.n ?? 0) === 0)
    throw new OoError('TENANCY_LAST_OWNER', 409, 'A tenant keeps at least one owner', {
      field: 'role',
    })
}
