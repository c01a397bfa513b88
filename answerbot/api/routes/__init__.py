"""One router per resource."""

from answerbot.api.routes import articles, health, recommendations

__all__ = ["articles", "health", "recommendations"]
