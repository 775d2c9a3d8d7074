import { nanoDarkTheme, nanoLightTheme } from 'react-admin'

export const theme = nanoLightTheme
export const darkTheme = nanoDarkTheme
