import { useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  expiryProblem,
  MAX_REGISTRY_DAYS,
  registryImportSchema,
  RegistryEntry,
} from '@mcpeeker/plugin-mcpeeker-common';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { day, endOfDay, REGISTRY_CHANGED_EVENT } from './EntryActions';
import { errorMessage } from './RegisterForm';
import { fieldProblems, problemsFromServer } from './registrationProblems';

/**
 * Registering a server from its official `server.json` (the MCP Registry's
 * format): pasted or read from a file, with the team and expiry MCPeeker
 * needs; the purpose defaults to the server.json's description.
 */
export function ImportServerJson({
  onImported,
}: {
  onImported: (entry: RegistryEntry) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const identityApi = useApi(identityApiRef);
  const [open, setOpen] = useState(false);
  const [json, setJson] = useState('');
  const [team, setTeam] = useState<string>();
  const [purpose, setPurpose] = useState('');
  const [expires, setExpires] = useState(day(90));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const myTeam = useAsync(
    async () =>
      (await identityApi.getBackstageIdentity()).ownershipEntityRefs.find(r =>
        r.startsWith('group:'),
      ) ?? '',
    [identityApi],
  );
  const teamValue = team ?? myTeam.value ?? '';

  async function readFile(file: File | undefined) {
    if (file) setJson(await file.text());
  }

  async function submit() {
    let serverJson: unknown;
    try {
      serverJson = JSON.parse(json);
    } catch (error) {
      setProblems({
        serverJson: `server.json is not JSON: ${(error as Error).message}`,
      });
      return;
    }
    const input = {
      serverJson,
      team: teamValue.trim(),
      expiresAt: endOfDay(expires),
      ...(purpose.trim() ? { purpose } : {}),
    };
    const found = fieldProblems(registryImportSchema, input);
    const late = expiryProblem(input.expiresAt);
    if (late) found.expiresAt = `Expiry ${late}`;
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const entry = await api.importServerJson(input);
      window.dispatchEvent(new Event(REGISTRY_CHANGED_EVENT));
      setOpen(false);
      setJson('');
      setPurpose('');
      onImported(entry);
    } catch (error) {
      setProblems(problemsFromServer(errorMessage(error)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button variant="outlined" color="primary" onClick={() => setOpen(true)}>
        Import server.json
      </Button>
      {open && (
        <Dialog
          open
          fullWidth
          maxWidth="md"
          onClose={() => setOpen(false)}
          aria-labelledby="import-server-json-title"
        >
          <DialogTitle id="import-server-json-title">
            Import a server.json
          </DialogTitle>
          <DialogContent>
            <DialogContentText>
              The server's official server.json, as the MCP Registry publishes
              it: its name, version, packages or remote URL are registered as
              they are; an admin approves it.
            </DialogContentText>
            <Button variant="outlined" component="label" size="small">
              Choose a file…
              <input
                type="file"
                accept=".json,application/json"
                hidden
                aria-label="server.json file"
                onChange={e => readFile(e.target.files?.[0])}
              />
            </Button>
            <TextField
              fullWidth
              multiline
              minRows={8}
              maxRows={20}
              margin="normal"
              id="import-server-json"
              label="server.json"
              value={json}
              onChange={e => setJson(e.target.value)}
              error={!!problems.serverJson}
              helperText={problems.serverJson ?? 'Paste it, or choose a file'}
              InputProps={{ style: { fontFamily: 'monospace' } }}
            />
            <TextField
              fullWidth
              required
              margin="normal"
              id="import-team"
              label="Team"
              value={teamValue}
              onChange={e => setTeam(e.target.value)}
              error={!!problems.team}
              helperText={
                problems.team ??
                'The group that answers for it, e.g. group:default/team-a'
              }
            />
            <TextField
              fullWidth
              multiline
              margin="normal"
              id="import-purpose"
              label="Purpose (optional)"
              value={purpose}
              onChange={e => setPurpose(e.target.value)}
              error={!!problems.purpose}
              helperText={
                problems.purpose ?? 'The server.json description when empty'
              }
            />
            <TextField
              type="date"
              margin="normal"
              id="import-expires"
              label="Expires"
              InputLabelProps={{ shrink: true }}
              inputProps={{ min: day(1), max: day(MAX_REGISTRY_DAYS) }}
              value={expires}
              onChange={e => setExpires(e.target.value)}
              error={!!problems.expiresAt}
              helperText={
                problems.expiresAt ?? `At most ${MAX_REGISTRY_DAYS} days ahead`
              }
            />
            {problems.form && (
              <Typography color="error" role="alert" variant="body2">
                {problems.form}
              </Typography>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button
              color="primary"
              variant="contained"
              disabled={busy || !json.trim()}
              onClick={submit}
            >
              Import
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </>
  );
}
