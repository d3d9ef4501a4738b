import { SidebarItem } from '@backstage/core-components';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import { Tag, TagGroup } from '@backstage/ui';
import NotificationsNoneIcon from '@material-ui/icons/NotificationsNone';

/** The unread count as the tag shows it: "99+" above 99, as Backstage's item does. */
export function unreadLabel(count: number): string {
  return count > 99 ? '99+' : String(count);
}

/**
 * Backstage's notifications item (unread count, live updates, web
 * notifications), drawn here: its own puts the count, a number, in a
 * Backstage UI `<Tag>` without `textValue`, and React Aria warns in the
 * console on every page. This tag holds text and says what it counts.
 */
export function NotificationsItem() {
  return (
    <NotificationsSidebarItem
      renderItem={({ unreadCount, to, onClick }) => (
        <SidebarItem
          to={to}
          onClick={onClick}
          text="Notifications"
          icon={NotificationsNoneIcon}
        >
          {unreadCount > 0 && (
            <TagGroup aria-label="Unread notifications">
              <Tag size="small" textValue={`${unreadCount} unread`}>
                {unreadLabel(unreadCount)}
              </Tag>
            </TagGroup>
          )}
        </SidebarItem>
      )}
    />
  );
}
