// A minimal backend with only the MCPeeker plugin, for working on it alone:
//   yarn workspace @mcpeeker/plugin-mcpeeker-backend start
//   curl http://localhost:7007/api/mcpeeker/health
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
