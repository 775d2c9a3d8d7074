import type { AuthProvider } from 'react-admin'
import type { PanelPermissions } from './plugin-api.ts'
import {
  currentPath,
  errorMessage,
  forgetSession,
  getSession,
  selectTenant,
  withTenant,
  type Me,
} from './session.ts'

let me: Promise<Me> | undefined

/** GET /api/v1/admin/me: the caller, the tenant of this request, the role there, and every membership. */
export function getMe(opts: { refresh?: boolean } = {}): Promise<Me> {
  if (opts.refresh || !me) {
    me = fetch('/api/v1/admin/me', {
      credentials: 'same-origin',
      headers: withTenant({ Accept: 'application/json' }),
    }).then(async (res) => {
      if (!res.ok) throw Object.assign(new Error(await errorMessage(res)), { status: res.status })
      return (await res.json()) as Me
    })
    me.catch(() => {
      me = undefined
    })
  }
  return me
}

export const authProvider: AuthProvider = {
  // Sign-in happens at the engine (OIDC code + PKCE); it comes back here with a session cookie.
  async login() {
    window.location.assign(`/auth/login?returnTo=${encodeURIComponent(currentPath())}`)
    await new Promise(() => undefined) // the page is leaving
  },

  async checkAuth() {
    const session = await getSession()
    if (!session) throw new Error('Please sign in')
  },

  async logout() {
    const session = await getSession().catch(() => null)
    forgetSession()
    me = undefined
    if (!session) return '/login'
    const res = await fetch('/auth/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRF-Token': session.csrfToken },
    })
    const body = res.ok ? ((await res.json()) as { endSessionUrl?: string | null }) : null
    // Also end the session at the identity provider, else "Sign in" would silently reuse it.
    if (body?.endSessionUrl) {
      window.location.assign(body.endSessionUrl)
      await new Promise(() => undefined)
    }
    return '/login'
  },

  async checkError(error: { status?: number; body?: { error?: { code?: string } } }) {
    const status = error?.status
    if (status === 401) {
      forgetSession()
      throw new Error('Your session ended: please sign in again')
    }
    if (status === 403) {
      const code = error.body?.error?.code
      // A tenant picked earlier that this person no longer belongs to: drop it, stay signed in.
      if (code === 'TENANCY_NOT_A_MEMBER' || code === 'TENANCY_TENANT_MISMATCH') selectTenant(null)
      const session = await getSession({ refresh: true }).catch(() => null)
      if (!session) throw new Error('Your session ended: please sign in again')
      // Signed in but not allowed: say so, and do not log out (that would loop back here).
      // (No redirectTo: react-admin calls redirectTo.startsWith when it is set, even to false.)
      throw { logoutUser: false, message: 'ra.notification.not_authorized' }
    }
  },

  async getIdentity() {
    const session = await getSession()
    if (!session) throw new Error('Please sign in')
    const { principal } = session
    return {
      id: principal.id,
      fullName: principal.name ?? principal.email ?? principal.id,
      email: principal.email,
    }
  },

  async getPermissions(): Promise<PanelPermissions> {
    const session = await getSession()
    if (!session) return { role: null, superAdmin: false, permissions: [] }
    const res = await fetch('/api/v1/admin/panel/permissions', {
      credentials: 'same-origin',
      headers: withTenant({ Accept: 'application/json' }),
    })
    if (!res.ok)
      return { role: session.role, superAdmin: session.principal.superAdmin, permissions: [] }
    return (await res.json()) as PanelPermissions
  },
}
