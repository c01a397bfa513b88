"""Dependencies of the route handlers, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from answerbot.service import ID_PATTERN, RankingService
from answerbot.settings import Settings

__all__ = ["AccountPath", "ArticleIdPath", "ServiceDep", "SettingsDep", "get_service", "get_settings_dep"]


def get_service(request: Request) -> RankingService:
    """The RankingService the lifespan built."""
    service: RankingService = request.app.state.service
    return service


def get_settings_dep(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


ServiceDep = Annotated[RankingService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
AccountPath = Annotated[
    str, Path(pattern=ID_PATTERN, description="Account id: 1-128 letters, digits, '.', '_' or '-'.")
]
ArticleIdPath = Annotated[
    str, Path(pattern=ID_PATTERN, description="Article id: 1-128 letters, digits, '.', '_' or '-'.")
]
