import fs from 'node:fs';
import {
  Ajv2020,
  type ErrorObject,
  type ValidateFunction,
} from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { badRequest } from '../errors.js';

/**
 * openapi.yaml is the one contract of this API: it is served as is, request
 * bodies are validated against its schemas, and the portal's types are
 * generated from it. Read once at start-up; a missing file fails fast.
 */
const CONTRACT_URL = new URL('../../openapi.yaml', import.meta.url);

export const openApiDocument = parse(fs.readFileSync(CONTRACT_URL, 'utf8')) as {
  components: { schemas: Record<string, Record<string, unknown>> };
  [key: string]: unknown;
};

// ajv-formats is CommonJS with a default export; NodeNext sees the module object.
const addFormats =
  addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addSchema(openApiDocument, 'contract');

const compiled = new Map<string, ValidateFunction>();

/** The compiled validator of one `components.schemas` entry. */
export function contractSchema(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    if (!openApiDocument.components.schemas[name])
      throw new Error(`openapi.yaml has no schema ${name}`);
    validate = ajv.compile({ $ref: `contract#/components/schemas/${name}` });
    compiled.set(name, validate);
  }
  return validate;
}

/** A sentence a person can act on, naming the field and the rule. */
export function describeErrors(
  errors: ErrorObject[] | null | undefined,
  root = 'body',
): string {
  return (errors ?? [])
    .map(e => {
      const field = e.instancePath
        ? e.instancePath.slice(1).replace(/\//g, '.')
        : root;
      switch (e.keyword) {
        case 'required':
          return `${field === root ? '' : `${field}.`}${
            (e.params as { missingProperty: string }).missingProperty
          }: is required`;
        case 'additionalProperties':
          return `${field}: unknown field "${
            (e.params as { additionalProperty: string }).additionalProperty
          }"`;
        case 'minLength':
          return `${field}: is empty`;
        case 'maxLength':
          return `${field}: is longer than ${
            (e.params as { limit: number }).limit
          } characters`;
        case 'pattern':
          return field === 'message'
            ? `${field}: is blank`
            : `${field}: ${e.message}`;
        default:
          return `${field}: ${e.message}`;
      }
    })
    .join('; ');
}

/** Checks a value against a contract schema and throws a 400 naming what is wrong. */
export function assertMatches<T>(
  name: string,
  value: unknown,
  root = 'body',
): T {
  const validate = contractSchema(name);
  if (!validate(value)) throw badRequest(describeErrors(validate.errors, root));
  return value as T;
}

/** The pattern a schema declares, for route parameters checked outside ajv. */
export function contractPattern(name: string): RegExp {
  const pattern = openApiDocument.components.schemas[name]?.pattern;
  if (typeof pattern !== 'string')
    throw new Error(`openapi.yaml: schema ${name} has no pattern`);
  return new RegExp(pattern);
}
