import Chip from '@material-ui/core/Chip';
import type { RiskSeverity } from '@mcpeeker/plugin-mcpeeker-common';

/** A risk's severity: high stands out, low is quiet. */
export function RiskSeverityChip({
  severity,
  title,
}: {
  severity: RiskSeverity;
  /** What the chip stands for, when a list shows it without a heading. */
  title?: string;
}) {
  return (
    <Chip
      size="small"
      label={severity}
      title={title}
      variant={severity === 'low' ? 'outlined' : 'default'}
      color={severity === 'high' ? 'secondary' : 'default'}
      style={{ marginRight: 8 }}
    />
  );
}
