/**
 * Fault injection for the ARM emulator: throttling (429 + Retry-After), 5xx/4xx errors, added latency and dropped
 * connections, for a seeded fraction of the calls or for calls matching a path regex and method.
 * The same seed and the same request sequence give the same faults, so tests stay deterministic.
 */
import { z } from 'zod';

const Common = {
  /** regex (case-insensitive) tested against the decoded request path; default: every ARM path */
  path: z.string().optional(),
  /** HTTP method(s) the rule applies to; default: all */
  method: z.union([z.string(), z.array(z.string())]).optional(),
  /** share of matching calls that get the fault, 0..1, drawn from the seeded PRNG; default 1 (every call) */
  fraction: z.number().min(0).max(1).optional(),
  /** fire at most this many times, then stop; default: no limit (a permanent fault) */
  times: z.number().int().min(0).optional(),
};

const Throttle = z
  .object({ ...Common, fault: z.literal('throttle'), retryAfterSeconds: z.number().int().min(0).default(1) })
  .strict();
const ErrorFault = z
  .object({
    ...Common,
    fault: z.literal('error'),
    status: z.number().int().min(400).max(599),
    code: z.string().optional(),
    message: z.string().optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict();
const Latency = z.object({ ...Common, fault: z.literal('latency'), ms: z.number().int().min(0) }).strict();
const Drop = z.object({ ...Common, fault: z.literal('drop') }).strict();

export const FaultRuleSchema = z.discriminatedUnion('fault', [Throttle, ErrorFault, Latency, Drop]);
export const FaultConfigSchema = z
  .object({
    /** PRNG seed for `fraction` draws; default 1 */
    seed: z.number().int().default(1),
    /** latency added to every ARM call (ms) */
    latencyMs: z.number().int().min(0).default(0),
    rules: z.array(FaultRuleSchema).default([]),
  })
  .strict();

export type FaultRule = z.input<typeof FaultRuleSchema>;
export type FaultConfig = z.input<typeof FaultConfigSchema>;
type ParsedRule = z.output<typeof FaultRuleSchema>;

/** What to do with one request: wait `latencyMs`, then either answer normally or apply `action`. */
export interface FaultDecision {
  latencyMs: number;
  action?:
    { kind: 'drop' } | { kind: 'status'; status: number; code: string; message: string; retryAfterSeconds?: number };
  /** index of the rule that produced `action` */
  rule?: number;
}

/** mulberry32: tiny, fast, good enough for picking a deterministic fraction of calls. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_ERRORS: Record<number, [string, string]> = {
  400: ['BadRequest', 'Injected permanent failure (emulator fault rule).'],
  429: ['TooManyRequests', 'Number of requests exceeded the limit (emulator fault rule).'],
  500: ['InternalServerError', 'Encountered internal server error (emulator fault rule).'],
  502: ['BadGateway', 'Bad gateway (emulator fault rule).'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable (emulator fault rule).'],
  504: ['GatewayTimeout', 'The gateway did not receive a response in time (emulator fault rule).'],
};

export class FaultEngine {
  private config = FaultConfigSchema.parse({});
  private regexes: (RegExp | undefined)[] = [];
  private fired: number[] = [];
  private random = mulberry32(1);

  constructor(config?: FaultConfig) {
    if (config) this.set(config);
  }

  /** Replace the whole configuration and reseed the PRNG. Throws a ZodError on a malformed config. */
  set(config: FaultConfig): void {
    this.config = FaultConfigSchema.parse(config);
    this.regexes = this.config.rules.map((r) => (r.path ? new RegExp(r.path, 'i') : undefined));
    this.fired = this.config.rules.map(() => 0);
    this.random = mulberry32(this.config.seed);
  }

  get(): z.output<typeof FaultConfigSchema> & { fired: number[] } {
    return { ...this.config, fired: [...this.fired] };
  }

  /**
   * Rules are checked in order. Every matching latency rule adds its delay; the first matching throttle/error/drop
   * rule decides the answer. A rule with `fraction < 1` draws one number per matching call.
   */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: this.config.latencyMs };
    this.config.rules.forEach((rule: ParsedRule, i) => {
      if (decision.action && rule.fault !== 'latency') return;
      if (!this.matches(rule, i, method, path)) return;
      if (rule.fraction !== undefined && rule.fraction < 1 && this.random() >= rule.fraction) return;
      this.fired[i]++;
      switch (rule.fault) {
        case 'latency':
          decision.latencyMs += rule.ms;
          return;
        case 'drop':
          decision.action = { kind: 'drop' };
          break;
        case 'throttle':
          decision.action = {
            kind: 'status',
            status: 429,
            code: DEFAULT_ERRORS[429][0],
            message: DEFAULT_ERRORS[429][1],
            retryAfterSeconds: rule.retryAfterSeconds,
          };
          break;
        case 'error': {
          const [code, message] = DEFAULT_ERRORS[rule.status] ?? [
            'InjectedFault',
            `Injected HTTP ${rule.status} (emulator fault rule).`,
          ];
          decision.action = {
            kind: 'status',
            status: rule.status,
            code: rule.code ?? code,
            message: rule.message ?? message,
            retryAfterSeconds: rule.retryAfterSeconds,
          };
          break;
        }
      }
      decision.rule = i;
    });
    return decision;
  }

  private matches(rule: ParsedRule, i: number, method: string, path: string): boolean {
    if (rule.times !== undefined && this.fired[i] >= rule.times) return false;
    if (rule.method !== undefined) {
      const methods = (Array.isArray(rule.method) ? rule.method : [rule.method]).map((m) => m.toUpperCase());
      if (!methods.includes(method.toUpperCase())) return false;
    }
    const re = this.regexes[i];
    return !re || re.test(path);
  }
}
