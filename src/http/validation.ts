/**
 * How request schemas are checked. Fastify's default Ajv coerces types
 * everywhere, so `{"text": 12345}` or `{"text": ["a"]}` passed as the string
 * "12345" / "a". A JSON body already carries its types: it is checked as
 * sent (wrong type → 400). Query strings and path parameters are text by
 * nature, so there numbers and booleans are still read from their text.
 * The options otherwise match Fastify's defaults (@fastify/ajv-compiler).
 */
import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const FASTIFY_DEFAULTS: Options = { useDefaults: true, removeAdditional: true, addUsedSchema: false, allErrors: false };

const asSent = new Ajv({ ...FASTIFY_DEFAULTS, coerceTypes: false });
const fromText = new Ajv({ ...FASTIFY_DEFAULTS, coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? asSent : fromText).compile(schema);

/** The largest cursor or id a query may name; beyond it a JSON number loses precision (1e23). */
export const MAX_CURSOR = Number.MAX_SAFE_INTEGER;
