import StorefrontIcon from '@mui/icons-material/Storefront'
import {
  BooleanField,
  BooleanInput,
  Create,
  Datagrid,
  DateInput,
  Edit,
  EditButton,
  FunctionField,
  List,
  NumberField,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  minValue,
  required,
  useResourceDefinition,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'

interface Product {
  priceMinor: number
  currency: string
  images: { variants: { url: string; width: number; format: string }[] }[]
}

const money = (p: Product) => `${(p.priceMinor / 100).toFixed(2)} ${p.currency}`
const thumb = (p: Product) => p.images[0]?.variants.find((v) => v.format === 'webp')?.url

const filters = [
  <TextInput key="q" source="q" label="Search" alwaysOn />,
  <ReferenceInput key="c" source="categoryId" reference="categories">
    <SelectInput optionText="name" />
  </ReferenceInput>,
  <BooleanInput key="a" source="active" />,
]

function ProductList() {
  const { hasEdit } = useResourceDefinition()
  return (
    <List sort={{ field: 'name', order: 'ASC' }} filters={filters}>
      <Datagrid rowClick={hasEdit ? 'edit' : false} bulkActionButtons={false}>
        <FunctionField
          label=""
          render={(p: Product) =>
            thumb(p) ? (
              <img src={thumb(p)} alt="" width={48} height={36} style={{ objectFit: 'cover' }} />
            ) : null
          }
        />
        <TextField source="name" />
        <FunctionField label="Price" sortBy="priceMinor" render={money} />
        <NumberField source="stockQty" label="Stock" />
        <TextField source="unit" />
        <ReferenceField source="categoryId" reference="categories" emptyText="—" />
        <FunctionField label="Tags" render={(p: { tags: string[] }) => p.tags.join(', ')} />
        <BooleanField source="active" />
        {hasEdit && <EditButton />}
      </Datagrid>
    </List>
  )
}

function ProductForm() {
  return (
    <SimpleForm>
      <TextInput source="name" validate={required()} />
      <TextInput source="description" multiline />
      <NumberInput
        source="priceMinor"
        label="Price (minor units, e.g. cents)"
        validate={[required(), minValue(0)]}
      />
      <TextInput source="currency" helperText="ISO 4217, e.g. EUR" />
      <NumberInput source="stockQty" label="Stock" validate={[required(), minValue(0)]} />
      <TextInput source="unit" helperText="kg, piece, bunch…" />
      <ReferenceInput source="categoryId" reference="categories">
        <SelectInput optionText="name" emptyText="(none)" />
      </ReferenceInput>
      <BooleanInput source="active" />
      <TextInput source="originFarm" label="Origin farm" />
      <TextInput source="originLocation" label="Location" />
      <DateInput source="harvestDate" />
      <TextInput source="lotCode" />
    </SimpleForm>
  )
}

function ProductEdit() {
  return (
    <Edit mutationMode="pessimistic" actions={false}>
      <ProductForm />
    </Edit>
  )
}

function ProductCreate() {
  return (
    <Create redirect="list" title="New product">
      <ProductForm />
    </Create>
  )
}

export const products: AdminResource = {
  name: 'products',
  icon: StorefrontIcon,
  options: { label: 'Products' },
  permission: 'catalog.products.read',
  writePermission: 'catalog.products.write',
  list: ProductList,
  edit: ProductEdit,
  create: ProductCreate,
  recordRepresentation: 'name',
}
