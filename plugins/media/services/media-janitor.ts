import type { Logger, ScopeRunner } from '@oo/core'
import type { ObjectStorage } from '../drivers/object-storage.js'
import { parseKey } from './keys.js'

export interface SweepReport {
  tenants: number
  orphanObjects: number
  unattachedAssets: number
}

/**
 * Finds what uploads left behind: objects without an asset row (a crash between upload and
 * commit, a failed delete) and asset rows never attached to anything. Only things older than
 * the grace period are touched, so uploads in flight are safe.
 */
export class MediaJanitor {
  readonly #storage: ObjectStorage
  readonly #scopes: ScopeRunner
  readonly #logger: Logger

  constructor({
    mediaStorage,
    scopes,
    logger,
  }: {
    mediaStorage: ObjectStorage
    scopes: ScopeRunner
    logger: Logger
  }) {
    this.#storage = mediaStorage
    this.#scopes = scopes
    this.#logger = logger
  }

  /** Sweeps one tenant, or every tenant that has objects. */
  async sweep(opts: { tenantId?: string; graceMs?: number } = {}): Promise<SweepReport> {
    const cutoff = Date.now() - (opts.graceMs ?? 3_600_000)
    const byTenant = new Map<string, Map<string, { keys: string[]; newest: number }>>()
    for await (const { key, lastModified } of this.#storage.list(
      opts.tenantId ? `t/${opts.tenantId}/` : 't/',
    )) {
      const parts = parseKey(key)
      if (!parts) continue
      const assets =
        byTenant.get(parts.tenantId) ?? new Map<string, { keys: string[]; newest: number }>()
      const entry = assets.get(parts.assetId) ?? { keys: [], newest: 0 }
      entry.keys.push(key)
      entry.newest = Math.max(entry.newest, lastModified.getTime())
      assets.set(parts.assetId, entry)
      byTenant.set(parts.tenantId, assets)
    }
    if (opts.tenantId && !byTenant.has(opts.tenantId)) byTenant.set(opts.tenantId, new Map())
    const report: SweepReport = { tenants: byTenant.size, orphanObjects: 0, unattachedAssets: 0 }
    for (const [tenantId, assets] of byTenant) {
      const doomed = await this.#scopes.run(tenantId, (scope) =>
        scope.cradle.db.tx(async (trx) => {
          const known = new Set<string>(
            await trx('media_assets')
              .whereIn('id', [...assets.keys()])
              .pluck('id'),
          )
          const unattached: { key_prefix: string; variants: { name: string }[] }[] = await trx(
            'media_assets',
          )
            .whereNull('owner')
            .where('created_at', '<', new Date(cutoff))
            .delete()
            .returning(['key_prefix', 'variants'])
          report.unattachedAssets += unattached.length
          const orphans = [...assets]
            .filter(([id, a]) => !known.has(id) && a.newest < cutoff)
            .flatMap(([, a]) => a.keys)
          report.orphanObjects += orphans.length
          return [
            ...orphans,
            ...unattached.flatMap((r) => r.variants.map((v) => r.key_prefix + v.name)),
          ]
        }),
      )
      await this.#storage.delete(doomed)
    }
    this.#logger.info(report, 'media sweep done')
    return report
  }
}
