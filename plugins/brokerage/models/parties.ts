import { TenantModel } from '@oo/core'

/** Every brokerage row remembers who created it: the `staff` role edits only its own. */
export class BrokerageRecord extends TenantModel {
  createdBy!: string | null
}

/** What every party row carries besides its own columns. */
abstract class Party extends BrokerageRecord {
  name!: string
  email!: string | null
  phone!: string | null
  notes!: string | null
}

export class Supplier extends Party {
  static override tableName = 'brokerage_suppliers'
  static override jsonAttributes = ['capabilities', 'certifications']
  capabilities!: string[]
  certifications!: string[]
  qualityRating!: number | null
  contacts?: Contact[]
  plants?: Plant[]
  static override relationMappings = () => ({
    contacts: hasMany(Contact, 'brokerage_suppliers.id', 'brokerage_contacts.supplier_id'),
    plants: hasMany(Plant, 'brokerage_suppliers.id', 'brokerage_plants.supplier_id'),
  })
}

export class Customer extends Party {
  static override tableName = 'brokerage_customers'
  static override jsonAttributes = ['preferences']
  static override numberColumns = ['creditLimitMinor']
  preferences!: string[]
  creditLimitMinor!: number
  paymentTermsDays!: number
  contacts?: Contact[]
  plants?: Plant[]
  static override relationMappings = () => ({
    contacts: hasMany(Contact, 'brokerage_customers.id', 'brokerage_contacts.customer_id'),
    plants: hasMany(Plant, 'brokerage_customers.id', 'brokerage_plants.customer_id'),
  })
}

export class Carrier extends Party {
  static override tableName = 'brokerage_carriers'
  mcNumber!: string | null
  contacts?: Contact[]
  static override relationMappings = () => ({
    contacts: hasMany(Contact, 'brokerage_carriers.id', 'brokerage_contacts.carrier_id'),
  })
}

export class ProductType extends BrokerageRecord {
  static override tableName = 'brokerage_product_types'
  name!: string
  protein!: string
  description!: string | null
}

export class Plant extends BrokerageRecord {
  static override tableName = 'brokerage_plants'
  name!: string
  kind!: 'processing' | 'distribution' | 'warehouse'
  addressLine!: string | null
  city!: string | null
  region!: string | null
  postalCode!: string | null
  country!: string | null
  supplierId!: string | null
  customerId!: string | null
  supplier?: Supplier
  customer?: Customer
  static override relationMappings = () => ({
    supplier: belongsTo(Supplier, 'brokerage_plants.supplier_id', 'brokerage_suppliers.id'),
    customer: belongsTo(Customer, 'brokerage_plants.customer_id', 'brokerage_customers.id'),
  })
}

export class Contact extends BrokerageRecord {
  static override tableName = 'brokerage_contacts'
  name!: string
  title!: string | null
  email!: string | null
  phone!: string | null
  supplierId!: string | null
  customerId!: string | null
  carrierId!: string | null
}

export function hasMany(modelClass: typeof TenantModel, from: string, to: string) {
  return { relation: TenantModel.HasManyRelation, modelClass, join: { from, to } }
}

export function belongsTo(modelClass: typeof TenantModel, from: string, to: string) {
  return { relation: TenantModel.BelongsToOneRelation, modelClass, join: { from, to } }
}
