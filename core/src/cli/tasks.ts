import type { Engine } from '../boot.js'

/** Runs every plugin's `seed` hook in dependency order. */
export async function runSeeds(engine: Engine, step: (message: string) => void): Promise<void> {
  for (const { definition, context } of engine.plugins) {
    if (!definition.seed) continue
    step(`${definition.name}…`)
    await definition.seed(
      Object.assign({}, context as never, {
        step: (message: string) => step(`${definition.name}: ${message}`),
      }),
    )
  }
}

/** Deletes every tenant (their rows cascade) and the event backlog; platform users stay. */
export async function resetTenantData(
  engine: Engine,
  step: (message: string) => void,
): Promise<void> {
  await engine.container.cradle.outbox.stop({ drain: false })
  await engine.database.asOwner(async (knex) => {
    const { rows } = await knex.raw(`select count(*)::int as n from tenants`)
    await knex.transaction(async (trx) => {
      await trx.raw('delete from tenants')
      await trx.raw('delete from oo_outbox')
      if (await trx.schema.hasTable('tenant_provisioning'))
        await trx.raw('delete from tenant_provisioning')
    })
    step(`${(rows[0] as { n: number }).n} tenants and their data deleted`)
  })
}
