// Parsed YAML and JSON as the tests read them: documents navigated by path, whose shape is exactly what the
// tests assert (and what the schema tests check every rendered object against: the strict Kubernetes 1.28
// schemas and the CRDs). A static type would restate each manifest, and `unknown` would need a cast at every
// step, so the tests name this one type instead. It is the only `any` in the tests of the renderer.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Parsed = any
