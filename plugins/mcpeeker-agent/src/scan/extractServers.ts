import type { Extractor } from './clientTable';
import { crushrcServers } from './dialects/crush';
import { DockerCatalog, dockerToolkitServers } from './dialects/dockerToolkit';
import { eclipseCopilotServers } from './dialects/eclipse';
import { jetbrainsServers } from './dialects/jetbrains';
import type { CrushrcDocument } from './formats/crushrc';
import type { PropertiesDocument } from './formats/properties';
import type { XmlElement } from './formats/xml';
import {
  DeclaredServer,
  dotted,
  EntryProblem,
  fromDotted,
  fromNamedList,
  fromNamedObject,
  isObject,
  normalizeEntry,
  Obj,
} from './normalizeEntry';

export type { DeclaredServer, EntryProblem } from './normalizeEntry';
export { isProblem } from './normalizeEntry';

/** What some extractors need besides the document. */
export interface ExtractContext {
  /** The file's name (`singleServer`: the server is named after it). */
  fileName?: string;
  /** `dockerToolkit`: the toolkit's catalogs. */
  dockerCatalog?: DockerCatalog;
}

/** Warp's keys, in the order it looks for them. */
const WARP_KEYS = ['mcpServers', 'mcp_servers', 'servers', 'mcp.servers'];

/** A file that is the map of servers itself: its members that are objects. */
function flatMap(doc: Obj, urlTransport: 'http' | 'sse' | undefined) {
  return Object.entries(doc)
    .filter(([, entry]) => isObject(entry))
    .map(([name, entry]) => normalizeEntry(name, entry, urlTransport, [name]));
}

/**
 * Finds the server entries in a parsed config document. Returns entries and
 * per-entry problems; never throws on odd shapes.
 */
export function extractServers(
  doc: unknown,
  extractor: Extractor,
  urlTransport?: 'http' | 'sse',
  context: ExtractContext = {},
): Array<DeclaredServer | EntryProblem> {
  if (extractor === 'jetbrainsXml' && Array.isArray(doc))
    return jetbrainsServers(doc as XmlElement[]);
  if (!isObject(doc)) {
    return doc === null || doc === undefined
      ? []
      : [{ serverName: '*', message: 'the file is not an object' }];
  }
  switch (extractor) {
    case 'mcpServers':
      return fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers']);
    case 'servers':
      return fromNamedObject(doc.servers, urlTransport, ['servers']);
    case 'serversOrMcpServers':
      return [
        ...fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers']),
        ...fromNamedObject(doc.servers, urlTransport, ['servers']),
      ];
    case 'context_servers':
      return fromNamedObject(doc.context_servers, urlTransport, [
        'context_servers',
      ]);
    case 'mcp_servers':
      return fromNamedObject(doc.mcp_servers, urlTransport, ['mcp_servers']);
    case 'vscodeSettings':
      return [
        ...fromDotted(doc, 'mcp.servers', urlTransport),
        ...fromNamedObject(doc['amp.mcpServers'], urlTransport, [
          'amp.mcpServers',
        ]),
      ];
    case 'ampSettings':
      return fromNamedObject(doc['amp.mcpServers'], urlTransport, [
        'amp.mcpServers',
      ]);
    case 'codySettings':
      return fromDotted(doc, 'cody.mcpServers', urlTransport);
    case 'devcontainer':
      return fromDotted(doc, 'customizations.vscode.mcp.servers', urlTransport);
    case 'claudeCodeUser': {
      const found = fromNamedObject(doc.mcpServers, urlTransport, [
        'mcpServers',
      ]);
      if (isObject(doc.projects)) {
        for (const [projectPath, project] of Object.entries(doc.projects)) {
          if (isObject(project)) {
            for (const item of fromNamedObject(
              project.mcpServers,
              urlTransport,
              ['projects', projectPath, 'mcpServers'],
            )) {
              found.push('transport' in item ? { ...item, projectPath } : item);
            }
          }
        }
      }
      return found;
    }
    case 'mcp':
      return fromNamedObject(doc.mcp, urlTransport, ['mcp']);
    case 'goose':
      return fromNamedObject(doc.extensions, urlTransport, [
        'extensions',
      ]).filter(item => !('notAServer' in item));
    case 'continue':
      return fromNamedList(doc.mcpServers, urlTransport, ['mcpServers']);
    case 'warp': {
      for (const key of WARP_KEYS) {
        const { value, path } = dotted(doc, key);
        if (value !== undefined)
          return fromNamedObject(value, urlTransport, path);
      }
      return flatMap(doc, urlTransport);
    }
    case 'mcpServersOrFlat':
      return 'mcpServers' in doc
        ? fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers'])
        : flatMap(doc, urlTransport);
    case 'mcphub':
      return 'servers' in doc
        ? fromNamedObject(doc.servers, urlTransport, ['servers'])
        : fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers']);
    case 'singleServer': {
      const name = (context.fileName ?? 'server').replace(/\.[^.]*$/, '');
      return [normalizeEntry(name, doc, urlTransport, [])];
    }
    case 'mcpServersOrList':
      return Array.isArray(doc.mcpServers)
        ? fromNamedList(doc.mcpServers, urlTransport, ['mcpServers'])
        : fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers']);
    case 'augmentVscode': {
      const { value, path } = dotted(doc, 'augment.advanced.mcpServers');
      return Array.isArray(value)
        ? fromNamedList(value, urlTransport, path)
        : fromNamedObject(value, urlTransport, path);
    }
    case 'fiveire':
      return Array.isArray(doc.servers) && doc.mcpServers === undefined
        ? fromNamedList(doc.servers, urlTransport, ['servers'])
        : fromNamedObject(doc.mcpServers, urlTransport, ['mcpServers']);
    case 'eclipseCopilot':
      return Array.isArray(doc.properties)
        ? eclipseCopilotServers(doc as unknown as PropertiesDocument)
        : [];
    case 'crushrc':
      return Array.isArray(doc.commands)
        ? crushrcServers(doc as unknown as CrushrcDocument)
        : [];
    case 'dockerToolkit':
      return dockerToolkitServers(doc, context.dockerCatalog ?? new Map());
    default:
      return [];
  }
}
