"""Article bodies for display: HTML sanitised with nh3 (the ammonia sanitiser), so nothing in it can run.

Kept: text formatting, lists, tables, links (with ``rel="noopener noreferrer"``). Removed: scripts, styles,
event-handler attributes, ``javascript:`` URLs, forms, frames and images (which would load from elsewhere).
"""

from __future__ import annotations

import nh3

__all__ = ["ALLOWED_TAGS", "safe_html"]

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"img"}


def safe_html(body: str) -> str:
    """``body`` (HTML or plain text) with everything that could run, style or load removed."""
    return nh3.clean(body, tags=set(ALLOWED_TAGS), url_schemes={"http", "https", "mailto"})
