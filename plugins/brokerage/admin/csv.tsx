import DownloadIcon from '@mui/icons-material/Download'
import UploadIcon from '@mui/icons-material/Upload'
import { useRef, type ChangeEvent } from 'react'
import { Button, useDataProvider, useNotify, useRefresh } from 'react-admin'

/** Export (a plain download on the tenant's own domain) and import (all or nothing) as CSV. */
export function CsvButtons({ resource }: { resource: string }) {
  const input = useRef<HTMLInputElement>(null)
  const dataProvider = useDataProvider()
  const notify = useNotify()
  const refresh = useRefresh()
  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    try {
      const { data } = await dataProvider.create(`${resource}/import`, {
        data: { csv: await file.text() },
      })
      notify(`Imported: ${data.created} created, ${data.updated} updated`, { type: 'success' })
      refresh()
    } catch (err) {
      notify((err as Error).message, { type: 'error' })
    }
  }
  return (
    <>
      <Button label="Export CSV" href={`/api/v1/admin/${resource}/export.csv`} component="a">
        <DownloadIcon />
      </Button>
      <Button label="Import CSV" onClick={() => input.current?.click()}>
        <UploadIcon />
      </Button>
      <input
        ref={input}
        type="file"
        accept=".csv,text/csv"
        hidden
        onChange={upload}
        aria-label="CSV file"
      />
    </>
  )
}
