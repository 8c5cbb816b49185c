"""Who exists: organizations (and business groups), their environments, users and their rights."""

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, new_id, now


class Organization(Base):
    """A root organization, or a business group when ``parent_id`` is set."""

    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(100), unique=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    created_at: Mapped[int] = mapped_column(default=now)
    parent: Mapped["Organization | None"] = relationship(remote_side=[id],
                                                         back_populates="children")
    children: Mapped[list["Organization"]] = relationship(back_populates="parent")
    environments: Mapped[list["Environment"]] = relationship(back_populates="organization")


class Environment(Base):
    """An environment of an organization: type ``production``, ``sandbox`` or ``design``."""

    __tablename__ = "environments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    is_production: Mapped[bool] = mapped_column(default=False)
    client_id: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)
    organization: Mapped[Organization] = relationship(back_populates="environments")


class User(Base):
    """A person who signs in to the sandbox; ``role`` is admin, developer or viewer."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    created_at: Mapped[int] = mapped_column(default=now)
    last_login: Mapped[int | None] = mapped_column()
    organization: Mapped[Organization] = relationship()
    rights: Mapped[list["UserRight"]] = relationship(cascade="all, delete-orphan")

    def get_user_id(self) -> str:
        return self.id


class UserRight(Base):
    """A permission (named by its scope id) a user holds in one environment, or in every
    environment of the user's organization when ``environment_id`` is None."""

    __tablename__ = "user_rights"
    __table_args__ = (UniqueConstraint("user_id", "scope", "environment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(100))
    environment_id: Mapped[str | None] = mapped_column(ForeignKey("environments.id"))
