import { z } from 'zod';

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    db: z.enum(['up', 'down']),
    version: z.string().meta({ example: '0.1.0' }),
    uptimeSeconds: z.number().int(),
    details: z
      .object({
        requestLog: z
          .object({
            buffered: z.number().int().meta({ description: 'Entries waiting for the next batch insert' }),
            written: z.number().int().meta({ description: 'Entries written since this process started' }),
            dropped: z.number().int().meta({
              description: 'Entries lost since start: the buffer was full or the database refused the batch',
            }),
          })
          .nullable()
          .meta({ description: "This process's request log; null when the log is turned off" }),
      })
      .optional(),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof healthSchema>;

/** What `GET …/openapi.json` answers (described loosely: it is this very document). */
export const openApiDocumentSchema = z
  .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }).catchall(z.unknown()) })
  .catchall(z.unknown())
  .meta({ id: 'OpenApiDocument' });

/** An HTML page (the docs page, the hosted payment page). */
export const htmlPage = z.string().meta({ description: 'An HTML document' });
