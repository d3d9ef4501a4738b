import type { CSSProperties, MouseEvent, ReactNode } from 'react';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import type { Classification } from '@mcpeeker/plugin-mcpeeker-common';
import { useNavigate } from 'react-router-dom';

/**
 * On the page for screen readers and tests, off the screen for the eye: the
 * numbers a chart draws, as a table (the usual "visually hidden" rules).
 */
export const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/**
 * The colours charts draw with, from the Backstage theme in use (light or
 * dark): a classification in the colour of its chip, axes and grid in the
 * theme's text and divider colours, tooltips on its paper.
 */
export function useChartColours() {
  const { palette } = useTheme();
  return {
    classification: {
      authorized: palette.success.main,
      suspect: palette.warning.main,
      unauthorized: palette.error.main,
    } satisfies Record<Classification, string>,
    axis: palette.text.secondary,
    grid: palette.divider,
    cursor: palette.action.hover,
    focus: palette.text.primary,
    tooltip: {
      contentStyle: {
        backgroundColor: palette.background.paper,
        borderColor: palette.divider,
        color: palette.text.primary,
      },
      labelStyle: { color: palette.text.primary },
      itemStyle: { color: palette.text.primary },
    },
  };
}

/** The axis ticks' style: small, in the theme's secondary text colour. */
export function tickStyle(colour: string) {
  return { fill: colour, fontSize: 12 };
}

/**
 * A link inside a chart's SVG: a real `<a href>` (hover shows where it
 * leads, a middle click opens a tab, the keyboard reaches it), followed
 * inside the app without reloading the page.
 */
export function SvgLink({
  href,
  label,
  children,
}: {
  href: string;
  label: string;
  children: ReactNode;
}) {
  const navigate = useNavigate();
  const follow = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a
      href={href}
      aria-label={label}
      onClick={follow}
      className="mcp-chart-link"
    >
      {children}
    </a>
  );
}

/**
 * A chart's links show keyboard focus with an outline in the text colour
 * (an SVG shape draws none of its own in every browser).
 */
export const useChartStyles = makeStyles(theme => ({
  chart: {
    '& .mcp-chart-link': { cursor: 'pointer', outline: 'none' },
    '& .mcp-chart-link:focus-visible > *': {
      stroke: theme.palette.text.primary,
      strokeWidth: 2,
    },
  },
}));

/** A count with its noun: "1 finding", "3 findings". */
export function findingsCount(count: number): string {
  return `${count.toLocaleString('en-US')} ${
    count === 1 ? 'finding' : 'findings'
  }`;
}
