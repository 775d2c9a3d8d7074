import ReplayIcon from '@mui/icons-material/Replay'
import { Button, useCreate, useNotify, useRecordContext, useRefresh } from 'react-admin'
import { useCan } from '@oo/admin/plugin-api'

/**
 * POST /webhook-deliveries/:id/replay through the stock data provider: `create` on the
 * resource path `webhook-deliveries/<id>/replay` is exactly that request.
 */
export function ReplayButton() {
  const record = useRecordContext<{ id: string }>()
  const canWrite = useCan('webhooks.write')
  const [create, { isPending }] = useCreate()
  const notify = useNotify()
  const refresh = useRefresh()
  if (!record || !canWrite) return null
  return (
    <Button
      label="Replay"
      disabled={isPending}
      onClick={(e) => {
        e.stopPropagation()
        void create(
          `webhook-deliveries/${record.id}/replay`,
          { data: {} },
          {
            onSuccess: () => {
              notify('Queued again: it is sent after the endpoint’s earlier deliveries')
              refresh()
            },
            onError: (err) => notify((err as Error).message, { type: 'error' }),
          },
        )
      }}
    >
      <ReplayIcon />
    </Button>
  )
}
