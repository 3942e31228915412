"""Accountant accounts (self-registered or imported from the legacy archive) and reviewer accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared_models.db import Base, utcnow


class Account(Base):
    """An accountant. The account name is the ID number; unique per (id_type, id_number)."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("id_type", "id_number"),
        # Reviewers search by name prefix (LIKE '张%'): text_pattern_ops lets PostgreSQL use the index
        # whatever the database collation.
        Index("ix_accounts_name_prefix", "name", postgresql_ops={"name": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_type: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped by a password change or reset: sessions carrying an older value are logged out.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # "register" for self-registered accounts, "archive" for legacy archive imports.
    origin: Mapped[str] = mapped_column(String(16), default="register")
    # One openid <-> one account (WeChat web OAuth binding).
    wx_openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Reviewer(Base):
    """A reviewer or admin of a jurisdiction (a region code: province, city or county)."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="reviewer")  # reviewer | admin
    region_code: Mapped[str] = mapped_column(String(6))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
