import WebhookIcon from '@mui/icons-material/Webhook'
import { Alert, Box, Button as MuiButton, Card, CardContent, Typography } from '@mui/material'
import { useState } from 'react'
import {
  BooleanField,
  BooleanInput,
  CheckboxGroupInput,
  Create,
  Datagrid,
  DateField,
  DeleteButton,
  Edit,
  FunctionField,
  List,
  NumberField,
  ReferenceManyField,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  required,
  useRedirect,
} from 'react-admin'
import { useCan, type AdminResource } from '@oo/admin/plugin-api'
import { EVENT_CHOICES } from './events.ts'
import { ReplayButton } from './replay-button.tsx'

interface EndpointRecord {
  id: string
  events: string[]
  enabled: boolean
  disabledAt: string | null
}

const eventList = (e: EndpointRecord) => e.events.join(', ')

function WebhookList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="url" label="URL" />
        <FunctionField label="Events" render={eventList} />
        <BooleanField source="enabled" />
        <DateField source="failingSince" label="Failing since" showTime emptyText="—" />
        <DateField source="disabledAt" label="Disabled for failures" showTime emptyText="—" />
      </Datagrid>
    </List>
  )
}

function EndpointFields() {
  return (
    <>
      <TextInput
        source="url"
        label="URL"
        validate={required()}
        fullWidth
        helperText="https://… on a public address; the engine POSTs signed JSON to it"
      />
      <TextInput source="description" fullWidth />
      <CheckboxGroupInput source="events" choices={EVENT_CHOICES} validate={required()} />
      <BooleanInput
        source="enabled"
        helperText="Re-enabling an endpoint disabled for failures starts its failure clock afresh"
      />
    </>
  )
}

/** The signing secret is in the create answer only: shown here once, with a way on. */
function SecretOnce({ id, secret }: { id: string; secret: string }) {
  const redirect = useRedirect()
  return (
    <Card sx={{ mt: 2 }}>
      <CardContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          Copy the signing secret now: it is shown only this once. Verify each request's
          webhook-signature with it (Standard Webhooks).
        </Alert>
        <Typography component="code" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
          {secret}
        </Typography>
        <Box sx={{ mt: 2 }}>
          <MuiButton variant="contained" onClick={() => redirect('show', 'webhooks', id)}>
            I have copied it
          </MuiButton>
        </Box>
      </CardContent>
    </Card>
  )
}

function WebhookCreate() {
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null)
  if (created) return <SecretOnce id={created.id} secret={created.secret} />
  return (
    <Create
      title="Add a webhook endpoint"
      redirect={false}
      mutationOptions={{ onSuccess: (data: { id: string; secret: string }) => setCreated(data) }}
    >
      <SimpleForm defaultValues={{ enabled: true, events: [], description: '' }}>
        <EndpointFields />
      </SimpleForm>
    </Create>
  )
}

function WebhookEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm>
        <EndpointFields />
      </SimpleForm>
    </Edit>
  )
}

/** The endpoint and its delivery log, newest first, each with a replay. */
function WebhookShow() {
  const canWrite = useCan('webhooks.write')
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="url" label="URL" />
        <TextField source="description" emptyText="—" />
        <FunctionField label="Events" render={eventList} />
        <BooleanField source="enabled" />
        <DateField source="failingSince" label="Failing since" showTime emptyText="—" />
        <DateField source="disabledAt" label="Disabled for failures" showTime emptyText="—" />
        <TextField source="disabledReason" label="Why" emptyText="—" />
        <ReferenceManyField
          label="Deliveries"
          reference="webhook-deliveries"
          target="endpointId"
          sort={{ field: 'sequence', order: 'DESC' }}
        >
          <Datagrid rowClick="show" bulkActionButtons={false}>
            <NumberField source="sequence" label="#" options={{ useGrouping: false }} />
            <TextField source="eventName" label="Event" />
            <TextField source="status" />
            <NumberField source="attempts" />
            <NumberField source="responseStatus" label="HTTP" emptyText="—" />
            <TextField source="lastError" label="Last error" emptyText="" />
            <DateField source="lastAttemptAt" label="Last attempt" showTime emptyText="—" />
            <ReplayButton />
          </Datagrid>
        </ReferenceManyField>
        {canWrite && <DeleteButton mutationMode="pessimistic" />}
      </SimpleShowLayout>
    </Show>
  )
}

export const webhooks: AdminResource = {
  name: 'webhooks',
  icon: WebhookIcon,
  options: { label: 'Webhooks' },
  permission: 'webhooks.read',
  writePermission: 'webhooks.write',
  list: WebhookList,
  create: WebhookCreate,
  edit: WebhookEdit,
  show: WebhookShow,
  recordRepresentation: 'url',
}
