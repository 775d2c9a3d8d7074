// Mirrors of the engine's enums (TENANT_ROLES in @oo/core, THEMES in ../config.ts), which are
// server modules the browser bundle must not import.
export const ROLE_CHOICES = ['owner', 'admin', 'manager', 'staff', 'kitchen', 'readonly'].map(
  (id) => ({ id, name: id }),
)
export const THEME_CHOICES = ['mono-luxe', 'fresh-market', 'tech-ocean'].map((id) => ({
  id,
  name: id,
}))
