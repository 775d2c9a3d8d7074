import { asValue, boot, definePlugin, type AppRouter, type OoConfig } from '@oo/core'
import { createTestDatabase, type TestDatabase } from '@oo/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'

const withOptions = definePlugin({
  name: 'orders',
  options: z.object({ autoAcceptAfterSeconds: z.number().int().min(0) }),
})
const strict = definePlugin({ name: 'media', options: z.object({ bucket: z.string().min(3) }) })

describe('boot checks', () => {
  let database: TestDatabase | undefined
  afterEach(async () => {
    await database?.drop()
    database = undefined
  })

  async function bootWith(
    plugins: OoConfig['plugins'],
    opts: { pluginTimeoutMs?: number; mode?: OoConfig['mode']; autoMigrate?: boolean } = {},
  ) {
    database = await createTestDatabase()
    const engine = await boot(
      {
        mode: opts.mode ?? 'test',
        autoMigrate: opts.autoMigrate,
        database: database.config,
        plugins,
      },
      { pglite: await database.openPglite?.(), pluginTimeoutMs: opts.pluginTimeoutMs },
    )
    await engine.stop()
    return engine
  }

  it('collects every plugin’s invalid options at once, naming each plugin', async () => {
    const err = await bootWith([
      withOptions({ autoAcceptAfterSeconds: 'soon' as never }),
      strict({ bucket: 'x' }),
    ]).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'OO_PLUGIN_OPTIONS_INVALID' })
    expect((err as Error).message).toMatch(/^orders: autoAcceptAfterSeconds: .*number/m)
    expect((err as Error).message).toMatch(/^media: bucket: /m)
  })

  it('refuses a missing dependency, a cycle and a duplicate', async () => {
    const a = definePlugin({ name: 'kitchen', dependsOn: ['orders'] })
    const b = definePlugin({ name: 'orders', dependsOn: ['kitchen'] })
    await expect(bootWith([a()])).rejects.toMatchObject({ code: 'OO_PLUGIN_DEPENDENCY_MISSING' })
    await expect(bootWith([a(), b()])).rejects.toMatchObject({
      code: 'OO_PLUGIN_CYCLE',
      message: 'kitchen → orders → kitchen',
    })
    await expect(
      bootWith([strict({ bucket: 'abc' }), strict({ bucket: 'abc' })]),
    ).rejects.toMatchObject({ code: 'OO_PLUGIN_DUPLICATE' })
  })

  it('refuses a container key registered by two plugins', async () => {
    const first = definePlugin({
      name: 'orders',
      register: ({ container }) => void container.register({ orderService: asValue(1) }),
    })
    const second = definePlugin({
      name: 'legacy-orders',
      register: ({ container }) => void container.register({ orderService: asValue(2) }),
    })
    await expect(bootWith([first(), second()])).rejects.toMatchObject({
      code: 'OO_CONTAINER_KEY_TAKEN',
      message: '"orderService" from legacy-orders is already registered by orders',
    })
  })

  it('refuses a plugin overriding a core registration', async () => {
    const sneaky = definePlugin({
      name: 'sneaky',
      register: ({ container }) => void container.register({ database: asValue(null) }),
    })
    await expect(bootWith([sneaky()])).rejects.toMatchObject({
      code: 'OO_CONTAINER_KEY_TAKEN',
      message: '"database" from sneaky is already registered by core',
    })
  })

  it('refuses the same method and path from two plugins', async () => {
    const route = (router: AppRouter) =>
      void router.put('/orders/:id', (ctx) => void (ctx.body = {}))
    const orders = definePlugin({ name: 'orders', routes: { admin: route } })
    const pos = definePlugin({ name: 'pos', routes: { admin: route } })
    await expect(bootWith([orders(), pos()])).rejects.toMatchObject({
      code: 'OO_ROUTE_TAKEN',
      message: 'PUT /admin/orders/:id registered by orders and pos',
    })
  })

  it('fails a start() that does not finish in time, and stops the plugins already started', async () => {
    const stopped: string[] = []
    const quick = definePlugin({
      name: 'quick',
      start: async () => undefined,
      stop: async () => void stopped.push('quick'),
    })
    const slow = definePlugin({
      name: 'media',
      dependsOn: ['quick'],
      start: () => new Promise(() => undefined),
    })
    await expect(bootWith([quick(), slow()], { pluginTimeoutMs: 200 })).rejects.toMatchObject({
      code: 'OO_PLUGIN_TIMEOUT',
      message: 'media.start() did not finish in 200 ms',
    })
    expect(stopped).toEqual(['quick'])
  })

  it('seals the root container once booted', async () => {
    let late: (() => void) | undefined
    const plugin = definePlugin({
      name: 'late',
      register: ({ container }) => void (late = () => container.register({ x: asValue(1) })),
    })
    await bootWith([plugin()])
    expect(() => late!()).toThrow(expect.objectContaining({ code: 'OO_CONTAINER_SEALED' }))
  })

  it('refuses to serve on pending migrations in production', async () => {
    const withMigration = definePlugin({
      name: 'extra',
      migrations: new URL('./fixtures/migrations/', import.meta.url),
    })
    await expect(
      bootWith([withMigration()], { mode: 'production', autoMigrate: false }),
    ).rejects.toMatchObject({
      code: 'OO_MIGRATIONS_PENDING',
      message: expect.stringMatching(/^1 pending: 20991231000000_extra_probe_table\.ts/),
    })
  })
})
