import BusinessIcon from '@mui/icons-material/Business'
import ContactsIcon from '@mui/icons-material/Contacts'
import FactoryIcon from '@mui/icons-material/Factory'
import LocalShippingIcon from '@mui/icons-material/LocalShipping'
import SetMealIcon from '@mui/icons-material/SetMeal'
import StoreIcon from '@mui/icons-material/Store'
import type { ReactElement } from 'react'
import {
  Create,
  Datagrid,
  Edit,
  EmailField,
  List,
  NumberField,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  SimpleForm,
  TextArrayInput,
  TextField,
  TextInput,
  TopToolbar,
  CreateButton,
  minValue,
  maxValue,
  required,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'
import { CsvButtons } from './csv.tsx'

const READ = 'brokerage.read'
const WRITE = 'brokerage.write'
const q = [<TextInput key="q" source="q" label="Search" alwaysOn />]

function partyActions(resource: string) {
  return function PartyActions() {
    return (
      <TopToolbar>
        <CreateButton />
        <CsvButtons resource={resource} />
      </TopToolbar>
    )
  }
}

/** A list, a create and an edit view sharing one form. */
function resource(
  name: string,
  label: string,
  icon: AdminResource['icon'],
  columns: ReactElement[],
  form: ReactElement[],
  opts: { csv?: boolean; filters?: ReactElement[] } = {},
): AdminResource {
  const Actions = opts.csv ? partyActions(name) : undefined
  return {
    name,
    icon,
    options: { label },
    permission: READ,
    writePermission: WRITE,
    list: () => (
      <List
        sort={{ field: 'name', order: 'ASC' }}
        filters={opts.filters ?? q}
        actions={Actions ? <Actions /> : undefined}
      >
        <Datagrid rowClick="edit" bulkActionButtons={false}>
          {columns}
        </Datagrid>
      </List>
    ),
    create: () => (
      <Create redirect="list">
        <SimpleForm>{form}</SimpleForm>
      </Create>
    ),
    edit: () => (
      <Edit mutationMode="pessimistic">
        <SimpleForm>{form}</SimpleForm>
      </Edit>
    ),
  }
}

const contactInfo = [
  <TextInput key="email" source="email" type="email" />,
  <TextInput key="phone" source="phone" />,
  <TextInput key="notes" source="notes" multiline />,
]

export const suppliers = resource(
  'brokerage-suppliers',
  'Suppliers',
  FactoryIcon,
  [
    <TextField key="n" source="name" />,
    <EmailField key="e" source="email" />,
    <NumberField key="r" source="qualityRating" label="Quality" />,
    <TextField key="c" source="certifications" />,
  ],
  [
    <TextInput key="name" source="name" validate={required()} />,
    ...contactInfo,
    <TextArrayInput key="cap" source="capabilities" />,
    <TextArrayInput key="cert" source="certifications" />,
    <NumberInput
      key="q"
      source="qualityRating"
      label="Quality (1–5)"
      validate={[minValue(1), maxValue(5)]}
    />,
  ],
  { csv: true },
)

export const customers = resource(
  'brokerage-customers',
  'Customers',
  StoreIcon,
  [
    <TextField key="n" source="name" />,
    <EmailField key="e" source="email" />,
    <NumberField key="t" source="paymentTermsDays" label="Terms (days)" />,
    <NumberField key="l" source="creditLimitMinor" label="Credit limit (¢)" />,
  ],
  [
    <TextInput key="name" source="name" validate={required()} />,
    ...contactInfo,
    <TextArrayInput key="pref" source="preferences" />,
    <NumberInput
      key="cl"
      source="creditLimitMinor"
      label="Credit limit (cents)"
      validate={minValue(0)}
    />,
    <NumberInput
      key="pt"
      source="paymentTermsDays"
      label="Payment terms (days)"
      defaultValue={30}
    />,
  ],
  { csv: true },
)

export const carriers = resource(
  'brokerage-carriers',
  'Carriers',
  LocalShippingIcon,
  [<TextField key="n" source="name" />, <TextField key="m" source="mcNumber" label="MC #" />],
  [
    <TextInput key="name" source="name" validate={required()} />,
    ...contactInfo,
    <TextInput key="mc" source="mcNumber" label="MC number" />,
  ],
  { csv: true },
)

const PROTEINS = ['beef', 'pork', 'poultry', 'lamb', 'veal', 'seafood', 'other'].map((id) => ({
  id,
  name: id,
}))
export const productTypes = resource(
  'brokerage-product-types',
  'Product types',
  SetMealIcon,
  [<TextField key="n" source="name" />, <TextField key="p" source="protein" />],
  [
    <TextInput key="name" source="name" validate={required()} />,
    <SelectInput key="p" source="protein" choices={PROTEINS} validate={required()} />,
    <TextInput key="d" source="description" multiline />,
  ],
)

const KINDS = ['processing', 'distribution', 'warehouse'].map((id) => ({ id, name: id }))
export const plants = resource(
  'brokerage-plants',
  'Plants',
  BusinessIcon,
  [
    <TextField key="n" source="name" />,
    <TextField key="k" source="kind" />,
    <TextField key="c" source="city" />,
    <ReferenceField key="s" source="supplierId" reference="brokerage-suppliers" emptyText="—" />,
    <ReferenceField key="cu" source="customerId" reference="brokerage-customers" emptyText="—" />,
  ],
  [
    <TextInput key="name" source="name" validate={required()} />,
    <SelectInput key="kind" source="kind" choices={KINDS} validate={required()} />,
    <TextInput key="a" source="addressLine" label="Address" />,
    <TextInput key="c" source="city" />,
    <TextInput key="r" source="region" />,
    <TextInput key="pc" source="postalCode" />,
    <TextInput key="co" source="country" label="Country (ISO, e.g. US)" />,
    <ReferenceInput key="s" source="supplierId" reference="brokerage-suppliers">
      <SelectInput optionText="name" emptyText="—" />
    </ReferenceInput>,
    <ReferenceInput key="cu" source="customerId" reference="brokerage-customers">
      <SelectInput optionText="name" emptyText="—" />
    </ReferenceInput>,
  ],
)

export const contacts = resource(
  'brokerage-contacts',
  'Contacts',
  ContactsIcon,
  [
    <TextField key="n" source="name" />,
    <TextField key="t" source="title" />,
    <EmailField key="e" source="email" />,
    <ReferenceField key="s" source="supplierId" reference="brokerage-suppliers" emptyText="—" />,
    <ReferenceField key="c" source="customerId" reference="brokerage-customers" emptyText="—" />,
    <ReferenceField key="ca" source="carrierId" reference="brokerage-carriers" emptyText="—" />,
  ],
  [
    <TextInput key="name" source="name" validate={required()} />,
    <TextInput key="t" source="title" />,
    <TextInput key="e" source="email" type="email" />,
    <TextInput key="p" source="phone" />,
    <ReferenceInput key="s" source="supplierId" reference="brokerage-suppliers">
      <SelectInput optionText="name" emptyText="—" />
    </ReferenceInput>,
    <ReferenceInput key="c" source="customerId" reference="brokerage-customers">
      <SelectInput optionText="name" emptyText="—" />
    </ReferenceInput>,
    <ReferenceInput key="ca" source="carrierId" reference="brokerage-carriers">
      <SelectInput optionText="name" emptyText="—" />
    </ReferenceInput>,
  ],
)
