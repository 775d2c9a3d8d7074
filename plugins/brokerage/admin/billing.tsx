import PaymentsIcon from '@mui/icons-material/Payments'
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong'
import {
  ArrayField,
  Create,
  Datagrid,
  DateField,
  DateInput,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  TopToolbar,
  minValue,
  required,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'
import { money } from './orders.tsx'
import { HistoryTable, TransitionButtons } from './transitions.tsx'

type Amounts = { totalMinor: number; paidMinor: number; currency: string }

export const invoices: AdminResource = {
  name: 'brokerage-invoices',
  icon: ReceiptLongIcon,
  options: { label: 'Invoices' },
  permission: 'brokerage.read',
  writePermission: 'brokerage.finance',
  list: () => (
    <List sort={{ field: 'number', order: 'DESC' }}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <NumberField source="number" label="Invoice #" options={{ useGrouping: false }} />
        <TextField source="status" />
        <ReferenceField source="customerId" reference="brokerage-customers" />
        <DateField source="dueDate" />
        <FunctionField label="Total" render={(r: Amounts) => money(r.totalMinor, r.currency)} />
        <FunctionField
          label="Balance"
          render={(r: Amounts) => money(r.totalMinor - r.paidMinor, r.currency)}
        />
      </Datagrid>
    </List>
  ),
  create: () => (
    <Create redirect="show">
      <SimpleForm>
        <ReferenceInput
          source="salesOrderId"
          reference="brokerage-sales-orders"
          filter={{ status: 'confirmed' }}
        >
          <SelectInput
            optionText={(so: { number: number }) => `SO ${so.number}`}
            validate={required()}
          />
        </ReferenceInput>
        <NumberInput
          source="taxRateBp"
          label="Tax (basis points, 825 = 8.25 %)"
          defaultValue={0}
          validate={minValue(0)}
        />
      </SimpleForm>
    </Create>
  ),
  show: () => (
    <Show
      actions={
        <TopToolbar>
          <TransitionButtons resource="brokerage-invoices" />
        </TopToolbar>
      }
    >
      <SimpleShowLayout>
        <NumberField source="number" options={{ useGrouping: false }} />
        <TextField source="status" />
        <ReferenceField source="customerId" reference="brokerage-customers" />
        <ReferenceField source="salesOrderId" reference="brokerage-sales-orders">
          <FunctionField render={(so: { number: number }) => `SO ${so.number}`} />
        </ReferenceField>
        <DateField source="issuedOn" />
        <DateField source="dueDate" />
        <FunctionField
          label="Subtotal"
          render={(r: Amounts & { subtotalMinor: number }) => money(r.subtotalMinor, r.currency)}
        />
        <FunctionField
          label="Tax"
          render={(r: Amounts & { taxMinor: number }) => money(r.taxMinor, r.currency)}
        />
        <FunctionField label="Total" render={(r: Amounts) => money(r.totalMinor, r.currency)} />
        <FunctionField
          label="Balance"
          render={(r: Amounts) => money(r.totalMinor - r.paidMinor, r.currency)}
        />
        <ArrayField source="payments">
          <Datagrid bulkActionButtons={false} rowClick={false}>
            <DateField source="receivedOn" />
            <NumberField source="amountMinor" label="Amount (¢)" />
            <TextField source="method" />
            <TextField source="reference" />
          </Datagrid>
        </ArrayField>
        <HistoryTable />
      </SimpleShowLayout>
    </Show>
  ),
}

const METHODS = ['wire', 'ach', 'check', 'card', 'cash', 'other'].map((id) => ({ id, name: id }))

export const payments: AdminResource = {
  name: 'brokerage-payments',
  icon: PaymentsIcon,
  options: { label: 'Payments' },
  permission: 'brokerage.read',
  writePermission: 'brokerage.finance',
  list: () => (
    <List sort={{ field: 'receivedOn', order: 'DESC' }}>
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <DateField source="receivedOn" />
        <ReferenceField source="invoiceId" reference="brokerage-invoices">
          <FunctionField render={(i: { number: number }) => `Invoice ${i.number}`} />
        </ReferenceField>
        <NumberField source="amountMinor" label="Amount (¢)" />
        <TextField source="method" />
        <TextField source="reference" />
      </Datagrid>
    </List>
  ),
  create: () => (
    <Create redirect="list">
      <SimpleForm>
        <ReferenceInput source="invoiceId" reference="brokerage-invoices">
          <SelectInput
            optionText={(i: { number: number; status: string }) =>
              `Invoice ${i.number} (${i.status})`
            }
            validate={required()}
          />
        </ReferenceInput>
        <NumberInput
          source="amountMinor"
          label="Amount (cents)"
          validate={[required(), minValue(1)]}
        />
        <DateInput
          source="receivedOn"
          validate={required()}
          defaultValue={new Date().toISOString().slice(0, 10)}
        />
        <SelectInput source="method" choices={METHODS} defaultValue="wire" />
        <TextInput source="reference" />
      </SimpleForm>
    </Create>
  ),
}
