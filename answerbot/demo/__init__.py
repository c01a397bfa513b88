"""Demo data: a small multilingual support KB and labelled tickets written for answerbot."""

__all__: list[str] = []
