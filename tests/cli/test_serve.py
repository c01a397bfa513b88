"""`answerbot serve` refuses a network address while the admin key is the public development default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from answerbot.api.security import InsecureListen, check_listen_address, is_loopback
from answerbot.settings import Settings

ANSWERBOT = Path(sys.executable).parent / "answerbot"


def test_serving_on_every_interface_with_the_dev_admin_key_exits_with_the_fix() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSWERBOT_")}
    command = [str(ANSWERBOT), "serve", "--host", "0.0.0.0", "--port", "8000"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    output = " ".join((result.stdout + result.stderr).split())
    assert "refusing to listen on 0.0.0.0" in output
    assert "ANSWERBOT_ADMIN_KEY" in output and "127.0.0.1" in output
    assert "Traceback" not in output


def test_a_secret_admin_key_or_loopback_passes_the_check() -> None:
    check_listen_address("0.0.0.0", Settings(admin_key="a-secret-key-for-this-test"))
    check_listen_address("127.0.0.1", Settings())
    with pytest.raises(InsecureListen, match="ANSWERBOT_ADMIN_KEY"):
        check_listen_address("::", Settings())


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
