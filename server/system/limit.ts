/** Run at most `n` async jobs at once; the rest wait their turn in order. */
export function concurrencyLimit(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    running--;
    queue.shift()?.();
  };
  return <T>(job: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        running++;
        job().then(resolve, reject).finally(next);
      };
      if (running < n) start();
      else queue.push(start);
    });
}
