import Alert from '@mui/material/Alert'
import Button from '@mui/material/Button'
import Card from '@mui/material/Card'
import CardContent from '@mui/material/CardContent'
import List from '@mui/material/List'
import ListItemButton from '@mui/material/ListItemButton'
import ListItemText from '@mui/material/ListItemText'
import Typography from '@mui/material/Typography'
import StoreIcon from '@mui/icons-material/Storefront'
import { useQuery } from '@tanstack/react-query'
import { useNavigate } from 'react-router-dom'
import { Title } from 'react-admin'
import { getMe } from '../authProvider.ts'
import { selectedTenant, selectTenant, withTenant } from '../session.ts'

interface TenantInfo {
  id: string
  name: string
  slug: string
  domains: string[]
}

/** The caller's tenants, named, with their domains (GET /api/v1/admin/panel/tenants). */
async function myTenants(): Promise<(TenantInfo & { role: string })[]> {
  const res = await fetch('/api/v1/admin/panel/tenants', {
    credentials: 'same-origin',
    headers: withTenant({ Accept: 'application/json' }),
  })
  return res.ok ? ((await res.json()) as (TenantInfo & { role: string })[]) : []
}

function useMe() {
  return useQuery({ queryKey: ['oo', 'me', selectedTenant()], queryFn: () => getMe() })
}

/** App bar: the tenant being managed; for people in several tenants, the way to switch. */
export function TenantSwitcher() {
  const { data: me } = useMe()
  const navigate = useNavigate()
  if (!me) return null
  const label = me.tenant ? `${me.tenant.name}${me.role ? ` · ${me.role}` : ''}` : 'No tenant'
  const several = me.memberships.length > 1 || me.superAdmin
  return (
    <Button
      color="inherit"
      startIcon={<StoreIcon />}
      onClick={several ? () => navigate('/switch-tenant') : undefined}
      disabled={!several}
      sx={{ textTransform: 'none', '&.Mui-disabled': { color: 'inherit' } }}
      aria-label={`Tenant: ${label}`}
    >
      {label}
    </Button>
  )
}

/**
 * Every tenant the person belongs to. On a shop's own domain the Host fixes the tenant, so
 * switching opens the other shop's domain (signing in there); on the engine's own address the
 * choice is sent as X-Tenant-ID.
 */
export function SwitchTenantPage() {
  const { data: me, error } = useMe()
  const { data: mine } = useQuery({
    queryKey: ['oo', 'my-tenants'],
    queryFn: myTenants,
    enabled: !!me,
  })
  // Platform super-admins may act on every tenant: list them all.
  const { data: everyTenant } = useQuery({
    queryKey: ['oo', 'every-tenant'],
    queryFn: allTenants,
    enabled: !!me?.superAdmin,
  })
  const rows = [
    ...(mine ?? []).map((t) => ({ id: t.id, role: t.role, info: t as TenantInfo | null })),
    ...(everyTenant ?? [])
      .filter((x) => !mine?.some((t) => t.id === x.id))
      .map((x) => ({ id: x.id, role: 'platform admin', info: x as TenantInfo | null })),
  ]
  const current = rows.find((r) => r.id === me?.tenant?.id)?.info
  const onTenantHost = !!current?.domains.includes(window.location.hostname)
  const open = (id: string, info: TenantInfo | null) => {
    if (onTenantHost) {
      const domain = info?.domains[0]
      if (domain)
        window.location.assign(
          `${window.location.protocol}//${domain}${window.location.port ? `:${window.location.port}` : ''}/admin/`,
        )
      return
    }
    selectTenant(id)
    window.location.assign('/admin/')
  }
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Your tenants" />
      <CardContent>
        {error && <Alert severity="error">{error.message}</Alert>}
        <Typography color="text.secondary" sx={{ mb: 1 }}>
          {onTenantHost
            ? 'This panel belongs to the shop at this address. Open another shop on its own domain:'
            : 'Pick the tenant to manage:'}
        </Typography>
        {me && rows.length === 0 && (
          <Alert severity="info">You are not a member of any tenant.</Alert>
        )}
        <List>
          {rows.map(({ id, role, info }) => {
            const isCurrent = id === me?.tenant?.id
            const reachable = !onTenantHost || !!info?.domains[0]
            return (
              <ListItemButton
                key={id}
                selected={isCurrent}
                disabled={isCurrent || !reachable}
                onClick={() => open(id, info)}
              >
                <ListItemText
                  primary={
                    info?.name ?? (isCurrent ? me?.tenant?.name : `Tenant ${id.slice(0, 8)}`)
                  }
                  secondary={[role, info?.domains[0]].filter(Boolean).join(' · ')}
                />
              </ListItemButton>
            )
          })}
        </List>
        {!onTenantHost && selectedTenant() && (
          <Button
            onClick={() => {
              selectTenant(null)
              window.location.assign('/admin/')
            }}
          >
            Use my default tenant
          </Button>
        )}
      </CardContent>
    </Card>
  )
}

async function allTenants(): Promise<TenantInfo[]> {
  const query = new URLSearchParams({
    sort: JSON.stringify(['name', 'ASC']),
    range: JSON.stringify([0, 199]),
  })
  const res = await fetch(`/api/v1/admin/tenants?${query}`, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  })
  return res.ok ? ((await res.json()) as TenantInfo[]) : []
}
