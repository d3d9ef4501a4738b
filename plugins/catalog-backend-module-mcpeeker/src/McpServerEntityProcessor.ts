import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  isMcpServerEntity,
  McpServerSpec,
  mcpServerEntityProblems,
} from '@mcpeeker/plugin-mcpeeker-common';

/**
 * Accepts `mcpeeker.io/v1alpha1` `MCPServer` entities, whether MCPeeker's
 * provider emitted them or a team declared theirs in catalog-info.yaml;
 * rejects a bad spec naming the field; emits ownedBy/ownerOf and
 * partOf/hasPart (system or component).
 */
export class McpServerEntityProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'McpServerEntityProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (!isMcpServerEntity(entity)) return false;
    const problems = mcpServerEntityProblems(entity);
    if (problems.length > 0) {
      throw new Error(
        `Invalid MCPServer ${entity.metadata.namespace ?? 'default'}/${
          entity.metadata.name
        }: ${problems.join('; ')}`,
      );
    }
    return true;
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (!isMcpServerEntity(entity)) return entity;
    const spec = entity.spec as McpServerSpec;
    const self = getCompoundEntityRef(entity);
    const namespace = entity.metadata.namespace ?? 'default';
    const relate = (
      targetRef: string,
      defaultKind: string,
      forward: string,
      backward: string,
    ) => {
      const target = parseEntityRef(targetRef, {
        defaultKind,
        defaultNamespace: namespace,
      });
      emit(processingResult.relation({ source: self, type: forward, target }));
      emit(
        processingResult.relation({
          source: target,
          type: backward,
          target: self,
        }),
      );
    };
    relate(spec.owner, 'Group', RELATION_OWNED_BY, RELATION_OWNER_OF);
    if (spec.system)
      relate(spec.system, 'System', RELATION_PART_OF, RELATION_HAS_PART);
    if (spec.component)
      relate(spec.component, 'Component', RELATION_PART_OF, RELATION_HAS_PART);
    return entity;
  }
}
