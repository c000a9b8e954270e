import { describe, expect, it } from 'vitest';
import { parseForm } from './form.ts';

describe('parseForm', () => {
  it('reads the SDK encoding: indexed arrays, nested hashes, expand[] and metadata', () => {
    const body =
      'customer=cus_1&items[0][price]=price_a&items[0][quantity]=2&items[1][price]=price_b' +
      '&expand[0]=latest_invoice&expand[1]=customer&metadata[atlas_account_id]=acc%201&email=a%2Bb%40x.com';
    expect(parseForm(body)).toEqual({
      customer: 'cus_1',
      items: [{ price: 'price_a', quantity: '2' }, { price: 'price_b' }],
      expand: ['latest_invoice', 'customer'],
      metadata: { atlas_account_id: 'acc 1' },
      email: 'a+b@x.com',
    });
  });

  it('appends empty-bracket arrays and keeps empty values as unset markers', () => {
    expect(parseForm('expand[]=a&expand[]=b&description=')).toEqual({ expand: ['a', 'b'], description: '' });
    expect(parseForm('created%5Bgte%5D=5')).toEqual({ created: { gte: '5' } });
  });

  it('refuses prototype keys and value/hash conflicts', () => {
    expect(() => parseForm('__proto__[x]=1')).toThrow(/Invalid parameter/);
    expect(() => parseForm('a=1&a[b]=2')).toThrow(/both a value and a hash/);
  });
});
