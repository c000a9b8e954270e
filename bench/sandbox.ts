import { benchSandbox } from '../sandbox/bench.ts';

/** `npm run bench -- sandbox`: list throughput, and generation time and memory for 10,000 customers. */
export default async function run(_args: string[]): Promise<unknown> {
  return benchSandbox();
}
