import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useInfoBannerStyles } from './infoBannerStyles';
import VisibilityOffIcon from '@material-ui/icons/VisibilityOff';
import {
  Finding,
  mcpeekerSuppressionDeletePermission,
  mcpeekerSuppressionReadPermission,
  TimelineEntry,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { LocalTime } from '../LocalTime';
import { LiftSuppressionDialog } from '../Suppressions/LiftSuppressionDialog';
import { suppressionMatchesInWords } from './triageWords';

/** Until when a suppression lasts: its expiry, or until it is lifted. */
function Until({ expiresAt }: { expiresAt: string | undefined }) {
  return expiresAt ? (
    <>
      until <LocalTime iso={expiresAt} />
    </>
  ) : (
    <>until an admin lifts it</>
  );
}

/**
 * Who suppressed it and when: the suppression itself for whoever may read
 * suppressions, else the timeline's entry of it (a developer reads their own
 * finding's timeline).
 */
function useMadeBy(
  finding: Finding,
  timeline: TimelineEntry[] | undefined,
): { by: string; at: string } | undefined {
  const api = useApi(mcpeekerApiRef);
  const suppression = finding.triage.suppression;
  const { allowed: mayRead } = usePermission({
    permission: mcpeekerSuppressionReadPermission,
  });
  const { value } = useAsync(async () => {
    if (!mayRead || !suppression) return undefined;
    const { items } = await api.listSuppressions({ active: true });
    return items.find(s => s.id === suppression.id);
  }, [api, mayRead, suppression?.id]);
  if (value) return { by: value.createdBy, at: value.createdAt };
  const entry = timeline
    ?.filter(
      e =>
        e.kind === 'suppression' &&
        e.actor &&
        suppression &&
        e.summary.startsWith(`Suppressed by ${e.actor}: ${suppression.label}`),
    )
    .at(-1);
  return entry?.actor ? { by: entry.actor, at: entry.at } : undefined;
}

/**
 * What hides a suppressed finding, why, by whom and until when; for admins,
 * the way to lift it. `onLifted` reloads the finding.
 */
export function SuppressionBanner({
  finding,
  timeline,
  onLifted,
}: {
  finding: Finding;
  timeline?: TimelineEntry[];
  onLifted: () => void;
}) {
  const classes = useInfoBannerStyles();
  const suppression = finding.triage.suppression;
  const madeBy = useMadeBy(finding, timeline);
  const { allowed: mayLift } = usePermission({
    permission: mcpeekerSuppressionDeletePermission,
  });
  const [lifting, setLifting] = useState(false);
  if (!suppression) return null;
  return (
    <section className={classes.banner} aria-labelledby="suppressed-heading">
      <Box display="flex" alignItems="center" gridGap={8} marginBottom={1}>
        <VisibilityOffIcon className={classes.icon} />
        <Typography variant="h6" component="h3" id="suppressed-heading">
          Suppressed
        </Typography>
      </Box>
      <Typography variant="body2" paragraph>
        Left out of the Findings list, its export and the owners&apos; alerts;
        still detected and scored. What suppresses it:{' '}
        <strong>{suppressionMatchesInWords(suppression)}</strong>.
      </Typography>
      <Typography variant="body2" data-testid="suppression-reason">
        Reason: {suppression.reason}
      </Typography>
      <Typography variant="body2" data-testid="suppression-by">
        {madeBy ? (
          <>
            Suppressed by {madeBy.by} on <LocalTime iso={madeBy.at} />,{' '}
            <Until expiresAt={suppression.expiresAt} />
          </>
        ) : (
          <>
            Suppressed <Until expiresAt={suppression.expiresAt} />
          </>
        )}
      </Typography>
      {mayLift && (
        <Button
          size="small"
          variant="outlined"
          style={{ marginTop: 16 }}
          onClick={() => setLifting(true)}
        >
          Lift suppression
        </Button>
      )}
      {lifting && (
        <LiftSuppressionDialog
          suppression={suppression}
          onClose={() => setLifting(false)}
          onLifted={() => {
            setLifting(false);
            onLifted();
          }}
        />
      )}
    </section>
  );
}
