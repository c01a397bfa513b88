"""The console's pages and the one HTML shell each of them is served in (the page's script fills ``#page``)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

__all__ = ["PAGES", "SIGN_IN", "Page", "page_html"]


@dataclass(frozen=True)
class Page:
    """A console page: its path under the console, its title, and whether the navigation lists it."""

    slug: str
    title: str
    in_nav: bool = True


SIGN_IN = Page("", "Sign in", in_nav=False)
PAGES = {
    page.slug: page
    for page in (
        SIGN_IN,
        Page("articles", "Knowledge base"),
        Page("try", "Try a ticket"),
        Page("threshold", "Threshold"),
        Page("analytics", "Analytics"),
        Page("model", "Model"),
    )
}
"""Pages by slug (``""`` is the sign-in page at the console's root)."""


def _nav(base: str, current: Page) -> str:
    items = []
    for page in PAGES.values():
        if not page.in_nav:
            continue
        here = ' aria-current="page"' if page == current else ""
        items.append(f'<li><a href="{base}/{page.slug}"{here}>{escape(page.title)}</a></li>')
    return "".join(items)


def page_html(base: str, page: Page) -> str:
    """The HTML of ``page``: header with navigation, the page's heading, an empty ``#page`` its script fills."""
    static = f"{base}/static"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page.title)} · answerbot console</title>
<link rel="icon" href="{static}/img/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{static}/console.css">
<script type="module" src="{static}/js/main.js"></script>
</head>
<body data-page="{page.slug or "signin"}" data-base="{base}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="top">
<p class="brand"><a href="{base}/">answerbot <span>console</span></a></p>
<nav aria-label="Console pages"><ul>{_nav(base, page)}</ul></nav>
<div class="who" id="who" hidden><span id="who-text"></span>
<button type="button" id="sign-out" class="secondary">Sign out</button></div>
</header>
<main id="main" tabindex="-1">
<h1>{escape(page.title)}</h1>
<div id="page"><noscript><p>The console needs JavaScript.</p></noscript></div>
</main>
<footer class="bottom"><p>answerbot · <a href="/docs">API reference</a></p></footer>
</body>
</html>
"""
