import { createTestApp, type TestApp } from '@oo/core/testing'
import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import tenancy from '../../tenancy/index.js'
import oidc from '../index.js'

// The token HMAC secret, the issuer's private keys and its client secret live in oidc_secrets.
// Before they were sealed, `select * from oidc_secrets` as oo_app was enough to mint any token.
describe('secrets at rest', () => {
  let t: TestApp
  let pizza: Awaited<ReturnType<TestApp['seedTenant']>>

  beforeAll(async () => {
    t = await createTestApp({ plugins: [tenancy(), oidc()] })
    pizza = await t.seedTenant('sealed')
  })
  afterAll(() => t?.close())

  /** What SQL running as the engine role reads. */
  function asAppRole<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return t.engine.database.app.transaction(async (trx) => {
      if (t.engine.database.kind === 'pglite') await trx.raw('set local role oo_app')
      return fn(trx)
    })
  }

  it('shows oo_app only ciphertext, and the engine still signs and verifies tokens', async () => {
    const { guestTokens, oidcSecrets } = t.engine.container.cradle
    const issued = await guestTokens.issue({ tenantId: pizza.id, kind: 'guest' })
    await t.http
      .get('/api/v1/admin/me')
      .set('Host', pizza.host)
      .set('Authorization', `Bearer ${issued.token}`)
      .expect(200)
    // The development issuer publishes the public half of its stored keys.
    const jwks = await t.http.get('/oidc/jwks').expect(200)
    expect(jwks.body.keys.length).toBeGreaterThan(0)

    const rows = (await asAppRole((trx) => trx('oidc_secrets').select('*'))) as {
      name: string
      value: string
    }[]
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['guest-token-hs256', 'dev-issuer-jwks', 'dev-issuer-client-secret']),
    )
    for (const row of rows) {
      expect(row.value, row.name).toMatch(/^oo1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/)
      const clear = await oidcSecrets.getOrCreate(row.name)
      expect(row.value).not.toContain(clear)
    }
    // The issuer's private keys: the clear value has them, the stored one does not.
    expect(await oidcSecrets.getOrCreate('dev-issuer-jwks')).toContain('"d":')
  })

  it('seals a secret stored in the clear before, on first read, keeping its value', async () => {
    await t.engine.database.asOwner((owner) =>
      owner('oidc_secrets').insert({ name: 'legacy-probe', value: 'stored-in-the-clear' }),
    )
    expect(await t.engine.container.cradle.oidcSecrets.getOrCreate('legacy-probe')).toBe(
      'stored-in-the-clear',
    )
    const [row] = await asAppRole((trx) => trx('oidc_secrets').where({ name: 'legacy-probe' }))
    expect(row.value).toMatch(/^oo1\./)
    expect(await t.engine.container.cradle.oidcSecrets.getOrCreate('legacy-probe')).toBe(
      'stored-in-the-clear',
    )
  })

  it('does not open a sealed value copied under another name', async () => {
    await t.engine.database.asOwner((owner) =>
      owner.raw(
        `insert into oidc_secrets (name, value) select 'copied-probe', value from oidc_secrets where name = 'guest-token-hs256'`,
      ),
    )
    await expect(
      t.engine.container.cradle.oidcSecrets.getOrCreate('copied-probe'),
    ).rejects.toMatchObject({ code: 'OIDC_SECRET_UNREADABLE' })
  })
})
