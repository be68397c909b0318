// Production build of a workspace package that runs as a process (the two APIs, the CLI): one
// JavaScript file per entry point in the package's dist/, run by plain `node` (no TypeScript
// loader at run time; `pnpm dev` and the tests keep running the sources through tsx/vitest).
//
//   node ../../scripts/bundle.mjs src/server.ts [src/other.ts …]     (run in the package folder)
//
// The workspace packages (@mypay/*, TypeScript sources, the generated Prisma client included) are
// bundled in; every other package stays an import that Node resolves from the package's own
// node_modules at run time. So each such import must be a `dependencies` entry of the package
// being built (pnpm installs nothing else for it, `--prod` in the images): the build fails,
// naming them, when one is missing.
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const entries = process.argv.slice(2);
if (entries.length === 0) {
  process.stderr.write('usage: bundle.mjs ENTRY.ts [ENTRY.ts …]\n');
  process.exit(2);
}
const cwd = process.cwd();
const manifest = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8'));
const declared = new Set(Object.keys(manifest.dependencies ?? {}));
const builtins = new Set(builtinModules);
// esbuild from the package being built (a devDependency of it), so an install filtered to that
// package (the image's build stage) has it.
const { build } = await import(pathToFileURL(createRequire(path.join(cwd, 'package.json')).resolve('esbuild')).href);

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const externalImports = new Set();
const keepNodeModulesExternal = {
  name: 'external-node-modules',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtins.has(packageName(args.path))) {
        return { path: args.path, external: true };
      }
      if (args.path.startsWith('@mypay/')) return undefined; // workspace source: bundle it
      externalImports.add(packageName(args.path));
      return { path: args.path, external: true };
    });
  },
};

const result = await build({
  absWorkingDir: cwd,
  entryPoints: entries,
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  keepNames: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [keepNodeModulesExternal],
});

const missing = [...externalImports].filter((name) => !declared.has(name)).sort();
if (missing.length > 0) {
  process.stderr.write(
    `bundle: ${manifest.name} imports ${missing.join(', ')} (through the workspace packages it bundles) ` +
      'but does not list them in its dependencies: add them (catalog:) so its production install has them\n',
  );
  process.exit(1);
}
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
for (const [file, info] of outputs) {
  process.stdout.write(`bundle: ${manifest.name} ${file} ${(info.bytes / 1024).toFixed(0)} KiB\n`);
}
