// The checker's own reading of Bicep: what it evaluates must be what Bicep would compute, and what
// it cannot read must fail loudly rather than be skipped.
import { BicepTemplate, DeploymentValue, TemplateEvaluation } from './bicep-template.js';

function evaluate(
  source: string,
  parameters: Record<string, unknown> = {},
): Record<string, unknown> {
  const template = new BicepTemplate('snippet.bicep', source);
  expect(template.syntaxErrors).toEqual([]);
  const evaluation = new TemplateEvaluation(template, parameters);
  return Object.fromEntries(
    [...template.variables.keys()].map((name) => [name, evaluation.symbol(name)]),
  );
}

describe('BicepTemplate evaluation', () => {
  it('reads literals, interpolation, escapes, safe access and coalescing', () => {
    expect(
      evaluate(
        [
          "param p string = 'x'",
          "var o = { a: { b: 1 }, 'key-${p}': [true, null, -2] }",
          "var s = 'it\\'s ${p}-${o.a.b}'",
          'var missing = o.?z ?? o.a.?b',
          "var cond = p == 'x' && !empty(o) || false",
        ].join('\n'),
      ),
    ).toEqual({
      o: { a: { b: 1 }, 'key-x': [true, null, -2] },
      s: "it's x-1",
      missing: 1,
      cond: true,
    });
  });

  it('applies member access where Bicep does, although the grammar binds it more loosely', () => {
    // the grammar reads these as (c ? a : b).d and (r => r).value; Bicep as c ? a : (b.d) and r => (r.value)
    expect(
      evaluate(
        [
          'param c bool',
          "var b = { d: 'from b' }",
          "var a = 'from a'",
          'var t = c ? a : b.d',
          "var roles = [{ value: 'consumer', id: '1' }, { value: 'writer', id: '2' }]",
          'var values = map(roles, r => r.value)',
          'var picked = filter(roles, r => (r.value == roles[1].value))',
          'var ids = toObject(roles, r => r.value, r => r.id)',
          'var negated = filter(roles, r => !empty(r.?id))',
        ].join('\n'),
        { c: false },
      ),
    ).toMatchObject({
      t: 'from b',
      values: ['consumer', 'writer'],
      picked: [{ value: 'writer', id: '2' }],
      ids: { consumer: '1', writer: '2' },
      negated: [
        { value: 'consumer', id: '1' },
        { value: 'writer', id: '2' },
      ],
    });
  });

  it('flags a lambda body the grammar would split differently from Bicep', () => {
    const template = new BicepTemplate(
      'snippet.bicep',
      "var x = filter([], r => r.value == 'a')\n",
    );
    expect(template.syntaxErrors).toEqual([
      expect.stringContaining('put the lambda body or ternary branch in parentheses'),
    ]);
  });

  it('turns values only a deployment knows into stand-ins shaped by their name', () => {
    const values = evaluate(
      [
        "resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {",
        "  name: 'id'",
        '}',
        'var clientId = identity.properties.clientId',
        "var url = 'https://${identity.properties.fqdn}'",
        'var tenantId = tenant().tenantId',
      ].join('\n'),
    );
    expect(values.clientId).toBeInstanceOf(DeploymentValue);
    expect(String(values.clientId)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(String(values.clientId)).toBe(
      String(new DeploymentValue('identity.properties.clientId')),
    );
    expect(values.url).toMatch(/^https:\/\/[0-9a-f]{8}\.example\.azurecontainerapps\.io$/);
    expect(String(values.tenantId)).not.toBe(String(values.clientId));
  });

  it('refuses what it cannot read instead of skipping it', () => {
    expect(() => evaluate("var x = uniqueString('a')")).toThrow(
      /function uniqueString\(\) is not read/,
    );
    expect(() => evaluate('var x = 1 * 2')).toThrow(/operator \* is not read/);
    expect(() => evaluate('var x = y')).toThrow(/unknown name y/);
    expect(() => evaluate('var x = {}.a')).toThrow(/no property a/);
    expect(
      () => new TemplateEvaluation(new BicepTemplate('t.bicep', 'param a string\n'), { b: 1 }),
    ).toThrow(/has no parameter b/);
  });
});
