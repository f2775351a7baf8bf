// No account: the transparency register, as a resident-facing app reads it.
import type { components, operations } from "../generated/public";
import { ApiClient } from "./client";

type Verdict = components["schemas"]["VerdictEnum"];

export async function registerVerdicts(api: ApiClient): Promise<string[]> {
  const page = await api.send<operations["listRegisterEntries"]>({
    method: "GET",
    path: "/api/v1/public/register",
    query: { outcome: "approved" },
  });
  return page.results.map((entry) => {
    const overall: Verdict | undefined = entry.verdicts?.overall;
    const purposeful: Verdict | undefined = entry.verdicts?.tests.purposeful;
    const consulted = entry.consultation_summary?.consultations ?? [];
    const shares = consulted.map((c) => `${c.method}: ${c.agreement.purposeful ?? "withheld"}`);
    return `${entry.reference} ${entry.authority.name}: ${overall ?? "not assessed"} / ${purposeful} ${shares.join(", ")}`;
  });
}
