import { useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { UserNotificationSettingsCard } from '@backstage/plugin-notifications';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef, UserPreferences } from '../../api';
import { errorMessage } from '../Registry/RegisterForm';

const THRESHOLDS = [
  [5, 'suspect and above (5+)'],
  [7, 'strongly suspect (7+)'],
  [9, 'unauthorized only (9+)'],
] as const;

/**
 * A person's MCPeeker settings: finding alerts for their own endpoints, and
 * the channels (in the portal, by email) of MCPeeker's notifications, which
 * are Backstage's notification settings.
 */
export function SettingsPage() {
  const api = useApi(mcpeekerApiRef);
  const [prefs, setPrefs] = useState<UserPreferences>();
  const [saved, setSaved] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const loaded = useAsync(
    async () => setPrefs(await api.getPreferences()),
    [api],
  );

  const change = async (patch: Partial<UserPreferences['findingAlerts']>) => {
    setProblem(undefined);
    try {
      setPrefs(await api.updatePreferences({ findingAlerts: patch }));
      setSaved('Saved');
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };

  if (loaded.loading || !prefs)
    return loaded.error ? (
      <ResponseErrorPanel error={loaded.error} />
    ) : (
      <Progress />
    );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Finding alerts"
          subheader="When MCPeeker finds an MCP server on an endpoint you own"
        >
          <FormControlLabel
            control={
              <Switch
                checked={prefs.findingAlerts.enabled}
                onChange={e => change({ enabled: e.target.checked })}
                inputProps={{
                  'aria-label': 'Alert me about findings on my endpoints',
                }}
              />
            }
            label="Alert me about findings on my endpoints"
          />
          <TextField
            select
            id="alert-min-score"
            label="Alert from"
            value={prefs.findingAlerts.minScore}
            disabled={!prefs.findingAlerts.enabled}
            onChange={e => change({ minScore: Number(e.target.value) })}
            style={{ minWidth: 260, marginTop: 16, display: 'block' }}
          >
            {THRESHOLDS.map(([score, label]) => (
              <MenuItem key={score} value={score}>
                {label}
              </MenuItem>
            ))}
          </TextField>
          {saved && (
            <Typography role="status" variant="body2" style={{ marginTop: 16 }}>
              {saved}
            </Typography>
          )}
          {problem && (
            <Typography role="alert" color="error" variant="body2">
              {problem}
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <UserNotificationSettingsCard
          originNames={{ 'plugin:mcpeeker': 'MCPeeker' }}
          topicNames={{
            'mcpeeker-registry': 'Registry',
            'mcpeeker-finding-alert': 'Finding alerts',
          }}
        />
      </Grid>
    </Grid>
  );
}
