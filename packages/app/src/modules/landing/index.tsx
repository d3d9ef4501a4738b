import {
  createFrontendModule,
  NotFoundErrorPage,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Navigate, useLocation } from 'react-router-dom';

/** `/` opens MCPeeker; any other unknown path is still a not-found page. */
function Landing() {
  const { pathname } = useLocation();
  return pathname === '/' ? (
    <Navigate to="/mcpeeker" replace />
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
