/**
 * Download links for a run's outputs: the JSON lines and each capture, as Blob URLs with the
 * `download` attribute, which work from file:// and any server with nothing sent anywhere.
 * The previous run's URLs are released when new ones are made.
 */
import type { RunOutputs } from './worker-protocol.ts';

/** A file to offer: its name, its bytes or text, and its media type. */
interface Offered {
  readonly name: string;
  readonly body: BlobPart;
  readonly type: string;
  readonly what: string;
}

let previous: string[] = [];

/** Fills `list` with one link per output of the run; `stem` starts the JSON file's name. */
export function showDownloads(list: HTMLElement, outputs: RunOutputs, stem: string): void {
  for (const url of previous) URL.revokeObjectURL(url);
  previous = [];
  const offered: Offered[] = [
    {
      name: `${stem}-seed-${outputs.seed}.jsonl`,
      body: outputs.json,
      type: 'application/x-ndjson',
      what: 'the trace and summary as JSON lines (lbsim run --json)',
    },
    ...[...outputs.captures]
      .sort((a, b) => (a.name.startsWith('_') ? -1 : b.name.startsWith('_') ? 1 : 0))
      .map((capture) => ({
        name: capture.name,
        body: capture.bytes as BlobPart,
        type: 'application/octet-stream',
        what: capture.name.startsWith('_') ? 'every vantage point in one capture' : 'one vantage point',
      })),
  ];
  list.replaceChildren(
    ...offered.map((file) => {
      const url = URL.createObjectURL(new Blob([file.body], { type: file.type }));
      previous.push(url);
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = url;
      link.download = file.name;
      link.textContent = file.name;
      item.append(link, ` — ${file.what}`);
      return item;
    }),
  );
}
