"""Training-time teachers: sentence encoders whose vectors shape our tables and our core.

Nothing here is needed at serving time; the served model stays the merged tables and the RNN core.
"""

from answerbot.teacher.base import Teacher, TeacherError, check_covered, unit_rows
from answerbot.teacher.cache import CachedTeacher, VectorCache
from answerbot.teacher.muse import MUSE_LANGUAGES, MuseTeacher

__all__ = [
    "MUSE_LANGUAGES",
    "CachedTeacher",
    "MuseTeacher",
    "Teacher",
    "TeacherError",
    "VectorCache",
    "check_covered",
    "unit_rows",
]
