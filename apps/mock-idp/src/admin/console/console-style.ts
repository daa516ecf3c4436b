// The console's stylesheet: system fonts only (works offline), WCAG AA contrast, visible focus.
export const CONSOLE_STYLE = `
:root {
  --bg: #f6f7f9; --panel: #ffffff; --text: #1b1f24; --muted: #57606a; --border: #d0d7de;
  --accent: #0a5cc2; --ok: #116329; --ok-bg: #dafbe1; --fail: #a40e26; --fail-bg: #ffebe9;
  --mark: #fff8c5; --code-bg: #f0f2f5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
code, pre, textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.top { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; padding: 0.75rem 1.25rem; background: #0f2a4a; color: #fff; }
.top h1 { margin: 0; font-size: 1.25rem; }
.top h1 span { font-weight: 400; color: #c8d7ea; }
#status { margin: 0; color: #c8d7ea; }
#status.error { color: #fff; background: var(--fail); padding: 0.1rem 0.5rem; border-radius: 4px; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; padding: 1rem 1.25rem; }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: 0.75rem 1rem; min-width: 0; }
.requests { grid-row: span 2; }
.directory { grid-column: 1 / -1; }
h2 { margin: 0 0 0.25rem; font-size: 1.05rem; }
h3 { font-size: 0.95rem; margin: 1rem 0 0.4rem; }
h4 { margin: 0.75rem 0 0.25rem; font-size: 0.9rem; }
.hint, .muted, .empty { color: var(--muted); }
.hint { margin: 0 0 0.5rem; }
button { font: inherit; padding: 0.35rem 0.8rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button:hover { background: #084a9c; }
button.danger { background: #fff; color: var(--fail); border-color: var(--fail); }
button.small, button.copy { padding: 0.05rem 0.45rem; font-size: 11.5px; background: #fff; color: var(--accent); }
:focus-visible { outline: 3px solid #ff9f1c; outline-offset: 2px; }
.buttons { display: flex; gap: 0.5rem; margin: 0.5rem 0; }
fieldset { border: 1px solid var(--border); border-radius: 6px; margin: 0.5rem 0; }
legend { font-weight: 600; padding: 0 0.25rem; }
.fields { display: flex; flex-wrap: wrap; gap: 0.5rem 0.75rem; margin-bottom: 0.5rem; }
label { display: flex; flex-direction: column; gap: 0.2rem; font-weight: 600; font-size: 12.5px; }
input, select, textarea { font: inherit; padding: 0.3rem 0.4rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; color: var(--text); }
input[type=number] { width: 6.5rem; }
textarea { width: 100%; margin: 0.3rem 0 0.5rem; font-size: 12px; }
.journal { list-style: none; margin: 0; padding: 0; }
.journal > li { border-left: 4px solid var(--ok); margin: 0 0 0.35rem; background: #fbfcfd; border-radius: 4px; }
.journal > li.fail { border-left-color: var(--fail); }
summary { display: grid; grid-template-columns: 4.8rem 9.5rem minmax(6rem, 1fr) minmax(6rem, 1fr) minmax(8rem, 2fr); gap: 0.5rem; align-items: baseline; padding: 0.4rem 0.5rem; cursor: pointer; }
summary > * { overflow-wrap: anywhere; }
.protocol { color: var(--muted); font-size: 12.5px; }
.caller { font-weight: 600; }
.badge { display: inline-block; font-weight: 700; font-size: 12px; padding: 0 0.4rem; border-radius: 10px; }
.ok .badge, .outcome.ok .badge { color: var(--ok); background: var(--ok-bg); }
.fail .badge, .outcome.fail .badge { color: var(--fail); background: var(--fail-bg); }
.tag { display: inline-block; margin-left: 0.35rem; font-size: 11.5px; padding: 0 0.35rem; border: 1px solid var(--muted); border-radius: 4px; color: var(--muted); }
.detail { padding: 0 0.75rem 0.75rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0.25rem 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
pre { background: var(--code-bg); padding: 0.5rem; border-radius: 4px; overflow-x: auto; margin: 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0.25rem 0 0.75rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--border); }
thead th { background: #eef1f4; font-size: 12.5px; }
td code, dd code { overflow-wrap: anywhere; }
table.claims tr.checked { background: var(--mark); }
table.claims tr.checked th code { font-weight: 700; }
.id { display: inline-flex; gap: 0.3rem; align-items: baseline; flex-wrap: wrap; }
ul.inline { margin: 0; padding-left: 1rem; }
.faults { padding-left: 1.1rem; }
.verdict { font-weight: 700; padding: 0.4rem 0.6rem; border-radius: 4px; }
.verdict.ok { color: var(--ok); background: var(--ok-bg); }
.verdict.fail { color: var(--fail); background: var(--fail-bg); }
.checks { list-style: none; padding: 0; }
.checks li { margin: 0.2rem 0; overflow-wrap: anywhere; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } .requests { grid-row: auto; } summary { grid-template-columns: 1fr 1fr; } }
`;
