import {
  applyListQuery,
  OoError,
  type ListQuery,
  type ScopedEventBus,
  type TenantDb,
} from '@oo/core'
import type { CreateDomainBody } from '../routes/schemas.js'
import type { TenantDirectory } from './tenant-directory.js'

export interface Domain {
  id: string
  host: string
  isPrimary: boolean
}

const SELECT = ['id', 'host', 'is_primary as isPrimary']

/** Host names owned by the current tenant. A host belongs to one tenant, platform-wide. */
export class DomainService {
  readonly #db: TenantDb
  readonly #directory: TenantDirectory
  readonly #events: ScopedEventBus

  constructor({
    db,
    tenantDirectory,
    eventBus,
  }: {
    db: TenantDb
    tenantDirectory: TenantDirectory
    eventBus: ScopedEventBus
  }) {
    this.#db = db
    this.#directory = tenantDirectory
    this.#events = eventBus
  }

  list(
    query: ListQuery<{ id?: string | string[]; q?: string }>,
  ): Promise<{ rows: Domain[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const base = trx('tenant_domains')
      if (query.filter.id) base.whereIn('id', ([] as string[]).concat(query.filter.id))
      if (query.filter.q) base.whereILike('host', `%${query.filter.q}%`)
      const [{ count }] = (await base.clone().count({ count: '*' })) as [{ count: string }]
      const rows = await applyListQuery(base.select(SELECT), query, (f) =>
        f === 'isPrimary' ? 'is_primary' : f,
      )
      return { rows: rows as Domain[], total: Number(count) }
    })
  }

  get(id: string): Promise<Domain> {
    return this.#db.tx(async (trx) => {
      const row = await trx('tenant_domains').where({ id }).first(SELECT)
      if (!row) throw new OoError('TENANCY_DOMAIN_NOT_FOUND', 404, `Domain ${id} not found`)
      return row as Domain
    })
  }

  async add(body: CreateDomainBody): Promise<Domain> {
    const domain = await this.#db.tx(async (trx) => {
      // The unique index spans all tenants; RLS hides the other tenant's row but not the conflict.
      const [row] = await trx('tenant_domains')
        .insert({ tenant_id: this.#db.tenantId, host: body.host, is_primary: body.isPrimary })
        .returning(SELECT)
        .catch((err: { code?: string }) => {
          throw err.code === '23505'
            ? new OoError('TENANCY_DOMAIN_TAKEN', 409, `${body.host} is already registered`, {
                field: 'host',
              })
            : err
        })
      this.#events.emit('tenancy.domain.changed', { host: body.host, action: 'added' })
      return row as Domain
    })
    this.#directory.forgetHost(body.host)
    return domain
  }

  async remove(id: string): Promise<Domain> {
    const domain = await this.get(id)
    await this.#db.tx(async (trx) => {
      await trx('tenant_domains').where({ id }).delete()
      this.#events.emit('tenancy.domain.changed', { host: domain.host, action: 'removed' })
    })
    this.#directory.forgetHost(domain.host)
    return domain
  }
}
