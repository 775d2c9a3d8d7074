import { OoError } from '@oo/core'

/**
 * Who is acting, as the routes saw it. `ownOnly` is the seed's `user` role (the engine's
 * `staff`): it creates documents and edits only those it created.
 */
export interface Actor {
  id: string | null
  label: string | null
  ownOnly: boolean
}

export function assertMayEdit(actor: Actor, row: { createdBy: string | null }, what: string): void {
  if (actor.ownOnly && row.createdBy !== actor.id)
    throw new OoError(
      'BROKERAGE_NOT_YOURS',
      403,
      `Your role may change only the ${what} you created`,
    )
}
