import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 28, height: 28, flexShrink: 0 },
});

/** MCPeeker's mark: a lens over a plug (an MCP server, found). */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 32 32"
      role="img"
      aria-label="MCPeeker"
    >
      <circle
        cx="13"
        cy="13"
        r="9"
        fill="none"
        stroke="#7df3e1"
        strokeWidth="3"
      />
      <path
        d="M19.5 19.5 L28 28"
        stroke="#7df3e1"
        strokeWidth="3.5"
        strokeLinecap="round"
      />
      <path
        d="M10 9 v3 M16 9 v3 M8.5 12 h9 v2 a4.5 4.5 0 0 1 -9 0 z M13 18.5 v2"
        stroke="#7df3e1"
        strokeWidth="1.6"
        fill="none"
        strokeLinecap="round"
      />
    </svg>
  );
};
