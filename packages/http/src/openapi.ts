import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  ERROR_DESCRIPTIONS,
  ERROR_STATUS,
  type ErrorCode,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  errorResponseSchema,
} from '@mypay/contracts';
import { type ZodType, z } from 'zod';

/**
 * OpenAPI 3.1 from the same zod schemas that validate requests (they live in @mypay/contracts):
 * a route registers itself here with the very schema objects its handler parses with. What every
 * operation shares — errors by status, response headers, security, the `webhooks` section — is
 * added here, so a route only says what is its own.
 */

export interface ApiOperation {
  /** Unique in the document, lowerCamelCase verb-noun: `createPayout`, `listCheckouts`. */
  operationId: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express style, e.g. `/api/v1/payouts/:id`; converted to `{id}`. */
  path: string;
  summary: string;
  description?: string;
  /** At least one; the first groups the operation in docs and generated clients. */
  tags: [string, ...string[]];
  /** Needs an API key (default true). */
  auth?: boolean;
  /** Accepts Idempotency-Key (a POST that creates something). */
  idempotent?: boolean;
  /** A JSON body; its schema must carry `examples` (`.meta({ examples: [...] })`). */
  body?: ZodType;
  /** Default true. False when every field is optional and no body at all is fine. */
  bodyRequired?: boolean;
  /** The query the route parses (unknown parameters are 400): give lists and every other GET one. */
  query?: z.ZodObject;
  params?: z.ZodObject;
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  /** Error codes the route can return besides the ones derived from the flags above. */
  errors?: ErrorCode[];
}

const AUTH_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'DATABASE_UNAVAILABLE'];
const BODY_ERRORS: ErrorCode[] = ['INVALID_JSON', 'VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];
const IDEMPOTENCY_ERRORS: ErrorCode[] = ['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED'];
const OPERATION_ID = /^[a-z][A-Za-z0-9]*$/;

/** Response headers, declared once under components.headers. */
const HEADERS: Record<string, { description: string; schema: { type: 'string'; pattern?: string; enum?: string[] } }> =
  {
    'X-Request-Id': {
      description:
        'The id of this request: yours if you sent a valid `X-Request-Id`, else a new one. Also in error bodies.',
      schema: { type: 'string' },
    },
    RateLimit: {
      description:
        'Requests left in the current window for this key (IETF draft-7 form: `limit=…, remaining=…, reset=…`).',
      schema: { type: 'string' },
    },
    'RateLimit-Policy': {
      description: 'The limit and its window, e.g. `6000;w=60`.',
      schema: { type: 'string' },
    },
    'Retry-After': {
      description: 'Seconds to wait before trying again.',
      schema: { type: 'string', pattern: '^\\d+$' },
    },
    'Idempotent-Replayed': {
      description: '`true` when this is the stored response of an earlier request with the same Idempotency-Key.',
      schema: { type: 'string', enum: ['true'] },
    },
  };
type HeaderName = 'X-Request-Id' | 'RateLimit' | 'RateLimit-Policy' | 'Retry-After' | 'Idempotent-Replayed';
const headerRef = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const examplesOf = (schema: ZodType) =>
  (z.globalRegistry.get(schema) as { examples?: unknown[] } | undefined)?.examples;

export interface ApiDocumentInfo {
  title: string;
  version: string;
  description?: string;
  /** Where the API is reached (from configuration: the public URL). */
  servers: string[];
  /** A description per tag; every tag an operation uses must be here. */
  tags: Record<string, string>;
}

export class ApiDocument {
  readonly registry = new OpenAPIRegistry();
  private readonly operationIds = new Set<string>();
  /** `METHOD path` → status → the error codes documented for it (`x-error-codes`). */
  private readonly errorCodes = new Map<string, Map<string, ErrorCode[]>>();
  private cached: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

  constructor(private readonly info: ApiDocumentInfo) {
    this.registry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      description: 'Authorization: Bearer <API key>',
    });
    this.registry.registerComponent('securitySchemes', 'apiKeyHeader', {
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
    for (const [name, header] of Object.entries(HEADERS)) this.registry.registerComponent('headers', name, header);
    this.registerWebhooks();
  }

  /** Registers one operation. Throws on a contract mistake (at start-up, so no route ships undocumented). */
  add(op: ApiOperation): void {
    this.cached = undefined;
    if (!OPERATION_ID.test(op.operationId)) throw new Error(`operationId "${op.operationId}" is not lowerCamelCase`);
    if (this.operationIds.has(op.operationId)) throw new Error(`operationId "${op.operationId}" is used twice`);
    for (const tag of op.tags) if (!(tag in this.info.tags)) throw new Error(`tag "${tag}" has no description`);
    if (op.body && !examplesOf(op.body)?.length) {
      throw new Error(`${op.operationId}: the body schema needs examples (.meta({ examples: [...] }))`);
    }
    this.operationIds.add(op.operationId);

    const auth = op.auth ?? true;
    const codes = new Set<ErrorCode>([
      ...(auth ? AUTH_ERRORS : []),
      ...(op.body ? BODY_ERRORS : []),
      ...(op.query || op.params ? (['VALIDATION_ERROR'] as ErrorCode[]) : []),
      ...(op.idempotent ? IDEMPOTENCY_ERRORS : []),
      ...(op.errors ?? []),
      'INTERNAL_ERROR',
    ]);
    const headersFor = (status: number) => {
      const names: HeaderName[] = ['X-Request-Id'];
      if (auth) names.push('RateLimit', 'RateLimit-Policy');
      if (status === 429 || status === 503) names.push('Retry-After');
      if (op.idempotent) names.push('Idempotent-Replayed');
      return Object.fromEntries(names.map((name) => [name, headerRef(name)]));
    };

    const responses: RouteConfig['responses'] = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = {
        description: response.description,
        headers: headersFor(Number(status)),
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
          : {}),
      };
    }
    const byStatus = new Map<string, ErrorCode[]>();
    for (const code of codes) {
      const status = String(ERROR_STATUS[code]);
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => Number(a) - Number(b))) {
      // A documented success status with its own schema (health's 503) keeps it; the codes still apply.
      if (responses[status]) continue;
      responses[status] = {
        description: statusCodes.map((code) => `\`${code}\`: ${ERROR_DESCRIPTIONS[code]}`).join('\n\n'),
        headers: headersFor(Number(status)),
        content: {
          'application/json': {
            schema: errorResponseSchema,
            examples: Object.fromEntries(
              statusCodes.map((code) => [
                code,
                {
                  summary: ERROR_DESCRIPTIONS[code],
                  value: {
                    error: {
                      code,
                      message: ERROR_DESCRIPTIONS[code],
                      requestId: '6f1c2a9e-4b1d-4c55-9a53-2f0d1c7e8b11',
                    },
                  },
                },
              ]),
            ),
          },
        },
      };
    }
    responses.default = {
      description: 'Any other error: always the `Error` shape',
      headers: headersFor(500),
      content: { 'application/json': { schema: errorResponseSchema } },
    };
    this.errorCodes.set(`${op.method.toUpperCase()} ${toOpenApiPath(op.path)}`, byStatus);

    const headers = op.idempotent
      ? z.object({
          'idempotency-key': z
            .string()
            .min(1)
            .max(255)
            .optional()
            .meta({ description: 'Makes a retry safe: the same key and body return the stored response (24 h).' }),
        })
      : undefined;
    this.registry.registerPath({
      method: op.method,
      path: toOpenApiPath(op.path),
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      tags: op.tags,
      security: auth ? [{ bearerAuth: [] }, { apiKeyHeader: [] }] : [],
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(headers ? { headers } : {}),
        ...(op.body
          ? {
              body: {
                required: op.bodyRequired ?? true,
                content: { 'application/json': { schema: op.body } },
              },
            }
          : {}),
      },
      responses,
    });
  }

  /** `webhooks`: one entry per event type, the body we POST to your endpoint. */
  private registerWebhooks(): void {
    for (const type of EVENT_TYPES) {
      this.registry.registerWebhook({
        method: 'post',
        path: type,
        operationId: `on${type
          .split(/[._]/)
          .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
          .join('')}`,
        summary: `\`${type}\` delivered to your endpoint`,
        description:
          'POSTed to every enabled endpoint subscribed to this type, signed with `MyPay-Signature` (docs/webhooks.md). Delivered at least once and not necessarily in order: order by `sequence`, de-duplicate by `id`. Any 2xx within 10 s acknowledges; anything else is retried.',
        tags: ['Webhooks'],
        security: [],
        request: {
          headers: z.object({
            'mypay-signature': z.string().meta({
              description: '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`',
              example: 't=1764581400,v1=5d41402abc4b2a76b9719d911017c592ae8f1e3d6a2b7c8d9e0f1a2b3c4d5e6f',
            }),
          }),
          body: { required: true, content: { 'application/json': { schema: EVENT_SCHEMAS[type] } } },
        },
        responses: { 200: { description: 'Acknowledged (any 2xx)' } },
      });
    }
  }

  document() {
    if (!this.cached) {
      const usedTags = new Set(
        this.registry.definitions.flatMap((d) =>
          d.type === 'route' ? (d.route.tags ?? []) : d.type === 'webhook' ? (d.webhook.tags ?? []) : [],
        ),
      );
      const doc = new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
        openapi: '3.1.0',
        info: {
          title: this.info.title,
          version: this.info.version,
          description: this.info.description,
        },
        servers: this.info.servers.map((url) => ({ url })),
        tags: Object.entries(this.info.tags)
          .filter(([name]) => usedTags.has(name))
          .map(([name, description]) => ({ name, description })),
      });
      for (const [key, byStatus] of this.errorCodes) {
        const [method, path] = key.split(' ') as [string, string];
        const item = doc.paths?.[path] as
          | Record<string, { responses?: Record<string, Record<string, unknown>> }>
          | undefined;
        const responses = item?.[method.toLowerCase()]?.responses;
        for (const [status, codes] of byStatus) {
          const response = responses?.[status];
          if (response) response['x-error-codes'] = codes;
        }
      }
      this.cached = doc;
    }
    return this.cached;
  }
}

/** The webhooks' tag: both APIs describe every event type. */
export const WEBHOOKS_TAG_DESCRIPTION =
  'Events we POST to your webhook endpoints (the `webhooks` section), and the endpoints and events you manage.';
