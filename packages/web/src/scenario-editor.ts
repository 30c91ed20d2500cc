/**
 * The scenario editor: CodeMirror 6 with YAML highlighting, completion from the JSON Schema,
 * and inline diagnostics from lbsim's own loader (run in the worker), each message the line
 * `lbsim validate` prints. Tab is left to move the focus, so a keyboard user is never trapped
 * in the editor; Enter keeps the indentation and Ctrl-] / Ctrl-[ indent and outdent.
 */
import { yaml, yamlLanguage } from '@codemirror/lang-yaml';
import { indentUnit } from '@codemirror/language';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { basicSetup, EditorView } from 'codemirror';
import type { SchemaNode } from './schema-at-path.ts';
import { schemaCompletionSource } from './schema-completion.ts';
import type { DiagnosticView } from './worker-protocol.ts';

/** What the editor asks of the page. */
export interface EditorHooks {
  /** The diagnostics of `text` (from the worker). */
  readonly validate: (text: string) => Promise<readonly DiagnosticView[]>;
  /** Called with the diagnostics after each check, for the list under the editor. */
  readonly onDiagnostics: (diagnostics: readonly DiagnosticView[]) => void;
  /** Called when the text changes. */
  readonly onChange: () => void;
}

/** A diagnostic placed in the document: its line and column, to the end of the word there. */
function placeDiagnostic(doc: Text, view: DiagnosticView): Diagnostic {
  const lineNumber = Math.min(Math.max(view.line ?? 1, 1), doc.lines);
  const line = doc.line(lineNumber);
  const from = Math.min(line.from + Math.max((view.column ?? 1) - 1, 0), line.to);
  const word = /^[^\s:,]+/.exec(doc.sliceString(from, line.to))?.[0] ?? '';
  return {
    from,
    to: from + Math.max(word.length, from < line.to ? 1 : 0),
    severity: view.severity,
    message: view.text,
  };
}

/** Creates the editor in `parent` holding `text`; `label` names it for screen readers. */
export function createScenarioEditor(
  parent: HTMLElement,
  text: string,
  schema: SchemaNode,
  label: string,
  hooks: EditorHooks,
): EditorView {
  const lint = linter(
    async (view) => {
      const diagnostics = await hooks.validate(view.state.doc.toString());
      hooks.onDiagnostics(diagnostics);
      return diagnostics.map((diagnostic) => placeDiagnostic(view.state.doc, diagnostic));
    },
    { delay: 400 },
  );
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        indentUnit.of('  '),
        yaml(),
        yamlLanguage.data.of({ autocomplete: schemaCompletionSource(schema) }),
        lint,
        lintGutter(),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) hooks.onChange();
        }),
      ],
    }),
  });
}

/** Replaces the editor's whole text. */
export function replaceText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}
