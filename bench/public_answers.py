"""N concurrent public answers against a running server (the dev runner's gunicorn).

    PORT=8108 DEV_REDIS_PORT=6508 DEV_DATA_DIR=.local/dev \\
        CONSULTATION_ADDRESS_THROTTLE_RATE=100000/min python3 deploy/dev.py run
    DEV_DATA_DIR=.local/dev python3 deploy/dev.py bench bench/public_answers.py --port 8108

Sets up, through the services, an open online survey in the ``demo`` authority with N
invited residents, then releases N threads at once (a barrier), each sending its
resident's answer (``PUT /api/v1/public/invitations/<token>/response``) on its own
connection. Prints the error count (anything but 200, or no answer within the
timeout), throughput and latency percentiles, and exits 1 on any error.

Every request goes to 127.0.0.1; the run is bounded by N and the timeout. All answers
come from one address, so the runner must be started with a per-address limit above N
(residents do not share one address; the per-token limit still applies).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from datetime import timedelta


def prepare(count: int) -> list[str]:
    """An open survey in ``demo`` with ``count`` invited residents; their tokens."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.utils import timezone

    from backend.consultations.services import (
        consultation_create,
        consultation_open,
        participant_add,
    )
    from backend.consultations.tokens import participant_token
    from backend.engagement.models import EngagementMethod
    from backend.proposals.models import Proposal, ProposalStatus
    from tenants.context import authority_context
    from tenants.models import Authority

    authority = Authority.objects.get(schema_name="demo")
    with authority_context(authority):
        proposal = Proposal.objects.exclude(
            status__in=[ProposalStatus.DECIDED, ProposalStatus.WITHDRAWN]
        ).first()
        if proposal is None:
            raise SystemExit("The demo authority has no open proposal: run seed_demo first.")
        now = timezone.now()
        consultation = consultation_create(
            proposal=proposal,
            method=EngagementMethod.objects.get(key="online_survey"),
            title=f"Load test {now:%H:%M:%S}",
            starts_at=now + timedelta(minutes=1),
            ends_at=now + timedelta(days=1),
        )
        consultation = consultation_open(consultation=consultation)
        tokens = []
        for number in range(count):
            participant = participant_add(
                consultation=consultation, email=f"load{number}@resident.example"
            )
            tokens.append(participant_token(participant.token_salt))
    return tokens


ANSWER = json.dumps(
    {
        "acceptability": 4,
        "purposeful": 5,
        "proportionate": 3,
        "responsible": 4,
        "conditions": "Only if families can opt out.",
        "comment": "",
    }
).encode()


def fire(port: int, tokens: list[str], timeout: float) -> tuple[list[float], dict[str, int]]:
    barrier = threading.Barrier(len(tokens))
    latencies: list[float] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()

    def one(token: str) -> None:
        barrier.wait()
        started = time.monotonic()
        outcome = "ok"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            conn.request(
                "PUT",
                f"/api/v1/public/invitations/{token}/response",
                body=ANSWER,
                headers={"Host": f"demo.localhost:{port}", "Content-Type": "application/json"},
            )
            status = conn.getresponse().status
            conn.close()
            if status != 200:
                outcome = f"HTTP {status}"
        except OSError as exc:
            outcome = exc.__class__.__name__
        with lock:
            if outcome == "ok":
                latencies.append(time.monotonic() - started)
            else:
                failures[outcome] = failures.get(outcome, 0) + 1

    threading.stack_size(256 * 1024)
    threads = [threading.Thread(target=one, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    started = time.monotonic()
    tokens = prepare(args.answers)
    print(f"{len(tokens)} residents invited in {time.monotonic() - started:.1f}s", flush=True)
    started = time.monotonic()
    latencies, failures = fire(args.port, tokens, args.timeout)
    elapsed = time.monotonic() - started
    errors = sum(failures.values())
    print(f"{args.answers} concurrent answers: {errors} errors {failures or ''}")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"  {elapsed:.1f}s wall, {len(latencies) / elapsed:.0f} answers/s, "
            f"latency median {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
