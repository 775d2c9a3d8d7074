import type { AppState } from '@oo/core'
import type { ParameterizedContext } from 'koa'
import { OWN_DATA_ROLE } from '../permissions.js'
import type { Actor } from '../services/actor.js'

export function actorOf(ctx: ParameterizedContext<AppState>): Actor {
  const principal = ctx.state.principal
  return {
    id: principal?.id ?? null,
    label: principal?.email ?? principal?.name ?? null,
    ownOnly: ctx.state.role === OWN_DATA_ROLE && !principal?.superAdmin,
  }
}
