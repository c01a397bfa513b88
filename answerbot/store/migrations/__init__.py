"""Alembic migrations of the store; applied by ``answerbot.store.migrate.upgrade`` whenever a store opens."""
