/***/
/**
 * The mcpeeker backend module for the catalog plugin.
 *
 * @packageDocumentation
 */

export { catalogModuleMcpeeker as default } from './module';
