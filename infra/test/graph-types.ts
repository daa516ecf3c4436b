// Checks a Graph resource body against the Microsoft Graph Bicep extension's types, as published
// for the version bicepconfig.json pins: microsoft-graph-v1.0.types.json holds, for the resource
// types these templates use, each property (writable, read-only, required) and its value type.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeploymentValue } from './bicep-template.js';

type ValueType =
  | { type: 'object'; properties: Record<string, PropertyType> }
  | { type: 'array'; items: ValueType }
  | { type: 'string'; minLength?: number; maxLength?: number; pattern?: string }
  | { type: 'literal'; value: string }
  | { type: 'union'; anyOf: ValueType[] }
  | { type: 'integer' | 'boolean' | 'any' };
type PropertyType = { required?: boolean; readOnly?: boolean } & Partial<ValueType>;

export const GRAPH_TYPES = JSON.parse(
  readFileSync(join(import.meta.dirname, 'microsoft-graph-v1.0.types.json'), 'utf8'),
) as { extension: string; resources: Record<string, ValueType> };

/** Problems of `body` as a `type@version` resource; empty when it fits. */
export function graphTypeProblems(type: string, body: Record<string, unknown>): string[] {
  const resource = GRAPH_TYPES.resources[type];
  if (!resource) return [`${type} is not a type of the v1.0 extension`];
  return valueProblems(type, body, resource);
}

function valueProblems(path: string, value: unknown, type: ValueType): string[] {
  // Known only at deployment time (a resource's property): its shape cannot be checked here.
  if (value instanceof DeploymentValue) return [];
  switch (type.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${path}: not an object`];
      }
      const problems: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        const property = type.properties[key];
        if (!property) problems.push(`${path}: ${key} is not a property`);
        else if (property.readOnly) problems.push(`${path}: ${key} is read-only`);
        // null is how a template leaves an optional property out (e.g. `fic.?description`)
        else if (item === null && !property.required) continue;
        else problems.push(...valueProblems(`${path}.${key}`, item, property as ValueType));
      }
      for (const [key, property] of Object.entries(type.properties)) {
        if (property.required && !(key in value)) problems.push(`${path}: ${key} is required`);
      }
      return problems;
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => valueProblems(`${path}[${i}]`, item, type.items))
        : [`${path}: not an array`];
    case 'string': {
      if (typeof value !== 'string') return [`${path}: not a string`];
      const fits =
        value.length >= (type.minLength ?? 0) &&
        value.length <= (type.maxLength ?? Infinity) &&
        (type.pattern === undefined || new RegExp(type.pattern).test(value));
      return fits ? [] : [`${path}: "${value}" does not match ${JSON.stringify(type)}`];
    }
    case 'literal':
      return value === type.value ? [] : [`${path}: not "${type.value}"`];
    case 'union':
      return type.anyOf.some((element) => valueProblems(path, value, element).length === 0)
        ? []
        : [`${path}: ${JSON.stringify(value)} fits none of the allowed types`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
    default:
      return [];
  }
}
