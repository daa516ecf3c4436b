// Offline reading of the Bicep templates: the tree-sitter Bicep grammar parses them, and a small
// evaluator computes what a deployment would pass to each resource and module (environment
// variables, Entra objects) so that specs can compare it with what the apps read and enforce.
// No Bicep compiler installs here (it ships as a .NET binary outside the npm registry); the
// grammar is a library, the evaluator covers only the expression forms these templates use and
// throws on any other, so that a template change cannot be skipped over silently.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser, type Node as SyntaxNode } from 'web-tree-sitter';

// The WebAssembly build of the grammar that tree-sitter-bicep ships: no native addon to build or
// load (a native one binds itself to the first of jest's per-file module copies).
await Parser.init();
const parser = new Parser();
parser.setLanguage(
  await Language.load(
    fileURLToPath(import.meta.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm')),
  ),
);

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((child) => child !== null);
}

export function allChildren(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((child) => child !== null);
}

/**
 * `extension <alias>` replaced `provider` in Bicep 0.30; tree-sitter-bicep 1.1.0 predates it. Lines
 * of exactly that form are checked here and blanked (same length, so positions stay) before parsing.
 */
const EXTENSION_LINE = /^extension[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$/gm;

export interface Declaration {
  name: string;
  node: SyntaxNode;
  decorators: Map<string, SyntaxNode[]>;
}
export interface ParameterDeclaration extends Declaration {
  type: string;
  defaultValue?: SyntaxNode;
}
export interface ValueDeclaration extends Declaration {
  value: SyntaxNode;
}
export interface ResourceDeclaration extends Declaration {
  /** e.g. 'Microsoft.Graph/applications@v1.0'; a nested resource gets its parent's type prefixed. */
  type: string;
  existing: boolean;
  body: SyntaxNode;
  condition?: SyntaxNode;
  loop?: { variable: string; items: SyntaxNode };
  parent?: string;
}
export interface ModuleDeclaration extends ValueDeclaration {
  path: string;
  body: SyntaxNode;
}

export class BicepTemplate {
  readonly extensions: string[] = [];
  readonly syntaxErrors: string[] = [];
  readonly parameters = new Map<string, ParameterDeclaration>();
  readonly variables = new Map<string, ValueDeclaration>();
  readonly resources = new Map<string, ResourceDeclaration>();
  readonly modules = new Map<string, ModuleDeclaration>();
  readonly outputs = new Map<string, ValueDeclaration>();
  readonly root: SyntaxNode;

  static load(path: string): BicepTemplate {
    return new BicepTemplate(resolve(path), readFileSync(path, 'utf8'));
  }

  constructor(
    readonly path: string,
    readonly source: string,
  ) {
    const parsable = source.replace(EXTENSION_LINE, (line, alias: string) => {
      this.extensions.push(alias);
      return ' '.repeat(line.length);
    });
    this.root = parser.parse(parsable)!.rootNode;
    this.collectSyntaxErrors(this.root);
    let decorators = new Map<string, SyntaxNode[]>();
    for (const statement of namedChildren(this.root)) {
      if (statement.type === 'decorators') {
        decorators = readDecorators(statement);
        continue;
      }
      this.declare(statement, decorators);
      decorators = new Map();
    }
  }

  private collectSyntaxErrors(node: SyntaxNode): void {
    if (node.type === 'ERROR' || node.isMissing) {
      const { row, column } = node.startPosition;
      this.syntaxErrors.push(
        `${this.path}:${row + 1}:${column + 1}: ${node.isMissing ? `missing ${node.type}` : `cannot parse "${node.text.slice(0, 60)}"`}`,
      );
    }
    if (
      node.type === 'binary_expression' &&
      /^(lambda|ternary)_expression$/.test(postfixBase(node.child(0)!).type)
    ) {
      // Bicep reads `x => x.a == 1` as x => (x.a == 1); the grammar as (x => x.a) == 1.
      const { row, column } = node.startPosition;
      this.syntaxErrors.push(
        `${this.path}:${row + 1}:${column + 1}: put the lambda body or ternary branch in parentheses (tree-sitter-bicep 1.1.0 would split "${node.text.slice(0, 60)}" differently from Bicep)`,
      );
    }
    for (const child of allChildren(node)) this.collectSyntaxErrors(child);
  }

  private declare(
    node: SyntaxNode,
    decorators: Map<string, SyntaxNode[]>,
    parent?: ResourceDeclaration,
  ): void {
    const named = namedChildren(node);
    const name = named[0]?.text ?? '';
    switch (node.type) {
      case 'parameter_declaration':
        this.parameters.set(name, {
          name,
          node,
          decorators,
          type: named[1].text,
          defaultValue: named[2],
        });
        break;
      case 'variable_declaration':
        this.variables.set(name, { name, node, decorators, value: named[1] });
        break;
      case 'output_declaration':
        this.outputs.set(name, { name, node, decorators, value: named[2] });
        break;
      case 'module_declaration': {
        const body = named[2];
        if (body.type !== 'object')
          throw new Error(`${this.path}: module ${name}: only plain modules are read`);
        this.modules.set(name, {
          name,
          node,
          decorators,
          path: stringLiteral(named[1]),
          body,
          value: body,
        });
        break;
      }
      case 'resource_declaration': {
        const type = stringLiteral(named[1]);
        const existing = allChildren(node).some((child) => child.type === 'existing');
        const last = named[named.length - 1];
        const resource: ResourceDeclaration = {
          name,
          node,
          decorators,
          type: parent ? `${parent.type.split('@')[0]}/${type}` : type,
          existing,
          body: last,
          parent: parent?.name,
        };
        if (last.type === 'if_statement') {
          resource.condition = namedChildren(last)[0];
          resource.body = namedChildren(last)[1];
        } else if (last.type === 'for_statement') {
          const [variable, items, body] = namedChildren(last);
          resource.loop = { variable: variable.text, items };
          resource.body = body;
        }
        if (resource.body.type !== 'object')
          throw new Error(`${this.path}: resource ${name}: unexpected body`);
        this.resources.set(name, resource);
        for (const child of namedChildren(resource.body)) {
          const nested = nestedResource(child);
          if (nested) this.declare(nested, new Map(), resource);
        }
        break;
      }
      case 'target_scope_assignment':
      case 'comment':
      case 'ERROR': // reported by collectSyntaxErrors
        break;
      default:
        throw new Error(`${this.path}: statement ${node.type} is not read by this checker`);
    }
  }

  /** Names referenced anywhere in expressions (declaration names and property keys excluded). */
  referencedNames(): Set<string> {
    const names = new Set<string>();
    const visit = (node: SyntaxNode): void => {
      if (node.type === 'identifier' && isReference(node)) names.add(node.text);
      for (const child of namedChildren(node)) visit(child);
    };
    visit(this.root);
    return names;
  }

  /** The value node of `key` in an object literal. */
  static propertyValue(object: SyntaxNode, key: string): SyntaxNode | undefined {
    const property = namedChildren(object).find(
      (child) =>
        child.type === 'object_property' &&
        !nestedResource(child) &&
        propertyKey(namedChildren(child)[0]) === key,
    );
    return property ? namedChildren(property)[1] : undefined;
  }

  /** Resource bodies' property names, nested resources excluded. */
  static propertyNames(body: SyntaxNode): string[] {
    return namedChildren(body)
      .filter((child) => child.type === 'object_property' && !nestedResource(child))
      .map((property) => propertyKey(namedChildren(property)[0]));
  }
}

/** A resource declared inside another one's body (the grammar wraps it in an object_property). */
function nestedResource(node: SyntaxNode): SyntaxNode | undefined {
  const inner = node.type === 'object_property' ? namedChildren(node)[0] : node;
  return inner?.type === 'resource_declaration' ? inner : undefined;
}

/** The expression under a chain of member accesses and indexes. */
function postfixBase(node: SyntaxNode): SyntaxNode {
  let base = node;
  while (base.type === 'member_expression' || base.type === 'subscript_expression') {
    base = base.childForFieldName('object') ?? namedChildren(base)[0];
  }
  return base;
}

function readDecorators(node: SyntaxNode): Map<string, SyntaxNode[]> {
  const decorators = new Map<string, SyntaxNode[]>();
  for (const decorator of namedChildren(node)) {
    const call = namedChildren(decorator)[0];
    const fn = call.childForFieldName('function')!;
    const name = fn.type === 'member_expression' ? fn.lastNamedChild!.text : fn.text;
    decorators.set(name, namedChildren(call.childForFieldName('arguments')!));
  }
  return decorators;
}

function isReference(node: SyntaxNode): boolean {
  const parent = node.parent!;
  const first = namedChildren(parent)[0];
  if (first?.id === node.id && /_declaration$|^object_property$|^type$/.test(parent.type))
    return false;
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === node.id)
    return false;
  if (parent.type === 'decorator') return false;
  return true;
}

function stringLiteral(node: SyntaxNode): string {
  if (node.type !== 'string' || namedChildren(node).some((part) => part.type === 'interpolation')) {
    throw new Error(`expected a plain string, got ${node.text}`);
  }
  return decodeStringParts(node);
}

function decodeStringParts(
  node: SyntaxNode,
  interpolate?: (expression: SyntaxNode) => string,
): string {
  let text = '';
  for (const part of namedChildren(node)) {
    if (part.type === 'string_content') text += part.text;
    else if (part.type === 'escape_sequence') text += unescape(part.text);
    else if (part.type === 'interpolation' && interpolate)
      text += interpolate(namedChildren(part)[0]);
    else throw new Error(`unexpected ${part.type} in ${node.text}`);
  }
  return text;
}

function unescape(sequence: string): string {
  const simple: Record<string, string> = {
    "\\'": "'",
    '\\\\': '\\',
    '\\n': '\n',
    '\\r': '\r',
    '\\t': '\t',
    '\\$': '$',
  };
  const value = simple[sequence];
  if (value === undefined) throw new Error(`escape ${sequence} is not read by this checker`);
  return value;
}

function propertyKey(node: SyntaxNode): string {
  return node.type === 'string' ? stringLiteral(node) : node.text;
}

/**
 * A value only a real deployment knows (a resource's property, a function of the subscription):
 * member access extends its path; used as text it becomes a stand-in shaped by the last segment
 * (GUID for ids, host name for fqdn...), so that the apps' config parsers can read it.
 */
export class DeploymentValue {
  constructor(readonly reference: string) {}

  member(name: string): DeploymentValue {
    return new DeploymentValue(`${this.reference}.${name}`);
  }

  toString(): string {
    const last = this.reference.split('.').pop()!;
    if (/fqdn$/i.test(last))
      return `${stableGuid(this.reference).slice(0, 8)}.example.azurecontainerapps.io`;
    if (/loginServer$/i.test(last)) return 'registry.azurecr.io';
    if (/(^id|Id)$/.test(last) || last === 'guid') return stableGuid(this.reference);
    return `<${this.reference}>`;
  }
}

function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Value = unknown;
type Scope = ReadonlyMap<string, Value>;

/** What one deployment of a template computes, for the given parameter values. */
export class TemplateEvaluation {
  private readonly cache = new Map<string, Value>();

  constructor(
    readonly template: BicepTemplate,
    private readonly parameterValues: Readonly<Record<string, Value>> = {},
    /** Module path of this evaluation ('' for the deployed template), so that stand-ins differ per module. */
    private readonly scope = '',
  ) {
    for (const name of Object.keys(parameterValues)) {
      if (!template.parameters.has(name))
        throw new Error(`${template.path} has no parameter ${name}`);
    }
  }

  /** Value of a parameter, variable, or (as a DeploymentValue) resource/module symbol. */
  symbol(name: string): Value {
    if (this.cache.has(name)) return this.cache.get(name);
    let value: Value;
    const parameter = this.template.parameters.get(name);
    if (parameter) {
      if (name in this.parameterValues) value = this.parameterValues[name];
      else if (parameter.defaultValue) value = this.evaluate(parameter.defaultValue);
      else throw new Error(`${this.template.path}: parameter ${name} has no value`);
    } else if (this.template.variables.has(name)) {
      value = this.evaluate(this.template.variables.get(name)!.value);
    } else if (this.template.resources.has(name)) {
      value = new DeploymentValue(`${this.scope}${name}`);
    } else if (this.template.modules.has(name)) {
      value = { outputs: this.module(name).outputs() };
    } else {
      throw new Error(`${this.template.path}: unknown name ${name}`);
    }
    this.cache.set(name, value);
    return value;
  }

  /** The evaluation of a module, with the parameters this template passes to it. */
  module(name: string): TemplateEvaluation {
    const declaration = this.template.modules.get(name);
    if (!declaration) throw new Error(`${this.template.path} has no module ${name}`);
    const params = (this.property(declaration.body, 'params') ?? {}) as Record<string, Value>;
    const child = BicepTemplate.load(resolve(dirname(this.template.path), declaration.path));
    return new TemplateEvaluation(child, params, `${this.scope}${name}/`);
  }

  outputs(): Record<string, Value> {
    return Object.fromEntries(
      [...this.template.outputs].map(([name, output]) => [name, this.evaluate(output.value)]),
    );
  }

  /** A resource's evaluated body: one object, or one per item of its loop; null when its condition is false. */
  resource(name: string): Record<string, Value> | Record<string, Value>[] | null {
    const resource = this.template.resources.get(name);
    if (!resource) throw new Error(`${this.template.path} has no resource ${name}`);
    if (resource.condition && this.evaluate(resource.condition) !== true) return null;
    if (!resource.loop) return this.evaluate(resource.body) as Record<string, Value>;
    const items = this.evaluate(resource.loop.items) as Value[];
    return items.map(
      (item) =>
        this.evaluate(resource.body, new Map([[resource.loop!.variable, item]])) as Record<
          string,
          Value
        >,
    );
  }

  /** One property of an object literal, evaluated. */
  property(object: SyntaxNode, key: string): Value {
    const value = BicepTemplate.propertyValue(object, key);
    return value ? this.evaluate(value) : undefined;
  }

  /**
   * tree-sitter-bicep 1.1.0 binds member access and indexing more loosely than Bicep does:
   * `r => r.value == g.role` comes out as `((r => r).value == g).role`. Postfix operators found
   * on a binary, unary, ternary or lambda expression are therefore carried down to its last
   * operand, which is where Bicep applies them (Bicep needs parentheses for anything else, and
   * those show as parenthesized_expression).
   */
  evaluate(node: SyntaxNode, locals: Scope = new Map(), postfix: SyntaxNode[] = []): Value {
    const at = () => `${this.template.path}:${node.startPosition.row + 1}`;
    const named = namedChildren(node);
    switch (node.type) {
      case 'member_expression':
      case 'subscript_expression':
        return this.evaluate(node.childForFieldName('object') ?? named[0], locals, [
          node,
          ...postfix,
        ]);
      case 'unary_expression': {
        if (node.child(0)!.type !== '!')
          throw new Error(`${at()}: unary ${node.child(0)!.type} is not read by this checker`);
        return !this.evaluate(named[0], locals, postfix);
      }
      case 'binary_expression':
        return this.binary(node, locals, postfix, at);
      case 'ternary_expression':
        return this.evaluate(node.childForFieldName('condition')!, locals)
          ? this.evaluate(node.childForFieldName('consequence')!, locals)
          : this.evaluate(node.childForFieldName('alternative')!, locals, postfix);
      case 'lambda_expression': {
        const [parameters, body] = named;
        const names =
          parameters.type === 'identifier'
            ? [parameters.text]
            : namedChildren(parameters).map((p) => p.text);
        return (...args: Value[]) => {
          const scope = new Map(locals);
          names.forEach((name, i) => scope.set(name, args[i]));
          return this.evaluate(body, scope, postfix);
        };
      }
      default:
        return postfix.reduce(
          (target, operation) => this.applyPostfix(target, operation, locals),
          this.evaluatePrimary(node, locals, at),
        );
    }
  }

  private applyPostfix(target: Value, operation: SyntaxNode, locals: Scope): Value {
    const at = () => `${this.template.path}:${operation.startPosition.row + 1}`;
    if (operation.type === 'member_expression') {
      const safe = allChildren(operation).some((child) => child.type === '.?');
      return member(target, operation.lastNamedChild!.text, safe, at);
    }
    const index = this.evaluate(operation.childForFieldName('index')!, locals);
    if (target instanceof DeploymentValue) return target.member(String(index));
    if (Array.isArray(target) && typeof index === 'number') {
      if (index >= target.length) throw new Error(`${at()}: index ${index} out of range`);
      return target[index];
    }
    return member(target, String(index), false, at);
  }

  private evaluatePrimary(node: SyntaxNode, locals: Scope, at: () => string): Value {
    const named = namedChildren(node);
    switch (node.type) {
      case 'string':
        return decodeStringParts(node, (expression) => String(this.evaluate(expression, locals)));
      case 'number':
        return Number(node.text);
      case 'boolean':
        return node.text === 'true';
      case 'null':
        return null;
      case 'parenthesized_expression':
        return this.evaluate(named[0], locals);
      case 'identifier':
        return locals.has(node.text) ? locals.get(node.text) : this.symbol(node.text);
      case 'array':
        return named
          .filter((item) => item.type !== 'comment')
          .map((item) => this.evaluate(item, locals));
      case 'object': {
        const object: Record<string, Value> = {};
        for (const property of named) {
          if (property.type !== 'object_property' || nestedResource(property)) continue;
          const [key, value] = namedChildren(property);
          const name = key.type === 'string' ? (this.evaluate(key, locals) as string) : key.text;
          object[name] = this.evaluate(value, locals);
        }
        return object;
      }
      case 'call_expression':
        return this.call(node, locals, at);
      default:
        throw new Error(`${at()}: expression ${node.type} is not read by this checker`);
    }
  }

  private binary(node: SyntaxNode, locals: Scope, postfix: SyntaxNode[], at: () => string): Value {
    const operator = node.child(1)!.type;
    const left = this.evaluate(node.child(0)!, locals);
    const rightOperand = () => this.evaluate(node.child(2)!, locals, postfix);
    if (operator === '??') return left ?? rightOperand();
    if (operator === '&&') return left && rightOperand();
    if (operator === '||') return left || rightOperand();
    const right = rightOperand();
    const comparable = (value: Value) => (value instanceof DeploymentValue ? String(value) : value);
    switch (operator) {
      case '==':
        return comparable(left) === comparable(right);
      case '!=':
        return comparable(left) !== comparable(right);
      case '>':
        return (left as number) > (right as number);
      case '<':
        return (left as number) < (right as number);
      case '-':
        return (left as number) - (right as number);
      case '+':
        return (left as number) + (right as number);
      default:
        throw new Error(`${at()}: operator ${operator} is not read by this checker`);
    }
  }

  private call(node: SyntaxNode, locals: Scope, at: () => string): Value {
    const fn = node.childForFieldName('function')!;
    const args = namedChildren(node.childForFieldName('arguments')!).map((arg) =>
      this.evaluate(arg, locals),
    );
    if (fn.type === 'member_expression') {
      // resource functions such as logs.listKeys(): known only to a deployment
      const target = this.evaluate(namedChildren(fn)[0], locals);
      if (target instanceof DeploymentValue) return target.member(`${namedChildren(fn)[1].text}()`);
      throw new Error(`${at()}: method call on a value`);
    }
    const text = (value: Value) => String(value);
    switch (fn.text) {
      case 'loadJsonContent':
        return JSON.parse(
          readFileSync(resolve(dirname(this.template.path), text(args[0])), 'utf8'),
        );
      case 'any': // a type assertion, no value change
        return args[0];
      case 'environment':
        return {
          name: 'AzureCloud',
          authentication: { loginEndpoint: 'https://login.microsoftonline.com/' },
        };
      case 'tenant':
      case 'subscription':
      case 'resourceGroup':
        return new DeploymentValue(`${fn.text}()`);
      case 'subscriptionResourceId':
        return `/subscriptions/${new DeploymentValue('subscription().subscriptionId')}/providers/${args.map(text).join('/')}`;
      case 'guid':
        return stableGuid(args.map(text).join('|'));
      case 'first':
        return (args[0] as Value[])[0] ?? null;
      case 'filter':
        return (args[0] as Value[]).filter((item, i) =>
          (args[1] as (...a: Value[]) => Value)(item, i),
        );
      case 'map':
        return (args[0] as Value[]).map((item, i) =>
          (args[1] as (...a: Value[]) => Value)(item, i),
        );
      case 'toObject': {
        const [items, key, value] = args as [
          Value[],
          (item: Value) => Value,
          ((item: Value) => Value)?,
        ];
        return Object.fromEntries(
          items.map((item) => [String(key(item)), value ? value(item) : item]),
        );
      }
      case 'empty':
        return (
          args[0] == null ||
          (typeof args[0] === 'object' ? Object.keys(args[0]).length === 0 : args[0] === '')
        );
      case 'contains':
        return Array.isArray(args[0]) || typeof args[0] === 'string'
          ? (args[0] as string).includes(args[1] as string)
          : Object.hasOwn(args[0] as object, text(args[1]));
      case 'length':
        return (args[0] as string | Value[]).length;
      case 'concat':
        return Array.isArray(args[0]) ? (args as Value[][]).flat() : args.map(text).join('');
      case 'union':
        return Object.assign({}, ...(args as object[]));
      case 'string':
        return typeof args[0] === 'object' &&
          args[0] !== null &&
          !(args[0] instanceof DeploymentValue)
          ? JSON.stringify(args[0])
          : text(args[0]);
      case 'json':
        return JSON.parse(text(args[0]));
      case 'substring':
        return text(args[0]).substring(
          args[1] as number,
          (args[1] as number) + (args[2] as number),
        );
      case 'replace':
        return text(args[0]).split(text(args[1])).join(text(args[2]));
      default:
        throw new Error(`${at()}: function ${fn.text}() is not read by this checker`);
    }
  }
}

function member(target: Value, name: string, safe: boolean, at: () => string): Value {
  if (target instanceof DeploymentValue) return target.member(name);
  if (target !== null && typeof target === 'object' && Object.hasOwn(target, name)) {
    return (target as Record<string, Value>)[name];
  }
  if (safe) return null;
  throw new Error(`${at()}: no property ${name} in ${JSON.stringify(target)}`);
}
