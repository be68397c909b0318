import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { ERROR_STATUS, type ErrorCode } from '@mypay/core';
import { type ZodType, z } from 'zod';

/**
 * OpenAPI 3.1 from the same zod schemas that validate requests: a route is registered here
 * with the very schema objects its handler parses with.
 */

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_ERROR' }),
      message: z.string(),
      requestId: z.string(),
      details: z
        .array(z.object({ field: z.string().optional(), message: z.string() }).catchall(z.unknown()))
        .optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every error has this shape; never HTML, never a stack trace.' });

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express style, e.g. `/api/v1/payouts/:id`; converted to `{id}`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Needs an API key (default true). */
  auth?: boolean;
  /** Accepts Idempotency-Key. */
  idempotent?: boolean;
  body?: ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  /** Error codes the route can return (besides the ones every authenticated route can). */
  errors?: ErrorCode[];
}

const AUTH_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'DATABASE_UNAVAILABLE'];
const BODY_ERRORS: ErrorCode[] = ['INVALID_JSON', 'VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE'];
const IDEMPOTENCY_ERRORS: ErrorCode[] = ['IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED'];

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

export class ApiDocument {
  readonly registry = new OpenAPIRegistry();
  private cached: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

  constructor(private readonly info: { title: string; version: string; description?: string; servers?: string[] }) {
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
  }

  add(route: ApiRoute): void {
    this.cached = undefined;
    const auth = route.auth ?? true;
    const errorCodes = new Set<ErrorCode>([
      ...(auth ? AUTH_ERRORS : []),
      ...(route.body ? BODY_ERRORS : []),
      ...(route.query || route.params ? (['VALIDATION_ERROR'] as ErrorCode[]) : []),
      ...(route.idempotent ? IDEMPOTENCY_ERRORS : []),
      ...(route.errors ?? []),
    ]);
    const responses: RouteConfig['responses'] = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }
          : {}),
        ...(route.idempotent && Number(status) < 300
          ? {
              headers: {
                'Idempotent-Replayed': {
                  description: '`true` when this is the stored response of an earlier request with the same key',
                  schema: { type: 'string' },
                },
              },
            }
          : {}),
      };
    }
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of errorCodes) {
      const status = ERROR_STATUS[code];
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
      responses[String(status)] = {
        description: codes.map((c) => `\`${c}\``).join(', '),
        content: { 'application/json': { schema: errorResponseSchema } },
      };
    }
    const headers = route.idempotent
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
      method: route.method,
      path: toOpenApiPath(route.path),
      summary: route.summary,
      description: route.description,
      tags: route.tags,
      security: auth ? [{ bearerAuth: [] }, { apiKeyHeader: [] }] : [],
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(headers ? { headers } : {}),
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses,
    });
  }

  document() {
    if (!this.cached) {
      this.cached = new OpenApiGeneratorV31(this.registry.definitions).generateDocument({
        openapi: '3.1.0',
        info: { title: this.info.title, version: this.info.version, description: this.info.description },
        servers: (this.info.servers ?? []).map((url) => ({ url })),
      });
    }
    return this.cached;
  }
}
