// Generated-input testing of the parsers that take user data. A target pairs a fast-check
// arbitrary with a run that returns normally when the input was handled (accepted, or refused with
// the parser's own error or a 4xx) and throws FuzzFailure when it crashed or answered 5xx.
// `npm test` runs each target about 10^3 times with a fixed seed (fuzzQuick); the benchmarks run
// 10^5 (fuzzLong) and print inputs tried / crashes / 500s.
import fc from 'fast-check';

/** Fixed seed: a quick run tries the same inputs every time, so a failure reproduces. */
export const FUZZ_SEED = 20261207;

export type FuzzFailureKind = 'crash' | 'http500';

/** A crash (an exception that is not the parser's deliberate error) or a 5xx answer. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
  constructor(
    readonly kind: FuzzFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export interface FuzzTarget<T = unknown> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  run(input: T): void | Promise<void>;
}

/** Builds a target (keeps the input type between arbitrary and run). */
export const fuzzTarget = <T>(target: FuzzTarget<T>): FuzzTarget<T> => target;

/**
 * Failures JavaScript itself raises on a bad assumption (reading a property of undefined, an
 * invalid array length, runaway recursion), as opposed to an error a parser throws on purpose.
 */
export function isCrash(err: unknown): boolean {
  if (!(err instanceof Error)) return true;
  if (['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'InternalError'].includes(err.name)) return true;
  return /Cannot read propert|Cannot convert|is not a function|is not iterable|is not a constructor|Invalid array length|Maximum call stack|out of memory|of undefined|of null/.test(err.message);
}

/**
 * Runs `parse` and turns a crash into a FuzzFailure; errors `expected` accepts (the parser's own
 * error types) are a clean refusal.
 * @example expectClean(() => parseMot(text), (e) => e instanceof MotFormatError);
 */
export function expectClean<R>(parse: () => R, expected: (err: unknown) => boolean = (err) => !isCrash(err)): R | undefined {
  try {
    return parse();
  } catch (err) {
    if (expected(err) && !isCrash(err)) return undefined;
    throw new FuzzFailure('crash', `${(err as Error)?.name ?? typeof err}: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** A response status: 5xx is a failure, anything else (2xx, 4xx) is a handled input. */
export function expectNo5xx(status: number, body: string): void {
  if (status >= 500) throw new FuzzFailure('http500', `answered ${status}: ${body.slice(0, 300)}`);
}

/** About 10^3 runs with the fixed seed; fast-check shrinks a failure to a small counterexample. */
export async function fuzzQuick<T>(target: FuzzTarget<T>, numRuns = Number(process.env.SIGHTLINE_FUZZ_RUNS ?? 1000)): Promise<void> {
  await fc.assert(
    fc.asyncProperty(target.arbitrary, async (input) => {
      await target.run(input);
    }),
    { numRuns, seed: FUZZ_SEED },
  );
}

export interface FuzzTally {
  readonly name: string;
  tried: number;
  crashes: number;
  http500: number;
  seconds: number;
  /** The first failing input and what happened, for a regression test. */
  first?: { input: unknown; message: string };
}

/**
 * Runs `numRuns` generated inputs without stopping at a failure, counting crashes and 5xx answers.
 * Inputs are drawn in batches of 1000 (seed + batch number) so memory stays flat.
 */
export async function fuzzLong<T>(target: FuzzTarget<T>, numRuns = 100_000): Promise<FuzzTally> {
  const tally: FuzzTally = { name: target.name, tried: 0, crashes: 0, http500: 0, seconds: 0 };
  const started = performance.now();
  for (let batch = 0; tally.tried < numRuns; batch++) {
    const inputs = fc.sample(target.arbitrary, { numRuns: Math.min(1000, numRuns - tally.tried), seed: FUZZ_SEED + batch });
    for (const input of inputs) {
      tally.tried++;
      try {
        await target.run(input);
      } catch (err) {
        const kind: FuzzFailureKind = err instanceof FuzzFailure ? err.kind : 'crash';
        if (kind === 'http500') tally.http500++;
        else tally.crashes++;
        tally.first ??= { input, message: (err as Error)?.message ?? String(err) };
      }
    }
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}

/** Prints one line per target and a total; returns false when any target failed. */
export function printTallies(tallies: readonly FuzzTally[]): boolean {
  const pad = Math.max(...tallies.map((t) => t.name.length), 6);
  console.log(`${'target'.padEnd(pad)}  inputs tried  crashes  500s  inputs/s`);
  for (const t of tallies) {
    console.log(`${t.name.padEnd(pad)}  ${String(t.tried).padStart(12)}  ${String(t.crashes).padStart(7)}  ${String(t.http500).padStart(4)}  ${String(Math.round(t.tried / t.seconds)).padStart(8)}`);
    if (t.first) console.log(`  first failure: ${t.first.message}\n  input: ${JSON.stringify(t.first.input)?.slice(0, 500)}`);
  }
  const failed = tallies.reduce((n, t) => n + t.crashes + t.http500, 0);
  console.log(`total: ${tallies.reduce((n, t) => n + t.tried, 0)} inputs tried, ${tallies.reduce((n, t) => n + t.crashes, 0)} crashes, ${tallies.reduce((n, t) => n + t.http500, 0)} 500s`);
  return failed === 0;
}
