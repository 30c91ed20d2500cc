/**
 * The page's end of the simulation worker: starts it from the embedded script through a Blob
 * URL (Chromium refuses workers loaded from file:// URLs, and module workers from pages with
 * an opaque origin), sends requests and routes each answer to its request's handler. Stopping
 * terminates the worker and starts a fresh one: a run is one synchronous loop that no message
 * can interrupt.
 */
import type { WorkerRequest, WorkerResponse } from './worker-protocol.ts';

/** A request without its id (the client numbers them). */
export type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A simulation worker that can be stopped and restarted. */
export class SimulationWorker {
  private worker: Worker;
  private nextId = 1;
  private readonly handlers = new Map<number, (message: WorkerResponse) => void>();
  private readonly url: string;

  /** @param source the worker's script (classic, not a module) */
  constructor(source: string) {
    this.url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    this.worker = this.start();
  }

  /**
   * Sends `body`; `onMessage` gets every answer to it (progress, results) until `done` says it
   * was the last. Returns the request's id.
   */
  send(body: RequestBody, onMessage: (message: WorkerResponse) => boolean): number {
    const id = this.nextId++;
    this.handlers.set(id, (message) => {
      if (onMessage(message)) this.handlers.delete(id);
    });
    this.worker.postMessage({ ...body, id } as WorkerRequest);
    return id;
  }

  /** Ends whatever runs now; its handlers get a `failed` answer saying it was stopped. */
  stop(): void {
    this.worker.terminate();
    const pending = [...this.handlers];
    this.handlers.clear();
    this.worker = this.start();
    for (const [id, handler] of pending) handler({ id, kind: 'failed', message: 'stopped' });
  }

  /** Ends the worker for good and releases its script's URL. */
  close(): void {
    this.worker.terminate();
    this.handlers.clear();
    URL.revokeObjectURL(this.url);
  }

  private start(): Worker {
    const worker = new Worker(this.url);
    worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.handlers.get(event.data.id)?.(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      const pending = [...this.handlers];
      this.handlers.clear();
      for (const [id, handler] of pending) handler({ id, kind: 'failed', message: `lbsim: ${event.message}` });
    };
    return worker;
  }
}
