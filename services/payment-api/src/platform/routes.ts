import { healthSchema, htmlPage, openApiDocumentSchema } from '@mypay/contracts';
import { apiHealthHandler, docsPageHandler, scenarioTableSection } from '@mypay/http';
import type { Express } from 'express';
import { type ApiContext, DOCS_PREFIX } from '../context.ts';
import { examplesSection, SCENARIO_TABLE } from './docs-sections.ts';

/**
 * Routes without an API key: health, the OpenAPI document and the docs page. The document and
 * page are served at the root (local use) and under /api/checkout/ (the public host routes only
 * the SPEC's prefixes to this service).
 */
export function platformRoutes(app: Express, ctx: ApiContext): void {
  const health = apiHealthHandler(ctx);
  ctx.docs.add({
    operationId: 'getHealth',
    method: 'get',
    path: '/health',
    tags: ['Platform'],
    summary: 'Liveness and database reachability',
    auth: false,
    responses: {
      200: { description: 'Up', schema: healthSchema },
      503: { description: 'The database does not answer', schema: healthSchema },
    },
  });
  app.get('/health', health);

  ctx.docs.add({
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: `${DOCS_PREFIX}/openapi.json`,
    tags: ['Platform'],
    summary: 'This OpenAPI 3.1 document (also at `/openapi.json`)',
    auth: false,
    responses: { 200: { description: 'OpenAPI document', schema: openApiDocumentSchema } },
  });
  app.get(['/openapi.json', `${DOCS_PREFIX}/openapi.json`], (_req, res) => {
    res.json(ctx.docs.document());
  });

  ctx.docs.add({
    operationId: 'getDocsPage',
    method: 'get',
    path: `${DOCS_PREFIX}/docs`,
    tags: ['Platform'],
    summary: 'A readable reference of this API (HTML; also at `/docs`)',
    auth: false,
    responses: { 200: { description: 'HTML page', contentType: 'text/html', schema: htmlPage } },
  });
  // A person who opens the base URL in a browser lands on the reference.
  app.get('/', (_req, res) => res.redirect(302, `${DOCS_PREFIX}/docs`));

  app.get(
    ['/docs', `${DOCS_PREFIX}/docs`],
    docsPageHandler(ctx, {
      openapiUrl: `${DOCS_PREFIX}/openapi.json`,
      sections: () => [
        examplesSection(ctx.config.publicUrl),
        scenarioTableSection(ctx.config.scenarioDelayScale, SCENARIO_TABLE),
      ],
    }),
  );
}
