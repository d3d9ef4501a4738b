import {
  createFrontendModule,
  NotFoundErrorPage,
  PageBlueprint,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import mcpeekerPlugin from '@mcpeeker/plugin-mcpeeker';
import { Navigate, useLocation } from 'react-router-dom';

/** `/` opens MCPeeker; any other unknown path is still a not-found page. */
function Landing() {
  const { pathname } = useLocation();
  const mcpeeker = useRouteRef(mcpeekerPlugin.routes.root);
  return pathname === '/' && mcpeeker ? (
    <Navigate to={mcpeeker()} replace />
  ) : (
    <NotFoundErrorPage />
  );
}

export const landingModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    PageBlueprint.make({
      name: 'landing',
      params: { path: '/', loader: async () => <Landing /> },
    }),
  ],
});
