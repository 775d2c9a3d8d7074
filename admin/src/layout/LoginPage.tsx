import Box from '@mui/material/Box'
import Button from '@mui/material/Button'
import Card from '@mui/material/Card'
import CardContent from '@mui/material/CardContent'
import Typography from '@mui/material/Typography'
import LockOpenIcon from '@mui/icons-material/LockOpen'
import { useLogin } from 'react-admin'

/** Sign-in is a redirect to the engine (/auth/login → the identity provider → back here). */
export function LoginPage() {
  const login = useLogin()
  const error = new URLSearchParams(window.location.search).get('error')
  return (
    <Box
      sx={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        bgcolor: 'background.default',
        p: 2,
      }}
    >
      <Card sx={{ width: '100%', maxWidth: 420 }}>
        <CardContent sx={{ display: 'grid', gap: 2, p: 4 }}>
          <Typography variant="h5" component="h1">
            OmniOrder admin
          </Typography>
          <Typography color="text.secondary">
            Sign in to manage <strong>{window.location.hostname}</strong>.
          </Typography>
          {error && <Typography color="error">{error}</Typography>}
          <Button
            variant="contained"
            size="large"
            startIcon={<LockOpenIcon />}
            onClick={() => void login({})}
          >
            Sign in
          </Button>
        </CardContent>
      </Card>
    </Box>
  )
}
