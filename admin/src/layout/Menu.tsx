import ListSubheader from '@mui/material/ListSubheader'
import { Menu as RaMenu, useResourceDefinitions, useSidebarState } from 'react-admin'
import { adminPlugins } from '../plugins.ts'

/**
 * The menu is built from the plugins' resources, grouped by plugin. A resource whose list the
 * caller may not see was registered without one (App.tsx), so it has no entry here.
 */
export function Menu() {
  const definitions = useResourceDefinitions()
  const [open] = useSidebarState()
  // MUI's MenuList wants a flat array of children, not fragments.
  const items = adminPlugins.flatMap(({ plugin, resources }) => {
    const visible = resources.filter((r) => definitions[r.name]?.hasList)
    if (visible.length === 0) return []
    const header = open
      ? [
          <ListSubheader
            key={`plugin:${plugin}`}
            disableSticky
            sx={{
              lineHeight: '2.2em',
              mt: 1,
              textTransform: 'capitalize',
              background: 'transparent',
            }}
          >
            {plugin}
          </ListSubheader>,
        ]
      : []
    return [...header, ...visible.map((r) => <RaMenu.ResourceItem key={r.name} name={r.name} />)]
  })
  return (
    <RaMenu>
      <RaMenu.DashboardItem />
      {items}
    </RaMenu>
  )
}
