import Alert from '@mui/material/Alert'
import Button from '@mui/material/Button'
import Card from '@mui/material/Card'
import CardContent from '@mui/material/CardContent'
import List from '@mui/material/List'
import ListItemButton from '@mui/material/ListItemButton'
import ListItemText from '@mui/material/ListItemText'
import Typography from '@mui/material/Typography'
import StoreIcon from '@mui/icons-material/Storefront'
import { useQueries, useQuery } from '@tanstack/react-query'
import { useNavigate } from 'react-router-dom'
import { Title } from 'react-admin'
import { getMe } from '../authProvider.ts'
import { selectedTenant, selectTenant } from '../session.ts'

interface TenantInfo {
  id: string
  name: string
  slug: string
  domains: string[]
}

/** A tenant's name and domains, asked as that tenant (X-Tenant-ID); null when this host cannot. */
async function tenantInfo(id: string): Promise<TenantInfo | null> {
  const res = await fetch(`/api/v1/admin/tenants/${encodeURIComponent(id)}`, { credentials: 'same-origin', headers: { Accept: 'application/json', 'X-Tenant-ID': id } })
  return res.ok ? ((await res.json()) as TenantInfo) : null
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
  const several = me.memberships.length > 1 || (me.superAdmin && !me.tenant)
  return (
    <Button color="inherit" startIcon={<StoreIcon />} onClick={several ? () => navigate('/switch-tenant') : undefined} disabled={!several} sx={{ textTransform: 'none', '&.Mui-disabled': { color: 'inherit' } }} aria-label={`Tenant: ${label}`}>
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
  const infos = useQueries({
    queries: (me?.memberships ?? []).map((m) => ({ queryKey: ['oo', 'tenant-info', m.tenantId], queryFn: () => tenantInfo(m.tenantId) })),
  })
  const current = me?.tenant ? infos.find((q) => q.data?.id === me.tenant!.id)?.data : undefined
  const onTenantHost = !!current?.domains.includes(window.location.hostname)
  const open = (id: string, info: TenantInfo | null | undefined) => {
    if (onTenantHost) {
      const domain = info?.domains[0]
      if (domain) window.location.assign(`${window.location.protocol}//${domain}${window.location.port ? `:${window.location.port}` : ''}/admin/`)
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
          {onTenantHost ? 'This panel belongs to the shop at this address. Open another shop on its own domain:' : 'Pick the tenant to manage:'}
        </Typography>
        <List>
          {me?.memberships.map((m, i) => {
            const info = infos[i]?.data
            const isCurrent = m.tenantId === me.tenant?.id
            const reachable = !onTenantHost || !!info?.domains[0]
            return (
              <ListItemButton key={m.tenantId} selected={isCurrent} disabled={isCurrent || !reachable} onClick={() => open(m.tenantId, info)}>
                <ListItemText primary={info?.name ?? (isCurrent ? me.tenant?.name : `Tenant ${m.tenantId.slice(0, 8)}`)} secondary={[m.role, info?.domains[0]].filter(Boolean).join(' · ')} />
              </ListItemButton>
            )
          })}
        </List>
        {!onTenantHost && selectedTenant() && (
          <Button onClick={() => { selectTenant(null); window.location.assign("/admin/") }}>Use my default tenant</Button>
        )}
      </CardContent>
    </Card>
  )
}
