"""Certification history of OCOP products: recognition decisions, upgrades, re-recognitions, revocations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, Select, and_, select

from ocop.models import Certification, Product
from ocop.reference import (
    CERTIFICATION_STATUSES,
    LEVELS,
    PROGRAMME_START,
    effective_status,
    expected_levels,
    legal_basis,
    score_range,
    stars_for_score,
    valid_until,
)
from ocop.schemas import Certification as CertificationOut
from ocop.schemas import CertificationCreate, Revocation
from ocop.services.registration import decision_recorded
from ocop.validation import normalize_decision_no
from tracker.accounts.actor import Actor
from tracker.audit.services import record
from tracker.lib import clock
from tracker.lib.exceptions import Conflict, NotFound, Problems, ValidationFailed
from tracker.lib.i18n import Lang, Text
from tracker.lib.ids import is_id
from tracker.lib.service import Service


def in_force(today: dt.date) -> ColumnElement[bool]:
    """Certifications that count today: recorded active and not past their validity."""
    return and_(Certification.status == "active", Certification.valid_until >= today)


def certified_products(today: dt.date, *, stars: int | None = None) -> Select[tuple[int]]:
    """Ids of the products with a certificate in force today (of ``stars`` stars if given)."""
    query = select(Certification.product_id).where(in_force(today))
    if stars is not None:
        query = query.where(Certification.stars == stars)
    return query


def snapshot(c: Certification) -> dict[str, Any]:
    return {
        "stars": c.stars,
        "score": c.score,
        "level": c.level,
        "legal_basis": c.legal_basis,
        "decision_no": c.decision_no,
        "decision_date": c.decision_date,
        "valid_until": c.valid_until,
        "status": c.status,
    }


def present_one(c: Certification, today: dt.date, lang: Lang = "vi") -> CertificationOut:
    status = effective_status(c.status, c.valid_until, today)
    return CertificationOut(
        id=c.id,
        product_id=c.product_id,
        stars=c.stars,
        score=c.score,
        level=c.level,  # type: ignore[arg-type]
        level_label=LEVELS[c.level](lang),
        legal_basis=c.legal_basis,
        decision_no=c.decision_no,
        decision_date=c.decision_date,
        valid_until=c.valid_until,
        status=status,  # type: ignore[arg-type]
        status_label=CERTIFICATION_STATUSES[status](lang),
        status_reason=c.status_reason,
        days_left=(c.valid_until - today).days if status == "active" else None,
        note=c.note,
        created_at=c.created_at,
    )


class CertificationService(Service[Certification, "CertificationService.Repo"]):
    class Repo(SQLAlchemyAsyncRepository[Certification]):
        model_type = Certification

    repository_type = Repo

    async def of_products(self, product_ids: list[int]) -> dict[int, list[Certification]]:
        """Each product's certifications, newest decision first."""
        result: dict[int, list[Certification]] = defaultdict(list)
        if product_ids:
            rows = await self.session.scalars(
                select(Certification)
                .where(Certification.product_id.in_(product_ids))
                .order_by(Certification.decision_date.desc(), Certification.id.desc())
            )
            for c in rows:
                result[c.product_id].append(c)
        return result

    @staticmethod
    def current(certifications: list[Certification], today: dt.date) -> Certification | None:
        """The certificate in force today, if any (the newest one if several were left active)."""
        for c in certifications:
            if c.status == "active" and c.valid_until >= today:
                return c
        return None

    @staticmethod
    def validated(data: CertificationCreate, today: dt.date) -> dict[str, Any]:
        """The stored values of a recognition, or ValidationFailed naming each bad field."""
        problems = Problems()
        stars_ok = 1 <= data.stars <= 5
        if not stars_ok:
            problems.add(
                "stars",
                Text("Số sao phải từ 1 đến 5.", "Stars must be from 1 to 5."),
                "out_of_range",
            )
        if data.score is not None:
            if not 0 <= data.score <= 100:
                problems.add(
                    "score",
                    Text("Điểm đánh giá phải từ 0 đến 100.", "The score must be from 0 to 100."),
                    "out_of_range",
                )
            elif stars_ok and stars_for_score(data.score) != data.stars:
                low, high = score_range(data.stars)
                problems.add(
                    "score",
                    Text(
                        f"Điểm {data.score} ứng với {stars_for_score(data.score)} sao; {data.stars} sao cần "
                        f"từ {low} đến {high} điểm.",
                        f"A score of {data.score} means {stars_for_score(data.score)} stars; {data.stars} stars "
                        f"need {low} to {high} points.",
                    ),
                    "stars_mismatch",
                )
        date_ok = True
        if data.decision_date > today:
            date_ok = False
            problems.add(
                "decision_date",
                Text("Ngày quyết định không được ở tương lai.", "The decision date cannot be in the future."),
                "in_future",
            )
        elif data.decision_date < PROGRAMME_START:
            date_ok = False
            problems.add(
                "decision_date",
                Text(
                    f"Ngày quyết định trước khi có Chương trình OCOP ({PROGRAMME_START:%d/%m/%Y}).",
                    f"The decision date is before the OCOP programme began ({PROGRAMME_START.isoformat()}).",
                ),
                "before_programme",
            )
        decision_no = ""
        try:
            decision_no = normalize_decision_no(data.decision_no)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
        level: str | None = data.level
        if stars_ok and date_ok:
            allowed = expected_levels(data.stars, data.decision_date)
            basis = legal_basis(data.decision_date)
            if level is None:
                level = allowed[0]
            elif level not in allowed:
                names_vi = " hoặc ".join(LEVELS[a].vi.lower() for a in allowed)
                names_en = " or ".join(LEVELS[a].en.lower() for a in allowed)
                problems.add(
                    "level",
                    Text(
                        f"Sản phẩm {data.stars} sao công nhận ngày {data.decision_date:%d/%m/%Y} (theo {basis}) "
                        f"thuộc {names_vi}.",
                        f"A {data.stars}-star recognition on {data.decision_date.isoformat()} (under {basis}) is "
                        f"made at {names_en} level.",
                    ),
                    "wrong_level",
                    expected=list(allowed),
                )
        problems.raise_if_any()
        assert level is not None
        return {
            "stars": data.stars,
            "score": data.score,
            "level": level,
            "legal_basis": legal_basis(data.decision_date),
            "decision_no": decision_no,
            "decision_date": data.decision_date,
            "valid_until": valid_until(data.decision_date),
            "note": (data.note or "").strip() or None,
        }

    async def add(
        self, actor: Actor, product: Product, data: CertificationCreate, *, import_id: int | None = None
    ) -> Certification:
        """Adds a recognition; the product's earlier active certificate is superseded (not committed)."""
        today = clock.today()
        values = self.validated(data, today)
        existing = await self.session.scalar(
            select(Certification).where(
                Certification.product_id == product.id, Certification.decision_no == values["decision_no"]
            )
        )
        if existing is not None:
            raise decision_recorded(existing.id, existing.decision_no)
        active = list(
            await self.session.scalars(
                select(Certification).where(Certification.product_id == product.id, Certification.status == "active")
            )
        )
        newer = [c for c in active if c.decision_date > values["decision_date"]]
        certification = Certification(
            product_id=product.id,
            created_by_id=actor.user_id,
            # An older decision entered after a newer one is history from the start.
            status="superseded" if newer else "active",
            import_id=import_id,
            **values,
        )
        self.session.add(certification)
        await self.session.flush()
        if not newer:
            for c in active:
                c.status = "superseded"
                c.status_reason = f"{certification.decision_no} ({certification.stars}★)"
                record(
                    self.session,
                    actor,
                    "supersede",
                    "ocop_certification",
                    c.id,
                    area_id=product.area_id,
                    before={"status": "active"},
                    after={"status": "superseded", "by": certification.id},
                )
        record(
            self.session,
            actor,
            "create",
            "ocop_certification",
            certification.id,
            area_id=product.area_id,
            after={**snapshot(certification), "product_id": product.id}
            | ({"import_id": import_id} if import_id is not None else {}),
        )
        return certification

    async def revoke(self, actor: Actor, product: Product, certification_id: int, data: Revocation) -> Certification:
        certification = await self.session.get(Certification, certification_id) if is_id(certification_id) else None
        if certification is None or certification.product_id != product.id:
            raise NotFound(
                Text(f"Không tìm thấy chứng nhận {certification_id}.", f"Certification {certification_id} not found.")
            )
        if certification.status != "active":
            status = CERTIFICATION_STATUSES[certification.status]
            raise Conflict(
                Text(
                    f"Chứng nhận đang ở trạng thái “{status.vi}”; không thu hồi được.",
                    f"The certification is “{status.en}” and cannot be revoked.",
                )
            )
        certification.status = "revoked"
        certification.status_reason = data.reason.strip()
        record(
            self.session,
            actor,
            "revoke",
            "ocop_certification",
            certification.id,
            area_id=product.area_id,
            before={"status": "active"},
            after={"status": "revoked", "reason": certification.status_reason},
        )
        return certification
