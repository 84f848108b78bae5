#!/usr/bin/env node
// Entry point of scripts/cli/test-image.ts (the real code and its description): checks the Node.js version and
// takes the same arguments whether started with node, npm run or zx (scripts/lib/entry.mjs).
import { startScript } from './lib/entry.mjs'

await startScript(import.meta.url, () => import('./cli/test-image.ts'))
