import PeopleIcon from '@mui/icons-material/People'
import {
  ChipField,
  Create,
  Datagrid,
  DeleteButton,
  Edit,
  EditButton,
  List,
  SelectInput,
  SimpleForm,
  TextField,
  TextInput,
  required,
  useResourceDefinition,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'
import { ROLE_CHOICES } from './choices.ts'

function MemberList() {
  const { hasEdit } = useResourceDefinition()
  return (
    <List
      sort={{ field: 'email', order: 'ASC' }}
      filters={[<TextInput key="q" source="q" label="Search" alwaysOn />]}
    >
      <Datagrid rowClick={hasEdit ? 'edit' : false} bulkActionButtons={false}>
        <TextField source="email" />
        <TextField source="name" sortable={false} emptyText="—" />
        <ChipField source="role" size="small" />
        {hasEdit && <EditButton />}
      </Datagrid>
    </List>
  )
}

function MemberEdit() {
  return (
    <Edit mutationMode="pessimistic" transform={({ role }: { role: string }) => ({ role })}>
      <SimpleForm>
        <TextField source="email" />
        <SelectInput source="role" choices={ROLE_CHOICES} validate={required()} />
        <DeleteButton
          mutationMode="pessimistic"
          sx={{ alignSelf: 'flex-start' }}
          label="Remove from tenant"
        />
      </SimpleForm>
    </Edit>
  )
}

function MemberCreate() {
  return (
    <Create redirect="list" title="Add a member">
      <SimpleForm defaultValues={{ role: 'staff' }}>
        <TextInput
          source="email"
          type="email"
          validate={required()}
          helperText="They join when they first sign in with this email"
        />
        <SelectInput source="role" choices={ROLE_CHOICES} validate={required()} />
      </SimpleForm>
    </Create>
  )
}

export const members: AdminResource = {
  name: 'members',
  icon: PeopleIcon,
  options: { label: 'Members' },
  permission: 'tenancy.members.read',
  writePermission: 'tenancy.members.write',
  list: MemberList,
  edit: MemberEdit,
  create: MemberCreate,
  recordRepresentation: 'email',
}
