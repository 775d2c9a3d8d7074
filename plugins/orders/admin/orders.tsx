import ReceiptIcon from '@mui/icons-material/Receipt'
import {
  ArrayField,
  Datagrid,
  DateField,
  DateInput,
  Edit,
  FunctionField,
  List,
  NumberField,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  useRecordContext,
  useResourceDefinition,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'

const STATUSES = ['placed', 'accepted', 'preparing', 'ready', 'completed', 'cancelled'].map(
  (id) => ({ id, name: id }),
)

interface OrderRecord {
  id: string
  currency: string | null
  totalMinor: number
  customer: { name: string | null; pickupName: string | null; phone: string | null }
}

function money(minor: number, currency: string | null): string {
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: currency ?? 'EUR',
  }).format(minor / 100)
}

const filters = [
  <SelectInput key="status" source="status" choices={STATUSES} alwaysOn />,
  <DateInput key="from" source="placedAt_gte" label="Placed from" alwaysOn />,
  <DateInput key="to" source="placedAt_lte" label="Placed until" />,
  <TextInput key="q" source="q" label="Name or number" />,
]

function OrderList() {
  const { hasEdit } = useResourceDefinition()
  return (
    <List sort={{ field: 'placedAt', order: 'DESC' }} filters={filters}>
      <Datagrid rowClick={hasEdit ? 'edit' : 'show'} bulkActionButtons={false}>
        <NumberField source="number" label="#" options={{ useGrouping: false }} />
        <TextField source="status" />
        <FunctionField
          label="Customer"
          render={(o: OrderRecord) => o.customer.pickupName ?? o.customer.name ?? ''}
        />
        <FunctionField label="Total" render={(o: OrderRecord) => money(o.totalMinor, o.currency)} />
        <DateField source="placedAt" showTime />
      </Datagrid>
    </List>
  )
}

function Lines() {
  const order = useRecordContext<OrderRecord>()
  return (
    <ArrayField source="lines">
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <NumberField source="quantity" />
        <TextField source="name" />
        <FunctionField
          label="Line total"
          render={(l: { lineTotalMinor: number }) =>
            money(l.lineTotalMinor, order?.currency ?? null)
          }
        />
      </Datagrid>
    </ArrayField>
  )
}

function History() {
  return (
    <ArrayField source="history">
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <DateField source="at" showTime />
        <TextField source="from" emptyText="—" />
        <TextField source="to" />
        <TextField source="actor.label" label="By" emptyText="system" />
        <TextField source="reason" emptyText="" />
      </Datagrid>
    </ArrayField>
  )
}

function OrderShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <NumberField source="number" options={{ useGrouping: false }} />
        <TextField source="status" />
        <TextField source="customer.pickupName" label="Pickup name" />
        <TextField source="customer.phone" label="Phone" emptyText="—" />
        <TextField source="note" emptyText="—" />
        <Lines />
        <History />
      </SimpleShowLayout>
    </Show>
  )
}

/** Only the status is editable; the engine refuses illegal transitions with 409. */
function OrderEdit() {
  return (
    <Edit mutationMode="pessimistic" transform={({ status }: { status: string }) => ({ status })}>
      <SimpleForm>
        <NumberField source="number" options={{ useGrouping: false }} />
        <SelectInput source="status" choices={STATUSES} />
        <Lines />
        <History />
      </SimpleForm>
    </Edit>
  )
}

export const orders: AdminResource = {
  name: 'orders',
  icon: ReceiptIcon,
  options: { label: 'Orders' },
  permission: 'orders.read',
  writePermission: 'orders.write',
  list: OrderList,
  show: OrderShow,
  edit: OrderEdit,
  recordRepresentation: (o: { number: number }) => `#${o.number}`,
}
