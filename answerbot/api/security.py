"""Refuse to serve the public development admin key on a network address.

``ANSWERBOT_ADMIN_KEY`` defaults to a key printed in the source and the README: fine on 127.0.0.1, where
only this machine can call, but on any other address anyone who can reach the port could create accounts.
"""

from __future__ import annotations

import hmac
import ipaddress

from answerbot.settings import DEV_ADMIN_KEY, Settings

__all__ = ["InsecureListen", "check_listen_address", "is_loopback"]


class InsecureListen(ValueError):
    """The server would listen beyond this machine with the development admin key."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine: ``localhost`` or a loopback IP (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_listen_address(host: str, settings: Settings) -> None:
    """InsecureListen when ``host`` is not loopback and the admin key is the development default."""
    dev = hmac.compare_digest(settings.admin_key.get_secret_value().encode(), DEV_ADMIN_KEY.encode())
    if dev and not is_loopback(host):
        raise InsecureListen(
            f"refusing to listen on {host}: the admin key is the public development default, so anyone who can "
            "reach this address could create accounts. Set a secret one first, e.g. "
            "`export ANSWERBOT_ADMIN_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')`, "
            "or listen on 127.0.0.1"
        )
