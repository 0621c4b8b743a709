import { settle } from './settle';

describe('settle', () => {
  it('returns only after the work it started is drained', async () => {
    const order: string[] = [];
    const service = {
      drain: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push('drained');
      },
    };
    const result = await settle(service, async () => {
      order.push('worked');
      return 42;
    });
    order.push('returned');
    expect(result).toEqual({ ok: true, value: 42 });
    expect(order).toEqual(['worked', 'drained', 'returned']);
  });

  it('reports a failed drain with the work’s value, so a host can refuse the answer', async () => {
    const result = await settle(
      { drain: () => Promise.reject(new Error('store down')) },
      async () => 'answer',
    );
    expect(result).toMatchObject({ ok: false, value: 'answer' });
    expect(String((result as { error: unknown }).error)).toMatch(/store down/);
  });

  it('still drains when the work fails, then lets the failure through', async () => {
    let drained = false;
    const service = { drain: async () => void (drained = true) };
    await expect(
      settle(service, async () => {
        throw new Error('bad event');
      }),
    ).rejects.toThrow('bad event');
    expect(drained).toBe(true);
  });
});
