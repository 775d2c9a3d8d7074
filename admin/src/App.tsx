import { Admin, CustomRoutes, Resource } from 'react-admin'
import { BrowserRouter, Route } from 'react-router-dom'
import { authProvider } from './authProvider.ts'
import { dataProvider } from './dataProvider.ts'
import { Dashboard } from './layout/Dashboard.tsx'
import { Layout } from './layout/Layout.tsx'
import { LoginPage } from './layout/LoginPage.tsx'
import { SwitchTenantPage } from './layout/TenantSwitcher.tsx'
import { can, type PanelPermissions } from './plugin-api.ts'
import { resources } from './plugins.ts'
import { theme, darkTheme } from './theme.ts'

export function App() {
  return (
    <BrowserRouter basename="/admin">
      <Admin
        title="OmniOrder"
        dataProvider={dataProvider}
        authProvider={authProvider}
        requireAuth
        disableTelemetry
        loginPage={LoginPage}
        layout={Layout}
        dashboard={Dashboard}
        theme={theme}
        darkTheme={darkTheme}
      >
        {(permissions: PanelPermissions) => [
          ...resources.map(({ permission, writePermission, createPermission, ...props }) => {
            const writable = can(permissions, writePermission ?? permission)
            const creatable = can(permissions, createPermission ?? writePermission ?? permission)
            return (
              <Resource
                key={props.name}
                {...props}
                list={can(permissions, permission) ? props.list : undefined}
                create={creatable ? props.create : undefined}
                edit={writable ? props.edit : undefined}
              />
            )
          }),
          <CustomRoutes key="custom">
            <Route path="/switch-tenant" element={<SwitchTenantPage />} />
          </CustomRoutes>,
        ]}
      </Admin>
    </BrowserRouter>
  )
}
