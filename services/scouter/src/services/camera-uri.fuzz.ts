// Generated camera URIs for the fuzz test and benchmark: normaliseCameraUri must return a URI or
// throw its 400 HttpError saying what is accepted, never crash. Syntax only: which folders and
// networks a camera may read is a policy checked elsewhere.
import fc from 'fast-check';
import { expectClean, fuzzTarget, type FuzzTarget } from '../../../../test/support/fuzz.ts';
import { HttpError } from '@sightline/server-kit';
import { normaliseCameraUri } from './camera-uri.ts';

const scheme = fc.constantFrom('rtsp://', 'rtsps://', 'http://', 'https://', 'file://', 'file:///', 'file:', 'RTSP://', 'ftp://', 'javascript:', 'c:\\', 'C:/', '//', '', '/', './', '../', '~/');
const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((ip) => `[${ip}]`), fc.constantFrom('', 'user:pass@cam', 'cam:99999', 'cam:-1', '%00', '..', '[::1', 'xn--', 'a'.repeat(300)));
const path = fc.array(fc.oneof(fc.webSegment(), fc.constantFrom('..', '.', '%2e%2e', '%00', '\u0000', ' ', '?', '#', '\\', 'nul', 'stream.m3u8')), { maxLength: 6 }).map((p) => p.join('/'));

const uri = fc.oneof(
  fc.tuple(scheme, host, fc.constantFrom('', '/'), path).map((parts) => parts.join('')),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** The camera URI fuzz target (paths resolve against a folder that does not exist). */
export const cameraUriFuzzTargets: FuzzTarget[] = [
  fuzzTarget({ name: 'camera URI', arbitrary: uri, run: (text) => void expectClean(() => normaliseCameraUri(text, '/nonexistent-fuzz-root'), (e) => e instanceof HttpError && e.statusCode === 400) }),
];
