import type { PropertiesDocument } from '../formats/properties';
import {
  DeclaredServer,
  EntryProblem,
  fromNamedObject,
  isObject,
} from '../normalizeEntry';
import { parseConfigText } from '../readConfigFile';

/** The preference of Copilot for Eclipse's UI bundle that holds its MCP configuration, as JSON text. */
const MCP_PREFERENCE = 'mcp';

/** Copilot for Eclipse: the `servers` of the JSON in the `mcp` preference. */
export function eclipseCopilotServers(
  doc: PropertiesDocument,
): Array<DeclaredServer | EntryProblem> {
  const preference = doc.properties.find(p => p.key === MCP_PREFERENCE);
  if (!preference || preference.value.trim() === '') return [];
  let value: unknown;
  try {
    value = parseConfigText(preference.value, 'json');
  } catch (error) {
    return [
      {
        serverName: '*',
        message: `preference '${MCP_PREFERENCE}' is not JSON: ${
          (error as Error).message
        }`,
      },
    ];
  }
  if (!isObject(value)) return [];
  return fromNamedObject(value.servers, undefined, ['servers']).map(item =>
    'message' in item ? item : { ...item, textOffset: preference.offset },
  );
}
