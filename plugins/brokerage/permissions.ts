/**
 * The seed's tenant roles on the engine's matrix: owner, admin, manager as they are; the seed's
 * `user` (creates documents, edits only its own) is the engine's `staff`; readonly reads.
 * Finance (invoices, payments) is for managers and up; deleting reference data for admins.
 */
export const brokeragePermissions = {
  'brokerage.read': ['owner', 'admin', 'manager', 'staff', 'readonly'],
  'brokerage.write': ['owner', 'admin', 'manager', 'staff'],
  'brokerage.finance': ['owner', 'admin', 'manager'],
  'brokerage.delete': ['owner', 'admin'],
} as const

/** The role whose writes are limited to its own rows. */
export const OWN_DATA_ROLE = 'staff'
