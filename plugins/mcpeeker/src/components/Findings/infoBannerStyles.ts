import { makeStyles } from '@material-ui/core/styles';

/** The finding page's informational banners (suppressed, no longer reported): one look. */
export const useInfoBannerStyles = makeStyles(theme => ({
  banner: {
    border: `1px solid ${theme.palette.info?.main ?? '#1e88e5'}`,
    borderLeftWidth: 6,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(2),
  },
  icon: { color: theme.palette.info?.main ?? '#1e88e5' },
}));
