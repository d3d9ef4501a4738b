import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SidebarOpenStateProvider } from '@backstage/core-components';
import {
  notificationsApiRef,
  notificationsPlugin,
} from '@backstage/plugin-notifications';
import { screen } from '@testing-library/react';
import { NotificationsItem } from './NotificationsItem';

describe('the sidebar’s notifications item', () => {
  it.each([
    [3, '3'],
    [120, '99+'],
  ])(
    'shows %i unread as %s, without React Aria’s warning about a tag’s text',
    async (unread, shown) => {
      const warn = jest.spyOn(console, 'warn');
      await renderInTestApp(
        // The sidebar open, as at 1280 px: the count shows beside the text.
        <SidebarOpenStateProvider value={{ isOpen: true, setOpen: () => {} }}>
          <NotificationsItem />
        </SidebarOpenStateProvider>,
        {
          mountedRoutes: { '/notifications': notificationsPlugin.routes.root },
          apis: [
            [
              notificationsApiRef,
              {
                getStatus: async () => ({ unread, read: 0 }),
              } as any,
            ],
          ],
        },
      );
      const tag = await screen.findByRole(
        'row',
        { name: `${unread} unread` },
        { timeout: 30_000 },
      );
      expect(tag).toHaveTextContent(shown);
      expect(screen.getByText('Notifications')).toBeInTheDocument();
      expect(
        warn.mock.calls.filter(args => /textValue/.test(String(args[0]))),
      ).toEqual([]);
      warn.mockRestore();
    },
  );
});
