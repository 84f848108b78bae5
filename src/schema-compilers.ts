// Fastify's schema compilers for every route, given as its `schemaController.compilersFactory` option: request
// validators with the one Ajv configuration (src/validation.ts) and response serializers with Fastify's own
// fast-json-stringify compiler. None is compiled at start-up, which they used to cost ~0.1 s of CPU
// (docs/performance.md): each compiles at its route's first use, or in the background once the server listens
// (`compileInBackground()`, one per event-loop turn). `compileAll()` compiles what is still waiting, so a schema
// that does not compile fails a test (test/app/schema-compilers.test.ts), not a pod.

import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify'
import { validatorCompiler } from './validation.ts'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>
type Validator = ((data: unknown) => unknown) & { errors?: unknown }
type Serializer = (data: unknown) => string

export interface SchemaCompilers {
  compilersFactory: CompilersFactory
  /** Compiles every schema not used yet; throws one error naming each route and part that does not compile. */
  compileAll(): void
  /** Compiles what is still waiting, one schema per event-loop turn so that requests go in between. */
  compileInBackground(onError: (route: string, err: Error) => void): void
  /** How many schemas are compiled so far, of how many (validators and serializers). */
  counts(): { compiled: number; total: number }
}

export function createSchemaCompilers(): SchemaCompilers {
  // What is still to compile: a compile function per schema, with the route part it belongs to.
  const pending = new Map<() => unknown, string>()
  let total = 0

  /** `compile`, run once: at the first call or by compileAll(). */
  function once<F>(compile: () => F, label: string): () => F {
    let compiled: F | undefined
    const get = (): F => {
      if (compiled === undefined) {
        compiled = compile()
        pending.delete(get)
      }
      return compiled
    }
    pending.set(get, label)
    total++
    return get
  }

  const buildValidator = () => {
    const compile = validatorCompiler()
    return (route: Parameters<FastifySchemaCompiler<object>>[0]) => {
      const get = once(() => compile(route) as Validator, `${route.method} ${route.url} ${route.httpPart ?? ''}`.trim())
      // Fastify reads the refusal from the function it called: pass Ajv's errors through.
      const validate: Validator = (data) => {
        const fn = get()
        const result = fn(data)
        validate.errors = fn.errors
        return result
      }
      return validate
    }
  }

  const buildSerializer: CompilersFactory['buildSerializer'] = (externalSchemas, options) => {
    const compile = SerializerSelector()(externalSchemas, options)
    return (route) => {
      const get = once(() => compile(route) as Serializer, `${route.method} ${route.url} response ${route.httpStatus}`)
      return (data: unknown) => get()(data)
    }
  }

  return {
    // Fastify's type wants Ajv's own function type; Fastify itself only calls it and reads `errors`.
    compilersFactory: { buildValidator: buildValidator as unknown as CompilersFactory['buildValidator'], buildSerializer },
    compileAll() {
      const failures: string[] = []
      for (const [get, label] of [...pending]) {
        try {
          get()
        } catch (err) {
          failures.push(`${label}: ${(err as Error).message}`)
        }
      }
      if (failures.length > 0) throw new Error(`route schemas that do not compile:\n${failures.join('\n')}`)
    },
    compileInBackground(onError) {
      const queue = [...pending]
      const next = () => {
        const [get, label] = queue.shift() ?? []
        if (!get || !label) return
        try {
          get()
        } catch (err) {
          onError(label, err as Error)
        }
        setImmediate(next)
      }
      setImmediate(next)
    },
    counts: () => ({ compiled: total - pending.size, total }),
  }
}
