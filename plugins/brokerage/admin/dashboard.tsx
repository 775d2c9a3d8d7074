import InsightsIcon from '@mui/icons-material/Insights'
import { Card, CardContent, Typography } from '@mui/material'
import { Loading, Title, useGetOne } from 'react-admin'
import type { AdminResource } from '@oo/admin/plugin-api'
import { money } from './orders.tsx'

const BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const

interface Dashboard {
  openPurchaseOrders: { total: number; byStatus: Record<string, number> }
  marginByCustomer: {
    customerId: string
    customerName: string
    revenueMinor: number
    marginMinor: number
  }[]
  aging: { totals: Record<(typeof BUCKETS)[number], number>; totalMinor: number }
}

/** Open POs, margin by customer and an AR aging bar chart (plain bars: no chart library needed). */
function BrokerageDashboard() {
  const { data, isPending } = useGetOne<Dashboard & { id: string }>('brokerage-dashboard', {
    id: 'summary',
  })
  if (isPending || !data) return <Loading />
  const max = Math.max(1, ...BUCKETS.map((b) => data.aging.totals[b]))
  return (
    <Card>
      <Title title="Brokerage" />
      <CardContent>
        <Typography variant="h6">Open purchase orders: {data.openPurchaseOrders.total}</Typography>
        <Typography variant="body2">
          {Object.entries(data.openPurchaseOrders.byStatus)
            .map(([s, n]) => `${s} ${n}`)
            .join(' · ') || 'none'}
        </Typography>
        <Typography variant="h6" sx={{ mt: 2 }}>
          Margin by customer
        </Typography>
        <table aria-label="Margin by customer">
          <tbody>
            {data.marginByCustomer.map((m) => (
              <tr key={m.customerId}>
                <td>{m.customerName}</td>
                <td>{money(m.revenueMinor)}</td>
                <td>{money(m.marginMinor)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Typography variant="h6" sx={{ mt: 2 }}>
          Receivables aging ({money(data.aging.totalMinor)})
        </Typography>
        <div role="img" aria-label="Receivables aging chart">
          {BUCKETS.map((b) => (
            <div key={b} data-bucket={b} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
              <span style={{ width: 56 }}>{b}</span>
              <span
                style={{
                  background: 'currentColor',
                  opacity: 0.6,
                  height: 14,
                  width: `${(data.aging.totals[b] / max) * 60}%`,
                }}
              />
              <span>{money(data.aging.totals[b])}</span>
            </div>
          ))}
        </div>
      </CardContent>
    </Card>
  )
}

export const dashboard: AdminResource = {
  name: 'brokerage-dashboard',
  icon: InsightsIcon,
  options: { label: 'Brokerage dashboard' },
  permission: 'brokerage.read',
  list: BrokerageDashboard,
}
