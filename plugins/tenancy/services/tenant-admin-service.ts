import {
  applyListQuery,
  OoError,
  type Database,
  type ListQuery,
  type Principal,
  type RequestCradle,
  type SettingsAccessor,
} from '@oo/core'
import type { UpdateTenantBody } from '../routes/schemas.js'

export interface TenantView {
  id: string
  slug: string
  name: string
  theme: string
  status: string
  domains: string[]
}

const SORT: Record<string, string> = { name: 'name', slug: 'slug', createdAt: 'created_at' }

/** Tenants as seen by admins: super-admins see all, everyone else only the tenant they are in. */
export class TenantAdminService {
  readonly #database: Database
  readonly #cradle: RequestCradle

  constructor(cradle: RequestCradle) {
    this.#database = cradle.database
    this.#cradle = cradle
  }

  #currentTenantId(): string {
    return this.#cradle.db.tenantId
  }

  async list(
    query: ListQuery<{ id?: string | string[]; q?: string }>,
    principal: Principal,
  ): Promise<{ rows: TenantView[]; total: number }> {
    const base = this.#database.app('tenants').where({ status: 'COMMITTED' })
    if (!principal.superAdmin) base.where({ id: this.#currentTenantId() })
    if (query.filter.id) base.whereIn('id', ([] as string[]).concat(query.filter.id))
    if (query.filter.q) base.whereILike('name', `%${query.filter.q}%`)
    const [{ count }] = (await base.clone().count({ count: '*' })) as [{ count: string }]
    const rows = await applyListQuery(
      base.select('id', 'slug', 'name', 'theme', 'status'),
      query,
      (f) => SORT[f] ?? 'name',
    )
    return { rows: await Promise.all(rows.map((r) => this.#withDomains(r))), total: Number(count) }
  }

  async get(id: string, principal: Principal): Promise<TenantView> {
    if (!principal.superAdmin && id !== this.#currentTenantId()) throw notFound(id)
    const row = await this.#database
      .app('tenants')
      .where({ id })
      .first('id', 'slug', 'name', 'theme', 'status')
    if (!row) throw notFound(id)
    return this.#withDomains(row)
  }

  async update(id: string, body: UpdateTenantBody, principal: Principal): Promise<TenantView> {
    await this.get(id, principal)
    await this.#database
      .app('tenants')
      .where({ id })
      .update({ ...body, updated_at: this.#database.app.fn.now() })
    return this.get(id, principal)
  }

  async storefront(
    tenantId: string,
    settings?: SettingsAccessor,
  ): Promise<Omit<TenantView, 'status'>> {
    const row = await this.#database
      .app('tenants')
      .where({ id: tenantId })
      .first('id', 'slug', 'name', 'theme')
    if (!row) throw notFound(tenantId)
    if (settings?.isSet(tenantId, 'tenancy', 'theme'))
      row.theme = settings.get(tenantId, 'tenancy').theme
    const { status: _status, ...view } = await this.#withDomains({ ...row, status: 'COMMITTED' })
    return view
  }

  // Domains are tenant rows: read them inside a transaction bound to *that* tenant. Only verified
  // ones: a pending claim is not the shop's domain (yet), and the store API is public.
  async #withDomains(row: Omit<TenantView, 'domains'>): Promise<TenantView> {
    const domains = await this.#cradle.scopes.run(row.id, (scope) =>
      scope.cradle.db.tx((trx) =>
        trx('tenant_domains')
          .whereNotNull('verified_at')
          .orderBy([{ column: 'is_primary', order: 'desc' }, 'host'])
          .pluck('host'),
      ),
    )
    return { ...row, domains }
  }
}

function notFound(id: string): OoError {
  return new OoError('TENANCY_TENANT_NOT_FOUND', 404, `Tenant ${id} not found`)
}
