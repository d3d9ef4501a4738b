import { Batcher } from './Batcher';

describe('Batcher: how NATS messages become ingest batches', () => {
  afterEach(() => jest.useRealTimers());

  it('hands over a full batch at once, and the rest as the next batch', async () => {
    const batcher = new Batcher<number>(3, 100);
    for (let i = 1; i <= 5; i++) batcher.push(i);
    expect(await batcher.next()).toEqual([1, 2, 3]);
    batcher.end();
    expect(await batcher.next()).toEqual([4, 5]);
    expect(await batcher.next()).toEqual([]);
  });

  it('does not keep a trickle waiting for a full batch: it goes after the wait', async () => {
    jest.useFakeTimers();
    const batcher = new Batcher<string>(500, 100);
    let handed: string[] | undefined;
    const next = batcher.next().then(b => (handed = b));
    batcher.push('a');
    await jest.advanceTimersByTimeAsync(50);
    batcher.push('b');
    expect(handed).toBeUndefined();
    await jest.advanceTimersByTimeAsync(60);
    await next;
    expect(handed).toEqual(['a', 'b']);
  });

  it('waits for the first message however long it takes, and fills up meanwhile', async () => {
    jest.useFakeTimers();
    const batcher = new Batcher<number>(2, 100);
    let handed: number[] | undefined;
    const next = batcher.next().then(b => (handed = b));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(handed).toBeUndefined();
    batcher.push(1);
    batcher.push(2);
    await next;
    expect(handed).toEqual([1, 2]);
  });

  it('gives what arrived before the source ended, with its error', async () => {
    const batcher = new Batcher<number>(10, 100);
    const next = batcher.next();
    batcher.push(7);
    batcher.end(new Error('consumer deleted'));
    expect(await next).toEqual([7]);
    expect(batcher.error?.message).toBe('consumer deleted');
    expect(await batcher.next()).toEqual([]);
  });
});
