import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import BlockIcon from '@material-ui/icons/Block';
import { judgedNotMcp, type Finding } from '@mcpeeker/plugin-mcpeeker-common';
import { useInfoBannerStyles } from './infoBannerStyles';
import { judgeName, percent } from './JudgePanel';

/**
 * Where a finding's class would be, for one judged not an MCP server
 * (`judgedNotMcp`): not "0 · authorized", which reads as approved.
 */
export function NotMcpChip() {
  return (
    <Chip
      size="small"
      variant="outlined"
      icon={<BlockIcon />}
      label="not an MCP server"
      title="The Judge says these gateway requests are no MCP server's: not counted among the MCP servers found"
    />
  );
}

/**
 * A finding the Judge judged not an MCP server, said plainly: who judged,
 * how sure, and why; that it is kept but not counted, and what would make
 * it count. Nothing for any other finding.
 */
export function NotMcpBanner({ finding }: { finding: Finding }) {
  const classes = useInfoBannerStyles();
  const judge = finding.signals.judge;
  if (!judgedNotMcp(finding) || !judge) return null;
  const who = judgeName(judge) ?? 'The Judge';
  return (
    <section className={classes.banner} aria-labelledby="not-mcp-heading">
      <Box display="flex" alignItems="center" gridGap={8} marginBottom={1}>
        <BlockIcon className={classes.icon} />
        <Typography variant="h6" component="h3" id="not-mcp-heading">
          Judged not an MCP server
        </Typography>
      </Box>
      <Typography variant="body2" paragraph>
        {who} judged the LLM-gateway requests behind it not to be an MCP
        server&apos;s ({percent(judge.confidence)} sure):
      </Typography>
      <Typography
        variant="body2"
        component="blockquote"
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
        paragraph
      >
        {judge.explanation}
      </Typography>
      <Typography variant="body2">
        Its requests are kept, but it is not one of the MCP servers found: the
        Findings list, the Dashboard and the catalog leave it out (the list
        shows it under &ldquo;Judged not MCP&rdquo;), and there is nothing to
        register. It counts as a server again if an agent or the network sees
        it, or the Judge says it is MCP with more confidence.
      </Typography>
    </section>
  );
}
