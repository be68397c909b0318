import { defineConfig } from 'prisma/config';

// Prisma 7 keeps the connection URL out of schema.prisma. Only `prisma migrate deploy`
// (on machines that can fetch the schema engine) reads it; the apps connect through
// @prisma/adapter-mariadb and our own runner applies the same migration files.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay' },
});
