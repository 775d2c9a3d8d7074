import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import supertest from 'supertest'
import { inject } from 'vitest'
import { boot, type BootOptions, type Engine } from '../boot.js'
import type { OoConfig } from '../config/define-config.js'
import type { PluginInstance } from '../plugins/define-plugin.js'
import { createPgTestDatabase, pgliteTemplate, withDatabase } from './test-databases.js'
import { TestIssuer } from './test-issuer.js'

export { TestIssuer, TEST_AUDIENCE, TEST_ISSUER } from './test-issuer.js'
export { createPgTestDatabase, withDatabase } from './test-databases.js'

/** True when the run has real PostgreSQL (and Redis) rather than the embedded defaults. */
export const hasPostgres = Boolean(process.env.DATABASE_URL)
export const hasRedis = Boolean(process.env.REDIS_URL)

export interface TestDatabase {
  config: NonNullable<OoConfig['database']>
  /** Embedded only: opens the database (again, after an engine closed it). */
  openPglite?: () => Promise<PGlite>
  drop(): Promise<void>
}

/**
 * A private database for one test file: a clone of the migrated template on PostgreSQL (the engine
 * connects as the restricted `oo_app` login), or the embedded template loaded into a new PGlite —
 * in memory, or `onDisk` when a test restarts engines on the same data.
 */
export async function createTestDatabase(opts: { onDisk?: boolean } = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL
  if (url) {
    const db = await createPgTestDatabase(url, inject('pgTemplateDb'))
    return {
      config: { url: db.url, appUrl: withDatabase(db.url, db.name, 'oo_app'), poolMax: 5 },
      drop: db.drop,
    }
  }
  const template = pgliteTemplate(inject('pgliteTemplateFile'))
  if (!opts.onDisk) {
    let opened = false
    return {
      config: {},
      openPglite: async () => {
        if (opened)
          throw new Error(
            'An in-memory test database cannot be reopened: use createTestDatabase({ onDisk: true })',
          )
        opened = true
        return PGlite.create({ loadDataDir: template })
      },
      drop: async () => undefined,
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'oo-pglite-'))
  let loaded = false
  return {
    config: {},
    openPglite: async () => {
      const pglite = await PGlite.create(
        join(dir, 'pgdata'),
        loaded ? {} : { loadDataDir: template },
      )
      loaded = true
      return pglite
    },
    drop: () => rm(dir, { recursive: true, force: true }),
  }
}

export interface TestApp {
  engine: Engine
  url: string
  issuer: TestIssuer
  http: ReturnType<typeof supertest.agent>
  /** Supertest with a bearer token from the test issuer for this email. */
  as(email: string): {
    get: (p: string) => supertest.Test
    post: (p: string) => supertest.Test
    put: (p: string) => supertest.Test
    delete: (p: string) => supertest.Test
  }
  tokenFor(email: string): Promise<string>
  /** Provisions a tenant with domain `<slug>.test` and owner `owner@<slug>.test`. */
  seedTenant(slug: string): Promise<{ id: string; slug: string; host: string; owner: string }>
  close(): Promise<void>
}

export interface TestAppOptions {
  plugins: PluginInstance[]
  boot?: BootOptions
  config?: Partial<OoConfig>
  /** Reuse a database (e.g. to restart an engine on the same data). */
  database?: TestDatabase
}

/** Boots the real engine with the plugins under test, listening on 127.0.0.1 with a random port. */
export async function createTestApp(opts: TestAppOptions): Promise<TestApp> {
  const database = opts.database ?? (await createTestDatabase())
  const issuer = new TestIssuer()
  const prefix = `oo-test-${randomBytes(4).toString('hex')}`
  let engine: Engine
  try {
    engine = await boot(
      {
        mode: 'test',
        ...opts.config,
        http: { ...opts.config?.http, port: 0, host: '127.0.0.1' },
        database: database.config,
        redis: { url: process.env.REDIS_URL, keyPrefix: prefix },
        plugins: [...opts.plugins, issuer.plugin()],
      },
      { pglite: await database.openPglite?.(), ...opts.boot },
    )
  } catch (err) {
    if (!opts.database) await database.drop()
    throw err
  }
  const url = await engine.listen()
  const http = supertest.agent(url)
  const tokens = new Map<string, string>()
  const tokenFor = async (email: string) => {
    if (!tokens.has(email)) tokens.set(email, await issuer.token({ sub: `sub-${email}`, email }))
    return tokens.get(email)!
  }
  const as = (email: string) => {
    const withAuth = (test: supertest.Test) => {
      const send = test.then.bind(test)
      let authed: Promise<unknown> | undefined
      // supertest is thenable: add the header just before the request goes out.
      test.then = ((resolve: never, reject: never) => {
        authed ??= tokenFor(email).then((token) => {
          test.set('Authorization', `Bearer ${token}`) // returns the thenable test: must not be resolved with it
        })
        return authed.then(() => send(resolve, reject))
      }) as never
      return test
    }
    return {
      get: (p: string) => withAuth(http.get(p)),
      post: (p: string) => withAuth(http.post(p)),
      put: (p: string) => withAuth(http.put(p)),
      delete: (p: string) => withAuth(http.delete(p)),
    }
  }
  return {
    engine,
    url,
    issuer,
    http,
    as,
    tokenFor,
    async seedTenant(slug) {
      const provisioning = engine.container.resolve<{
        provision(r: object): Promise<{ tenantId: string | null }>
      }>('provisioningService')
      const host = `${slug}.test`
      const owner = `owner@${slug}.test`
      const result = await provisioning.provision({
        operationId: `test-${slug}-${randomBytes(4).toString('hex')}`,
        slug,
        name: slug,
        domains: [host],
        owner: { email: owner },
      })
      return { id: result.tenantId!, slug, host, owner }
    },
    async close() {
      await engine.stop()
      if (!opts.database) await database.drop()
    },
  }
}
export { closeAgent, requestJson, spawnEngine, type EngineProcess } from './engine-process.js'
export { CHROMIUM, hasChromium, launchChromium } from './browser.js'
