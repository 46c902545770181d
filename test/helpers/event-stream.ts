/** Reading the staff console's live updates (server-sent events) the way a browser's EventSource would. */

/** One `data:` line's JSON: a handoff event, a ticket event or a queue nudge (src/staff/events.ts, desk.ts). */
export interface LiveEvent {
  type: string;
  handoffId?: string;
  ticket?: string;
  change?: string;
  department?: string | null;
  from?: string | null;
  by?: { id: string; name: string };
}

/** Reads a server-sent event stream, collecting each `data:` line's JSON with the time it arrived. */
export async function eventStream(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
  const events: Array<{ at: number; event: LiveEvent }> = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const reading = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split('\n'))
            if (line.startsWith('data: ')) events.push({ at: performance.now(), event: JSON.parse(line.slice(6)) });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}
