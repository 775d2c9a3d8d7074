declare module 'virtual:oo-admin' {
  /** Generated from oo.config.ts: each plugin's `admin.entry`, in plugin order. */
  export const plugins: import('@oo/admin/plugin-api').AdminPluginModule[]
}
