import DocumentScannerIcon from '@mui/icons-material/DocumentScanner'
import UploadFileIcon from '@mui/icons-material/UploadFile'
import { useRef, type ChangeEvent } from 'react'
import {
  ArrayInput,
  Button,
  Datagrid,
  DateField,
  DateInput,
  Edit,
  List,
  NumberField,
  NumberInput,
  ReferenceInput,
  SaveButton,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextField,
  Toolbar,
  TopToolbar,
  useDataProvider,
  useNotify,
  useRecordContext,
  useRedirect,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'

const RESOURCE = 'assistant-documents'

function toBase64(buffer: ArrayBuffer): string {
  let binary = ''
  const bytes = new Uint8Array(buffer)
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Upload a supplier's PDF; the assistant answers with a draft to review. */
function UploadButton() {
  const input = useRef<HTMLInputElement>(null)
  const dataProvider = useDataProvider()
  const notify = useNotify()
  const redirect = useRedirect()
  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    try {
      const { data } = await dataProvider.create(RESOURCE, {
        data: { fileName: file.name, pdfBase64: toBase64(await file.arrayBuffer()) },
      })
      redirect('edit', RESOURCE, data.id)
    } catch (err) {
      notify((err as Error).message, { type: 'error' })
    }
  }
  return (
    <>
      <Button label="Upload PDF" onClick={() => input.current?.click()}>
        <UploadFileIcon />
      </Button>
      <input
        ref={input}
        type="file"
        accept="application/pdf"
        hidden
        onChange={upload}
        aria-label="Supplier document (PDF)"
      />
    </>
  )
}

function ConfirmButton() {
  const record = useRecordContext<{ id: string; status: string }>()
  const dataProvider = useDataProvider()
  const notify = useNotify()
  const redirect = useRedirect()
  if (record?.status !== 'pending') return null
  async function confirm() {
    try {
      const { data } = await dataProvider.create(`${RESOURCE}/${record!.id}/confirm`, { data: {} })
      notify(`Purchase order ${data.purchaseOrderNumber} created`, { type: 'success' })
      redirect('edit', 'brokerage-purchase-orders', data.purchaseOrderId)
    } catch (err) {
      notify((err as Error).message, { type: 'error' })
    }
  }
  return <Button label="Confirm purchase order" onClick={confirm} variant="contained" />
}

function Warnings() {
  const record = useRecordContext<{ draft: { warnings: string[] } }>()
  if (!record?.draft.warnings.length) return null
  return (
    <ul aria-label="Warnings">
      {record.draft.warnings.map((w) => (
        <li key={w}>{w}</li>
      ))}
    </ul>
  )
}

function ReviewToolbar() {
  return (
    <Toolbar>
      <SaveButton label="Save review" />
      <ConfirmButton />
    </Toolbar>
  )
}

export const documents: AdminResource = {
  name: RESOURCE,
  icon: DocumentScannerIcon,
  options: { label: 'Supplier documents' },
  permission: 'assistant.documents',
  writePermission: 'assistant.documents',
  list: () => (
    <List
      sort={{ field: 'createdAt', order: 'DESC' }}
      actions={
        <TopToolbar>
          <UploadButton />
        </TopToolbar>
      }
    >
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <DateField source="createdAt" showTime />
        <TextField source="fileName" />
        <TextField source="status" />
        <TextField source="provider" />
        <NumberField source="purchaseOrderNumber" label="PO #" options={{ useGrouping: false }} />
      </Datagrid>
    </List>
  ),
  edit: () => (
    <Edit mutationMode="pessimistic" redirect={false}>
      <SimpleForm toolbar={<ReviewToolbar />}>
        <Warnings />
        <ReferenceInput source="draft.supplierId" reference="brokerage-suppliers">
          <SelectInput optionText="name" label="Supplier" />
        </ReferenceInput>
        <ReferenceInput source="draft.plantId" reference="brokerage-plants">
          <SelectInput optionText="name" label="Plant" />
        </ReferenceInput>
        <ReferenceInput source="draft.carrierId" reference="brokerage-carriers">
          <SelectInput optionText="name" label="Carrier" emptyText="—" />
        </ReferenceInput>
        <DateInput source="draft.pickupDate" label="Pickup" />
        <DateInput source="draft.deliveryDate" label="Delivery" />
        <ArrayInput source="draft.lines" label="Lines">
          <SimpleFormIterator inline>
            <ReferenceInput source="productTypeId" reference="brokerage-product-types">
              <SelectInput optionText="name" label="Product" />
            </ReferenceInput>
            <NumberInput source="weight" />
            <NumberInput source="pricePerUnitMinor" label="Price / unit (¢)" />
          </SimpleFormIterator>
        </ArrayInput>
      </SimpleForm>
    </Edit>
  ),
}
