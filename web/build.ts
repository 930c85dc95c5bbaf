import { build, type Metafile } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateApiTypes } from './scripts/generate-api.js';

/**
 * `npm run build:web`: the console as static files in web/dist/ (hashed asset names, an index.html and a
 * config.json), so the local runtime and, later, S3 behind CloudFront serve the very same files.
 */
const WEB = import.meta.dirname;
export const DIST = join(WEB, 'dist');

export interface ConsoleConfig {
  /** Prefix of every API call; '' = the console's own origin. */
  apiBaseUrl: string;
  signIn: 'local' | 'cognito';
}

export interface WebBuild {
  /** Files of the first page (entry script, its static imports and the stylesheet), relative to dist. */
  firstPage: string[];
  /** Their JavaScript, gzipped, in bytes. */
  firstPageJsGzipBytes: number;
}

const LOCAL_CONFIG: ConsoleConfig = { apiBaseUrl: '', signIn: 'local' };

/** The entry's output and every chunk it imports statically: what the browser loads before any click. */
const staticClosure = (metafile: Metafile, entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen];
};

const html = (script: string, stylesheet: string | undefined) => `<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Chiến dịch nhắn tin phòng, chống mua bán người</title>
    <link rel="icon" href="data:," />
    ${stylesheet ? `<link rel="stylesheet" href="/${stylesheet}" />` : ''}
    <script type="module" src="/${script}"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>Bảng điều khiển cần JavaScript.</noscript>
  </body>
</html>
`;

export const buildWeb = async ({
  config = LOCAL_CONFIG,
  outDir = DIST,
}: {
  /** null: no config.json (on AWS, the deployment writes it with the stack's values). */
  config?: ConsoleConfig | null;
  outDir?: string;
} = {}): Promise<WebBuild> => {
  await generateApiTypes();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(WEB, 'src/main.tsx')],
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    minify: true,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    tsconfig: join(WEB, 'tsconfig.json'),
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, output]) => output.entryPoint?.endsWith('src/main.tsx'));
  if (!entry) throw new Error('esbuild produced no entry script');
  const [entryPath, entryOutput] = entry;
  const cwdRelative = (file: string) => relative(outDir, resolve(file));
  const stylesheet = entryOutput.cssBundle ? cwdRelative(entryOutput.cssBundle) : undefined;
  writeFileSync(join(outDir, 'index.html'), html(cwdRelative(entryPath), stylesheet));
  if (config) writeFileSync(join(outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);

  const scripts = staticClosure(result.metafile, entryPath);
  const firstPageJsGzipBytes = scripts
    .map((file) => gzipSync(readFileSync(resolve(file)), { level: 9 }).length)
    .reduce((sum, size) => sum + size, 0);
  return {
    firstPage: [...scripts.map(cwdRelative), ...(stylesheet ? [stylesheet] : [])],
    firstPageJsGzipBytes,
  };
};

if (process.argv[1] === import.meta.filename) {
  // `--out-dir <dir>`: the CDK asset's build (lib/console-hosting.ts), without the local config.json.
  const outDirFlag = process.argv.indexOf('--out-dir');
  const outDir = outDirFlag > 0 ? process.argv[outDirFlag + 1] : undefined;
  if (outDirFlag > 0 && !outDir) throw new Error('--out-dir needs a directory');
  const { firstPage, firstPageJsGzipBytes } = await buildWeb(outDir ? { outDir, config: null } : {});
  console.log(
    `console built in ${relative(process.cwd(), outDir ?? DIST)}/: first page ${firstPage.map((f) => basename(f)).join(', ')}, ` +
      `JavaScript ${(firstPageJsGzipBytes / 1024).toFixed(1)} KB gzipped`,
  );
}
