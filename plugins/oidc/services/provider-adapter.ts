import type { Database } from '@oo/core'
import type { Adapter, AdapterPayload } from 'oidc-provider'

/** oidc-provider's storage in PostgreSQL, so interactions and codes survive across processes. */
export function providerAdapter(database: Database): (model: string) => Adapter {
  return (model) => {
    const table = () => database.app('oidc_provider_store')
    const live = (q: ReturnType<typeof table>) =>
      q
        .where({ model })
        .andWhere((w) => w.whereNull('expires_at').orWhere('expires_at', '>', new Date()))
    const read = async (where: Record<string, string>) => {
      const row = await live(table()).where(where).first('payload')
      return (row as { payload: AdapterPayload } | undefined)?.payload
    }
    return {
      async upsert(id, payload, expiresIn) {
        const row = {
          model,
          id,
          payload: JSON.stringify(payload),
          grant_id: payload.grantId ?? null,
          uid: payload.uid ?? null,
          user_code: payload.userCode ?? null,
          expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
        }
        await table().insert(row).onConflict(['model', 'id']).merge()
      },
      find: (id) => read({ id }),
      findByUid: (uid) => read({ uid }),
      findByUserCode: (userCode) => read({ user_code: userCode }),
      async consume(id) {
        const payload = await read({ id })
        if (payload)
          await table()
            .where({ model, id })
            .update({
              payload: JSON.stringify({ ...payload, consumed: Math.floor(Date.now() / 1000) }),
            })
      },
      async destroy(id) {
        await table().where({ model, id }).delete()
      },
      async revokeByGrantId(grantId) {
        await database.app('oidc_provider_store').where({ grant_id: grantId }).delete()
      },
    }
  }
}
