import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('opens on the demo sign-in page, one user per MCPeeker role', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'MCPeeker', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    render(App.createRoot());
    for (const role of ['Developer', 'Security analyst', 'Platform admin']) {
      expect(
        await screen.findByRole('button', { name: `Sign in as ${role}` }),
      ).toBeInTheDocument();
    }
  });
});
