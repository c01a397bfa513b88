"""``answerbot reencode`` with every encoder call slowed by ``SLOW_ENCODE_S`` seconds, so a test can kill it mid-job."""

from __future__ import annotations

import os
import sys
import time

from answerbot.encoders.inprocess import SavedModelEncoder

_encode = SavedModelEncoder.encode


def _slow(self, texts):
    time.sleep(float(os.environ.get("SLOW_ENCODE_S", "0")))
    return _encode(self, texts)


SavedModelEncoder.encode = _slow  # type: ignore[method-assign]

if __name__ == "__main__":
    from answerbot.cli import app

    app(sys.argv[1:], prog_name="answerbot")
