// The main flows on an authority's host: proposals, assessments, consultation results.
import type { components, operations } from "../generated/authority";
import { ApiClient, type Body, type Ok, type Query } from "./client";

type Schemas = components["schemas"];
type Proposal = Schemas["Proposal"];
type ProposalStatus = Schemas["ProposalStatusEnum"];
type Verdict = Schemas["VerdictEnum"];

export async function listDraftProposals(api: ApiClient): Promise<string[]> {
  const query: Query<operations["listProposals"]> = { status: ["draft"], page_size: 50 };
  const page = await api.send<operations["listProposals"]>({
    method: "GET",
    path: "/api/v1/proposals",
    query,
  });
  const count: number = page.count;
  const next: string | null = page.next;
  console.log(count, next);
  return page.results.map((proposal: Proposal) => `${proposal.reference}: ${proposal.title}`);
}

/** A people picker: the members list gives the user id that owner/facilitator take. */
export async function pickOwner(api: ApiClient, email: string): Promise<number | undefined> {
  const page = await api.send<operations["listMembers"]>({ method: "GET", path: "/api/v1/members" });
  const member = page.results.find((m) => m.email === email);
  const userId: number | undefined = member?.user_id;
  const label: string | undefined = member?.full_name;
  console.log(label);
  return userId;
}

export async function createAndMoveProposal(api: ApiClient, owner: number): Promise<ProposalStatus> {
  const body: Body<operations["createProposal"]> = {
    title: "Share school attendance with early help",
    summary: "Children missing school are offered early help.",
    purpose: "Offer support before problems escalate.",
    service_areas: ["education", "social_care"],
    legal_gateway: "public_task",
    direction: "two_way",
    frequency: "regular",
    owner,
  };
  const created = await api.send<operations["createProposal"]>({
    method: "POST",
    path: "/api/v1/proposals",
    body,
  });
  const moves: string[] = created.allowed_transitions;
  console.log(moves);
  const submitted = await api.send<operations["submitProposal"]>({
    method: "POST",
    path: `/api/v1/proposals/${created.id}/submit`,
  });
  const history = await api.send<operations["listProposalTransitions"]>({
    method: "GET",
    path: `/api/v1/proposals/${created.id}/transitions`,
  });
  console.log(history.length);
  return submitted.status;
}

export async function answerAndSubmitAssessment(
  api: ApiClient,
  proposal: number,
): Promise<Verdict | null> {
  const create: Body<operations["createAssessment"]> = { proposal };
  const assessment = await api.send<operations["createAssessment"]>({
    method: "POST",
    path: "/api/v1/assessments",
    body: create,
  });
  const answers: Body<operations["saveAssessmentAnswers"]> = {
    answers: [
      { question: "purposeful.need", value: 4, evidence: "Needs analysis, 2025" },
      { question: "responsible.dpia", value: true, link: "https://example.org/dpia" },
    ],
  };
  await api.send<operations["saveAssessmentAnswers"]>({
    method: "POST",
    path: `/api/v1/assessments/${assessment.id}/answers`,
    body: answers,
  });
  const submitted = await api.send<operations["submitAssessment"]>({
    method: "POST",
    path: `/api/v1/assessments/${assessment.id}/submit`,
  });
  // Verdicts are null until submitted; once there, they are typed all the way down.
  const overall: Verdict | null | undefined = submitted.verdicts?.overall;
  return overall ?? null;
}

export async function publicOfficerGap(api: ApiClient, consultation: number): Promise<string[]> {
  const results = await api.send<operations["getConsultationResults"]>({
    method: "GET",
    path: `/api/v1/consultations/${consultation}/results`,
  });
  const lines: string[] = [];
  for (const test of ["purposeful", "proportionate", "responsible"] as const) {
    const gap = results.public_officer_gap[test];
    const verdict: Verdict | null = gap.officer_verdict;
    const difference: number | null = gap.gap;
    const agreeShare: number | null = results.agreement[test].agree_share;
    lines.push(`${test}: officers ${verdict ?? "-"}, public ${agreeShare}, gap ${difference}`);
  }
  const acceptable: number | null = results.acceptability_shares.acceptable;
  const veryUnacceptable: number = results.acceptability_distribution.very_unacceptable;
  lines.push(`acceptable ${acceptable}, very unacceptable ${veryUnacceptable}`);
  return lines;
}

export async function ownBenchmarks(api: ApiClient): Promise<Ok<operations["getOwnBenchmark"]>> {
  return api.send<operations["getOwnBenchmark"]>({ method: "GET", path: "/api/v1/benchmarks" });
}

export async function proposalsCsv(api: ApiClient): Promise<string> {
  return api.text("/api/v1/proposals/export", "text/csv");
}
