// The console's ES module (served as is: no build step). Every value from the emulator is put in
// the page as text (textContent / createTextNode), never as HTML: claims, display names and
// error descriptions are attacker-controlled. Plain JS inside String.raw: no backticks here, and
// characters beyond ASCII as \u escapes (a raw string is copied into the bundle as it is, and one
// such character doubles the memory Node keeps the bundle's source in: scripts/bundles.spec.ts).
export const CONSOLE_SCRIPT = String.raw`
const ADMIN = '/_admin';
const JOURNAL_POLL_MS = 1000;
const STATE_POLL_MS = 2000;

/** el('td', { className: 'x' }, 'text', childNode): elements with text children only. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null) continue;
    if (name === 'className') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setStatus(message, isError) {
  const status = document.getElementById('status');
  status.textContent = message;
  status.className = isError ? 'error' : '';
}

async function api(method, path, body) {
  const response = await fetch(ADMIN + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const reason = (data && (data.error_description || data.error)) || response.statusText;
    throw new Error(String(reason).split('\r\n')[0]);
  }
  return data;
}

function copyButton(value, label) {
  return el('button', {
    type: 'button',
    className: 'copy',
    'aria-label': 'Copy ' + label + ' ' + value,
    title: 'Copy',
    onclick: async (event) => {
      const button = event.currentTarget;
      try {
        await navigator.clipboard.writeText(value);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Select + Ctrl-C';
      }
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    },
  }, 'Copy');
}

function id(value, label) {
  if (!value) return el('span', { className: 'muted' }, '\u2014');
  return el('span', { className: 'id' }, el('code', {}, value), copyButton(value, label));
}

function table(caption, headers, rows) {
  if (rows.length === 0) return el('p', { className: 'empty' }, caption + ': none.');
  return el('div', { className: 'table-wrap' },
    el('table', {},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c)))))));
}

function list(items) {
  if (items.length === 0) return el('span', { className: 'muted' }, '\u2014');
  return el('ul', { className: 'inline' }, ...items.map((item) => el('li', {}, item)));
}

// ---- directory -------------------------------------------------------------------------------

let directory = { tenants: [], containers: [] };
let directoryJson = '';

/** clientId/appId/principalId -> display name, for the journal. */
function nameOf(anyId) {
  if (!anyId) return undefined;
  const wanted = String(anyId).toLowerCase();
  for (const tenant of directory.tenants) {
    for (const mi of tenant.managedIdentities)
      if (mi.clientId === wanted || mi.principalId === wanted) return mi.name;
    for (const app of tenant.applications)
      if (app.appId === wanted || (app.servicePrincipal && app.servicePrincipal.objectId === wanted)) return app.displayName;
  }
  return undefined;
}

function renderDirectory() {
  const root = document.getElementById('directory');
  const parts = [];
  for (const tenant of directory.tenants) {
    parts.push(el('h3', {}, 'Tenant ' + tenant.displayName + ' ', id(tenant.tenantId, 'tenant id')));
    parts.push(table('App registrations', ['Name', 'appId', 'Object id', 'Identifier URIs', 'App roles', 'Token version', 'Service principal'],
      tenant.applications.map((app) => [
        el('strong', {}, app.displayName),
        id(app.appId, 'appId of ' + app.displayName),
        id(app.objectId, 'object id of ' + app.displayName),
        list(app.identifierUris.map((uri) => el('code', {}, uri))),
        list(app.appRoles.map((role) => el('span', { className: role.isEnabled ? '' : 'muted' },
          el('code', {}, role.value), ' ', role.allowedMemberTypes.join('/'), role.isEnabled ? '' : ' (disabled)'))),
        app.requestedAccessTokenVersion === 2 ? 'v2' : 'v1',
        app.servicePrincipal
          ? el('span', {}, id(app.servicePrincipal.objectId, 'service principal of ' + app.displayName),
            app.servicePrincipal.appRoleAssignmentRequired ? el('span', { className: 'tag' }, 'assignment required') : '')
          : el('span', { className: 'muted' }, 'none in this tenant'),
      ])));
    parts.push(table('Managed identities', ['Name', 'Type', 'Client id', 'Principal id', 'Containers (identity header)'],
      tenant.managedIdentities.map((mi) => [
        el('strong', {}, mi.name),
        mi.type,
        id(mi.clientId, 'client id of ' + mi.name),
        id(mi.principalId, 'principal id of ' + mi.name),
        list(mi.containers.map((c) => el('span', {}, c.name + ' ', el('code', {}, c.identityHeader), c.servesImds ? ' (IMDS)' : ''))),
      ])));
    parts.push(table('App role assignments', ['Principal', 'Resource', 'Role', 'Principal id', 'Resource SP'],
      tenant.appRoleAssignments.map((a) => [
        a.principalName || '?', a.resourceName || '?', el('code', {}, a.appRoleValue || a.appRoleId),
        id(a.principalId, 'principal id'), id(a.resourceId, 'resource service principal id'),
      ])));
    const fics = [];
    for (const app of tenant.applications)
      for (const fic of app.federatedIdentityCredentials)
        fics.push([app.displayName, el('strong', {}, fic.name), el('code', {}, fic.issuer), el('code', {}, fic.subject), list(fic.audiences.map((a) => el('code', {}, a)))]);
    parts.push(table('Federated identity credentials', ['App', 'Name', 'Issuer', 'Subject', 'Audiences'], fics));
  }
  parts.push(table('Containers', ['Name', 'Identity header', 'Serves IMDS', 'Identities'],
    directory.containers.map((c) => [el('strong', {}, c.name), id(c.identityHeader, 'identity header'), c.servesImds ? 'yes' : 'no',
      list(c.managedIdentities.map((p) => nameOf(p) || p))])));
  root.replaceChildren(...parts);
}

// ---- tokens ----------------------------------------------------------------------------------

const CLAIM_MEANINGS = {
  aud: 'Audience: the API this token is for. An API accepts only its own App ID URI (v1 tokens) or appId (v2).',
  iss: 'Issuer: who signed it (v1 https://sts.windows.net/{tid}/, v2 {authority}/{tid}/v2.0); must match the metadata of the tenant.',
  tid: 'Tenant the caller belongs to; validators pin the tenants they trust.',
  appid: 'Client id of the calling app or managed identity (v1). APIs use it to know which client calls.',
  azp: 'Client id of the calling app or managed identity (v2).',
  oid: 'Object id of the caller principal (managed identity or service principal): the stable id to authorize on.',
  roles: 'App roles the caller is assigned on this API; role checks read them. Absent when none.',
  idtyp: '"app": an app-only token, no user behind it.',
  exp: 'Expiry: refused after this time (validators allow a few minutes of clock skew).',
  nbf: 'Not before: refused before this time.',
};
const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat']);

function claimValue(name, value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (TIME_CLAIMS.has(name) && typeof value === 'number')
    return el('span', {}, el('code', {}, text), ' ', el('span', { className: 'muted' }, new Date(value * 1000).toISOString()));
  return el('code', {}, text);
}

function decodedToken(token) {
  const claims = Object.entries(token.claims);
  return el('div', { className: 'token' },
    el('h4', {}, 'Header'),
    el('pre', {}, JSON.stringify(token.header, null, 2)),
    el('h4', {}, 'Claims'),
    el('p', { className: 'hint' }, 'Highlighted: the claims a validator checks.'),
    el('div', { className: 'table-wrap' }, el('table', { className: 'claims' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Claim'), el('th', { scope: 'col' }, 'Value'), el('th', { scope: 'col' }, 'What a validator does with it'))),
      el('tbody', {}, ...claims.map(([name, value]) => el('tr', { className: CLAIM_MEANINGS[name] ? 'checked' : '' },
        el('th', { scope: 'row' }, el('code', {}, name)),
        el('td', {}, claimValue(name, value)),
        el('td', {}, CLAIM_MEANINGS[name] || '')))))));
}

// ---- journal ---------------------------------------------------------------------------------

let lastJournalId = 0;

function time(iso) {
  return new Date(iso).toLocaleTimeString([], { hour12: false });
}

function outcome(entry) {
  if (entry.status < 400) {
    const roles = entry.roles && entry.roles.length ? 'roles: ' + entry.roles.join(', ') : entry.tokenVersion ? 'no roles' : '';
    return el('span', { className: 'outcome ok' }, el('span', { className: 'badge' }, String(entry.status) + ' OK'), ' ', roles);
  }
  return el('span', { className: 'outcome fail' },
    el('span', { className: 'badge' }, String(entry.status) + ' ' + (entry.error || 'error')),
    entry.faultId ? el('span', { className: 'tag' }, 'injected fault') : '',
    ' ', (entry.errorDescription || '').split('\r\n')[0]);
}

function journalItem(entry) {
  const caller = entry.clientId ? (nameOf(entry.clientId) || entry.clientId) : '';
  const what = [entry.protocol, entry.grant && entry.grant !== entry.protocol ? entry.grant : ''].filter(Boolean).join(' \u00b7 ');
  const summary = el('summary', {},
    el('time', { datetime: entry.at }, time(entry.at)),
    el('span', { className: 'protocol' }, what),
    el('span', { className: 'caller' }, caller || el('span', { className: 'muted' }, entry.method + ' ' + entry.path)),
    el('span', { className: 'resource' }, entry.resource || entry.scope || ''),
    outcome(entry));
  const body = el('div', { className: 'detail' },
    el('dl', {},
      ...[['Request', entry.method + ' ' + entry.path], ['Tenant', entry.tenantId], ['Client id', entry.clientId], ['Principal id', entry.principalId],
        ['Client authentication', entry.clientAuthentication], ['Audience', entry.audience], ['Token version', entry.tokenVersion], ['Signing key', entry.kid],
        ['Expires', entry.expiresOn ? new Date(entry.expiresOn * 1000).toISOString() : undefined], ['Error', entry.errorDescription]]
        .filter(([, v]) => v)
        .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    entry.token ? decodedToken(entry.token) : el('p', { className: 'muted' }, 'No token issued.'));
  return el('li', { className: entry.status < 400 ? 'ok' : 'fail', 'data-journal-id': entry.id }, el('details', {}, summary, body));
}

async function pollJournal() {
  const entries = await api('GET', '/journal?sinceId=' + lastJournalId);
  const list = document.getElementById('journal');
  for (const entry of entries) {
    if (entry.endpoint === 'metadata' || entry.endpoint === 'jwks') { lastJournalId = entry.id; continue; }
    list.prepend(journalItem(entry));
    lastJournalId = entry.id;
  }
  document.getElementById('journal-empty').hidden = list.children.length > 0;
}

// ---- faults, keys ----------------------------------------------------------------------------

async function refreshState() {
  const [dir, faults, keys] = await Promise.all([api('GET', '/directory'), api('GET', '/faults'), api('GET', '/keys')]);
  const json = JSON.stringify(dir);
  if (json !== directoryJson) { directoryJson = json; directory = dir; renderDirectory(); }
  document.getElementById('faults').replaceChildren(...(faults.length ? faults.map((f) => el('li', {},
    el('code', {}, f.endpoint), ' \u2192 ', String(f.status || '') + (f.latencyMs ? ' +' + f.latencyMs + ' ms' : ''),
    f.remainingRequests !== undefined ? ', ' + f.remainingRequests + ' requests left' : '',
    f.expiresAt ? ', until ' + time(f.expiresAt) : '',
    ' ', el('button', { type: 'button', className: 'small', onclick: () => act(() => api('DELETE', '/faults/' + encodeURIComponent(f.id)), 'Fault removed') }, 'Remove'))) : [el('li', { className: 'muted' }, 'None.')]));
  document.getElementById('keys').textContent = 'Signing key ' + keys.signingKid + '; published: ' + keys.publishedKids.join(', ');
}

async function act(action, message) {
  try {
    await action();
    setStatus(message);
    await refreshState();
  } catch (error) {
    setStatus(error.message, true);
  }
}

// ---- paste box -------------------------------------------------------------------------------

async function inspect(event) {
  event.preventDefault();
  const out = document.getElementById('inspect-result');
  try {
    const result = await api('POST', '/tokens/inspect', { token: document.getElementById('inspect-token').value });
    out.replaceChildren(
      el('p', { className: 'verdict ' + (result.valid ? 'ok' : 'fail') },
        result.valid ? 'Would validate against this emulator.' : 'Would NOT validate against this emulator.'),
      el('ul', { className: 'checks' }, ...result.checks.map((c) => el('li', { className: c.ok ? 'ok' : 'fail' },
        el('span', { className: 'badge' }, c.ok ? 'pass' : 'fail'), ' ', el('strong', {}, c.check), ': ', c.detail))),
      decodedToken(result));
  } catch (error) {
    out.replaceChildren(el('p', { className: 'verdict fail' }, error.message));
  }
}

// ---- start -----------------------------------------------------------------------------------

function loop(fn, ms) {
  const tick = async () => {
    try {
      await fn();
      setStatus('Live \u00b7 updated ' + new Date().toLocaleTimeString([], { hour12: false }));
    } catch (error) {
      setStatus('Emulator unreachable: ' + error.message, true);
    }
    setTimeout(tick, ms);
  };
  return tick();
}

document.getElementById('rotate-keys').addEventListener('click', () => act(() => api('POST', '/keys/rotate', {}), 'Signing key rotated'));
document.getElementById('reset').addEventListener('click', () => act(async () => {
  await api('POST', '/reset');
  document.getElementById('journal').replaceChildren();
}, 'Emulator reset: journal, faults, rotated keys and Graph changes cleared'));
document.getElementById('fault-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const spec = { endpoint: form.endpoint.value, status: Number(form.status.value) };
  spec[form.unit.value] = Number(form.count.value);
  act(() => api('POST', '/faults', spec), 'Fault injected on ' + spec.endpoint);
});
document.getElementById('inspect-form').addEventListener('submit', inspect);

await loop(refreshState, STATE_POLL_MS);
await loop(pollJournal, JOURNAL_POLL_MS);
`;
