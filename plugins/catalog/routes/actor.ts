import type { AppState } from '@oo/core'
import type { Actor } from '../services/product-service.js'

/** The caller as the product service judges it (role in this tenant, or super-admin). */
export function actorOf(state: AppState): Actor {
  const principal = state.principal
  return {
    userId: principal?.kind === 'user' ? principal.id : null,
    role: state.role ?? 'public',
    superAdmin: principal?.superAdmin ?? false,
  }
}
