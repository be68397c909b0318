import { healthSchema, htmlPage, openApiDocumentSchema } from '@mypay/contracts';
import { apiHealthHandler, docsPageHandler, scenarioTableSection } from '@mypay/http';
import type { Express } from 'express';
import { API_BASE, type ApiContext } from '../context.ts';
import { examplesSection, SCENARIO_TABLE } from './docs-sections.ts';

/** Routes without an API key: health, the OpenAPI document and the docs page. */
export function platformRoutes(app: Express, ctx: ApiContext): void {
  const health = apiHealthHandler(ctx);
  ctx.docs.add({
    operationId: 'getHealth',
    method: 'get',
    path: `${API_BASE}/health`,
    tags: ['Platform'],
    summary: 'Liveness and database reachability (also served at `/health`)',
    auth: false,
    responses: {
      200: { description: 'Up', schema: healthSchema },
      503: { description: 'The database does not answer', schema: healthSchema },
    },
  });
  app.get(`${API_BASE}/health`, health);
  app.get('/health', health);

  ctx.docs.add({
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: `${API_BASE}/openapi.json`,
    tags: ['Platform'],
    summary: 'This OpenAPI 3.1 document',
    auth: false,
    responses: { 200: { description: 'OpenAPI document', schema: openApiDocumentSchema } },
  });
  app.get(`${API_BASE}/openapi.json`, (_req, res) => {
    res.json(ctx.docs.document());
  });

  ctx.docs.add({
    operationId: 'getDocsPage',
    method: 'get',
    path: `${API_BASE}/docs`,
    tags: ['Platform'],
    summary: 'A readable reference of this API (HTML)',
    auth: false,
    responses: { 200: { description: 'HTML page', contentType: 'text/html', schema: htmlPage } },
  });
  // A person who opens the base URL in a browser lands on the reference.
  app.get(['/', API_BASE], (_req, res) => res.redirect(302, `${API_BASE}/docs`));

  app.get(
    `${API_BASE}/docs`,
    docsPageHandler(ctx, {
      openapiUrl: `${API_BASE}/openapi.json`,
      sections: () => [
        examplesSection(ctx.config.publicUrl),
        scenarioTableSection(ctx.config.scenarioDelayScale, SCENARIO_TABLE),
      ],
    }),
  );
}
