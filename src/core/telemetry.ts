/** What the core reports for operations; implemented by the Prometheus adapter. */
export interface TurnReport {
  channel: string;
  /** What the assistant did: answer, slot_prompt, fallback, escalation … */
  outcome: string;
  intent: string;
  parseMs: number;
}

export interface Telemetry {
  turn(report: TurnReport): void;
  escalation(reason: string, priority: string): void;
  /** A WeChat reply that missed the passive-reply deadline. */
  deadlineMiss(channel: string): void;
}

export const noTelemetry: Telemetry = { turn() {}, escalation() {}, deadlineMiss() {} };
