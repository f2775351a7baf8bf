// The coordinating charity on the programme host: the benchmark table.
import type { components, operations } from "../generated/programme";
import { ApiClient, type Query } from "./client";

type AuthorityFigures = components["schemas"]["AuthorityFigures"];

export async function benchmarkTable(api: ApiClient): Promise<string[]> {
  const query: Query<operations["listBenchmarkAuthorities"]> = { period: "all", page: 1 };
  const page = await api.send<operations["listBenchmarkAuthorities"]>({
    method: "GET",
    path: "/api/v1/benchmarks/authorities",
    query,
  });
  return page.results.map((row: AuthorityFigures) => {
    const rate: number | null | undefined = row.figures.response_rate;
    const why: string | undefined = row.suppressed.response_rate?.detail;
    return `${row.name} (${row.ref}): ${rate ?? why ?? "n/a"}`;
  });
}

export async function distributionChart(api: ApiClient): Promise<string> {
  return api.text("/api/v1/benchmarks/charts/distribution.svg?figure=response_rate", "image/svg+xml");
}

export async function onboard(api: ApiClient): Promise<string> {
  const result = await api.send<operations["createAuthority"]>({
    method: "POST",
    path: "/api/v1/authorities",
    body: { slug: "newtown", name: "Newtown Council", kind: "district", nation: "england", admin_email: "admin@newtown.example" },
  });
  return result.authority.status;
}
