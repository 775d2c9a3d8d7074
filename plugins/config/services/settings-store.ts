import {
  bindTenant,
  OoError,
  type Database,
  type Logger,
  type SettingsAccessor,
  type SettingsChange,
  type SettingsMap,
} from '@oo/core'
import type { z } from 'zod'
import type { SettingsNotice } from './settings-bus.js'

export interface StoredRow {
  key: string
  value: unknown
  version: number
}

/** One tenant's settings for one plugin. Replaced whole, never mutated: readers see old or new. */
interface Snapshot {
  readonly value: unknown
  readonly versions: ReadonlyMap<string, number>
}

export interface SettingsStatus {
  keys: number
  appliedByBroadcast: number
  healedByReconcile: number
  reconcileRuns: number
  lastReconcileAt: string | null
}

/**
 * Every process's in-memory copy of all tenants' settings. Loaded before the engine serves,
 * refreshed per key on a broadcast, healed by a periodic reconcile against the database.
 * Reads are synchronous and return frozen, fully parsed objects.
 */
export class SettingsStore implements SettingsAccessor {
  readonly #database: Database
  readonly #schemas: ReadonlyMap<string, z.ZodObject>
  readonly #logger: Logger
  readonly #tenants = new Map<string, Map<string, Snapshot>>()
  readonly #defaults = new Map<string, unknown>()
  readonly #listeners = new Map<string, Set<(change: SettingsChange) => void>>()
  // Reloads of one (tenant, plugin) run one after another, so an older read never lands last.
  readonly #chains = new Map<string, Promise<string[]>>()
  readonly #status = {
    appliedByBroadcast: 0,
    healedByReconcile: 0,
    reconcileRuns: 0,
    lastReconcileAt: null as string | null,
  }
  #timer?: NodeJS.Timeout
  #reconciling?: Promise<void>

  constructor({
    database,
    settingsSchemas,
    logger,
  }: {
    database: Database
    settingsSchemas: ReadonlyMap<string, z.ZodType>
    logger: Logger
  }) {
    this.#database = database
    this.#logger = logger
    const schemas = new Map<string, z.ZodObject>()
    for (const [plugin, schema] of settingsSchemas) {
      // Duck-typed: `instanceof` fails across two copies of zod (tsx and vitest may load both).
      if (!isObjectSchema(schema)) {
        throw new OoError(
          'CONFIG_SETTINGS_NOT_AN_OBJECT',
          500,
          `${plugin}: settings must be a z.object() (each key is versioned on its own)`,
        )
      }
      if (!schema.safeParse({}).success) {
        throw new OoError(
          'CONFIG_SETTINGS_NEED_DEFAULTS',
          500,
          `${plugin}: every settings key needs a default (a tenant that stored nothing must still get a value)`,
        )
      }
      schemas.set(plugin, schema)
    }
    this.#schemas = schemas
  }

  schema(plugin: string): z.ZodObject {
    const schema = this.#schemas.get(plugin)
    if (!schema)
      throw new OoError(
        'CONFIG_SCOPE_UNKNOWN',
        404,
        `No plugin named "${plugin}" declares settings`,
        { field: 'scope' },
      )
    return schema
  }

  plugins(): string[] {
    return [...this.#schemas.keys()]
  }

  get<P extends keyof SettingsMap & string>(tenantId: string, plugin: P): SettingsMap[P] {
    // A plugin reading a name nobody declared is a programming error, not a client's.
    if (!this.#schemas.has(plugin))
      throw new OoError(
        'CONFIG_SETTINGS_UNDECLARED',
        500,
        `No plugin named "${plugin}" declares settings`,
      )
    const snapshot = this.#tenants.get(tenantId)?.get(plugin)
    return (snapshot ? snapshot.value : this.#defaultsOf(plugin)) as SettingsMap[P]
  }

  /** Untyped read for the admin API, which serves every plugin. */
  read(tenantId: string, plugin: string): Record<string, unknown> {
    return this.get(tenantId, plugin as never) as Record<string, unknown>
  }

  isSet(tenantId: string, plugin: string, key: string): boolean {
    return this.version(tenantId, plugin, key) > 0
  }

  version(tenantId: string, plugin: string, key: string): number {
    return this.#tenants.get(tenantId)?.get(plugin)?.versions.get(key) ?? 0
  }

  onChange(plugin: string, fn: (change: SettingsChange) => void): () => void {
    const set = this.#listeners.get(plugin) ?? new Set()
    set.add(fn)
    this.#listeners.set(plugin, set)
    return () => void set.delete(fn)
  }

  status(): SettingsStatus {
    let keys = 0
    for (const plugins of this.#tenants.values())
      for (const s of plugins.values()) keys += s.versions.size
    return { keys, ...this.#status }
  }

  /** Validates a candidate set of stored values for one plugin; throws 400 naming the field. */
  validate(plugin: string, stored: Record<string, unknown>): Record<string, unknown> {
    const result = this.schema(plugin).safeParse(stored)
    if (result.success) return result.data as Record<string, unknown>
    const issue = result.error.issues[0]!
    const field = issue.path.map(String).join('.') || 'value'
    throw new OoError('CONFIG_VALUE_INVALID', 400, `${plugin}.${field}: ${issue.message}`, {
      field,
      details: {
        issues: result.error.issues.map((i) => ({
          field: i.path.map(String).join('.'),
          code: i.code,
          message: i.message,
        })),
      },
    })
  }

  /** Start-up: everything stored, before the engine serves a request. */
  async loadAll(): Promise<void> {
    await this.reconcile({ count: false })
  }

  /** Re-reads one tenant's keys of one plugin and swaps the snapshot. Resolves with the keys that changed. */
  reload(tenantId: string, plugin: string): Promise<string[]> {
    const id = `${tenantId}\u0000${plugin}`
    const previous = this.#chains.get(id) ?? Promise.resolve([])
    const next = previous
      .catch(() => [])
      .then(async () => this.#apply(tenantId, plugin, await this.#readRows(tenantId, plugin)))
    this.#chains.set(id, next)
    void next
      .finally(() => {
        if (this.#chains.get(id) === next) this.#chains.delete(id)
      })
      .catch(() => undefined)
    return next
  }

  /** A broadcast: reload only when this process is behind. */
  async onNotice(notice: SettingsNotice): Promise<void> {
    if (!this.#schemas.has(notice.scope)) return
    if (this.version(notice.tenantId, notice.scope, notice.key) >= notice.version) return
    const changed = await this.reload(notice.tenantId, notice.scope)
    if (changed.length) this.#status.appliedByBroadcast++
  }

  /** Compares every stored version with memory and reloads whatever differs. */
  reconcile(opts: { count: boolean } = { count: true }): Promise<void> {
    this.#reconciling ??= this.#reconcileOnce(opts.count).finally(() => {
      this.#reconciling = undefined
    })
    return this.#reconciling
  }

  startReconciling(intervalMs: number): void {
    const tick = () => {
      this.reconcile()
        .catch((err: unknown) => this.#logger.error({ err }, 'settings reconcile failed'))
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(tick, intervalMs).unref()
        })
    }
    this.#timer = setTimeout(tick, intervalMs).unref()
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#reconciling?.catch(() => undefined)
    await Promise.allSettled([...this.#chains.values()])
  }

  async #reconcileOnce(count: boolean): Promise<void> {
    const { rows } = await this.#database.app.raw(
      'select tenant_id, scope, key, version from oo_config_versions()',
    )
    const stored = new Map<string, Map<string, Map<string, number>>>()
    for (const row of rows as {
      tenant_id: string
      scope: string
      key: string
      version: number
    }[]) {
      if (!this.#schemas.has(row.scope)) continue
      const plugins = stored.get(row.tenant_id) ?? new Map<string, Map<string, number>>()
      const keys = plugins.get(row.scope) ?? new Map<string, number>()
      keys.set(row.key, Number(row.version))
      plugins.set(row.scope, keys)
      stored.set(row.tenant_id, plugins)
    }
    const stale: [string, string][] = []
    for (const [tenantId, plugins] of stored) {
      for (const [plugin, keys] of plugins) {
        const mine = this.#tenants.get(tenantId)?.get(plugin)?.versions
        if (!mine || mine.size !== keys.size || [...keys].some(([k, v]) => mine.get(k) !== v))
          stale.push([tenantId, plugin])
      }
    }
    for (const [tenantId, plugins] of this.#tenants) {
      for (const plugin of plugins.keys())
        if (!stored.get(tenantId)?.has(plugin)) stale.push([tenantId, plugin])
    }
    for (const [tenantId, plugin] of stale) {
      const changed = await this.reload(tenantId, plugin)
      if (count && changed.length) this.#status.healedByReconcile++
    }
    this.#status.reconcileRuns++
    this.#status.lastReconcileAt = new Date().toISOString()
  }

  // Root-level read: a transaction bound to the tenant, so row-level security applies.
  async #readRows(tenantId: string, plugin: string): Promise<StoredRow[]> {
    return this.#database.app.transaction(async (trx) => {
      await bindTenant(trx, this.#database, tenantId)
      const rows = await trx('service_configs')
        .where({ scope: plugin })
        .select('key', 'value', 'version')
      return rows.map((r: StoredRow) => ({
        key: r.key,
        value: r.value,
        version: Number(r.version),
      }))
    })
  }

  #apply(tenantId: string, plugin: string, rows: StoredRow[]): string[] {
    const before = this.#tenants.get(tenantId)?.get(plugin)?.versions ?? new Map<string, number>()
    const versions = new Map(rows.map((r) => [r.key, r.version]))
    const changed = [...new Set([...versions.keys(), ...before.keys()])].filter(
      (k) => versions.get(k) !== before.get(k),
    )
    if (!changed.length) return []
    const plugins = this.#tenants.get(tenantId) ?? new Map<string, Snapshot>()
    if (rows.length)
      plugins.set(plugin, { value: deepFreeze(this.#parseStored(plugin, rows)), versions })
    else plugins.delete(plugin)
    if (plugins.size) this.#tenants.set(tenantId, plugins)
    else this.#tenants.delete(tenantId)
    for (const fn of this.#listeners.get(plugin) ?? []) {
      try {
        fn({ tenantId, plugin, keys: changed })
      } catch (err) {
        // A subscriber's bug must not keep the others (or this process) from the new value.
        this.#logger.error({ err, plugin, tenantId }, 'settings change listener failed')
      }
    }
    return changed
  }

  /**
   * Stored values were valid when written; a later deploy may have narrowed the schema. Keys
   * that no longer parse fall back to their defaults (logged) rather than failing the tenant.
   */
  #parseStored(plugin: string, rows: StoredRow[]): unknown {
    const schema = this.schema(plugin)
    const stored: Record<string, unknown> = Object.fromEntries(
      rows.filter((r) => r.key in schema.shape).map((r) => [r.key, r.value]),
    )
    for (let attempt = 0; attempt <= rows.length; attempt++) {
      const result = schema.safeParse(stored)
      if (result.success) return result.data
      const bad = new Set(result.error.issues.map((i) => String(i.path[0])))
      this.#logger.error(
        { plugin, keys: [...bad] },
        'stored settings no longer valid; using defaults for these keys',
      )
      for (const key of bad) delete stored[key]
    }
    return this.#defaultsOf(plugin)
  }

  #defaultsOf(plugin: string): unknown {
    if (!this.#defaults.has(plugin))
      this.#defaults.set(plugin, deepFreeze(this.schema(plugin).parse({})))
    return this.#defaults.get(plugin)
  }
}

function isObjectSchema(schema: z.ZodType): schema is z.ZodObject {
  const shape = (schema as { shape?: unknown }).shape
  return typeof shape === 'object' && shape !== null
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}
