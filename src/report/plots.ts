/**
 * Renders Vega-Lite specifications to SVG strings in Node with vega + vega-lite (renderer 'none',
 * no canvas: vega estimates text widths itself).
 *
 * vega 6 and vega-lite 6 are ESM-only, and vega-canvas has a top-level await (it tries to import
 * the optional `canvas` package), so `require()` of vega fails even on Node 20.19+
 * (ERR_REQUIRE_ASYNC_MODULE). TypeScript compiles `import()` to `require()` under CommonJS, so the
 * real dynamic import is reached through a Function. This is the only module that loads vega; jest
 * cannot run it (no ESM in its module system), so the HTML is tested through the built CLI.
 */
import { pathToFileURL } from 'url';

/** The parts of vega and vega-lite used here (their own typings do not resolve under moduleResolution node10). */
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

// eslint-disable-next-line @typescript-eslint/no-implied-eval -- tsc turns a literal import() into require()
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

/** Resolved from this file, then imported by file URL, so that it works from any working directory. */
function loadVega(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([
    importEsm(pathToFileURL(require.resolve('vega')).href) as Promise<VegaModule>,
    importEsm(pathToFileURL(require.resolve('vega-lite')).href) as Promise<VegaLiteModule>,
  ]);
  return modules;
}

export async function renderSvg(vegaLiteSpec: unknown): Promise<string> {
  const [vega, vegaLite] = await loadVega();
  const view = new vega.View(vega.parse(vegaLite.compile(vegaLiteSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
