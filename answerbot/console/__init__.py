"""The support admins' web console: plain HTML, CSS and ES modules served by the API app under ``/console``.

No build step and nothing from a CDN: the pages call the same REST API with the key the admin signed in
with (kept in the tab's session storage, sent as ``X-API-Key``; no cookie).
"""

from answerbot.console.router import CONSOLE_PATH, install_console

__all__ = ["CONSOLE_PATH", "install_console"]
