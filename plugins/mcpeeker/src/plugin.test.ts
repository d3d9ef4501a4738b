import { mcpeekerPlugin } from './plugin';

describe('mcpeeker', () => {
  it('should export plugin', () => {
    expect(mcpeekerPlugin).toBeDefined();
  });
});
