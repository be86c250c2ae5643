/**
 * Checks metadata against the JSON Schema in
 * schema/metadata/retrace-metadata.schema.json, the reference for what retrace writes
 * under `metadata.retrace`. Pure: no file system, so the frontend uses it too.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import schema from '../../schema/metadata/retrace-metadata.schema.json';
import { SPEC_VERSION } from '../contract/metadata';

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

/** The schema's `$id`; its last path segment is the spec version. */
export const METADATA_SCHEMA_ID: string = schema.$id;

interface Validators {
  cell: ValidateFunction;
  notebook: ValidateFunction;
}

let validators: Validators | undefined;

/** Compiles the schema the first time it is needed. */
function getValidators(): Validators {
  if (!validators) {
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true, // puts the offending value on each error, for the messages
      strict: true,
      allowUnionTypes: true, // execution_count is integer | null
      validateFormats: false // `format` is an annotation here; the patterns do the checking
    });
    ajv.addSchema(schema);
    const get = (def: string): ValidateFunction => {
      const v = ajv.getSchema(`${schema.$id}#/$defs/${def}`);
      if (!v) {
        throw new Error(`retrace metadata schema has no $defs/${def}`);
      }
      return v;
    };
    validators = { cell: get('cell'), notebook: get('notebook') };
  }
  return validators;
}

/** Checks the value of a code cell's `metadata.retrace`. */
export function validateCellMetadata(x: unknown): ValidationResult {
  return run(getValidators().cell, x);
}

/** Checks the value of a notebook's `metadata.retrace`. */
export function validateNotebookMetadata(x: unknown): ValidationResult {
  const result = run(getValidators().notebook, x);
  if (!result.ok) {
    const newer = newerSpecVersion(x);
    if (newer) {
      result.errors.push(
        `(note) this metadata says spec_version ${newer}, newer than the ${SPEC_VERSION} this ` +
          'retrace knows: the errors above may be additions made by a newer retrace'
      );
    }
  }
  return result;
}

function run(validate: ValidateFunction, x: unknown): ValidationResult {
  if (validate(x)) {
    return { ok: true };
  }
  const errors = (validate.errors ?? []).map(formatError);
  return { ok: false, errors: [...new Set(errors)] };
}

const DIGEST_PATTERN = schema.$defs.digest.pattern;

function formatError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(root)' : e.instancePath;
  return `${where}: ${describe(e)}`;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required property "${String(p.missingProperty)}"`;
    case 'additionalProperties':
      return `unknown property "${String(p.additionalProperty)}" (spec ${SPEC_VERSION} allows no extra keys here)`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}, got ${show(e.data)}`;
    case 'type':
      return `must be ${String(p.type).split(',').join(' or ')}, got ${typeName(e.data)}`;
    case 'pattern':
      if (p.pattern === DIGEST_PATTERN) {
        return `must be a digest, "sha256:" followed by 64 lowercase hex digits, got ${show(e.data)}`;
      }
      return `must match ${String(p.pattern)}, got ${show(e.data)}`;
    case 'minimum':
      return `must be >= ${String(p.limit)}, got ${show(e.data)}`;
    case 'minLength':
      return 'must not be empty';
    case 'uniqueItems':
      return `must not repeat entries (items ${Math.min(Number(p.i), Number(p.j))} and ${Math.max(Number(p.i), Number(p.j))} are equal)`;
    default:
      return e.message ?? `fails "${e.keyword}"`;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isInteger(v)) return `integer ${v}`;
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'string') return `string ${show(v)}`;
  return typeof v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The notebook's spec_version when it is a 1.x.y newer than ours, else undefined. */
function newerSpecVersion(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const v = (x as { spec_version?: unknown }).spec_version;
  if (typeof v !== 'string') return undefined;
  const parse = (s: string): number[] | undefined => {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(s);
    return m ? m.slice(1).map(Number) : undefined;
  };
  const theirs = parse(v);
  const ours = parse(SPEC_VERSION);
  if (!theirs || !ours || theirs[0] !== ours[0]) return undefined;
  const newer = theirs[1] > ours[1] || (theirs[1] === ours[1] && theirs[2] > ours[2]);
  return newer ? v : undefined;
}
