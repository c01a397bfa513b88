"""One file per schema revision, oldest first: ``0001`` is answerbot 0.1's schema."""
