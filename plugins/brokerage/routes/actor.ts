import type { AppState } from '@oo/core'
import { OWN_DATA_ROLE } from '../permissions.js'
import type { Actor } from '../services/actor.js'

export function actorOf(ctx: { state: Pick<AppState, 'principal' | 'role'> }): Actor {
  const principal = ctx.state.principal
  return {
    id: principal?.id ?? null,
    label: principal?.email ?? principal?.name ?? null,
    ownOnly: ctx.state.role === OWN_DATA_ROLE && !principal?.superAdmin,
  }
}
