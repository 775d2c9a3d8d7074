import {
  applyListQuery,
  OoError,
  type ListQuery,
  type ScopedEventBus,
  type Tenant,
  type TenantDb,
} from '@oo/core'
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { StoreCache } from './store-cache.js'
import type { CategoryBody, CategoryFilter, CategoryPatch } from '../routes/schemas.js'

export interface Category {
  id: string
  slug: string
  name: string
  description: string | null
  position: number
}

const COLUMNS: Record<string, string> = {
  id: 'id',
  name: 'name',
  slug: 'slug',
  position: 'position',
  createdAt: 'created_at',
}
const FIELDS = ['id', 'slug', 'name', 'description', 'position']

/** Menu sections and produce groups. Changes emit `catalog.category.updated` (storefront caches). */
export class CategoryService {
  readonly #db: TenantDb
  readonly #events: ScopedEventBus
  readonly #tenant: Tenant
  readonly #cache: StoreCache

  constructor({
    db,
    eventBus,
    tenant,
    storeCache,
  }: {
    db: TenantDb
    eventBus: ScopedEventBus
    tenant: Tenant
    storeCache: StoreCache
  }) {
    this.#db = db
    this.#events = eventBus
    this.#tenant = tenant
    this.#cache = storeCache
  }

  /** A write transaction; this process's store cache is retired right after commit. */
  async #write<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const result = await this.#db.tx(fn)
    this.#cache.invalidate(this.#tenant.id)
    return result
  }

  list(
    query: ListQuery<z.output<typeof CategoryFilter>>,
  ): Promise<{ rows: Category[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const base = trx('catalog_categories').modify((qb) => {
        const { id, q } = query.filter
        if (id) qb.whereIn('id', Array.isArray(id) ? id : [id])
        if (q) qb.whereILike('name', `%${q.replace(/[%_\\]/g, '\\$&')}%`)
      })
      const [counted] = await base.clone().count<{ total: string }[]>({ total: '*' })
      const rows = await applyListQuery(
        base.clone().select(FIELDS),
        query,
        (f) => COLUMNS[f] ?? 'position',
      )
      return { rows, total: Number(counted?.total ?? 0) }
    })
  }

  get(id: string): Promise<Category> {
    return this.#db.tx((trx) => this.#load(trx, id))
  }

  create(body: CategoryBody): Promise<Category> {
    return this.#write(async (trx) => {
      await this.#slugFree(trx, body.slug)
      const [row] = await trx('catalog_categories')
        .insert({ ...body, tenant_id: this.#tenant.id })
        .returning(FIELDS)
      this.#changed(row, 'created')
      return row
    })
  }

  update(id: string, patch: CategoryPatch): Promise<Category> {
    return this.#write(async (trx) => {
      const before = await this.#load(trx, id)
      if (patch.slug && patch.slug !== before.slug) await this.#slugFree(trx, patch.slug)
      const [row] = await trx('catalog_categories')
        .where({ id })
        .update({ ...patch, updated_at: trx.fn.now() })
        .returning(FIELDS)
      this.#changed(row, 'updated')
      return row
    })
  }

  /** Products of a deleted category stay, without a category. */
  remove(id: string): Promise<Category> {
    return this.#write(async (trx) => {
      const row = await this.#load(trx, id)
      await trx('catalog_categories').where({ id }).delete()
      this.#changed(row, 'deleted')
      return row
    })
  }

  async #load(trx: Knex.Transaction, id: string): Promise<Category> {
    const row = await trx('catalog_categories').where({ id }).first(FIELDS)
    if (!row) throw new OoError('CATALOG_CATEGORY_NOT_FOUND', 404, `No category ${id}`)
    return row
  }

  async #slugFree(trx: Knex.Transaction, slug: string): Promise<void> {
    if (await trx('catalog_categories').where({ slug }).first('id')) {
      throw new OoError(
        'CATALOG_SLUG_TAKEN',
        409,
        `Another category already uses the slug ${slug}`,
        { field: 'slug' },
      )
    }
  }

  #changed(row: Category, change: 'created' | 'updated' | 'deleted'): void {
    this.#events.emit('catalog.category.updated', { categoryId: row.id, slug: row.slug, change })
  }
}
