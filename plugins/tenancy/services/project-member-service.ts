import { applyListQuery, OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { CreateProjectMemberBody } from '../routes/schemas.js'

export interface ProjectMember {
  id: string
  projectId: string
  userId: string
  email: string | null
  name: string | null
}

const SELECT = ['pm.id', 'pm.project_id as projectId', 'pm.user_id as userId', 'u.email', 'u.name']
const COLUMNS: Record<string, string> = {
  id: 'pm.id',
  email: 'u.email',
  projectId: 'pm.project_id',
}

/** Who belongs to which project (team) of the current tenant; only tenant members can join. */
export class ProjectMemberService {
  readonly #db: TenantDb

  constructor({ db }: { db: TenantDb }) {
    this.#db = db
  }

  list(
    query: ListQuery<{ id?: string | string[]; projectId?: string; userId?: string }>,
  ): Promise<{ rows: ProjectMember[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const base = trx('project_members as pm').join('users as u', 'u.id', 'pm.user_id')
      if (query.filter.id) base.whereIn('pm.id', ([] as string[]).concat(query.filter.id))
      if (query.filter.projectId) base.where('pm.project_id', query.filter.projectId)
      if (query.filter.userId) base.where('pm.user_id', query.filter.userId)
      const [{ count }] = (await base.clone().count({ count: '*' })) as [{ count: string }]
      const rows = await applyListQuery(base.select(SELECT), query, (f) => COLUMNS[f] ?? 'pm.id')
      return { rows: rows as ProjectMember[], total: Number(count) }
    })
  }

  get(id: string): Promise<ProjectMember> {
    return this.#db.tx(async (trx) => {
      const row = await trx('project_members as pm')
        .join('users as u', 'u.id', 'pm.user_id')
        .where('pm.id', id)
        .first(SELECT)
      if (!row)
        throw new OoError('TENANCY_PROJECT_MEMBER_NOT_FOUND', 404, `Project member ${id} not found`)
      return row as ProjectMember
    })
  }

  async add(body: CreateProjectMemberBody): Promise<ProjectMember> {
    const id = await this.#db.tx(async (trx) => {
      if (!(await trx('projects').where({ id: body.projectId }).first('id'))) {
        throw new OoError('TENANCY_PROJECT_NOT_FOUND', 404, `Project ${body.projectId} not found`, {
          field: 'projectId',
        })
      }
      // RLS confines this to the current tenant: someone from another tenant is "not a member".
      const member = await trx('members').where({ user_id: body.userId }).first('user_id')
      if (!member)
        throw new OoError(
          'TENANCY_NOT_A_MEMBER',
          422,
          'Only members of this tenant can join its projects',
          { field: 'userId' },
        )
      const [row] = await trx('project_members')
        .insert({ tenant_id: this.#db.tenantId, project_id: body.projectId, user_id: body.userId })
        .returning('id')
        .catch((err: { code?: string }) => {
          throw err.code === '23505'
            ? new OoError('TENANCY_ALREADY_IN_PROJECT', 409, 'Already in this project', {
                field: 'userId',
              })
            : err
        })
      return (row as { id: string }).id
    })
    return this.get(id)
  }

  async remove(id: string): Promise<ProjectMember> {
    const member = await this.get(id)
    await this.#db.tx((trx) => trx('project_members').where({ id }).delete())
    return member
  }
}
