import { randomUUID } from 'node:crypto'
import { API_PREFIX, type Tenant } from '@oo/core'
import type { Knex } from 'knex'
import type { MediaOptions } from '../config.js'
import type { ObjectStorage } from '../drivers/object-storage.js'
import { processImage, type Variant } from './image-processor.js'
import { assetPrefix } from './keys.js'

/** An uploaded image whose objects are stored but whose row is not yet written. */
export interface PreparedAsset {
  id: string
  tenantId: string
  keyPrefix: string
  originalType: string
  width: number
  height: number
  bytes: number
  capturedAt: Date | null
  variants: Variant[]
}

export interface AssetRow {
  id: string
  key_prefix: string
  width: number
  height: number
  captured_at: Date | string | null
  variants: Variant[]
}

/** What storefronts see of an image. */
export interface PublicImage {
  id: string
  width: number
  height: number
  /** When the photo was taken (EXIF), for "photographed at". */
  capturedAt: string | null
  url: string
  variants: { url: string; format: string; width: number; height: number }[]
}

/**
 * A tenant's images. Uploading is two steps around the caller's transaction: `prepare` checks
 * the bytes and stores the variants, `record` writes the row in the transaction; if the
 * transaction fails the caller calls `discard`, so no object outlives a failed request.
 */
export class MediaService {
  readonly #storage: ObjectStorage
  readonly #options: MediaOptions
  readonly #tenant: Tenant

  constructor({
    mediaStorage,
    mediaOptions,
    tenant,
  }: {
    mediaStorage: ObjectStorage
    mediaOptions: MediaOptions
    tenant: Tenant
  }) {
    this.#storage = mediaStorage
    this.#options = mediaOptions
    this.#tenant = tenant
  }

  async prepare(file: Buffer): Promise<PreparedAsset> {
    const image = await processImage(file, this.#options)
    const id = randomUUID()
    const keyPrefix = assetPrefix(this.#tenant.id, id)
    const stored: string[] = []
    try {
      for (const v of image.variants) {
        await this.#storage.put(keyPrefix + v.name, v.body, v.contentType)
        stored.push(keyPrefix + v.name)
      }
    } catch (err) {
      await this.#storage.delete(stored).catch(() => undefined)
      throw err
    }
    const variants = image.variants.map(({ body: _body, ...v }) => v)
    return {
      id,
      tenantId: this.#tenant.id,
      keyPrefix,
      originalType: image.originalType,
      width: image.width,
      height: image.height,
      bytes: image.bytes,
      capturedAt: image.capturedAt,
      variants,
    }
  }

  /** Writes the asset row inside the caller's transaction. */
  async record(trx: Knex.Transaction, asset: PreparedAsset, owner: string): Promise<void> {
    await trx('media_assets').insert({
      id: asset.id,
      tenant_id: this.#tenant.id,
      key_prefix: asset.keyPrefix,
      original_type: asset.originalType,
      width: asset.width,
      height: asset.height,
      bytes: asset.bytes,
      variants: JSON.stringify(asset.variants),
      captured_at: asset.capturedAt,
      owner,
    })
  }

  /** Removes the objects of an asset whose transaction failed. */
  async discard(asset: PreparedAsset): Promise<void> {
    await this.#storage.delete(asset.variants.map((v) => asset.keyPrefix + v.name))
  }

  /** Deletes asset rows in the caller's transaction; returns the object keys to delete after commit. */
  async removeRows(
    trx: Knex.Transaction,
    where: { ids?: readonly string[]; owner?: string },
  ): Promise<string[]> {
    const query = trx('media_assets')
    if (where.ids) query.whereIn('id', where.ids)
    if (where.owner) query.where({ owner: where.owner })
    const rows: { key_prefix: string; variants: Variant[] }[] = await query
      .delete()
      .returning(['key_prefix', 'variants'])
    return rows.flatMap((r) => r.variants.map((v) => r.key_prefix + v.name))
  }

  /** Deletes objects once their rows are gone (call after commit). Failures are left to the orphan sweep. */
  async deleteObjects(keys: readonly string[]): Promise<void> {
    await this.#storage.delete(keys)
  }

  /** Storefront shape of an asset: engine URLs (long-cached) or signed URLs when configured. */
  async toPublic(row: AssetRow): Promise<PublicImage> {
    const variants = await Promise.all(
      [...row.variants]
        .sort((a, b) => a.width - b.width || a.format.localeCompare(b.format))
        .map(async (v) => ({
          url: await this.url(row, v.name),
          format: v.format,
          width: v.width,
          height: v.height,
        })),
    )
    const best = variants.filter((v) => v.format === 'webp').at(-1) ?? variants.at(-1)
    const captured = row.captured_at ? new Date(row.captured_at).toISOString() : null
    return {
      id: row.id,
      width: row.width,
      height: row.height,
      capturedAt: captured,
      url: best?.url ?? '',
      variants,
    }
  }

  async url(row: Pick<AssetRow, 'id' | 'key_prefix'>, file: string): Promise<string> {
    if (this.#options.signedUrlSeconds > 0 && this.#storage.signedUrl) {
      return this.#storage.signedUrl(row.key_prefix + file, this.#options.signedUrlSeconds)
    }
    return `${API_PREFIX}/store/media/${row.id}/${file}`
  }
}
