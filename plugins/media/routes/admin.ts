import { requirePermission, type AppRouter } from '@oo/core'
import { z } from 'zod'

const CleanupBody = z
  .object({ graceMinutes: z.number().int().min(0).max(10_080).default(60) })
  .strict()

export function adminRoutes(router: AppRouter): void {
  /** Removes this shop's orphaned objects and never-attached uploads older than the grace period. */
  router.post(
    '/media/cleanup',
    requirePermission('media.cleanup'),
    async function cleanupMedia(ctx) {
      const { graceMinutes } = CleanupBody.parse(ctx.request.body ?? {})
      const { mediaJanitor, tenant } = ctx.state.scope.cradle
      ctx.body = await mediaJanitor.sweep({ tenantId: tenant.id, graceMs: graceMinutes * 60_000 })
    },
  )
}
