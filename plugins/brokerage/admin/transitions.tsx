import { Button, useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin'

/** Buttons for the next statuses of a document; the engine's state machine has the last word. */
export function TransitionButtons({ resource }: { resource: string }) {
  const record = useRecordContext<{ id: string; status: string; nextStatuses?: string[] }>()
  const dataProvider = useDataProvider()
  const notify = useNotify()
  const refresh = useRefresh()
  if (!record) return null
  async function move(status: string) {
    try {
      await dataProvider.create(`${resource}/${record!.id}/transitions`, { data: { status } })
      notify(`Now ${status.replace('_', ' ')}`, { type: 'success' })
      refresh()
    } catch (err) {
      notify((err as Error).message, { type: 'error' })
    }
  }
  return (
    <>
      {(record.nextStatuses ?? []).map((status) => (
        <Button key={status} label={status.replace('_', ' ')} onClick={() => move(status)} />
      ))}
    </>
  )
}

/** Status → history list, shared by the document views. */
export function HistoryTable() {
  const record = useRecordContext<{
    history?: {
      fromStatus: string | null
      toStatus: string
      actorLabel: string | null
      reason: string | null
      createdAt: string
    }[]
  }>()
  if (!record?.history?.length) return null
  return (
    <table aria-label="Status history">
      <thead>
        <tr>
          <th>When</th>
          <th>From</th>
          <th>To</th>
          <th>Who</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {record.history.map((h) => (
          <tr key={`${h.createdAt}-${h.toStatus}`}>
            <td>{new Date(h.createdAt).toLocaleString()}</td>
            <td>{h.fromStatus ?? '—'}</td>
            <td>{h.toStatus}</td>
            <td>{h.actorLabel ?? '—'}</td>
            <td>{h.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
