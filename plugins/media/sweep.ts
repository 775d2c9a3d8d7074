/**
 * The orphan sweep as a command (the engine must not be running on the embedded database: it
 * locks its data directory):
 *
 *   npx tsx plugins/media/sweep.ts [--grace-minutes 60] [--tenant <uuid>]
 *
 * Boots the engine from oo.config.ts (or OO_CONFIG) without listening, sweeps, stops.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { boot, type OoConfig } from '@oo/core'
import './cradle.js'

const { values } = parseArgs({
  options: { 'grace-minutes': { type: 'string', default: '60' }, tenant: { type: 'string' } },
})
const graceMinutes = Number(values['grace-minutes'])
if (!Number.isInteger(graceMinutes) || graceMinutes < 0)
  throw new Error('--grace-minutes must be a whole number ≥ 0')
const config = (
  (await import(pathToFileURL(resolve(process.env.OO_CONFIG ?? 'oo.config.ts')).href)) as {
    default: OoConfig
  }
).default
const engine = await boot(config)
try {
  const report = await engine.container.cradle.mediaJanitor.sweep({
    tenantId: values.tenant,
    graceMs: graceMinutes * 60_000,
  })
  process.stdout.write(
    `media sweep: ${report.tenants} tenant(s), ${report.orphanObjects} orphan object(s) and ${report.unattachedAssets} unattached upload(s) removed\n`,
  )
} finally {
  await engine.stop()
}
