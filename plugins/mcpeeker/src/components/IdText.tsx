import { CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';

/**
 * An id or a hash as people compare and copy it: monospace, on one line,
 * never broken mid-string (as the theme lets table cells do), the whole id
 * in its title and a button that copies all of it.
 *
 * On its own line (a table cell, a card's row) it fills the width it is
 * given and ends in an ellipsis where that is too narrow; the text takes no
 * width of its own when a table sizes its columns (`width: 0`, then it grows
 * up to its length), so a 64-character hash never widens a card. In a
 * sentence, `shown` cuts it to so many characters and an ellipsis.
 */
export function IdText({
  id,
  label,
  shown,
}: {
  id: string;
  /** What it is, for the copy button's name: "Copy the host id". */
  label: string;
  /** Inline, at most this many characters and an ellipsis. */
  shown?: number;
}) {
  const inline = shown !== undefined;
  const text = inline && id.length > shown ? `${id.slice(0, shown)}…` : id;
  return (
    <Box
      component="span"
      display={inline ? 'inline-flex' : 'flex'}
      alignItems="center"
      maxWidth="100%"
      style={
        inline
          ? { verticalAlign: 'middle' }
          : // In a row of its own, it takes the room left.
            { flex: '1 1 auto', minWidth: 0 }
      }
      data-testid="id-text"
    >
      <Box
        component="code"
        title={id}
        style={{
          fontFamily: 'monospace',
          whiteSpace: 'nowrap',
          overflow: 'hidden',
          // Room below the baseline: the clipping box otherwise cuts off an
          // underscore (`mcp_f79f…` read as `mcp f79f…`).
          lineHeight: 1.6,
          paddingBottom: '0.15em',
          textOverflow: 'ellipsis',
          ...(inline
            ? {}
            : {
                width: 0,
                flex: '1 1 auto',
                maxWidth: 'fit-content',
                minWidth: '6ch',
              }),
        }}
      >
        {text}
      </Box>
      <CopyTextButton
        text={id}
        aria-label={`Copy the ${label}`}
        tooltipText={`Copied the ${label}`}
        // Beside the id, not louder than it.
        variant="tertiary"
      />
    </Box>
  );
}
