import CategoryIcon from '@mui/icons-material/Category'
import {
  Create,
  Datagrid,
  Edit,
  EditButton,
  List,
  NumberField,
  NumberInput,
  SimpleForm,
  TextField,
  TextInput,
  required,
  useResourceDefinition,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'

function CategoryList() {
  const { hasEdit } = useResourceDefinition()
  return (
    <List
      sort={{ field: 'position', order: 'ASC' }}
      filters={[<TextInput key="q" source="q" label="Search" alwaysOn />]}
    >
      <Datagrid rowClick={hasEdit ? 'edit' : false} bulkActionButtons={false}>
        <NumberField source="position" />
        <TextField source="name" />
        <TextField source="slug" />
        {hasEdit && <EditButton />}
      </Datagrid>
    </List>
  )
}

function CategoryForm() {
  return (
    <SimpleForm>
      <TextInput source="name" validate={required()} />
      <TextInput
        source="slug"
        validate={required()}
        helperText="lowercase letters, digits and dashes"
      />
      <TextInput source="description" multiline />
      <NumberInput source="position" />
    </SimpleForm>
  )
}

export const categories: AdminResource = {
  name: 'categories',
  icon: CategoryIcon,
  options: { label: 'Categories' },
  permission: 'catalog.categories.read',
  writePermission: 'catalog.categories.write',
  list: CategoryList,
  edit: () => (
    <Edit mutationMode="pessimistic" actions={false}>
      <CategoryForm />
    </Edit>
  ),
  create: () => (
    <Create redirect="list" title="New category">
      <CategoryForm />
    </Create>
  ),
  recordRepresentation: 'name',
}
