import type { ReactNode } from 'react'
import { AppBar, Layout as RaLayout, TitlePortal } from 'react-admin'
import { Menu } from './Menu.tsx'
import { TenantSwitcher } from './TenantSwitcher.tsx'

function OoAppBar() {
  return (
    <AppBar color="primary">
      <TitlePortal />
      <TenantSwitcher />
    </AppBar>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <RaLayout appBar={OoAppBar} menu={Menu}>
      {children}
    </RaLayout>
  )
}
