import { ApiError, notFound } from "./api-error.js";
import { decodeParams, type ApiCall, type ApiResponse } from "./call-log.js";
import type { FaultPlan } from "./faults.js";
import { canonicalMethod, METHODS } from "./methods/index.js";
import { Params } from "./params.js";
import type { RawParams } from "./request-body.js";
import { Described, type FakeState } from "./state.js";

export type Outcome = { kind: "answer"; status: number; body: ApiResponse } | { kind: "drop" };

/** Runs one Bot API call: injected faults first, then the method; every call lands in the log. */
export class BotApi {
  readonly calls: ApiCall[] = [];

  constructor(
    private readonly state: FakeState,
    private readonly faults: FaultPlan,
  ) {}

  async call(
    requested: string,
    readParams: () => RawParams,
    abort: AbortSignal,
    via: ApiCall["via"] = "http",
  ): Promise<Outcome> {
    const at = this.state.now();
    const method = canonicalMethod(requested);
    if (method === undefined) {
      const outcome = answerError(notFound());
      this.record({ method: requested, params: {}, at, via, outcome });
      return outcome;
    }
    let raw: RawParams = {};
    let outcome: Outcome;
    try {
      raw = readParams();
      const fault = this.faults.take(method);
      if (fault?.kind === "drop") outcome = fault;
      else if (fault?.kind === "error") outcome = answerError(fault.error);
      else outcome = answerResult(await (METHODS[method] as NonNullable<(typeof METHODS)[string]>)({
        state: this.state,
        params: new Params(raw),
        abort,
      }));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      outcome = answerError(error);
    }
    this.record({ method, params: decodeParams(raw), at, via, outcome });
    return outcome;
  }

  private record({ method, params, at, via, outcome }: { method: string; params: Record<string, unknown>; at: number; via: ApiCall["via"]; outcome: Outcome }): void {
    const call: ApiCall =
      outcome.kind === "drop"
        ? { seq: this.calls.length, method, params, at, status: 0, dropped: true, via }
        : { seq: this.calls.length, method, params, at, status: outcome.status, response: outcome.body, dropped: false, via };
    this.calls.push(call);
    this.state.signal.notify();
  }
}

function answerResult(value: unknown): Outcome {
  if (value instanceof Described) {
    return { kind: "answer", status: 200, body: { ok: true, result: value.result, description: value.description } };
  }
  return { kind: "answer", status: 200, body: { ok: true, result: value } };
}

function answerError(error: ApiError): Outcome {
  return { kind: "answer", status: error.errorCode, body: error.toJSON() as ApiResponse };
}
