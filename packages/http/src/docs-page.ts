/**
 * A self-contained HTML reference rendered on the server from the OpenAPI document: no script,
 * no CDN (the sandbox may run without internet access).
 */

import { SCENARIOS } from '@mypay/core';

type Json = Record<string, unknown>;

export const escapeHtml = (value: unknown) =>
  String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

// `code` spans in descriptions, the only markup we use.
const inline = (text: unknown) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function resolve(schema: Json | undefined, components: Json): Json {
  let current = schema ?? {};
  for (let depth = 0; depth < 10 && typeof current.$ref === 'string'; depth++) {
    const name = (current.$ref as string).split('/').pop() ?? '';
    current = (components[name] as Json | undefined) ?? {};
  }
  return current;
}

function typeLabel(schema: Json, components: Json): string {
  const s = resolve(schema, components);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (union) return union.map((part) => typeLabel(part, components)).join(' | ');
  if (s.type === 'array') return `${typeLabel((s.items as Json) ?? {}, components)}[]`;
  const type = Array.isArray(s.type) ? s.type.join(' | ') : String(s.type ?? 'any');
  const limits = [
    s.minimum !== undefined ? `≥ ${s.minimum}` : '',
    s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : '',
    s.maximum !== undefined ? `≤ ${s.maximum}` : '',
    s.minLength !== undefined || s.maxLength !== undefined ? `length ${s.minLength ?? 0}–${s.maxLength ?? '∞'}` : '',
    s.pattern ? `pattern ${s.pattern}` : '',
    s.format ? String(s.format) : '',
  ].filter(Boolean);
  return limits.length ? `${type} (${limits.join(', ')})` : type;
}

function fieldRows(schema: Json | undefined, components: Json, prefix = '', depth = 0): string[] {
  const s = resolve(schema, components);
  const properties = s.properties as Record<string, Json> | undefined;
  if (!properties || depth > 4) return [];
  const required = new Set((s.required as string[] | undefined) ?? []);
  const rows: string[] = [];
  for (const [name, raw] of Object.entries(properties)) {
    const prop = resolve(raw, components);
    const path = prefix ? `${prefix}.${name}` : name;
    rows.push(
      `<tr><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(typeLabel(raw, components))}</td>` +
        `<td>${required.has(name) ? 'yes' : ''}</td><td>${inline(prop.description ?? raw.description ?? '')}</td></tr>`,
    );
    const nested = prop.type === 'array' ? resolve(prop.items as Json, components) : prop;
    rows.push(...fieldRows(nested, components, prop.type === 'array' ? `${path}[]` : path, depth + 1));
  }
  return rows;
}

function fieldTable(rows: string[]): string {
  if (rows.length === 0) return '';
  return `<table><thead><tr><th>field</th><th>type</th><th>required</th><th>notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A plain table; cells are text, `code` spans allowed. */
export function renderTable(headers: string[], rows: unknown[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export interface CurlExample {
  title: string;
  note?: string;
  command: string;
}

/** Titled shell snippets (escaped; the reader copies them as they are). */
export function renderCurlExamples(examples: CurlExample[]): string {
  return examples
    .map(
      (e) =>
        `<h3>${escapeHtml(e.title)}</h3>${e.note ? `<p>${inline(e.note)}</p>` : ''}<pre><code>${escapeHtml(e.command)}</code></pre>`,
    )
    .join('\n');
}

/** A section of the page written by the service (examples, tables); `html` is trusted markup. */
export interface DocsSection {
  id: string;
  title: string;
  html: string;
}

export function renderDocsPage(document: Json, options: { openapiUrl: string; sections?: DocsSection[] }): string {
  const info = (document.info ?? {}) as Json;
  const components = ((document.components as Json | undefined)?.schemas ?? {}) as Json;
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const sections: string[] = [];
  const toc: string[] = [];
  // The service's own sections come first: a reader starts from the examples, then the reference.
  for (const extra of options.sections ?? []) {
    toc.push(`<li><a href="#${escapeHtml(extra.id)}"><b>${escapeHtml(extra.title)}</b></a></li>`);
    sections.push(
      `<section id="${escapeHtml(extra.id)}">\n<h2>${escapeHtml(extra.title)}</h2>\n${extra.html}\n</section>`,
    );
  }
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const anchor = `${method}-${path}`.replace(/[^\w]+/g, '-');
      toc.push(
        `<li><a href="#${anchor}"><span class="m ${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`,
      );
      const parameters = ((op.parameters as Json[] | undefined) ?? []).map(
        (p) =>
          `<tr><td><code>${escapeHtml(p.name)}</code> <small>${escapeHtml(p.in)}</small></td><td>${escapeHtml(
            typeLabel((p.schema as Json) ?? {}, components),
          )}</td><td>${p.required ? 'yes' : ''}</td><td>${inline(p.description ?? '')}</td></tr>`,
      );
      const body = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as
        | Json
        | undefined;
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>).map(([status, response]) => {
        const schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as
          | Json
          | undefined;
        const isError = Number(status) >= 400;
        return `<li><b>${escapeHtml(status)}</b> ${inline(response.description)}${
          schema && !isError ? fieldTable(fieldRows(schema, components)) : ''
        }</li>`;
      });
      const secured = Array.isArray(op.security) && op.security.length > 0;
      sections.push(`<section id="${anchor}">
<h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>
<p>${inline(op.summary)}${secured ? ' <span class="auth">API key</span>' : ' <span class="auth open">no auth</span>'}</p>
${op.description ? `<p>${inline(op.description)}</p>` : ''}
${parameters.length ? `<h3>Parameters</h3><table><thead><tr><th>name</th><th>type</th><th>required</th><th>notes</th></tr></thead><tbody>${parameters.join('')}</tbody></table>` : ''}
${body ? `<h3>Request body</h3>${fieldTable(fieldRows(body.schema as Json, components))}` : ''}
<h3>Responses</h3><ul>${responses.join('')}</ul>
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1b1f24;display:flex}
nav{width:300px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f5f6f8;padding:16px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0}nav li{margin:4px 0}nav a{color:inherit;text-decoration:none}
main{padding:24px 40px;max-width:980px;min-width:0}
pre{background:#0f1720;color:#e6edf3;padding:10px 12px;border-radius:6px;overflow-x:auto;font-size:13px}pre code{background:none;padding:0;color:inherit}
@media (max-width:720px){body{display:block}nav{width:auto;height:auto;position:static}main{padding:16px}}section{border-top:1px solid #e3e6ea;padding:12px 0}
code{font-family:ui-monospace,Menlo,monospace;font-size:13px;background:#f0f2f4;padding:1px 4px;border-radius:3px}
table{border-collapse:collapse;margin:8px 0;width:100%}td,th{border:1px solid #e3e6ea;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}
.m{display:inline-block;min-width:52px;text-align:center;border-radius:3px;color:#fff;font-size:12px;font-weight:600;padding:1px 4px}
.get{background:#2b7bb9}.post{background:#2f9e44}.delete{background:#c92a2a}.put,.patch{background:#e67700}
.auth{font-size:12px;background:#fff3bf;padding:1px 6px;border-radius:8px}.auth.open{background:#d3f9d8}
</style></head><body>
<nav><b>${escapeHtml(info.title)}</b> <small>${escapeHtml(info.version)}</small>
<p><a href="${escapeHtml(options.openapiUrl)}">OpenAPI 3.1 (JSON)</a></p><ul>${toc.join('')}</ul></nav>
<main><h1>${escapeHtml(info.title)}</h1><p>${inline(info.description ?? '')}</p>${sections.join('\n')}</main>
</body></html>`;
}

/** The outcome columns a docs page's scenario table can show, in the API's own order. */
export type ScenarioOutcomeColumn = 'payment' | 'payout' | 'verify-account';

const OUTCOME_OF: Record<ScenarioOutcomeColumn, (s: (typeof SCENARIOS)[number]) => string> = {
  payment: (s) => s.paymentOutcome,
  payout: (s) => s.payoutOutcome,
  'verify-account': (s) => s.verifyOutcome,
};

/**
 * The scenario numbers of an API's docs page, from the seeded table (the same one
 * docs/scenarios.md shows): `intro` is the API's sentence on what picks the outcome.
 */
export function scenarioTableSection(
  delayScale: number,
  options: { intro: string; outcomes: ScenarioOutcomeColumn[] },
): DocsSection {
  return {
    id: 'scenarios',
    title: 'Scenario numbers',
    html:
      `<p>${options.intro}` +
      (delayScale === 1 ? '' : ` Delays here are scaled by <code>SCENARIO_DELAY_SCALE</code> = ${delayScale}.`) +
      '</p>' +
      renderTable(
        ['#', 'key', 'mobile', 'bank account', ...options.outcomes, 'delay'],
        SCENARIOS.map((s) => [
          s.number,
          `\`${s.key}\``,
          s.mobile,
          s.bankAccount,
          ...options.outcomes.map((column) => OUTCOME_OF[column](s)),
          `${(s.delayMs * delayScale) / 1000} s`,
        ]),
      ),
  };
}

/** The key and JSON headers as the curl examples of both APIs write them. */
export const CURL_HEADERS = {
  auth: '-H "Authorization: Bearer $KEY"',
  json: "-H 'Content-Type: application/json'",
} as const;

/**
 * The docs page's curl examples: how to send the key and what an amount is (`amountExample`:
 * `250000 = PKR 2,500.00`), then the API's main calls against its public URL.
 */
export function curlExamplesSection(amountExample: string, examples: CurlExample[]): DocsSection {
  return {
    id: 'examples',
    title: 'Examples (curl)',
    html:
      '<p>Send your test key as <code>Authorization: Bearer &lt;key&gt;</code> (or <code>X-API-Key: &lt;key&gt;</code>). ' +
      `Amounts are integers in paisa (${amountExample}).</p>` +
      renderCurlExamples(examples),
  };
}
