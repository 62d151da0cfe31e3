import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname;

/** Each public entry point mapped to its built declarations, as a caller's project resolves them. */
const ENTRIES: Record<string, string> = {
  wafstream: 'dist/index.d.ts',
  'wafstream/testing': 'dist/testing/index.d.ts',
  'wafstream/testing/msw': 'dist/testing/msw.d.ts',
  'wafstream/bullmq': 'dist/bullmq/index.d.ts',
};

/**
 * Typechecks README examples (strict) against the published declarations, as files in `dir`; returns the
 * diagnostics as `file:line message`, so a test can expect `[]` and print what broke.
 */
export function typecheckExamples(codes: readonly string[], dir: string): string[] {
  const files = codes.map((code, index) => {
    const file = join(dir, `typed-${index}.ts`);
    writeFileSync(file, code);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
    skipLibCheck: true,
    paths: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, [join(root, file)]])),
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.split('/').pop()}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
