import { TenantModel, withScope } from '@oo/core'
import { createTestApp, type TestApp } from '@oo/core/testing'
import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../plugins/tenancy/index.js'

// Models over tenancy's own tenant tables: a project has many project members.
class ProjectMember extends TenantModel {
  static override tableName = 'project_members'
  projectId!: string
  userId!: string
}

class Project extends TenantModel {
  static override tableName = 'projects'
  slug!: string
  name!: string
  members?: ProjectMember[]
  static override relationMappings = () => ({
    members: {
      relation: TenantModel.HasManyRelation,
      modelClass: ProjectMember,
      join: { from: 'projects.id', to: 'project_members.project_id' },
    },
  })
}

describe('TenantModel', () => {
  let t: TestApp
  let a: Awaited<ReturnType<TestApp['seedTenant']>>
  let b: Awaited<ReturnType<TestApp['seedTenant']>>

  const inTenant = <T>(tenantId: string, fn: (trx: Knex.Transaction) => Promise<T>) =>
    withScope(t.engine.container, tenantId, (scope) => scope.cradle.db.tx(fn))

  const ownerId = (tenantId: string) =>
    inTenant(tenantId, async (trx) => (await trx('members').first()).user_id as string)

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy()] })
    a = await t.seedTenant('model-a')
    b = await t.seedTenant('model-b')
  })
  afterAll(() => t?.close())

  it('writes a graph into the bound tenant, whatever tenantId the caller sends', async () => {
    const userId = await ownerId(a.id)
    const project = await inTenant(a.id, async (trx) =>
      Project.query(trx)
        .insertGraph({ slug: 'deli', name: 'Deli', tenantId: b.id, members: [{ userId }] })
        .returning('*'),
    )
    expect(project.tenantId).toBe(a.id)
    expect(project.members?.[0]).toMatchObject({ tenantId: a.id, projectId: project.id, userId })
    expect(project.createdAt).toBeInstanceOf(Date)
    expect(JSON.stringify(project)).toContain('"slug":"deli"')
  })

  it('fetches relations in the tenant transaction, as oo_app under RLS', async () => {
    const mine = await inTenant(a.id, async (trx) => ({
      projects: await Project.query(trx).withGraphFetched('members').where('slug', 'deli'),
      role: (await trx.raw('select current_user as me')).rows[0].me,
    }))
    expect(mine.role).toBe('oo_app')
    expect(mine.projects).toHaveLength(1)
    expect(mine.projects[0]!.members).toHaveLength(1)
    const id = mine.projects[0]!.id
    const theirs = await inTenant(b.id, async (trx) => ({
      byId: await Project.query(trx).findById(id),
      all: await Project.query(trx).where('slug', 'deli'),
      members: await ProjectMember.query(trx).where('project_id', id),
    }))
    expect(theirs).toEqual({ byId: undefined, all: [], members: [] })
  })

  it('patches only what the tenant can see and moves updatedAt', async () => {
    const before = await inTenant(a.id, async (trx) => Project.query(trx).findOne({ slug: 'deli' }))
    const touched = await inTenant(b.id, async (trx) =>
      Project.query(trx).findById(before!.id).patch({ name: 'Stolen' }),
    )
    expect(touched).toBe(0)
    const after = await inTenant(a.id, async (trx) =>
      Project.query(trx).patchAndFetchById(before!.id, { name: 'Deli & Co' }),
    )
    expect(after).toMatchObject({ name: 'Deli & Co', tenantId: a.id })
    expect(after.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime())
  })

  it('refuses a query that names no tenant transaction', async () => {
    await expect(Project.query().where('slug', 'deli')).rejects.toThrow(/no database connection/i)
  })
})
