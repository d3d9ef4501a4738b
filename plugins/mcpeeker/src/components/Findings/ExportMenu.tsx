import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import ListItemText from '@material-ui/core/ListItemText';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  FindingExportFormat,
  FindingExportQuery,
  mcpeekerApiRef,
} from '../../api';
import { errorMessage } from '../Registry/RegisterForm';

const FORMATS: Array<{
  format: FindingExportFormat;
  label: string;
  meaning: string;
}> = [
  { format: 'json', label: 'JSON', meaning: 'every field, for a SIEM' },
  { format: 'csv', label: 'CSV', meaning: 'one row per finding' },
  { format: 'sarif', label: 'SARIF', meaning: 'for code-scanning tools' },
];

/**
 * Hands a file to the browser to save. The export needs the person's token,
 * which a plain link would not carry: it is fetched, then saved from memory.
 */
export function saveFile(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Once the click has handed the file over.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * "Export": every finding the list's filters select (not only the page in
 * view), as JSON, CSV or SARIF. `query` undefined: not ready to export yet.
 */
export function ExportMenu({ query }: { query?: FindingExportQuery }) {
  const api = useApi(mcpeekerApiRef);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  async function exportAs(format: FindingExportFormat) {
    setAnchor(null);
    if (!query) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const { blob, filename } = await api.exportFindings(query, format);
      saveFile(blob, filename);
    } catch (error) {
      setProblem(`Export failed: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        aria-controls="findings-export-menu"
        aria-haspopup="true"
        startIcon={<GetAppIcon />}
        disabled={busy || !query}
        onClick={e => setAnchor(e.currentTarget)}
      >
        {busy ? 'Exporting…' : 'Export'}
      </Button>
      <Menu
        id="findings-export-menu"
        anchorEl={anchor}
        keepMounted={false}
        open={!!anchor}
        onClose={() => setAnchor(null)}
      >
        {FORMATS.map(f => (
          <MenuItem key={f.format} onClick={() => exportAs(f.format)}>
            <ListItemText primary={f.label} secondary={f.meaning} />
          </MenuItem>
        ))}
      </Menu>
      {problem && (
        <Typography color="error" role="alert" variant="body2">
          {problem}
        </Typography>
      )}
    </>
  );
}
