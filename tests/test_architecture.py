"""The import graph: no cycle among answerbot's modules (function-local and TYPE_CHECKING imports count too).

The layer rules (api above service above store; api without TensorFlow; service and store without an HTTP
framework; data readers without TensorFlow) are import-linter contracts in pyproject.toml, run by `make lint`.
"""

from __future__ import annotations

import subprocess
import sys

import grimp


def test_no_import_cycle_among_answerbot_modules() -> None:
    graph = grimp.build_graph("answerbot")
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(" -> ".join((importer, *back)))
    assert cycles == []


def test_importing_the_api_loads_no_tensorflow_and_the_service_no_web_framework() -> None:
    script = (
        "import sys, answerbot.service, answerbot.store\n"
        "web = [m for m in ('fastapi', 'starlette') if m in sys.modules]\n"
        "import answerbot.api.main\n"
        "print(web, [m for m in ('tensorflow', 'keras') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[] []"
