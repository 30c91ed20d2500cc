/**
 * What `pnpm build:web` embeds in the page's script (scripts/build-web.ts): the worker's
 * bundled code, the catalogue's scenarios and the exported JSON Schema. Embedded rather than
 * fetched, because a page opened from file:// may not fetch files beside it in Chromium.
 */

declare module 'lbsim:worker-source' {
  /** The simulation worker (worker.ts) bundled as a classic script. */
  const source: string;
  export default source;
}

declare module 'lbsim:catalogue' {
  /** One catalogue file, as `lbsim list` finds it under scenarios/. */
  export interface EmbeddedScenario {
    /** `scenarios/<id>/<variant>.yaml` or `scenarios/<name>.yaml`. */
    readonly file: string;
    /** The failure mode's folder (`mux-failure`), or the file's name for a top-level demo. */
    readonly id: string;
    /** `broken`, `fixed`, `broken-<what>`, …; empty for a top-level demo. */
    readonly variant: string;
    /** The file's text. */
    readonly text: string;
  }
  const catalogue: readonly EmbeddedScenario[];
  export default catalogue;
}

declare module 'lbsim:schema' {
  import type { SchemaNode } from './schema-at-path.ts';

  /** schema/scenario.schema.json. */
  const schema: SchemaNode;
  export default schema;
}
