import TuneIcon from '@mui/icons-material/Tune'
import {
  Datagrid,
  DateField,
  Edit,
  FunctionField,
  List,
  NumberField,
  SimpleForm,
  TextField,
  TextInput,
  required,
  useGetList,
  useRecordContext,
  useResourceDefinition,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'

interface Setting {
  id: string
  value: unknown
  version: number
}

interface HistoryEntry {
  id: string
  version: number
  oldValue: unknown
  newValue: unknown
  actor: string | null
  actorEmail: string | null
  reason: string | null
  at: string
}

const json = (value: unknown) => JSON.stringify(value)

// An edited field holds text; an untouched one still holds the value as read.
function parseJson(input: unknown): unknown {
  if (typeof input !== 'string') return input
  try {
    return JSON.parse(input)
  } catch {
    return input // a bare word such as tech-ocean; anything invalid gets a 400 naming the field
  }
}

function SettingList() {
  const { hasEdit } = useResourceDefinition()
  return (
    <List
      sort={{ field: 'id', order: 'ASC' }}
      perPage={100}
      filters={[<TextInput key="q" source="q" label="Search" alwaysOn />]}
    >
      <Datagrid rowClick={hasEdit ? 'edit' : false} bulkActionButtons={false}>
        <TextField source="scope" label="Plugin" />
        <TextField source="key" />
        <FunctionField label="Value" render={(r: Setting) => json(r.value)} />
        <NumberField source="version" />
        <DateField source="updatedAt" showTime emptyText="default" />
      </Datagrid>
    </List>
  )
}

function History() {
  const record = useRecordContext<Setting>()
  const { data = [] } = useGetList<HistoryEntry>(
    `settings/${record?.id}/history`,
    {},
    { enabled: Boolean(record?.id) },
  )
  if (!data.length) return null
  return (
    <Datagrid
      data={data}
      total={data.length}
      bulkActionButtons={false}
      sort={{ field: 'version', order: 'DESC' }}
      rowClick={false}
    >
      <NumberField source="version" sortable={false} />
      <FunctionField label="From" render={(h: HistoryEntry) => json(h.oldValue)} />
      <FunctionField label="To" render={(h: HistoryEntry) => json(h.newValue)} />
      <FunctionField label="Who" render={(h: HistoryEntry) => h.actorEmail ?? h.actor ?? '—'} />
      <TextField source="reason" sortable={false} emptyText="—" />
      <DateField source="at" showTime sortable={false} />
    </Datagrid>
  )
}

// The version read with the record goes back with the save: a stale edit gets a 409.
function SettingEdit() {
  return (
    <Edit
      mutationMode="pessimistic"
      transform={({ value, version, reason }: Setting & { reason?: string }) => ({
        value: parseJson(value),
        version,
        reason: reason || undefined,
      })}
    >
      <SimpleForm>
        <TextField source="id" />
        <TextInput
          source="value"
          format={json}
          validate={required()}
          helperText="JSON, checked against the plugin's settings schema"
          fullWidth
        />
        <TextInput source="reason" helperText="Why (kept in the history)" fullWidth />
        <History />
      </SimpleForm>
    </Edit>
  )
}

export const settings: AdminResource = {
  name: 'settings',
  icon: TuneIcon,
  options: { label: 'Settings' },
  permission: 'config.settings.read',
  writePermission: 'config.settings.write',
  list: SettingList,
  edit: SettingEdit,
  recordRepresentation: 'id',
}
