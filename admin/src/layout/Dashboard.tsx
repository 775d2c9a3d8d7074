import Alert from '@mui/material/Alert'
import Card from '@mui/material/Card'
import CardContent from '@mui/material/CardContent'
import Chip from '@mui/material/Chip'
import Stack from '@mui/material/Stack'
import Typography from '@mui/material/Typography'
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router-dom'
import { Title, useResourceDefinitions } from 'react-admin'
import { getMe } from '../authProvider.ts'

export function Dashboard() {
  const { data: me, error } = useQuery({ queryKey: ['oo', 'me'], queryFn: () => getMe() })
  const definitions = useResourceDefinitions()
  const lists = Object.values(definitions).filter((d) => d.hasList)
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Dashboard" />
      <CardContent>
        {error && <Alert severity="error">{error.message}</Alert>}
        {me && !me.tenant && (
          <Alert severity="info">
            {me.memberships.length > 0 || me.superAdmin ? (
              <>
                Pick a tenant to work on: <Link to="/switch-tenant">your tenants</Link>.
              </>
            ) : (
              'You are signed in, but you are not a member of any tenant here.'
            )}
          </Alert>
        )}
        {me?.tenant && (
          <Stack spacing={2}>
            <Typography variant="h5" component="h2">
              {me.tenant.name}
            </Typography>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography color="text.secondary">Signed in as {me.name ?? me.email}</Typography>
              {me.role && <Chip size="small" label={me.role} />}
              {me.superAdmin && <Chip size="small" color="secondary" label="platform admin" />}
            </Stack>
            {lists.length === 0 ? (
              <Alert severity="info">Your role has nothing to manage here yet.</Alert>
            ) : (
              <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
                {lists.map((d) => (
                  <Chip
                    key={d.name}
                    component={Link}
                    to={`/${d.name}`}
                    clickable
                    label={d.options?.label ?? d.name}
                    variant="outlined"
                  />
                ))}
              </Stack>
            )}
          </Stack>
        )}
      </CardContent>
    </Card>
  )
}
