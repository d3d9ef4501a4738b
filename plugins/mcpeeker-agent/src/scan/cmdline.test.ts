import { argvFromCmdline } from './processes';

describe('argvFromCmdline', () => {
  it('splits NUL-separated arguments, keeping empty ones in between', () => {
    expect(
      argvFromCmdline('node\0/srv/a-mcp-server/index.js\0\0--x\0'),
    ).toEqual(['node', '/srv/a-mcp-server/index.js', '', '--x']);
  });

  it('splits a rewritten title and drops its NUL padding (npm exec, npx)', () => {
    expect(
      argvFromCmdline(
        `npm exec @modelcontextprotocol/server-everything streamableHttp${'\0'.repeat(
          12,
        )}`,
      ),
    ).toEqual([
      'npm',
      'exec',
      '@modelcontextprotocol/server-everything',
      'streamableHttp',
    ]);
    // A title that filled the whole argv area has no terminating NUL.
    expect(argvFromCmdline('npm exec acme-mcp')).toEqual([
      'npm',
      'exec',
      'acme-mcp',
    ]);
  });

  it('keeps a single argument with spaces that is no rewritten title', () => {
    expect(argvFromCmdline('/opt/My Tools/acme-mcp\0')).toEqual([
      '/opt/My Tools/acme-mcp',
    ]);
  });

  it('has no argv for a kernel thread', () => {
    expect(argvFromCmdline('')).toEqual([]);
  });
});
