import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { hostName } from '@mcpeeker/plugin-mcpeeker-common';
import { IdText } from './IdText';

/** How many characters of a host's hashed id show: enough to tell hosts apart at a glance. */
export const HOST_ID_SHOWN = 12;

/**
 * A host as the portal names it (`hostName`): the label its agent's config
 * gives it, with its hashed id under it, or the hashed id alone. The hash is
 * what identifies the host, so it is always there to compare and copy: its
 * first 12 characters shown ("a1b2c3d4e5f6…"), all 64 in its title and
 * copied by the button beside it.
 */
export function HostName({
  host,
}: {
  host: { hostIdHash: string; label?: string };
}) {
  const id = (
    <IdText id={host.hostIdHash} label="host id" shown={HOST_ID_SHOWN} />
  );
  if (!host.label) return id;
  return (
    <Box display="flex" flexDirection="column" minWidth={0}>
      <Typography variant="body2" component="span" noWrap title={host.label}>
        {hostName(host)}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="span">
        {id}
      </Typography>
    </Box>
  );
}
