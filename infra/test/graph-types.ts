// Checks a Graph resource body against the types of the Microsoft Graph Bicep extension v1.0,
// version 1.0.0 (the one bicepconfig.json pins): microsoft-graph-v1.0-1.0.0.types.json is
// generated/microsoftgraph/microsoft.graph/v1.0/1.0.0/types.json of microsoftgraph/msgraph-bicep-types
// (MIT) at commit bc4390567a8808286eb5e48815fda8ebd6e9eea8, unchanged but for formatting.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeploymentValue } from './bicep-template.js';

interface TypeRef {
  $ref: string;
}
type BicepType =
  | { $type: 'ResourceType'; name: string; body: TypeRef }
  | {
      $type: 'ObjectType';
      name: string;
      properties: Record<string, { type: TypeRef; flags: number }>;
    }
  | { $type: 'ArrayType'; itemType: TypeRef }
  | { $type: 'StringType'; minLength?: number; maxLength?: number; pattern?: string }
  | { $type: 'StringLiteralType'; value: string }
  | { $type: 'UnionType'; elements: TypeRef[] }
  | { $type: 'IntegerType' | 'BooleanType' | 'AnyType' };

const REQUIRED = 1;
const READ_ONLY = 2;

const types = JSON.parse(
  readFileSync(join(import.meta.dirname, 'microsoft-graph-v1.0-1.0.0.types.json'), 'utf8'),
) as BicepType[];
const resolveRef = (ref: TypeRef) => types[Number(ref.$ref.replace('#/', ''))];

/** Problems of `body` as a `type@version` resource; empty when it fits. */
export function graphTypeProblems(type: string, body: Record<string, unknown>): string[] {
  const resource = types.find((t) => t.$type === 'ResourceType' && t.name === type);
  if (!resource || resource.$type !== 'ResourceType')
    return [`${type} is not a type of the v1.0 extension`];
  return valueProblems(type, body, resolveRef(resource.body));
}

function valueProblems(path: string, value: unknown, type: BicepType): string[] {
  // Known only at deployment time (a resource's property): its shape cannot be checked here.
  if (value instanceof DeploymentValue) return [];
  switch (type.$type) {
    case 'ObjectType': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${path}: not an object`];
      const problems: string[] = [];
      for (const [key, item] of Object.entries(value)) {
        const property = type.properties[key];
        if (!property) problems.push(`${path}: ${key} is not a property`);
        // null is how a template leaves an optional property out (e.g. `fic.?description`)
        else if (item === null && !(property.flags & REQUIRED)) continue;
        else if (property.flags & READ_ONLY) problems.push(`${path}: ${key} is read-only`);
        else problems.push(...valueProblems(`${path}.${key}`, item, resolveRef(property.type)));
      }
      for (const [key, property] of Object.entries(type.properties)) {
        if (property.flags & REQUIRED && !(key in value))
          problems.push(`${path}: ${key} is required`);
      }
      return problems;
    }
    case 'ArrayType':
      return Array.isArray(value)
        ? value.flatMap((item, i) =>
            valueProblems(`${path}[${i}]`, item, resolveRef(type.itemType)),
          )
        : [`${path}: not an array`];
    case 'StringType': {
      if (typeof value !== 'string') return [`${path}: not a string`];
      const fits =
        value.length >= (type.minLength ?? 0) &&
        value.length <= (type.maxLength ?? Infinity) &&
        (type.pattern === undefined || new RegExp(type.pattern).test(value));
      return fits ? [] : [`${path}: "${value}" does not match ${JSON.stringify(type)}`];
    }
    case 'StringLiteralType':
      return value === type.value ? [] : [`${path}: not "${type.value}"`];
    case 'UnionType':
      return type.elements.some(
        (element) => valueProblems(path, value, resolveRef(element)).length === 0,
      )
        ? []
        : [`${path}: ${JSON.stringify(value)} fits none of the allowed types`];
    case 'IntegerType':
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case 'BooleanType':
      return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
    default:
      return [];
  }
}
