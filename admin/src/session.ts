// The browser session of the backend-for-frontend sign-in (plugins/oidc): an httpOnly cookie the
// page never sees, described by GET /auth/session, plus the CSRF token unsafe requests must send.

export interface Session {
  principal: {
    id: string
    kind: string
    email: string | null
    name: string | null
    superAdmin: boolean
  }
  tenant: { id: string; slug: string; name: string } | null
  role: string | null
  csrfToken: string
  expiresAt: string
}

export interface Me {
  id: string
  email?: string | null
  name?: string | null
  superAdmin: boolean
  tenant: { id: string; slug: string; name: string } | null
  role: string | null
  memberships: { tenantId: string; role: string }[]
}

let current: Promise<Session | null> | undefined

/** The session, fetched once and shared; `refresh` asks the engine again. */
export function getSession(opts: { refresh?: boolean } = {}): Promise<Session | null> {
  if (opts.refresh || !current) {
    current = fetch('/auth/session', {
      credentials: 'same-origin',
      headers: withTenant({ Accept: 'application/json' }),
    }).then(async (res) => {
      if (res.status === 401 || res.status === 404) return null
      if (!res.ok) throw new Error(await errorMessage(res))
      return (await res.json()) as Session
    })
    current.catch(() => {
      current = undefined
    })
  }
  return current
}

export function forgetSession(): void {
  current = undefined
}

// --- the tenant this panel works on -----------------------------------------------------------
// On a shop's own domain the Host decides. Elsewhere (the engine's own address) a person who
// belongs to several tenants picks one, sent as X-Tenant-ID.

const TENANT_KEY = 'oo.admin.tenant'

export function selectedTenant(): string | null {
  return sessionStorage.getItem(TENANT_KEY)
}

export function selectTenant(id: string | null): void {
  if (id) sessionStorage.setItem(TENANT_KEY, id)
  else sessionStorage.removeItem(TENANT_KEY)
  forgetSession()
}

export function withTenant(headers: Record<string, string>): Record<string, string> {
  const tenant = selectedTenant()
  return tenant ? { ...headers, 'X-Tenant-ID': tenant } : headers
}

export async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } }
    return body.error?.message ?? `${res.status} ${res.statusText}`
  } catch {
    return `${res.status} ${res.statusText}`
  }
}

/** Where the browser is inside the panel, as a path the engine accepts as `returnTo`. */
export function currentPath(): string {
  const { pathname, search } = window.location
  return pathname.startsWith('/admin/login') ? '/admin/' : `${pathname}${search}`
}
