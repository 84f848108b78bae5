// How input is checked against a JSON schema, in one place: the Ajv configuration and the error message, the
// same for a REST request (the route validators of schema-compilers.ts, the schemaErrorFormatter set by
// plugins/errors.ts) and for an assistant's tool call (assistant/tools.ts). A model's tool call is judged exactly
// like a request.

import { Ajv, type ValidateFunction } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'
import { unstorableTextIn } from './text.ts'

/**
 * Strict by design: no type coercion ("1" is not a number, path ids are checked as digit strings), no silent
 * removal of unknown fields (they are refused), no defaults filled in, and the first error only.
 */
const AJV_OPTIONS = { allErrors: false, coerceTypes: false, removeAdditional: false, useDefaults: false } as const

/** A validator with the one configuration (one per app or module: Ajv caches what it compiled). */
export function createAjv(): Ajv {
  return new Ajv(AJV_OPTIONS)
}

/** The part of an Ajv error the message is built from (Fastify's and Ajv's error types both fit). */
export interface SchemaError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

/**
 * One sentence naming the field and what is wrong with it: "body.tags must not contain duplicates",
 * "arguments has an unknown field \"owner\"". `root` names what was validated (body, params, querystring, arguments).
 */
export function validationMessage(root: string, errors: readonly SchemaError[] | null | undefined): string {
  const e = errors?.[0]
  if (!e) return `${root} is invalid`
  const path = [root, ...e.instancePath.split('/').filter(Boolean)].join('.')
  switch (e.keyword) {
    case 'additionalProperties':
      return `${path} has an unknown field "${String(e.params.additionalProperty)}"`
    case 'required':
      return `${path}.${String(e.params.missingProperty)} is required`
    case 'enum':
      return `${path} must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`
    case 'minProperties':
      return `${path} has nothing to change: give at least ${Number(e.params.limit) === 1 ? 'one field' : `${String(e.params.limit)} fields`}`
    case 'pattern':
      // Ids in the path are checked as digit strings; say what is meant rather than print the regex.
      if (root === 'params') return `${path} must be a positive whole number`
      return `${path} ${e.message ?? 'is invalid'}`
    case 'uniqueItems':
      return `${path} must not contain duplicates`
    default:
      return `${path} ${e.message ?? 'is invalid'}`
  }
}

/** A validator: true or false, with the reasons in `errors` afterwards (Ajv's and Fastify's convention). */
export type CheckedValidator = ((data: unknown) => boolean) & { errors?: (SchemaError & { schemaPath: string })[] | null }

/**
 * `schema` compiled by `ajv`, refusing also any string that holds the NUL character (U+0000) or an unpaired
 * surrogate (JSON's "\ud800"): PostgreSQL text and jsonb cannot store them and nothing a person types contains
 * them, so every backend refuses them alike, as an invalid field (400), rather than the database failing the write.
 */
export function compileChecked(ajv: Ajv, schema: object): CheckedValidator {
  const validate: ValidateFunction = ajv.compile(schema)
  const checked: CheckedValidator = (data) => {
    if (!validate(data)) {
      checked.errors = validate.errors
      return false
    }
    const found = unstorableTextIn(data)
    checked.errors = found === undefined ? null : [{ instancePath: found.at, schemaPath: '#', keyword: 'text', message: found.message, params: {} }]
    return found === undefined
  }
  return checked
}

/** A Fastify validatorCompiler: every route schema compiled by one Ajv of this configuration, made at the first. */
export function validatorCompiler(): FastifySchemaCompiler<object> {
  let ajv: Ajv | undefined
  return ({ schema }) => compileChecked((ajv ??= createAjv()), schema)
}

/** Fastify's schemaErrorFormatter: the error handler answers 400 VALIDATION_ERROR with this message. */
export function schemaErrorFormatter(errors: readonly SchemaError[], dataVar: string): Error {
  return new Error(validationMessage(dataVar, errors))
}
