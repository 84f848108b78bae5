#!/usr/bin/env node
// Entry point of scripts/cli/bootstrap-minikube.ts (the real code and its usage): checks the Node.js version and takes
// the same arguments whether started with node, npm run or zx (scripts/lib/entry.mjs).
import { startScript } from './lib/entry.mjs'

await startScript(import.meta.url, () => import('./cli/bootstrap-minikube.ts'))
