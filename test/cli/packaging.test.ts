import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
// semver comes with npm's and jest's own tooling; it is only read here
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as {
  minVersion(range: string): { version: string };
  satisfies(v: string, range: string): boolean;
};

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
}

describe('the package a user installs', () => {
  test('npm pack ships the CLI, the library and the sample data, not generated models or sources', () => {
    // what `npm start` leaves in data/ (data/mnist2000.kpca) must stay out of the tarball
    const model = join(root, 'data', 'packaging-test.kpca');
    writeFileSync(model, 'not a model');
    let packed;
    try {
      [packed] = JSON.parse(
        execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
      );
    } finally {
      rmSync(model);
    }
    const files: string[] = packed.files.map((f: { path: string }) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['bin/kpca', 'dist/index.js', 'dist/cli/main.js', 'data/blobs.csv', 'README.md']),
    );
    expect(files.filter((f) => /\.kpca$|\.checkpoint$|^src\/|^test\//.test(f))).toEqual([]);
  });

  test('engines: every production dependency runs on the oldest Node the package admits', () => {
    const oldest = semver.minVersion(pkg.engines.node).version;
    const tree = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(1);
    const refusing = tree
      .map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest)
      .filter((dep) => dep.engines?.node && !semver.satisfies(oldest, dep.engines.node))
      .map((dep) => `${dep.name}@${dep.version} wants node ${dep.engines?.node}`);
    expect(refusing).toEqual([]);
  });

  // Needs the registry (CI sets KPCA_PACK_TEST=1): the packed tarball installed as a dependency.
  (process.env.KPCA_PACK_TEST ? test : test.skip)(
    'installed into a scratch project from the tarball: fit runs (auto and --backend cpu)',
    () => {
      const scratch = mkdtempSync(join(tmpdir(), 'kpca-pack-'));
      const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], {
        cwd: root,
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .pop() as string;
      writeFileSync(join(scratch, 'package.json'), '{ "name": "scratch", "version": "1.0.0", "private": true }\n');
      execFileSync('npm', ['install', '--no-audit', '--no-fund', join(scratch, tarball)], {
        cwd: scratch,
        stdio: 'ignore',
      });
      const kpca = join(scratch, 'node_modules', '.bin', 'kpca');
      const blobs = join(scratch, 'node_modules', 'kpca-hebbian', 'data', 'blobs.csv');
      for (const backend of ['auto', 'cpu']) {
        const model = join(scratch, `${backend}.kpca`);
        execFileSync(kpca, ['fit', blobs, '-r', '2', '--passes', '3', '--backend', backend, '-o', model, '-q']);
        expect(existsSync(model)).toBe(true);
      }
    },
    300_000,
  );
});
