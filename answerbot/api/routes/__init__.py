"""One router per resource."""

from answerbot.api.routes import accounts, articles, feedback, health, insight, knowledge, recommendations

__all__ = ["accounts", "articles", "feedback", "health", "insight", "knowledge", "recommendations"]
