import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Express, NextFunction, Request, Response } from 'express';

/**
 * Contract checks against an API's own OpenAPI document, with tools nobody here wrote (ajv, JSON
 * Schema draft 2020-12): responses match the documents (status declared, body valid, no field the
 * document does not name, error code listed for that status, X-Request-Id sent), every `pattern`
 * compiles as a JavaScript `u` regex and every example is valid against its schema.
 */

type Json = Record<string, unknown>;
export type OpenApiDocument = Json & { paths: Record<string, Record<string, Json>>; components?: Json };

export interface Violation {
  operation: string;
  status: number;
  problem: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every schema object in a document or schema, with its JSON-pointer-ish location. */
function* schemasIn(node: unknown, at: string): Generator<{ at: string; schema: Json }> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* schemasIn(item, `${at}/${i}`);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const object = node as Json;
  if ('type' in object || 'pattern' in object || 'properties' in object || 'oneOf' in object || 'anyOf' in object) {
    yield { at, schema: object };
  }
  for (const [key, value] of Object.entries(object)) {
    // Example values are data, not schemas.
    if (key === 'example' || key === 'examples' || key === 'value') continue;
    yield* schemasIn(value, `${at}/${key}`);
  }
}

/** Objects without `additionalProperties` become closed: a field the document does not name is a violation. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    copy[key] = key === 'example' || key === 'examples' ? value : closeObjects(value);
  }
  if (copy.properties && !('additionalProperties' in copy)) copy.additionalProperties = false;
  // ajv reads `discriminator.propertyName` only; `mapping` (valid OpenAPI) it refuses.
  if (copy.discriminator && typeof copy.discriminator === 'object') {
    copy.discriminator = { propertyName: (copy.discriminator as Json).propertyName };
  }
  return copy;
}

function newAjv() {
  const ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true });
  addFormats(ajv);
  return ajv;
}

export interface ContractChecker {
  /** Problems with one response; empty when it matches the document. */
  checkResponse(input: {
    method: string;
    path: string;
    status: number;
    headers: Record<string, unknown>;
    body: unknown;
    contentType?: string | undefined;
  }): Violation[];
  /** The operation a request path belongs to (`METHOD /template`), or null. */
  operationOf(method: string, path: string): string | null;
  operations(): string[];
}

export function contractChecker(document: OpenApiDocument): ContractChecker {
  const closed = closeObjects(document) as OpenApiDocument;
  const ajv = newAjv();
  ajv.addSchema({ $id: 'doc', components: closed.components ?? {} });
  const refs = (schema: unknown): unknown =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));

  const templates = Object.keys(document.paths).map((template) => ({
    template,
    regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const compiled = new Map<string, ValidateFunction>();

  const operationOf = (method: string, path: string) => {
    const pathname = path.split('?')[0] ?? path;
    const match = templates.find(({ regex }) => regex.test(pathname));
    if (!match || !document.paths[match.template]?.[method.toLowerCase()]) return null;
    return `${method.toUpperCase()} ${match.template}`;
  };

  return {
    operationOf,
    operations: () =>
      Object.entries(document.paths).flatMap(([template, item]) =>
        METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${template}`),
      ),
    checkResponse({ method, path, status, headers, body, contentType }) {
      const operation = operationOf(method, path);
      if (!operation) return [];
      const template = operation.slice(operation.indexOf(' ') + 1);
      const op = closed.paths[template]?.[method.toLowerCase()] as Json;
      const responses = op.responses as Record<string, Json>;
      const response = responses[String(status)];
      const problems: string[] = [];
      if (!headers['x-request-id']) problems.push('no X-Request-Id header');
      if (!response) {
        problems.push(`status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
      } else {
        const content = response.content as Record<string, { schema?: Json }> | undefined;
        const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
        const media = content?.[mediaType];
        if (content && !media) problems.push(`content type "${mediaType}" is not documented`);
        if (media?.schema && mediaType === 'application/json') {
          const key = `${operation} ${status}`;
          let validate = compiled.get(key);
          if (!validate) {
            validate = ajv.compile(refs(media.schema) as Json);
            compiled.set(key, validate);
          }
          if (!validate(body)) {
            for (const error of validate.errors ?? []) {
              const extra = (error.params as { additionalProperty?: string }).additionalProperty;
              problems.push(
                `body${error.instancePath} ${error.message}${extra ? ` (${extra}: a field the document does not name)` : ''}`,
              );
            }
          }
          const codes = response['x-error-codes'] as string[] | undefined;
          const code = (body as { error?: { code?: string } } | null)?.error?.code;
          if (codes && code && !codes.includes(code)) {
            problems.push(`error code ${code} is not documented for ${status} (documented: ${codes.join(', ')})`);
          }
        }
      }
      return problems.map((problem) => ({ operation, status, problem }));
    },
  };
}

/** `pattern`s that do not compile as JavaScript `u` regexes, or that carry regex delimiters/flags. */
export function patternProblems(document: Json): string[] {
  const problems: string[] = [];
  for (const { at, schema } of schemasIn(document, '#')) {
    if (typeof schema.pattern !== 'string') continue;
    try {
      new RegExp(schema.pattern, 'u');
    } catch (error) {
      problems.push(`${at}: pattern ${schema.pattern} does not compile: ${(error as Error).message}`);
      continue;
    }
    if (/\/[dgimsuvy]*$/.test(schema.pattern) && !schema.pattern.endsWith('\\/')) {
      problems.push(`${at}: pattern ${schema.pattern} ends in a regex delimiter (a leaked /flags)`);
    }
  }
  return problems;
}

/** Every `example`, `examples` (schema arrays and media-type maps) checked against its schema. */
export function exampleProblems(document: Json): string[] {
  const ajv = newAjv();
  ajv.addSchema({ $id: 'doc', components: (document.components as Json | undefined) ?? {} });
  const fix = (schema: unknown) =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as Json;
  const problems: string[] = [];
  const check = (at: string, schema: Json, value: unknown) => {
    const { example: _e, examples: _x, ...rest } = schema;
    const validate = ajv.compile(fix(rest));
    if (!validate(value)) {
      problems.push(`${at}: example ${JSON.stringify(value)} is invalid: ${ajv.errorsText(validate.errors)}`);
    }
  };
  let count = 0;
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${at}/${i}`);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const object = node as Json;
    const isMediaType = 'schema' in object && typeof object.schema === 'object';
    if (isMediaType) {
      const schema = object.schema as Json;
      if ('example' in object) {
        count++;
        check(`${at}/example`, schema, object.example);
      }
      for (const [name, example] of Object.entries((object.examples as Record<string, { value?: unknown }>) ?? {})) {
        count++;
        check(`${at}/examples/${name}`, schema, example.value);
      }
    }
    const looksLikeSchema = 'type' in object || 'properties' in object || '$ref' in object || 'oneOf' in object;
    if (looksLikeSchema && !isMediaType) {
      if ('example' in object) {
        count++;
        check(`${at}/example`, object, object.example);
      }
      if (Array.isArray(object.examples)) {
        for (const [i, example] of object.examples.entries()) {
          count++;
          check(`${at}/examples/${i}`, object, example);
        }
      }
    }
    for (const [key, value] of Object.entries(object)) {
      if (key === 'example' || key === 'examples') continue;
      walk(value, `${at}/${key}`);
    }
  };
  walk(document, '#');
  if (count === 0) problems.push('the document has no examples at all');
  return problems;
}

/**
 * Express middleware for test apps: checks every JSON response of a documented operation against
 * the document and records what does not match. Mount it in front of the API app.
 */
export function recordContractViolations(checker: ContractChecker, violations: Violation[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      try {
        violations.push(
          ...checker.checkResponse({
            method: req.method,
            path: req.originalUrl,
            status: res.statusCode,
            headers: Object.fromEntries(Object.entries(res.getHeaders()).map(([k, v]) => [k.toLowerCase(), v])),
            body: JSON.parse(JSON.stringify(body ?? null)),
            contentType: 'application/json',
          }),
        );
      } catch (error) {
        // The check itself must never change the response under test.
        violations.push({
          operation: `${req.method} ${req.originalUrl}`,
          status: res.statusCode,
          problem: `check failed: ${(error as Error).message}`,
        });
      }
      return json(body);
    };
    next();
  };
}

/** The app's own document (`app.locals.docs`, set by buildApp). */
export function documentOf(app: Express): OpenApiDocument {
  const docs = app.locals.docs as { document(): unknown } | undefined;
  if (!docs) throw new Error('this app has no app.locals.docs');
  return docs.document() as OpenApiDocument;
}

export const describeViolations = (violations: Violation[]) =>
  violations.map((v) => `${v.operation} → ${v.status}: ${v.problem}`).join('\n');

/**
 * `app` behind the response check: every JSON response of a documented operation is compared with
 * the app's own OpenAPI document. `assertNoViolations()` (call it when closing) fails on any drift.
 * `newApp` is `express` (passed in: this package does not depend on Express).
 */
export function withContractCheck(app: Express, newApp: () => Express) {
  const violations: Violation[] = [];
  const outer = newApp();
  outer.use(recordContractViolations(contractChecker(documentOf(app)), violations));
  outer.use(app);
  return {
    app: outer,
    violations,
    assertNoViolations() {
      if (violations.length > 0) {
        throw new Error(`responses that do not match the OpenAPI document:\n${describeViolations(violations)}`);
      }
    },
  };
}
