/** The order of each pair in a batch: AB or BA at random, balanced (equal counts, seeded shuffle), as Pinpoint's pairwise mode. */
import { mulberry32 } from '../../contract/stats/describe.ts';

/** A seeded source of balanced batches of orders. */
export function balancedOrders(seed: number): (count: number) => Array<'AB' | 'BA'> {
  const random = mulberry32(seed);
  return (count) => {
    if (count % 2 !== 0) throw new Error(`a balanced batch needs an even number of pairs, not ${count}`);
    const orders: Array<'AB' | 'BA'> = [];
    for (let i = 0; i < count; i++) orders.push(i < count / 2 ? 'AB' : 'BA');
    // Fisher–Yates.
    for (let i = orders.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [orders[i], orders[j]] = [orders[j], orders[i]];
    }
    return orders;
  };
}
