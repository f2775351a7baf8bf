"""Writes on benefit reviews: schedule one per approval, sweep due times, record, publish."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from backend.accounts.models import AccountEmailKind, User
from backend.accounts.outbox import account_notice_queue
from backend.core.errors import Conflict
from backend.core.events import EventName, announce
from backend.decisions.models import Decision
from backend.reviews.models import BenefitReview, ReviewStatus
from tenants.context import current_authority_id, require_authority_schema
from tenants.models import Authority

UK = ZoneInfo("Europe/London")
S = ReviewStatus
OPEN = (S.SCHEDULED, S.REMINDED, S.DUE, S.OVERDUE)


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK)


def review_schedule(*, decision: Decision) -> BenefitReview | None:
    """Schedule the review of an approved decision (one per decision; called with it)."""
    if decision.review_due_on is None:
        return None
    due_at = _uk_midnight(decision.review_due_on)
    review, _ = BenefitReview.objects.get_or_create(
        decision=decision,
        defaults={
            "proposal_id": decision.proposal_id,
            "due_on": decision.review_due_on,
            "expected_benefits": decision.expected_benefits,
            "remind_at": due_at - timedelta(days=settings.REVIEW_REMINDER_DAYS),
            "due_at": due_at,
            "overdue_at": _uk_midnight(decision.review_due_on + timedelta(days=1)),
        },
    )
    return review


@dataclass
class SweepReport:
    reminded: list[int] = field(default_factory=list)
    due: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"reminded": self.reminded, "due": self.due, "overdue": self.overdue}


def _notify(review: BenefitReview, kind: str, stage: str) -> None:
    proposal = review.proposal
    owner_id = proposal.owner_id or proposal.created_by_id
    owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
    if owner is None:
        return
    schema = require_authority_schema()
    host = f"{schema}.{settings.BASE_DOMAIN}"
    account_notice_queue(
        user=owner,
        kind=kind,
        key=f"review:{schema}:{review.pk}:{stage}",
        host=host,
        authority=Authority.objects.get(pk=current_authority_id()),
        context={
            "reference": proposal.reference,
            "title": proposal.title,
            "due_on": f"{review.due_on:%-d %B %Y}",
            "expected_benefits": review.expected_benefits or "(none were written down)",
            "link": settings.REVIEW_LINK.format(host=host, review_id=review.pk),
        },
    )


def _claim(reviews: QuerySet[BenefitReview]) -> list[BenefitReview]:
    # Locked and skipped by a concurrent sweep: each notice goes once.
    return list(reviews.select_for_update(skip_locked=True).select_related("proposal"))


@transaction.atomic
def reviews_sweep(*, now: datetime | None = None) -> SweepReport:
    """Move every review whose due time has passed one stage on, telling its owner once."""
    now = now or timezone.now()
    report = SweepReport()
    for review in _claim(
        BenefitReview.objects.filter(status=S.SCHEDULED, remind_at__lte=now, due_at__gt=now)
    ):
        review.status, review.reminded_at = S.REMINDED, now
        review.save(update_fields=["status", "reminded_at"])
        _notify(review, AccountEmailKind.REVIEW_REMINDER, "reminder")
        report.reminded.append(review.pk)
    for review in _claim(
        BenefitReview.objects.filter(
            status__in=[S.SCHEDULED, S.REMINDED], due_at__lte=now, overdue_at__gt=now
        )
    ):
        review.status, review.due_notified_at = S.DUE, now
        review.save(update_fields=["status", "due_notified_at"])
        _notify(review, AccountEmailKind.REVIEW_DUE, "due")
        announce(EventName.REVIEW_DUE, review_id=review.pk, proposal_id=review.proposal_id)
        report.due.append(review.pk)
    for review in _claim(
        BenefitReview.objects.filter(
            status__in=[S.SCHEDULED, S.REMINDED, S.DUE], overdue_at__lte=now
        )
    ):
        review.status, review.overdue_since = S.OVERDUE, now
        review.save(update_fields=["status", "overdue_since"])
        _notify(review, AccountEmailKind.REVIEW_OVERDUE, "overdue")
        announce(EventName.REVIEW_OVERDUE, review_id=review.pk, proposal_id=review.proposal_id)
        report.overdue.append(review.pk)
    return report


@transaction.atomic
def review_record(
    *,
    review: BenefitReview,
    actor: User,
    benefits_realised: str,
    recommendation: str,
    benefits_for_individuals: str = "",
    benefits_for_public: str = "",
    costs_incurred: Decimal | None = None,
    harms_and_complaints: str = "",
    complaints_received: int | None = None,
) -> BenefitReview:
    """Record what the review found; it can be corrected until it is published."""
    locked = BenefitReview.objects.select_for_update().get(pk=review.pk)
    if locked.published:
        raise Conflict("A published review can no longer change.", code="review_published")
    if not (benefits_for_individuals.strip() or benefits_for_public.strip()):
        raise ValidationError(
            {"benefits_for_public": ["Say what was measured, for individuals or the public."]}
        )
    locked.benefits_realised = benefits_realised
    locked.recommendation = recommendation
    locked.benefits_for_individuals = benefits_for_individuals
    locked.benefits_for_public = benefits_for_public
    locked.costs_incurred = costs_incurred
    locked.harms_and_complaints = harms_and_complaints
    locked.complaints_received = complaints_received
    locked.status = S.RECORDED
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    locked.save()
    announce(EventName.REVIEW_RECORDED, review_id=locked.pk, proposal_id=locked.proposal_id)
    return locked


@transaction.atomic
def review_publish(*, review: BenefitReview) -> BenefitReview:
    """Publish a recorded review: the register shows its outcome with the decision."""
    locked = BenefitReview.objects.select_for_update().get(pk=review.pk)
    if locked.status != S.RECORDED:
        raise Conflict("Record the review before publishing it.", code="review_not_recorded")
    if locked.published:
        raise Conflict("This review is already published.", code="already_published")
    locked.published = True
    locked.published_at = timezone.now()
    locked.save(update_fields=["published", "published_at"])
    announce(
        EventName.REVIEW_PUBLISHED,
        review_id=locked.pk,
        decision_id=locked.decision_id,
        proposal_id=locked.proposal_id,
    )
    return locked
