import { parse, parseListQuery, requirePermission, setContentRange, type AppRouter } from '@oo/core'
import { PARTY_KINDS, type PartyResource } from '../services/party-kinds.js'
import { PARTY_SORTABLE } from '../services/party-service.js'
import { actorOf } from './actor.js'
import { CsvImportBody, IdParam, PartyFilter } from './schemas.js'

/** CRUD in the react-admin dialect for every party resource, plus CSV for those that have it. */
export function partyRoutes(router: AppRouter): void {
  for (const [resource, kind] of Object.entries(PARTY_KINDS) as [
    PartyResource,
    (typeof PARTY_KINDS)[PartyResource],
  ][]) {
    const path = `/${resource}`
    if ('csv' in kind) {
      router.get(
        `${path}/export.csv`,
        requirePermission('brokerage.read'),
        async function exportParties(ctx) {
          ctx.set('Content-Type', 'text/csv; charset=utf-8')
          ctx.set('Content-Disposition', `attachment; filename="${resource}.csv"`)
          ctx.body = await ctx.state.scope.cradle.brokeragePartyService.exportCsv(resource)
        },
      )
      router.post(
        `${path}/import`,
        requirePermission('brokerage.write'),
        async function importParties(ctx) {
          const { csv } = parse(CsvImportBody, ctx.request.body ?? {})
          ctx.body = await ctx.state.scope.cradle.brokeragePartyService.importCsv(
            resource,
            csv,
            actorOf(ctx),
          )
        },
      )
    }

    router.get(path, requirePermission('brokerage.read'), async function listParties(ctx) {
      const query = parseListQuery(ctx.query, { sortable: PARTY_SORTABLE, filter: PartyFilter })
      const { rows, total } = await ctx.state.scope.cradle.brokeragePartyService.list(
        resource,
        query,
      )
      setContentRange(ctx, resource, query.range, total, rows.length)
      ctx.body = rows
    })

    router.get(`${path}/:id`, requirePermission('brokerage.read'), async function getParty(ctx) {
      const { id } = parse(IdParam, ctx.params)
      ctx.body = await ctx.state.scope.cradle.brokeragePartyService.get(resource, id)
    })

    router.post(path, requirePermission('brokerage.write'), async function createParty(ctx) {
      const body = parse(kind.body, ctx.request.body ?? {})
      ctx.status = 201
      ctx.body = await ctx.state.scope.cradle.brokeragePartyService.create(
        resource,
        body,
        actorOf(ctx),
      )
    })

    router.put(
      `${path}/:id`,
      requirePermission('brokerage.write'),
      async function updateParty(ctx) {
        const { id } = parse(IdParam, ctx.params)
        const body = parse(kind.body, ctx.request.body ?? {})
        ctx.body = await ctx.state.scope.cradle.brokeragePartyService.update(
          resource,
          id,
          body,
          actorOf(ctx),
        )
      },
    )

    router.delete(
      `${path}/:id`,
      requirePermission('brokerage.delete'),
      async function deleteParty(ctx) {
        const { id } = parse(IdParam, ctx.params)
        ctx.body = await ctx.state.scope.cradle.brokeragePartyService.remove(
          resource,
          id,
          actorOf(ctx),
        )
      },
    )
  }
}
