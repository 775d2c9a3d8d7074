import ApartmentIcon from '@mui/icons-material/Apartment'
import Chip from '@mui/material/Chip'
import Stack from '@mui/material/Stack'
import {
  ArrayInput,
  ChipField,
  Create,
  Datagrid,
  Edit,
  EditButton,
  List,
  SelectInput,
  Show,
  SimpleForm,
  SimpleFormIterator,
  SimpleShowLayout,
  TextField,
  TextInput,
  required,
  useRecordContext,
  useResourceDefinition,
} from 'react-admin'
import { SUPER_ADMIN, type AdminResource } from '@oo/admin/plugin-api'
import { THEME_CHOICES } from './choices.ts'

interface TenantRecord {
  id: string
  slug: string
  name: string
  theme: string
  status: string
  domains: string[]
}

function DomainsField(_props: { label?: string }) {
  const record = useRecordContext<TenantRecord>()
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {record?.domains.map((d) => (
        <Chip key={d} size="small" label={d} variant="outlined" />
      ))}
    </Stack>
  )
}

function TenantList() {
  const { hasEdit } = useResourceDefinition()
  return (
    <List
      sort={{ field: 'name', order: 'ASC' }}
      filters={[<TextInput key="q" source="q" label="Search" alwaysOn />]}
    >
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="slug" />
        <ChipField source="theme" size="small" sortable={false} />
        <DomainsField label="Domains" />
        <TextField source="status" sortable={false} />
        {hasEdit && <EditButton />}
      </Datagrid>
    </List>
  )
}

function TenantShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" />
        <TextField source="slug" />
        <TextField source="theme" />
        <TextField source="status" />
        <DomainsField label="Domains" />
        <TextField source="id" label="Tenant id" />
      </SimpleShowLayout>
    </Show>
  )
}

function TenantEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      transform={({ name, theme }: TenantRecord) => ({ name, theme })}
    >
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <SelectInput source="theme" choices={THEME_CHOICES} validate={required()} />
      </SimpleForm>
    </Edit>
  )
}

interface TenantDraft {
  slug: string
  name: string
  theme?: string
  ownerEmail?: string
  domains?: { host: string }[]
}

function TenantCreate() {
  return (
    <Create
      title="New tenant"
      redirect="show"
      transform={(d: TenantDraft) => ({
        slug: d.slug,
        name: d.name,
        theme: d.theme || undefined,
        ownerEmail: d.ownerEmail || undefined,
        domains: (d.domains ?? []).map((x) => x.host),
      })}
    >
      <SimpleForm defaultValues={{ domains: [{ host: '' }] }}>
        <TextInput source="name" validate={required()} />
        <TextInput
          source="slug"
          validate={required()}
          helperText="lowercase letters, digits and dashes"
        />
        <ArrayInput source="domains" validate={required()}>
          <SimpleFormIterator inline disableReordering>
            <TextInput source="host" label="Host name" validate={required()} helperText={false} />
          </SimpleFormIterator>
        </ArrayInput>
        <SelectInput source="theme" choices={THEME_CHOICES} />
        <TextInput source="ownerEmail" type="email" label="Owner email" />
      </SimpleForm>
    </Create>
  )
}

export const tenants: AdminResource = {
  name: 'tenants',
  icon: ApartmentIcon,
  options: { label: 'Tenants' },
  permission: 'tenancy.tenant.read',
  writePermission: 'tenancy.tenant.write',
  createPermission: SUPER_ADMIN,
  list: TenantList,
  show: TenantShow,
  edit: TenantEdit,
  create: TenantCreate,
  recordRepresentation: 'name',
}
