"""An accountant's collection record: one application, one section per wizard step, attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared_models.db import Base, utcnow
from shared_models.models.types import JSONType


class Application(Base):
    """The record an accountant files; status per the spec (draft, submitted, rejected, approved)."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_status_submitted", "status", "submitted_at"),
        Index("ix_applications_city_status_submitted", "city_code", "status", "submitted_at"),
        Index("ix_applications_region_status_submitted", "region_code", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # Denormalised from the basics step so that jurisdiction filters use an index:
    # region_code is the chosen division (province, city or county), city_code its city (or 140000).
    region_code: Mapped[str | None] = mapped_column(String(6))
    city_code: Mapped[str | None] = mapped_column(String(6))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Optimistic locking: two reviewers deciding at once cannot both win.
    version: Mapped[int] = mapped_column(Integer, default=1)

    account = relationship("Account", lazy="joined")
    sections: Mapped[list[ApplicationSection]] = relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    def section(self, step: str) -> ApplicationSection | None:
        return next((s for s in self.sections if s.step == step), None)

    def answers(self) -> dict[str, dict[str, Any]]:
        """Saved answers by step slug."""
        return {s.step: dict(s.data or {}) for s in self.sections}


class ApplicationSection(Base):
    """The saved answers of one step. `origins` maps a field to where its value came from (e.g. archive)."""

    __tablename__ = "application_sections"
    __table_args__ = (UniqueConstraint("application_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    origins: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(back_populates="sections")


class Attachment(Base):
    """A normalised image in a slot (portrait, id_front, fulltime_diploma, ...); files live in storage."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_application_slot", "application_id", "slot", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    content_type: Mapped[str] = mapped_column(String(32), default="image/jpeg")
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CommitmentRecord(Base):
    """Who agreed to the 承诺书, when, from where: at step 1 (commitment) and again at submission (final)."""

    __tablename__ = "commitment_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # commitment | final
    text_sha256: Mapped[str] = mapped_column(String(64))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    agreed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
