import { filterProperties, matchesFilter, parseFilter } from './odata-filter.js';

const app = {
  appId: '042e4743-2c83-42e0-8ea9-82cbe6642686',
  displayName: "aztoso's API",
  identifierUris: ['https://myapp.aztoso.com', 'api://aztoso'],
  api: { requestedAccessTokenVersion: 2 },
  description: null,
};

const matches = (filter: string) => matchesFilter(parseFilter(filter), app);

describe('OData $filter', () => {
  it.each([
    ["appId eq '042E4743-2C83-42E0-8EA9-82CBE6642686'", true],
    ["displayName eq 'aztoso''s api'", true],
    ["displayName ne 'other'", true],
    ["startswith(displayName,'AZTOSO')", true],
    ["startswith(displayName,'api')", false],
    ["identifierUris/any(s:s eq 'api://aztoso')", true],
    ["identifierUris/any(s:startswith(s,'https://'))", true],
    ["identifierUris/any(s:s eq 'api://other')", false],
    ['api/requestedAccessTokenVersion eq 2', true],
    ['description eq null', true],
    ["appId eq 'x' or (startswith(displayName,'az') and not (displayName eq 'b'))", true],
    ["appId eq 'x' or displayName eq 'y' and appId eq 'z'", false],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it.each([
    ["appId gt 'x'", /unsupported operator/],
    ["appId eq 'x", /unterminated string/],
    ["appId eq 'x')", /unexpected text/],
    ['appId eq', /ends too early/],
    ["startswith(displayName 'x')", /expected ','/],
    ["appId eq 'x' # comment", /unexpected '#'/],
  ])('refuses %s', (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(message);
  });

  it('refuses hostile nesting with a syntax error, not a stack overflow', () => {
    const deepParentheses = '('.repeat(3000) + "displayName eq 'a'" + ')'.repeat(3000);
    expect(() => parseFilter(deepParentheses)).toThrow(/nests deeper than 32/);
    expect(() => parseFilter('not '.repeat(3000) + "displayName eq 'a'")).toThrow(
      /nests deeper than 32/,
    );
    expect(parseFilter('('.repeat(10) + "displayName eq 'a'" + ')'.repeat(10))).toMatchObject({
      kind: 'compare',
    });
  });

  it('names the properties a filter reads, not its lambda variables', () => {
    expect(
      filterProperties(
        parseFilter("identifierUris/any(s:s eq 'x') and api/requestedAccessTokenVersion eq 1"),
      ),
    ).toEqual([['identifierUris'], ['api', 'requestedAccessTokenVersion']]);
  });
});
