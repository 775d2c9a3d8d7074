import { TenantModel } from '@oo/core'
import type { PurchaseOrderStatus } from '../services/state/purchase-order-state.js'
import type { SalesOrderStatus } from '../services/state/sales-order-state.js'
import { belongsTo, Carrier, Customer, hasMany, Plant, ProductType, Supplier } from './parties.js'

const LINE_NUMBERS = ['weight', 'pricePerUnitMinor', 'lineTotalMinor']
const TOTALS = ['totalMinor']

export class PurchaseOrderLine extends TenantModel {
  static override tableName = 'brokerage_purchase_order_lines'
  static override numberColumns = LINE_NUMBERS
  purchaseOrderId!: string
  lineNo!: number
  productTypeId!: string
  weight!: number
  pricePerUnitMinor!: number
  lineTotalMinor!: number
  productType?: ProductType
  purchaseOrder?: PurchaseOrder
  static override relationMappings = () => ({
    productType: belongsTo(
      ProductType,
      'brokerage_purchase_order_lines.product_type_id',
      'brokerage_product_types.id',
    ),
    purchaseOrder: belongsTo(
      PurchaseOrder,
      'brokerage_purchase_order_lines.purchase_order_id',
      'brokerage_purchase_orders.id',
    ),
  })
}

export class PurchaseOrder extends TenantModel {
  static override tableName = 'brokerage_purchase_orders'
  static override numberColumns = TOTALS
  static override dateColumns = ['pickupDate', 'deliveryDate']
  number!: number
  status!: PurchaseOrderStatus
  supplierId!: string
  plantId!: string
  carrierId!: string | null
  pickupDate!: string | null
  deliveryDate!: string | null
  currency!: string
  weightUnit!: 'lb' | 'kg'
  totalMinor!: number
  notes!: string | null
  createdBy!: string | null
  lines?: PurchaseOrderLine[]
  supplier?: Supplier
  plant?: Plant
  carrier?: Carrier
  static override relationMappings = () => ({
    lines: {
      ...hasMany(
        PurchaseOrderLine,
        'brokerage_purchase_orders.id',
        'brokerage_purchase_order_lines.purchase_order_id',
      ),
      modify: (qb: { orderBy(c: string): unknown }) => qb.orderBy('line_no'),
    },
    supplier: belongsTo(
      Supplier,
      'brokerage_purchase_orders.supplier_id',
      'brokerage_suppliers.id',
    ),
    plant: belongsTo(Plant, 'brokerage_purchase_orders.plant_id', 'brokerage_plants.id'),
    carrier: belongsTo(Carrier, 'brokerage_purchase_orders.carrier_id', 'brokerage_carriers.id'),
  })
}

export class SalesOrderLine extends TenantModel {
  static override tableName = 'brokerage_sales_order_lines'
  static override numberColumns = LINE_NUMBERS
  salesOrderId!: string
  lineNo!: number
  productTypeId!: string
  purchaseOrderLineId!: string | null
  weight!: number
  pricePerUnitMinor!: number
  lineTotalMinor!: number
  productType?: ProductType
  purchaseOrderLine?: PurchaseOrderLine
  static override relationMappings = () => ({
    productType: belongsTo(
      ProductType,
      'brokerage_sales_order_lines.product_type_id',
      'brokerage_product_types.id',
    ),
    purchaseOrderLine: belongsTo(
      PurchaseOrderLine,
      'brokerage_sales_order_lines.purchase_order_line_id',
      'brokerage_purchase_order_lines.id',
    ),
  })
}

export class SalesOrder extends TenantModel {
  static override tableName = 'brokerage_sales_orders'
  static override numberColumns = TOTALS
  static override dateColumns = ['deliveryDate']
  number!: number
  status!: SalesOrderStatus
  customerId!: string
  plantId!: string | null
  deliveryDate!: string | null
  currency!: string
  weightUnit!: 'lb' | 'kg'
  totalMinor!: number
  notes!: string | null
  createdBy!: string | null
  lines?: SalesOrderLine[]
  customer?: Customer
  plant?: Plant
  static override relationMappings = () => ({
    lines: {
      ...hasMany(
        SalesOrderLine,
        'brokerage_sales_orders.id',
        'brokerage_sales_order_lines.sales_order_id',
      ),
      modify: (qb: { orderBy(c: string): unknown }) => qb.orderBy('line_no'),
    },
    customer: belongsTo(Customer, 'brokerage_sales_orders.customer_id', 'brokerage_customers.id'),
    plant: belongsTo(Plant, 'brokerage_sales_orders.plant_id', 'brokerage_plants.id'),
  })
}
