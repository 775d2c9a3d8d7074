import { OoError, type Logger, type Principal, type ScopedEventBus, type TenantDb } from '@oo/core'
import type { Knex } from 'knex'
import type { SettingsBus } from './settings-bus.js'
import type { SettingsStore } from './settings-store.js'

export interface SettingView {
  id: string
  scope: string
  key: string
  value: unknown
  version: number
  isDefault: boolean
  updatedBy: string | null
  updatedAt: string | null
}

export interface HistoryEntry {
  id: string
  version: number
  oldValue: unknown
  newValue: unknown
  actor: string | null
  actorEmail: string | null
  reason: string | null
  at: string
}

interface Row {
  scope: string
  key: string
  value: unknown
  version: number
  updated_by: string | null
  updated_at: Date
}

/** The admin side of settings: read, write with optimistic concurrency, history, rollback. */
export class SettingsService {
  readonly #db: TenantDb
  readonly #events: ScopedEventBus
  readonly #store: SettingsStore
  readonly #bus: SettingsBus
  readonly #principal: Principal | null
  readonly #logger: Logger

  constructor({
    db,
    eventBus,
    settingsStore,
    settingsBus,
    principal,
    logger,
  }: {
    db: TenantDb
    eventBus: ScopedEventBus
    settingsStore: SettingsStore
    settingsBus: SettingsBus
    principal: Principal | null
    logger: Logger
  }) {
    this.#logger = logger
    this.#db = db
    this.#events = eventBus
    this.#store = settingsStore
    this.#bus = settingsBus
    this.#principal = principal
  }

  /** Every key of every plugin's schema, stored or defaulted, sorted by id. */
  async list(): Promise<SettingView[]> {
    const rows: Row[] = await this.#db.tx((trx) =>
      trx('service_configs').select('scope', 'key', 'value', 'version', 'updated_by', 'updated_at'),
    )
    const stored = new Map(rows.map((r) => [`${r.scope}.${r.key}`, r]))
    const views: SettingView[] = []
    for (const scope of this.#store.plugins()) {
      const defaults = this.#store.schema(scope).parse({}) as Record<string, unknown>
      for (const key of Object.keys(this.#store.schema(scope).shape)) {
        views.push(toView(scope, key, stored.get(`${scope}.${key}`), defaults[key]))
      }
    }
    return views.sort((a, b) => a.id.localeCompare(b.id))
  }

  async get(scope: string, key: string): Promise<SettingView> {
    this.#assertKey(scope, key)
    const row: Row | undefined = await this.#db.tx((trx) =>
      trx('service_configs').where({ scope, key }).first(),
    )
    return toView(
      scope,
      key,
      row,
      (this.#store.schema(scope).parse({}) as Record<string, unknown>)[key],
    )
  }

  /**
   * Writes a new value if `expectedVersion` is still current (0 = never set). Validation, the
   * version bump, history and the outbox event share one transaction; the broadcast follows
   * the commit and carries the version only.
   */
  async put(
    scope: string,
    key: string,
    input: { value: unknown; version: number; reason?: string },
  ): Promise<SettingView> {
    this.#assertKey(scope, key)
    const actor = this.#principal?.id ?? null
    const row = await this.#db.tx(async (trx) => {
      const rows: Row[] = await trx('service_configs')
        .where({ scope })
        .select('key', 'value', 'version')
      const current = rows.find((r) => r.key === key)
      const candidate = Object.fromEntries(rows.map((r) => [r.key, r.value]))
      candidate[key] = input.value
      const parsed = this.#store.validate(scope, candidate)
      const currentVersion = current ? Number(current.version) : 0
      if (currentVersion !== input.version)
        throw conflict(scope, key, input.version, currentVersion)
      const next = currentVersion + 1
      const value = JSON.stringify(parsed[key])
      const returning = ['scope', 'key', 'value', 'version', 'updated_by', 'updated_at']
      const written: Row[] = current
        ? await trx('service_configs')
            .where({ scope, key, version: currentVersion })
            .update({ value, version: next, updated_by: actor, updated_at: trx.fn.now() })
            .returning(returning)
        : await trx('service_configs')
            .insert({
              tenant_id: this.#db.tenantId,
              scope,
              key,
              value,
              version: next,
              updated_by: actor,
            })
            .onConflict(['tenant_id', 'scope', 'key'])
            .ignore()
            .returning(returning)
      if (!written[0]) throw conflict(scope, key, input.version, currentVersion + 1)
      await trx('config_history').insert({
        tenant_id: this.#db.tenantId,
        scope,
        key,
        version: next,
        old_value: current ? JSON.stringify(current.value) : null,
        new_value: value,
        actor,
        reason: input.reason ?? null,
      })
      this.#events.emit('config.setting.changed', { scope, key, version: next })
      return written[0]
    })
    // This process and everyone else at once; the answer waits for this process's swap
    // (read-your-writes). The local reload is queued first, so our own notice finds nothing to do.
    await Promise.all([
      this.#store.reload(this.#db.tenantId, scope),
      this.#publish({ tenantId: this.#db.tenantId, scope, key, version: Number(row.version) }),
    ])
    return toView(scope, key, row, undefined)
  }

  async history(scope: string, key: string): Promise<HistoryEntry[]> {
    this.#assertKey(scope, key)
    // `actor` is a principal id; the admin panel shows who that is (users is a platform table).
    const rows = await this.#db.tx((trx) =>
      trx('config_history as h')
        .leftJoin('users as u', (j) => j.on(trx.raw('u.id::text = h.actor')))
        .where({ 'h.scope': scope, 'h.key': key })
        .orderBy('h.version', 'desc')
        .select(
          'h.id',
          'h.version',
          'h.old_value',
          'h.new_value',
          'h.actor',
          'u.email as actor_email',
          'h.reason',
          'h.created_at',
        ),
    )
    return rows.map((r: Record<string, unknown>) => ({
      id: String(r.id),
      version: Number(r.version),
      oldValue: r.old_value,
      newValue: r.new_value,
      actor: (r.actor as string | null) ?? null,
      actorEmail: (r.actor_email as string | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      at: new Date(r.created_at as string).toISOString(),
    }))
  }

  /** Rollback is a new version carrying an old value, so history stays linear. */
  async rollback(
    scope: string,
    key: string,
    input: { toVersion: number; version: number; reason?: string },
  ): Promise<SettingView> {
    this.#assertKey(scope, key)
    const target = await this.#db.tx((trx: Knex.Transaction) =>
      trx('config_history').where({ scope, key, version: input.toVersion }).first('new_value'),
    )
    if (!target)
      throw new OoError(
        'CONFIG_VERSION_NOT_FOUND',
        404,
        `${scope}.${key} has no version ${input.toVersion}`,
        { field: 'toVersion' },
      )
    const reason =
      `rollback to v${input.toVersion}${input.reason ? `: ${input.reason}` : ''}`.slice(0, 500)
    return this.put(scope, key, { value: target.new_value, version: input.version, reason })
  }

  async #publish(notice: {
    tenantId: string
    scope: string
    key: string
    version: number
  }): Promise<void> {
    try {
      await this.#bus.publish(notice)
    } catch (err) {
      // The change is committed and in effect here; the other processes' reconcile picks it up.
      this.#logger.warn(
        { err, ...notice },
        'settings broadcast failed; other processes catch up on reconcile',
      )
    }
  }

  #assertKey(scope: string, key: string): void {
    if (!(key in this.#store.schema(scope).shape)) {
      throw new OoError('CONFIG_KEY_UNKNOWN', 404, `${scope} has no setting "${key}"`, {
        field: 'key',
      })
    }
  }
}

function conflict(scope: string, key: string, sent: number, current: number): OoError {
  return new OoError(
    'CONFIG_VERSION_CONFLICT',
    409,
    `${scope}.${key} is at version ${current}, not ${sent}: reload and try again`,
    {
      field: 'version',
      details: { currentVersion: current },
    },
  )
}

function toView(scope: string, key: string, row: Row | undefined, fallback: unknown): SettingView {
  return {
    id: `${scope}.${key}`,
    scope,
    key,
    value: row ? row.value : fallback,
    version: row ? Number(row.version) : 0,
    isDefault: !row,
    updatedBy: row?.updated_by ?? null,
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
  }
}
