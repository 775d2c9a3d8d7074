import LanguageIcon from '@mui/icons-material/Language'
import {
  BooleanField,
  BooleanInput,
  Create,
  Datagrid,
  DeleteButton,
  List,
  SimpleForm,
  TextField,
  TextInput,
  required,
} from 'react-admin'
import { useCan, type AdminResource } from '@oo/admin/plugin-api'
import { VerifyDomainButton } from './verify-domain-button.tsx'

function DomainList() {
  const canWrite = useCan('tenancy.domains.write')
  return (
    <List sort={{ field: 'host', order: 'ASC' }}>
      <Datagrid rowClick={false} bulkActionButtons={false}>
        <TextField source="host" />
        <BooleanField source="isPrimary" label="Primary" />
        <TextField source="status" />
        <TextField
          source="challenge.url"
          label="Serve the token at"
          emptyText="—"
          sortable={false}
        />
        <TextField source="challenge.token" label="Token" emptyText="—" sortable={false} />
        <VerifyDomainButton />
        {canWrite && <DeleteButton mutationMode="pessimistic" />}
      </Datagrid>
    </List>
  )
}

function DomainCreate() {
  return (
    <Create redirect="list" title="Add a domain">
      <SimpleForm defaultValues={{ isPrimary: false }}>
        <TextInput
          source="host"
          validate={required()}
          helperText="e.g. shop.example.com: it serves nothing until verified (point its DNS at the engine, or serve the token shown after saving)"
        />
        <BooleanInput source="isPrimary" label="Primary domain" />
      </SimpleForm>
    </Create>
  )
}

export const domains: AdminResource = {
  name: 'domains',
  icon: LanguageIcon,
  options: { label: 'Domains' },
  permission: 'tenancy.domains.read',
  writePermission: 'tenancy.domains.write',
  list: DomainList,
  create: DomainCreate,
  recordRepresentation: 'host',
}
