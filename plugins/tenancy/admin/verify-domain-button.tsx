import VerifiedIcon from '@mui/icons-material/Verified'
import { Button, useCreate, useNotify, useRecordContext, useRefresh } from 'react-admin'
import { useCan } from '@oo/admin/plugin-api'

/**
 * POST /domains/:id/verify through the stock data provider (`create` on the resource path
 * `domains/<id>/verify` is exactly that request): the engine fetches the challenge from the host.
 */
export function VerifyDomainButton() {
  const record = useRecordContext<{ id: string; status: string }>()
  const canWrite = useCan('tenancy.domains.write')
  const [create, { isPending }] = useCreate()
  const notify = useNotify()
  const refresh = useRefresh()
  if (!record || !canWrite || record.status !== 'pending') return null
  return (
    <Button
      label="Verify"
      disabled={isPending}
      onClick={(e) => {
        e.stopPropagation()
        void create(
          `domains/${record.id}/verify`,
          { data: {} },
          {
            onSuccess: () => {
              notify('Verified: the domain now serves this shop')
              refresh()
            },
            onError: (err) => notify((err as Error).message, { type: 'error' }),
          },
        )
      }}
    >
      <VerifiedIcon />
    </Button>
  )
}
