import WorkspacesIcon from '@mui/icons-material/Workspaces'
import {
  Create,
  Datagrid,
  Edit,
  EditButton,
  List,
  SimpleForm,
  TextField,
  TextInput,
  required,
  useResourceDefinition,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'

const slugHelp = 'lowercase letters, digits and dashes'

function ProjectList() {
  const { hasEdit } = useResourceDefinition()
  return (
    <List
      sort={{ field: 'name', order: 'ASC' }}
      filters={[<TextInput key="q" source="q" label="Search" alwaysOn />]}
    >
      <Datagrid rowClick={hasEdit ? 'edit' : false} bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="slug" />
        {hasEdit && <EditButton />}
      </Datagrid>
    </List>
  )
}

function ProjectForm() {
  return (
    <SimpleForm>
      <TextInput source="name" validate={required()} />
      <TextInput source="slug" validate={required()} helperText={slugHelp} />
    </SimpleForm>
  )
}

function ProjectEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      transform={({ name, slug }: { name: string; slug: string }) => ({ name, slug })}
      actions={false}
    >
      <ProjectForm />
    </Edit>
  )
}

function ProjectCreate() {
  return (
    <Create redirect="list" title="New project">
      <ProjectForm />
    </Create>
  )
}

export const projects: AdminResource = {
  name: 'projects',
  icon: WorkspacesIcon,
  options: { label: 'Projects' },
  permission: 'tenancy.projects.read',
  writePermission: 'tenancy.projects.write',
  list: ProjectList,
  edit: ProjectEdit,
  create: ProjectCreate,
  recordRepresentation: 'name',
}
