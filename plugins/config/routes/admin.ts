import { parse, parseListQuery, requirePermission, setContentRange, type AppRouter } from '@oo/core'
import { PutSettingBody, RollbackBody, SettingIdParam, SettingsFilter, splitId } from './schemas.js'

export function adminRoutes(router: AppRouter): void {
  router.get(
    '/settings',
    requirePermission('config.settings.read'),
    async function listSettings(ctx) {
      const query = parseListQuery(ctx.query, {
        sortable: ['id', 'scope', 'key', 'updatedAt'],
        filter: SettingsFilter,
      })
      const { id, scope, q } = query.filter
      const ids = id === undefined ? undefined : new Set(([] as string[]).concat(id))
      const all = (await ctx.state.scope.cradle.settingsService.list()).filter(
        (s) =>
          (!ids || ids.has(s.id)) &&
          (!scope || s.scope === scope) &&
          (!q || s.id.toLowerCase().includes(q.toLowerCase())),
      )
      const field = query.sort.field as 'id' | 'scope' | 'key' | 'updatedAt'
      const sign = query.sort.order === 'asc' ? 1 : -1
      all.sort((a, b) => sign * String(a[field] ?? '').localeCompare(String(b[field] ?? '')))
      const rows = all.slice(query.range.start, query.range.end + 1)
      setContentRange(ctx, 'settings', query.range, all.length, rows.length)
      ctx.body = rows
    },
  )

  router.get(
    '/settings/:id',
    requirePermission('config.settings.read'),
    async function getSetting(ctx) {
      const { scope, key } = splitId(parse(SettingIdParam, ctx.params).id)
      ctx.body = await ctx.state.scope.cradle.settingsService.get(scope, key)
    },
  )

  router.put(
    '/settings/:id',
    requirePermission('config.settings.write'),
    async function putSetting(ctx) {
      const { scope, key } = splitId(parse(SettingIdParam, ctx.params).id)
      const body = parse(PutSettingBody, ctx.request.body)
      ctx.body = await ctx.state.scope.cradle.settingsService.put(scope, key, body)
    },
  )

  router.get(
    '/settings/:id/history',
    requirePermission('config.settings.read'),
    async function settingHistory(ctx) {
      const { scope, key } = splitId(parse(SettingIdParam, ctx.params).id)
      const rows = await ctx.state.scope.cradle.settingsService.history(scope, key)
      setContentRange(
        ctx,
        'settings-history',
        { start: 0, end: Math.max(rows.length - 1, 0) },
        rows.length,
        rows.length,
      )
      ctx.body = rows
    },
  )

  router.post(
    '/settings/:id/rollback',
    requirePermission('config.settings.write'),
    async function rollbackSetting(ctx) {
      const { scope, key } = splitId(parse(SettingIdParam, ctx.params).id)
      const body = parse(RollbackBody, ctx.request.body)
      ctx.body = await ctx.state.scope.cradle.settingsService.rollback(scope, key, body)
    },
  )

  /** This process's view: how many keys it holds and how it learned of changes (ops and tests). */
  router.get(
    '/settings-status',
    requirePermission('config.settings.read'),
    function settingsStatus(ctx) {
      ctx.body = ctx.state.scope.cradle.settingsStore.status()
    },
  )
}
