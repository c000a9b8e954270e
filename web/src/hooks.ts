// Data loading with the three states every page shows: loading, error, data (which may be empty).

import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Calls `load` when `key` changes, and again every `pollMs` while mounted (pages that show live
 * figures). A failed poll keeps the last good data on screen and shows the error beside it.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  key: string,
  options: { pollMs?: number } = {},
): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef(key);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick and key are the triggers by design
  useEffect(() => {
    let live = true;
    if (lastKey.current !== key) {
      lastKey.current = key;
      setData(undefined);
    }
    setLoading(true);
    loadRef.current().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  useEffect(() => {
    if (!options.pollMs) return;
    const timer = window.setInterval(() => setTick((t) => t + 1), options.pollMs);
    return () => window.clearInterval(timer);
  }, [options.pollMs]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
