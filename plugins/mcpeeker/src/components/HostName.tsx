import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { hostName } from '@mcpeeker/plugin-mcpeeker-common';
import { IdText } from './IdText';

/**
 * A host as the portal names it (`hostName`): the label its agent's config
 * gives it, with its hashed id under it, or the hashed id alone. The hash is
 * what identifies the host, so it is always there to compare and copy.
 */
export function HostName({
  host,
}: {
  host: { hostIdHash: string; label?: string };
}) {
  if (!host.label) return <IdText id={host.hostIdHash} label="host id" />;
  return (
    <Box display="flex" flexDirection="column" minWidth={0}>
      <Typography variant="body2" component="span" noWrap title={host.label}>
        {hostName(host)}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="span">
        <IdText id={host.hostIdHash} label="host id" />
      </Typography>
    </Box>
  );
}
