import {
  applyListQuery,
  OoError,
  type ListQuery,
  type RequestCradle,
  type ScopedEventBus,
  type Tenant,
  type TenantDb,
} from '@oo/core'
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { CatalogOptions } from '../config.js'
import type { ProductBody, ProductFilter, ProductPatch, UpsertForm } from '../routes/schemas.js'
import type { StoreCache } from './store-cache.js'
import {
  changesBetween,
  dateOnly,
  imagesOf,
  PRODUCT_COLUMNS,
  slugify,
  toRowPatch,
  uniqueSlug,
  updatedPayload,
  type AdminProduct,
  type ProductRow,
} from './product-rows.js'

/** Who is writing: managers may touch every product and set any farmer; staff (farmers) only their own. */
export interface Actor {
  userId: string | null
  role: string
  superAdmin: boolean
}

const MANAGERS = new Set(['owner', 'admin', 'manager'])
export const managesAll = (actor: Actor) => actor.superAdmin || MANAGERS.has(actor.role)
export const assetOwner = (productId: string) => `catalog.product:${productId}`

type Media = RequestCradle['mediaService']
type Prepared = Awaited<ReturnType<Media['prepare']>>
type Fields = Partial<ProductBody>

/** Admin side of the catalog: products, their images and who may change them. */
export class ProductService {
  readonly #db: TenantDb
  readonly #events: ScopedEventBus
  readonly #media: Media
  readonly #tenant: Tenant
  readonly #options: CatalogOptions
  readonly #cache: StoreCache

  constructor(deps: {
    db: TenantDb
    eventBus: ScopedEventBus
    mediaService: Media
    tenant: Tenant
    catalogOptions: CatalogOptions
    storeCache: StoreCache
  }) {
    this.#db = deps.db
    this.#events = deps.eventBus
    this.#media = deps.mediaService
    this.#tenant = deps.tenant
    this.#options = deps.catalogOptions
    this.#cache = deps.storeCache
  }

  /**
   * A write transaction. This process's store cache is retired right after commit (read your
   * writes); the committed event retires it on every other process.
   */
  async #write<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const result = await this.#db.tx(fn)
    this.#cache.invalidate(this.#tenant.id)
    return result
  }

  async list(
    query: ListQuery<z.output<typeof ProductFilter>>,
    actor: Actor,
  ): Promise<{ rows: AdminProduct[]; total: number }> {
    return this.#db.tx(async (trx) => {
      const { id, q, categoryId, farmerId, active, tag } = query.filter
      const base = trx('catalog_products').modify((qb) => {
        if (!managesAll(actor)) qb.where('farmer_id', actor.userId)
        if (id) qb.whereIn('id', Array.isArray(id) ? id : [id])
        if (q)
          qb.where((w) =>
            w
              .whereRaw(`search @@ websearch_to_tsquery('english', ?)`, [q])
              .orWhereILike('name', `%${q.replace(/[%_\\]/g, '\\$&')}%`),
          )
        if (categoryId) qb.where('category_id', categoryId)
        if (farmerId) qb.where('farmer_id', farmerId)
        if (active !== undefined) qb.where('active', active)
        if (tag) qb.whereRaw('tags @> array[?]::text[]', [tag])
      })
      const [counted] = await base.clone().count<{ total: string }[]>({ total: '*' })
      const rows: ProductRow[] = await applyListQuery(
        base.clone().select('*'),
        query,
        (f) => PRODUCT_COLUMNS[f] ?? 'name',
      )
      return { rows: await this.#toAdmin(trx, rows), total: Number(counted?.total ?? 0) }
    })
  }

  async get(id: string, actor: Actor): Promise<AdminProduct> {
    return this.#db.tx(async (trx) => {
      const row = await this.#load(trx, id, actor, { lock: false })
      return (await this.#toAdmin(trx, [row]))[0]!
    })
  }

  async create(body: ProductBody, actor: Actor): Promise<AdminProduct> {
    return this.#write(async (trx) => {
      const row = await this.#createIn(trx, body, actor)
      this.#events.emit('catalog.product.updated', updatedPayload(row, ['created']))
      return (await this.#toAdmin(trx, [row]))[0]!
    })
  }

  async update(id: string, patch: ProductPatch, actor: Actor): Promise<AdminProduct> {
    const { imageIds, ...fields } = patch
    let removedKeys: string[] = []
    const product = await this.#write(async (trx) => {
      const { row, changes } = await this.#updateIn(trx, id, fields, actor)
      if (imageIds) {
        removedKeys = await this.#reorderImages(trx, id, imageIds)
        changes.push('images')
      }
      if (changes.length) this.#events.emit('catalog.product.updated', updatedPayload(row, changes))
      return (await this.#toAdmin(trx, [row]))[0]!
    })
    await this.#media.deleteObjects(removedKeys)
    return product
  }

  async remove(id: string, actor: Actor): Promise<AdminProduct> {
    let keys: string[] = []
    const product = await this.#write(async (trx) => {
      const row = await this.#load(trx, id, actor, { lock: true })
      const [shaped] = await this.#toAdmin(trx, [row])
      await trx('catalog_products').where({ id }).delete()
      keys = await this.#media.removeRows(trx, { owner: assetOwner(id) })
      this.#events.emit(
        'catalog.product.updated',
        updatedPayload({ ...row, active: false, stock_qty: 0 }, ['deleted']),
      )
      return shaped!
    })
    await this.#media.deleteObjects(keys)
    return product
  }

  /**
   * The farm marketplace upsert: `id` → update, else create, with an optional photo, in one
   * transaction. The photo is checked and stored first; if anything then fails, it is removed.
   */
  async upsert(
    form: UpsertForm,
    file: Buffer | undefined,
    actor: Actor,
  ): Promise<{ product: AdminProduct; created: boolean }> {
    if (!managesAll(actor) && form.farmer_id && form.farmer_id !== actor.userId)
      throw notYourFarmer()
    const fields: Fields = {
      name: form.name,
      priceMinor: form.price,
      stockQty: form.stock_qty,
      farmerId: form.farmer_id,
      description: form.description,
      unit: form.unit,
      currency: form.currency,
      categoryId: form.category_id,
      tags: form.tags,
      active: form.active,
      originFarm: form.origin_farm,
      originLocation: form.origin_location,
      harvestDate: form.harvest_date,
      lotCode: form.lot_code,
    }
    const prepared = file ? await this.#media.prepare(file) : null
    try {
      return await this.#write(async (trx) => {
        const { row, changes } = form.id
          ? await this.#updateIn(trx, form.id, fields, actor)
          : { row: await this.#createIn(trx, fields as ProductBody, actor), changes: ['created'] }
        if (prepared) {
          await this.#attach(trx, row.id, prepared, form.alt ?? null)
          changes.push('images')
        }
        if (changes.length)
          this.#events.emit('catalog.product.updated', updatedPayload(row, changes))
        return { product: (await this.#toAdmin(trx, [row]))[0]!, created: !form.id }
      })
    } catch (err) {
      if (prepared) await this.#media.discard(prepared)
      throw err
    }
  }

  /** Adds a photo in front of the product's others. */
  async addImage(
    id: string,
    file: Buffer,
    alt: string | null,
    actor: Actor,
  ): Promise<AdminProduct> {
    const prepared = await this.#media.prepare(file)
    try {
      return await this.#write(async (trx) => {
        const row = await this.#load(trx, id, actor, { lock: true })
        await this.#attach(trx, id, prepared, alt)
        this.#events.emit('catalog.product.updated', updatedPayload(row, ['images']))
        return (await this.#toAdmin(trx, [row]))[0]!
      })
    } catch (err) {
      await this.#media.discard(prepared)
      throw err
    }
  }

  async removeImage(id: string, assetId: string, actor: Actor): Promise<AdminProduct> {
    let keys: string[] = []
    const product = await this.#write(async (trx) => {
      const row = await this.#load(trx, id, actor, { lock: true })
      const linked = await trx('catalog_product_images')
        .where({ product_id: id, asset_id: assetId })
        .delete()
      if (!linked)
        throw new OoError('CATALOG_IMAGE_NOT_FOUND', 404, `Product ${id} has no image ${assetId}`)
      keys = await this.#media.removeRows(trx, { ids: [assetId] })
      this.#events.emit('catalog.product.updated', updatedPayload(row, ['images']))
      return (await this.#toAdmin(trx, [row]))[0]!
    })
    await this.#media.deleteObjects(keys)
    return product
  }

  async #createIn(trx: Knex.Transaction, body: ProductBody, actor: Actor): Promise<ProductRow> {
    const farmerId = await this.#farmerFor(trx, actor, body.farmerId, undefined)
    await this.#checkCategory(trx, body.categoryId)
    const slug = body.slug ?? (await uniqueSlug(trx, slugify(body.name)))
    if (body.slug && (await trx('catalog_products').where({ slug }).first('id'))) {
      throw new OoError(
        'CATALOG_SLUG_TAKEN',
        409,
        `Another product already uses the slug ${slug}`,
        { field: 'slug' },
      )
    }
    const [row] = await trx('catalog_products')
      .insert({
        ...toRowPatch(body),
        tenant_id: this.#tenant.id,
        slug,
        farmer_id: farmerId,
        currency: body.currency ?? this.#options.defaultCurrency,
      })
      .returning('*')
    return row as ProductRow
  }

  async #updateIn(
    trx: Knex.Transaction,
    id: string,
    fields: Fields,
    actor: Actor,
  ): Promise<{ row: ProductRow; changes: string[] }> {
    const before = await this.#load(trx, id, actor, { lock: true })
    const farmerId = await this.#farmerFor(trx, actor, fields.farmerId, before.farmer_id)
    if (fields.categoryId) await this.#checkCategory(trx, fields.categoryId)
    if (
      fields.slug &&
      fields.slug !== before.slug &&
      (await trx('catalog_products').where({ slug: fields.slug }).first('id'))
    ) {
      throw new OoError(
        'CATALOG_SLUG_TAKEN',
        409,
        `Another product already uses the slug ${fields.slug}`,
        { field: 'slug' },
      )
    }
    const patch = { ...toRowPatch(fields), farmer_id: farmerId }
    const [after] = await trx('catalog_products')
      .where({ id })
      .update({ ...patch, version: trx.raw('version + 1'), updated_at: trx.fn.now() })
      .returning('*')
    return { row: after as ProductRow, changes: changesBetween(before, after as ProductRow) }
  }

  /** Loads a product for the actor; staff get 403 for another farmer's product. */
  async #load(
    trx: Knex.Transaction,
    id: string,
    actor: Actor,
    opts: { lock: boolean },
  ): Promise<ProductRow> {
    const query = trx('catalog_products').where({ id }).first<ProductRow | undefined>('*')
    const row = await (opts.lock ? query.forUpdate() : query)
    if (!row) throw new OoError('CATALOG_PRODUCT_NOT_FOUND', 404, `No product ${id}`)
    if (!managesAll(actor) && row.farmer_id !== actor.userId) {
      throw new OoError(
        'CATALOG_NOT_YOUR_PRODUCT',
        403,
        'Farmers may only change their own products',
      )
    }
    return row
  }

  /** The farmer to store: staff are forced to themselves; managers may pick any member (or none). */
  async #farmerFor(
    trx: Knex.Transaction,
    actor: Actor,
    requested: string | null | undefined,
    current: string | null | undefined,
  ): Promise<string | null> {
    if (!managesAll(actor)) {
      if (requested && requested !== actor.userId) throw notYourFarmer()
      return actor.userId
    }
    if (requested === undefined) return current ?? null
    if (requested === null || requested === current) return requested
    if (!(await trx('members').where({ user_id: requested }).first('id'))) {
      throw new OoError(
        'CATALOG_FARMER_NOT_MEMBER',
        422,
        `User ${requested} is not a member of this shop`,
        { field: 'farmerId' },
      )
    }
    return requested
  }

  async #checkCategory(
    trx: Knex.Transaction,
    categoryId: string | null | undefined,
  ): Promise<void> {
    if (categoryId && !(await trx('catalog_categories').where({ id: categoryId }).first('id'))) {
      throw new OoError('CATALOG_CATEGORY_NOT_FOUND', 422, `No category ${categoryId}`, {
        field: 'categoryId',
      })
    }
  }

  async #attach(
    trx: Knex.Transaction,
    productId: string,
    prepared: Prepared,
    alt: string | null,
  ): Promise<void> {
    await this.#media.record(trx, prepared, assetOwner(productId))
    await trx('catalog_product_images').where({ product_id: productId }).increment('position', 1)
    await trx('catalog_product_images').insert({
      tenant_id: this.#tenant.id,
      product_id: productId,
      asset_id: prepared.id,
      position: 0,
      alt,
    })
  }

  /** Orders images as `imageIds`; images left out are deleted. Returns object keys to delete after commit. */
  async #reorderImages(
    trx: Knex.Transaction,
    productId: string,
    imageIds: string[],
  ): Promise<string[]> {
    const current: string[] = await trx('catalog_product_images')
      .where({ product_id: productId })
      .pluck('asset_id')
    const unknown = imageIds.filter((id) => !current.includes(id))
    if (unknown.length)
      throw new OoError(
        'CATALOG_IMAGE_NOT_FOUND',
        422,
        `Not images of this product: ${unknown.join(', ')}`,
        { field: 'imageIds' },
      )
    for (const [position, assetId] of imageIds.entries()) {
      await trx('catalog_product_images')
        .where({ product_id: productId, asset_id: assetId })
        .update({ position })
    }
    const dropped = current.filter((id) => !imageIds.includes(id))
    if (!dropped.length) return []
    await trx('catalog_product_images')
      .where({ product_id: productId })
      .whereIn('asset_id', dropped)
      .delete()
    return this.#media.removeRows(trx, { ids: dropped })
  }

  async #toAdmin(trx: Knex.Transaction, rows: ProductRow[]): Promise<AdminProduct[]> {
    const images = rows.length
      ? await imagesOf(
          trx,
          rows.map((r) => r.id),
        )
      : new Map()
    return Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        slug: r.slug,
        name: r.name,
        description: r.description,
        priceMinor: Number(r.price_minor),
        currency: r.currency,
        stockQty: r.stock_qty,
        unit: r.unit,
        categoryId: r.category_id,
        tags: r.tags,
        active: r.active,
        farmerId: r.farmer_id,
        originFarm: r.origin_farm,
        originLocation: r.origin_location,
        harvestDate: dateOnly(r.harvest_date),
        lotCode: r.lot_code,
        images: await Promise.all(
          (images.get(r.id) ?? []).map(
            async (
              a: Parameters<Media['toPublic']>[0] & { position: number; alt: string | null },
            ) => ({ ...(await this.#media.toPublic(a)), position: a.position, alt: a.alt }),
          ),
        ),
        createdAt: new Date(r.created_at).toISOString(),
        updatedAt: new Date(r.updated_at).toISOString(),
      })),
    )
  }
}

function notYourFarmer(): OoError {
  return new OoError(
    'CATALOG_FARMER_FORBIDDEN',
    403,
    'Farmers may only create and change products as themselves',
    { field: 'farmer_id' },
  )
}
