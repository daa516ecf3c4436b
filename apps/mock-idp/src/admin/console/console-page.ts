// The console's HTML: structure and labels only; console.js fills it from the admin API.
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mock-idp console</title>
<link rel="stylesheet" href="/_admin/console/console.css">
<link rel="icon" href="/_admin/console/favicon.svg" type="image/svg+xml">
<script type="module" src="/_admin/console/console.js"></script>
</head>
<body>
<header class="top">
  <h1>mock-idp <span>console</span></h1>
  <p id="status" role="status" aria-live="polite">Connecting…</p>
</header>
<main>
  <section aria-labelledby="requests-title" class="panel requests">
    <h2 id="requests-title">Token requests</h2>
    <p class="hint">Live from the journal, newest first. Open a request to see the issued token's header and claims.</p>
    <p id="journal-empty" class="empty">No requests yet.</p>
    <ol id="journal" class="journal"></ol>
  </section>

  <section aria-labelledby="actions-title" class="panel actions">
    <h2 id="actions-title">Actions</h2>
    <div class="buttons">
      <button id="rotate-keys" type="button">Rotate signing keys</button>
      <button id="reset" type="button" class="danger">Reset emulator</button>
    </div>
    <p id="keys" class="hint"></p>
    <form id="fault-form">
      <fieldset>
        <legend>Inject a fault</legend>
        <div class="fields">
          <label>Endpoint
            <select id="fault-endpoint" name="endpoint">
              <option value="msi">Managed identity (/msi/token)</option>
              <option value="imds">IMDS</option>
              <option value="token">Token endpoint</option>
              <option value="metadata">OIDC metadata</option>
              <option value="jwks">JWKS</option>
              <option value="graph">Graph</option>
              <option value="*">Every endpoint</option>
            </select>
          </label>
          <label>HTTP status
            <input id="fault-status" name="status" type="number" min="400" max="599" value="503" required>
          </label>
          <label>For
            <input id="fault-count" name="count" type="number" min="1" value="5" required>
          </label>
          <label>Unit
            <select id="fault-unit" name="unit">
              <option value="forRequests">requests</option>
              <option value="forSeconds">seconds</option>
            </select>
          </label>
        </div>
        <button type="submit">Inject fault</button>
      </fieldset>
    </form>
    <h3>Active faults</h3>
    <ul id="faults" class="faults"></ul>
  </section>

  <section aria-labelledby="inspect-title" class="panel inspect">
    <h2 id="inspect-title">Check a token</h2>
    <form id="inspect-form">
      <label for="inspect-token">Access token (JWT). It is checked by this emulator only, against its own keys and directory.</label>
      <textarea id="inspect-token" rows="4" spellcheck="false" autocomplete="off"></textarea>
      <button type="submit">Decode and check</button>
    </form>
    <div id="inspect-result" aria-live="polite"></div>
  </section>

  <section aria-labelledby="directory-title" class="panel directory">
    <h2 id="directory-title">Directory</h2>
    <p class="hint">Follows Graph changes live.</p>
    <div id="directory"></div>
  </section>
</main>
</body>
</html>
`;
