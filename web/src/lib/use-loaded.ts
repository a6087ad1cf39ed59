import { useEffect, useState } from 'react';

/**
 * What `load(base)` answers, `fallback` until it has (and when it fails: the caller offers what
 * it has without it); loaded again when `base` changes, an answer for an old base ignored.
 * @example const heads = useLoaded(base, listDeployedHeads, [] as string[]);
 */
export function useLoaded<T>(base: string, load: (base: string) => Promise<T>, fallback: T): T {
  const [value, setValue] = useState<T>(fallback);
  useEffect(() => {
    let live = true;
    load(base)
      .then((answer) => live && setValue(answer))
      .catch(() => undefined);
    return () => void (live = false);
  }, [base, load]);
  return value;
}
