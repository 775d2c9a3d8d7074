import OutboxIcon from '@mui/icons-material/Outbox'
import {
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  ReferenceField,
  ReferenceInput,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
} from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'
import { EVENT_CHOICES, STATUS_CHOICES } from './events.ts'
import { ReplayButton } from './replay-button.tsx'

const filters = [
  <SelectInput key="status" source="status" choices={STATUS_CHOICES} alwaysOn />,
  <ReferenceInput key="endpoint" source="endpointId" reference="webhooks" alwaysOn>
    <SelectInput optionText="url" label="Endpoint" />
  </ReferenceInput>,
  <SelectInput key="event" source="eventName" label="Event" choices={EVENT_CHOICES} />,
]

/** The delivery log across endpoints. */
function DeliveryList() {
  return (
    <List sort={{ field: 'sequence', order: 'DESC' }} filters={filters}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <NumberField source="sequence" label="#" options={{ useGrouping: false }} />
        <ReferenceField source="endpointId" reference="webhooks" label="Endpoint" />
        <TextField source="eventName" label="Event" />
        <TextField source="status" />
        <NumberField source="attempts" />
        <NumberField source="responseStatus" label="HTTP" emptyText="—" />
        <TextField source="lastError" label="Last error" emptyText="" />
        <DateField source="lastAttemptAt" label="Last attempt" showTime emptyText="—" />
        <ReplayButton />
      </Datagrid>
    </List>
  )
}

function DeliveryShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <ReferenceField source="endpointId" reference="webhooks" label="Endpoint" />
        <TextField source="messageId" label="webhook-id" />
        <TextField source="eventName" label="Event" />
        <TextField source="status" />
        <NumberField source="attempts" />
        <DateField source="nextAttemptAt" label="Next attempt" showTime emptyText="—" />
        <NumberField source="responseStatus" label="HTTP" emptyText="—" />
        <TextField source="lastError" label="Last error" emptyText="—" />
        <DateField source="deliveredAt" label="Delivered" showTime emptyText="—" />
        <TextField source="replayOf" label="Replay of" emptyText="—" />
        <FunctionField
          label="Body"
          render={(d: { payload?: unknown }) => (
            <pre style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(d.payload, null, 2)}</pre>
          )}
        />
        <ReplayButton />
      </SimpleShowLayout>
    </Show>
  )
}

export const webhookDeliveries: AdminResource = {
  name: 'webhook-deliveries',
  icon: OutboxIcon,
  options: { label: 'Webhook deliveries' },
  permission: 'webhooks.read',
  list: DeliveryList,
  show: DeliveryShow,
}
