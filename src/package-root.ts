// The package's root directory, where package.json and web/ sit: one level above this module, both for
// src/package-root.ts and for the bundle, whose files all sit directly in dist/ (src/build.ts).
export const PACKAGE_ROOT = new URL('../', import.meta.url)
