// The models only: the package's index also loads its HTTP client, which tests do not need.
import * as k8s from '@kubernetes/client-node/dist/gen/models/all.js';
import type { K8sObject } from './render.js';

// Strict validation of an object against the Kubernetes API, offline, in two passes:
// 1. kubernetes-models: the OpenAPI schema compiled to validators (required fields, types, formats
//    such as int32 and int-or-string, enums) — but it lets unknown fields through;
// 2. the @kubernetes/client-node models' attribute maps (generated from the same OpenAPI
//    document), walked field by field: any field the API does not define is an error, as the API
//    server's strict field validation (kubectl --validate=strict) would report it.

type Attribute = { name: string; baseName: string; type: string };
type Model = { getAttributeTypeMap(): Attribute[] };

function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop()!;
  return `${version[0].toUpperCase()}${version.slice(1)}${kind}`;
}

function model(name: string): Model | undefined {
  const candidate = (k8s as unknown as Record<string, unknown>)[name] as Partial<Model> | undefined;
  return typeof candidate?.getAttributeTypeMap === 'function' ? (candidate as Model) : undefined;
}

const SCALARS = new Set(['string', 'number', 'boolean', 'Date', 'IntOrString']);

/** Every field that the API schema does not define, or whose shape (object, list, scalar) is wrong. */
export function unknownFields(object: K8sObject): string[] {
  const name = modelName(object.apiVersion, object.kind);
  if (!model(name)) return [`${object.apiVersion} ${object.kind}: no such API type (${name})`];
  const errors: string[] = [];
  walk(object, name, object.kind, errors);
  return errors;
}

function walk(value: unknown, type: string, path: string, errors: string[]): void {
  if (value === null || value === undefined) return;
  if (type === 'any' || type === 'object') return;
  if (SCALARS.has(type)) {
    if (typeof value === 'object') errors.push(`${path}: expected a ${type}, got ${Array.isArray(value) ? 'a list' : 'an object'}`);
    return;
  }
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected a list`);
    value.forEach((item, i) => walk(item, array[1], `${path}[${i}]`, errors));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return void errors.push(`${path}: expected a map`);
    for (const [key, item] of Object.entries(value)) walk(item, map[1], `${path}.${key}`, errors);
    return;
  }
  const m = model(type);
  if (!m) return void errors.push(`${path}: the schema walker does not know type ${type}`);
  if (typeof value !== 'object' || Array.isArray(value)) return void errors.push(`${path}: expected an object (${type})`);
  const attributes = new Map(m.getAttributeTypeMap().map((a) => [a.baseName, a]));
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.get(key);
    if (!attribute) errors.push(`${path}.${key}: unknown field (not in ${type})`);
    else walk(item, attribute.type, `${path}.${key}`, errors);
  }
}

/** Required fields, types and formats, by the kubernetes-models validators. */
export async function schemaErrors(object: K8sObject): Promise<string[]> {
  const group = object.apiVersion.includes('/') ? object.apiVersion : `v1`;
  let module: Record<string, new (data: unknown) => { validate(): void }>;
  try {
    const specifier = `kubernetes-models/${group}/${object.kind}`;
    module = await import(/* @vite-ignore */ specifier);
  } catch {
    return [`${object.apiVersion} ${object.kind}: kubernetes-models has no such type`];
  }
  try {
    new module[object.kind](object).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`];
  }
}

/** Both passes: an empty list means the object is valid for the API, with no unknown field. */
export async function validateObject(object: K8sObject): Promise<string[]> {
  return [...(await schemaErrors(object)), ...unknownFields(object).map((e) => `${object.kind}/${object.metadata?.name}: ${e}`)];
}
