import { describe, expect, it } from 'vitest';
import { batchByCustomers } from './recompute.ts';

describe('full recompute batches', () => {
  const acc = (id: string, customers: number) => ({ id, customers });

  it('fills a batch up to the customer bound, in order, and counts an account without customers as one', () => {
    const batches = batchByCustomers([acc('a', 2), acc('b', 0), acc('c', 1), acc('d', 3), acc('e', 1)], 4);
    expect(batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('gives an account above the bound a batch of its own, without splitting it', () => {
    expect(batchByCustomers([acc('a', 1), acc('big', 50), acc('c', 1)], 10)).toEqual([['a'], ['big'], ['c']]);
  });

  it('loses no account and repeats none', () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => acc(`acc_${i}`, (i * 7) % 13));
    const batches = batchByCustomers(accounts, 25);
    expect(batches.flat()).toEqual(accounts.map((a) => a.id));
    for (const b of batches) {
      const customers = b.reduce((n, id) => n + Math.max(1, accounts.find((a) => a.id === id)!.customers), 0);
      expect(b.length === 1 || customers <= 25).toBe(true);
    }
  });
});
