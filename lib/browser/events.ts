/**
 * App events for scripts and end-to-end tests: each is recorded in window.__metacurateEvents and
 * dispatched as a "metacurate" CustomEvent, after the state it reports has been committed.
 */
export interface AppEvent {
  type: string;
  [key: string]: unknown;
}

declare global {
  interface Window {
    __metacurateEvents?: AppEvent[];
  }
}

export function emit(event: AppEvent): void {
  if (typeof window === "undefined") return;
  (window.__metacurateEvents ??= []).push({ ...event, at: performance.now() });
  window.dispatchEvent(new CustomEvent("metacurate", { detail: event }));
}
