// Picks, for each image, the files it is built from, so that an edit rebuilds only the
// images whose files changed (run by the `files` stage of the Dockerfile, which sees the
// whole build context). Usage:
//   node docker/image-files.mjs SRC OUT NAME=@scope/package… NAME=path,path…
// Writes
//   OUT/manifests/  the lockfile, the workspace file and every workspace package.json: the
//                   dependency install layers depend on these alone;
//   OUT/NAME/       for NAME=@scope/package: that workspace package and every workspace
//                   package it depends on (the closure pnpm itself computes with
//                   `--filter package...`), plus tsconfig.base.json; tests (`test/` folders,
//                   *.test.ts) stay out. A workspace package added later (say
//                   packages/contracts) is picked up by the images that depend on it;
//                   for NAME=path,path: exactly those files.
// BuildKit caches COPY --from by content, so an unchanged OUT/NAME keeps every later layer.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT_MANIFESTS = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs'];
const SHARED_FILES = ['tsconfig.base.json'];
const SKIPPED_DIRS = new Set(['node_modules', '.next', 'dist', 'coverage', 'test']);
const TEST_FILE = /\.test\.(ts|tsx|mts|js|mjs)$/;

function fail(message) {
  process.stderr.write(`image-files: ${message}\n`);
  process.exit(2);
}

function copyFile(src, out, relative) {
  const from = path.join(src, relative);
  if (!existsSync(from)) fail(`${relative} is not in the build context`);
  mkdirSync(path.dirname(path.join(out, relative)), { recursive: true });
  cpSync(from, path.join(out, relative));
}

/** Workspace packages as pnpm sees them: name → directory relative to SRC. */
function workspacePackages(src, filter) {
  const args = ['ls', '--recursive', '--depth', '-1', '--json'];
  if (filter) args.push('--filter', filter);
  const listed = JSON.parse(execFileSync('pnpm', args, { cwd: src, encoding: 'utf8' }));
  return listed.map((pkg) => ({ name: pkg.name, dir: path.relative(src, pkg.path) || '.' }));
}

function copyPackageDir(src, out, dir) {
  cpSync(path.join(src, dir), path.join(out, dir), {
    recursive: true,
    filter: (from) => {
      const name = path.basename(from);
      const isDir = statSync(from).isDirectory();
      // `test/` only at the package's top level; deeper folders of that name are sources.
      if (isDir && name === 'test') return path.dirname(from) !== path.join(src, dir);
      if (isDir) return !SKIPPED_DIRS.has(name);
      return !TEST_FILE.test(name);
    },
  });
}

function main() {
  const [src, out, ...sets] = process.argv.slice(2);
  if (!src || !out || sets.length === 0) fail('usage: image-files.mjs SRC OUT NAME=@scope/package|NAME=path,path …');

  const manifests = path.join(out, 'manifests');
  for (const file of ROOT_MANIFESTS) if (existsSync(path.join(src, file))) copyFile(src, manifests, file);
  for (const pkg of workspacePackages(src)) {
    if (pkg.dir !== '.') copyFile(src, manifests, path.join(pkg.dir, 'package.json'));
  }

  for (const set of sets) {
    const [name, spec] = set.split('=');
    if (!name || !spec || !/^[a-z0-9-]+$/.test(name)) fail(`bad set '${set}'`);
    const target = path.join(out, name);
    mkdirSync(target, { recursive: true });
    if (spec.startsWith('@')) {
      const closure = workspacePackages(src, `${spec}...`);
      if (!closure.some((pkg) => pkg.name === spec)) fail(`no workspace package ${spec}`);
      for (const file of SHARED_FILES) copyFile(src, target, file);
      for (const pkg of closure) copyPackageDir(src, target, pkg.dir);
      process.stdout.write(`${name}: ${closure.map((pkg) => pkg.dir).join(' ')}\n`);
    } else {
      for (const file of spec.split(',')) copyFile(src, target, file);
      process.stdout.write(`${name}: ${spec.split(',').join(' ')}\n`);
    }
  }
}

main();
