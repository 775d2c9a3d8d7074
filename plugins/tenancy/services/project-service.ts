import { applyListQuery, OoError, type ListQuery, type TenantDb } from '@oo/core'
import type { CreateProjectBody, UpdateProjectBody } from '../routes/schemas.js'

export interface Project {
  id: string
  slug: string
  name: string
}

/** Projects (teams) inside the current tenant. */
export class ProjectService {
  readonly #db: TenantDb

  constructor({ db }: { db: TenantDb }) {
    this.#db = db
  }

  list(
    query: ListQuery<{ id?: string | string[]; q?: string }>,
  ): Promise<{ rows: Project[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const base = trx('projects')
      if (query.filter.id) base.whereIn('id', ([] as string[]).concat(query.filter.id))
      if (query.filter.q) base.whereILike('name', `%${query.filter.q}%`)
      const [{ count }] = (await base.clone().count({ count: '*' })) as [{ count: string }]
      const rows = await applyListQuery(base.select('id', 'slug', 'name'), query)
      return { rows: rows as Project[], total: Number(count) }
    })
  }

  get(id: string): Promise<Project> {
    return this.#db.tx(async (trx) => {
      const row = await trx('projects').where({ id }).first('id', 'slug', 'name')
      if (!row) throw new OoError('TENANCY_PROJECT_NOT_FOUND', 404, `Project ${id} not found`)
      return row as Project
    })
  }

  create(body: CreateProjectBody): Promise<Project> {
    return this.#db.tx(async (trx) => {
      const [row] = await trx('projects')
        .insert({ tenant_id: this.#db.tenantId, ...body })
        .returning(['id', 'slug', 'name'])
        .catch(slugTaken)
      return row as Project
    })
  }

  update(id: string, body: UpdateProjectBody): Promise<Project> {
    return this.#db.tx(async (trx) => {
      const [row] = await trx('projects')
        .where({ id })
        .update({ ...body, updated_at: trx.fn.now() })
        .returning(['id', 'slug', 'name'])
        .catch(slugTaken)
      if (!row) throw new OoError('TENANCY_PROJECT_NOT_FOUND', 404, `Project ${id} not found`)
      return row as Project
    })
  }

  async remove(id: string): Promise<Project> {
    const project = await this.get(id)
    await this.#db.tx((trx) => trx('projects').where({ id }).delete())
    return project
  }
}

function slugTaken(err: { code?: string }): never {
  if (err.code === '23505')
    throw new OoError('TENANCY_PROJECT_SLUG_TAKEN', 409, 'A project with this slug exists', {
      field: 'slug',
    })
  throw err
}
