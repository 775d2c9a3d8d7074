import AssignmentIcon from '@mui/icons-material/Assignment'
import ShoppingCartIcon from '@mui/icons-material/ShoppingCart'
import {
  ArrayInput,
  Create,
  Datagrid,
  DateField,
  DateInput,
  Edit,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextField,
  TextInput,
  TopToolbar,
  minValue,
  required,
  useRecordContext,
} from 'react-admin'
import type { ReactNode } from 'react'
import type { AdminResource } from '@oo/admin/plugin-api'
import { HistoryTable, TransitionButtons } from './transitions.tsx'

export const money = (minor: number, currency = 'USD') =>
  new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100)

const PO_STATUSES = [
  'draft',
  'submitted',
  'confirmed',
  'shipped',
  'received',
  'closed',
  'cancelled',
]
const SO_STATUSES = ['draft', 'confirmed', 'shipped', 'delivered', 'closed', 'cancelled']
const choices = (ids: string[]) => ids.map((id) => ({ id, name: id }))

function Total() {
  return (
    <FunctionField
      label="Total"
      sortBy="totalMinor"
      render={(r: { totalMinor: number; currency: string }) => money(r.totalMinor, r.currency)}
    />
  )
}

/** Lines edited inline: product, weight, price per unit of weight (cents), optional PO source. */
function Lines({ sourced }: { sourced?: boolean }) {
  return (
    <ArrayInput source="lines" validate={required()}>
      <SimpleFormIterator inline>
        <ReferenceInput source="productTypeId" reference="brokerage-product-types">
          <SelectInput optionText="name" validate={required()} label="Product" />
        </ReferenceInput>
        <NumberInput source="weight" validate={[required(), minValue(0.001)]} />
        <NumberInput
          source="pricePerUnitMinor"
          label="Price / unit (¢)"
          validate={[required(), minValue(0)]}
        />
        {sourced ? <TextInput source="purchaseOrderLineId" label="PO line id" /> : null}
      </SimpleFormIterator>
    </ArrayInput>
  )
}

function Editable({ children }: { children: ReactNode }) {
  const record = useRecordContext<{ status: string }>()
  return record && record.status !== 'draft' ? <p>Only drafts can be changed.</p> : <>{children}</>
}

function DocumentActions({ resource }: { resource: string }) {
  return (
    <TopToolbar>
      <TransitionButtons resource={resource} />
    </TopToolbar>
  )
}

function purchaseOrderForm() {
  return [
    <ReferenceInput key="s" source="supplierId" reference="brokerage-suppliers">
      <SelectInput optionText="name" validate={required()} />
    </ReferenceInput>,
    <ReferenceInput key="p" source="plantId" reference="brokerage-plants">
      <SelectInput optionText="name" validate={required()} label="Deliver to plant" />
    </ReferenceInput>,
    <ReferenceInput key="c" source="carrierId" reference="brokerage-carriers">
      <SelectInput optionText="name" emptyText="—" />
    </ReferenceInput>,
    <DateInput key="pd" source="pickupDate" />,
    <DateInput key="dd" source="deliveryDate" />,
    <TextInput key="n" source="notes" multiline />,
    <Lines key="l" />,
  ]
}

export const purchaseOrders: AdminResource = {
  name: 'brokerage-purchase-orders',
  icon: AssignmentIcon,
  options: { label: 'Purchase orders' },
  permission: 'brokerage.read',
  writePermission: 'brokerage.write',
  list: () => (
    <List
      sort={{ field: 'number', order: 'DESC' }}
      filters={[<SelectInput key="s" source="status" choices={choices(PO_STATUSES)} alwaysOn />]}
    >
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <NumberField source="number" label="PO #" options={{ useGrouping: false }} />
        <TextField source="status" />
        <ReferenceField source="supplierId" reference="brokerage-suppliers" />
        <ReferenceField source="plantId" reference="brokerage-plants" />
        <DateField source="pickupDate" />
        <Total />
      </Datagrid>
    </List>
  ),
  create: () => (
    <Create redirect="edit">
      <SimpleForm>{purchaseOrderForm()}</SimpleForm>
    </Create>
  ),
  edit: () => (
    <Edit
      mutationMode="pessimistic"
      actions={<DocumentActions resource="brokerage-purchase-orders" />}
    >
      <SimpleForm>
        <Editable>{purchaseOrderForm()}</Editable>
        <Total />
        <HistoryTable />
      </SimpleForm>
    </Edit>
  ),
}

function salesOrderForm() {
  return [
    <ReferenceInput key="c" source="customerId" reference="brokerage-customers">
      <SelectInput optionText="name" validate={required()} />
    </ReferenceInput>,
    <ReferenceInput key="p" source="plantId" reference="brokerage-plants">
      <SelectInput optionText="name" emptyText="—" label="Ship to plant" />
    </ReferenceInput>,
    <DateInput key="dd" source="deliveryDate" />,
    <TextInput key="n" source="notes" multiline />,
    <Lines key="l" sourced />,
  ]
}

export const salesOrders: AdminResource = {
  name: 'brokerage-sales-orders',
  icon: ShoppingCartIcon,
  options: { label: 'Sales orders' },
  permission: 'brokerage.read',
  writePermission: 'brokerage.write',
  list: () => (
    <List
      sort={{ field: 'number', order: 'DESC' }}
      filters={[<SelectInput key="s" source="status" choices={choices(SO_STATUSES)} alwaysOn />]}
    >
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <NumberField source="number" label="SO #" options={{ useGrouping: false }} />
        <TextField source="status" />
        <ReferenceField source="customerId" reference="brokerage-customers" />
        <DateField source="deliveryDate" />
        <Total />
      </Datagrid>
    </List>
  ),
  create: () => (
    <Create redirect="edit">
      <SimpleForm>{salesOrderForm()}</SimpleForm>
    </Create>
  ),
  edit: () => (
    <Edit
      mutationMode="pessimistic"
      actions={<DocumentActions resource="brokerage-sales-orders" />}
    >
      <SimpleForm>
        <Editable>{salesOrderForm()}</Editable>
        <Total />
        <FunctionField
          label="Margin"
          render={(r: { marginMinor: number; currency: string }) =>
            money(r.marginMinor, r.currency)
          }
        />
        <FunctionField
          label="Purchase orders"
          render={(r: { purchaseOrders: { number: number; status: string }[] }) =>
            r.purchaseOrders.map((po) => `PO ${po.number} (${po.status})`).join(', ') || '—'
          }
        />
        <HistoryTable />
      </SimpleForm>
    </Edit>
  ),
}
