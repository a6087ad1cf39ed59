// Every call the web app makes through its one API client (web/src/lib/api-client.ts and the pages'
// api modules built on it) names a route its service really has: the calls are read from the web
// app's source with the TypeScript parser (method and path literals; `${...}` parts as parameters,
// query strings dropped) and compared with the routes each service registers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { declaredRoutes } from '@sightline/auth';
import { startAllServices, type AllServices, type ServiceName } from './support/all-services.ts';

const webSrc = fileURLToPath(new URL('../web/src', import.meta.url));
const SERVICES: readonly ServiceName[] = ['hawk', 'scouter', 'kanohi'];

interface ClientCall {
  readonly service: ServiceName;
  readonly method: string;
  readonly path: string;
  readonly where: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
}

/** A path argument as a route pattern: `/floors/${id}/zones?${q}` -> /floors/:param/zones. */
function pathPattern(node: ts.Expression): string | undefined {
  let text: string;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
  else if (ts.isTemplateExpression(node)) text = node.head.text + node.templateSpans.map((s) => `:param${s.literal.text}`).join('');
  else return undefined;
  return text.split('?')[0]!.replace(/:param:param/g, ':param');
}

const literal = (node: ts.Expression | undefined): string | undefined => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined);

/** The service a base-URL argument points at: hawkUrl(), kanohiUrl(), serviceUrl('x'), or the module's own (Scouter's `base`). */
function serviceOfBase(node: ts.Expression, file: string): ServiceName | undefined {
  const inner = ts.isAwaitExpression(node) ? node.expression : node;
  if (ts.isCallExpression(inner) && ts.isIdentifier(inner.expression)) {
    const name = inner.expression.text;
    if (name === 'hawkUrl') return 'hawk';
    if (name === 'kanohiUrl') return 'kanohi';
    if (name === 'serviceUrl') return literal(inner.arguments[0]) as ServiceName | undefined;
  }
  if (ts.isIdentifier(inner) && inner.text === 'base' && /pages\/(scouter|training)\//.test(file)) return 'scouter';
  return undefined;
}

/** Calls of the client: request(service, method, path), apiCall/apiResponse(base, method, path), and the pages' wrappers. */
function clientCalls(): ClientCall[] {
  const calls: ClientCall[] = [];
  for (const file of sourceFiles(webSrc)) {
    const rel = relative(webSrc, file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const [a0, a1, a2] = node.arguments;
        const name = node.expression.text;
        let found: { service: ServiceName | undefined; method: string | undefined; path: string | undefined } | undefined;
        if (name === 'request' && a0 && a1 && a2) found = { service: literal(a0) as ServiceName, method: literal(a1), path: pathPattern(a2) };
        else if ((name === 'apiCall' || name === 'apiResponse') && a0 && a1 && a2) found = { service: serviceOfBase(a0, rel), method: literal(a1), path: pathPattern(a2) };
        else if (name === 'api' && rel.startsWith('pages/hawk/') && a0 && a1) found = { service: 'hawk', method: literal(a0), path: pathPattern(a1) };
        else if (name === 'call' && rel === 'pages/kanohi/api.ts' && a0 && a1) found = { service: 'kanohi', method: literal(a0), path: pathPattern(a1) };
        else if (name === 'download' && rel.startsWith('pages/hawk/') && a0 && a1) found = { service: 'hawk', method: 'GET', path: pathPattern(a0) };
        // Wrappers passing their own parameters on (no literal method or path) are not calls of a route.
        if (found?.method && found.path) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          assert.ok(found.service, `web/src/${rel}:${line + 1}: cannot tell which service ${found.method} ${found.path} goes to`);
          calls.push({ service: found.service, method: found.method, path: found.path, where: `web/src/${rel}:${line + 1}` });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

let services: AllServices;
before(async () => {
  services = await startAllServices();
});
after(() => services?.close());

test("every call of the web app's API client is a route of its service", (t) => {
  const calls = clientCalls();
  t.diagnostic(SERVICES.map((s) => `${s}: ${calls.filter((c) => c.service === s).length} calls`).join(', '));
  const routes = new Map(SERVICES.map((s) => [s, new Set(declaredRoutes(services.apps[s]).map((r) => `${r.method} ${r.url.replace(/:\w+/g, ':param')}`))]));
  for (const service of SERVICES) {
    const mine = calls.filter((c) => c.service === service);
    // Each page calls its service many times; a parser that stopped finding calls must not pass.
    assert.ok(mine.length >= 10, `found only ${mine.length} calls to ${service}`);
  }
  const missing = calls.filter((c) => !routes.get(c.service)!.has(`${c.method} ${c.path}`)).map((c) => `${c.where}: ${c.service} ${c.method} ${c.path}`);
  assert.deepEqual(missing, [], 'calls no route of their service answers');
});

test('the reader of calls tells a route that exists from one that does not', () => {
  const probe = ts.factory.createNoSubstitutionTemplateLiteral('/floors/1');
  assert.equal(pathPattern(probe), '/floors/1');
  const template = ts.createSourceFile('x.ts', 'f(`/floors/${id}/zones?${q}`)', ts.ScriptTarget.Latest, true);
  const call = template.statements[0] as ts.ExpressionStatement;
  assert.equal(pathPattern((call.expression as ts.CallExpression).arguments[0]!), '/floors/:param/zones');
  const kanohi = new Set(declaredRoutes(services.apps.kanohi).map((r) => `${r.method} ${r.url.replace(/:\w+/g, ':param')}`));
  assert.ok(kanohi.has('GET /floors/:param/zones'));
  assert.ok(!kanohi.has('DELETE /floors/:param/zones'), 'a method the route does not take is not a match');
});
