"""The demo programme's courses: modules in order, three assignments per module, and a code
sample per module that students' submissions quote (so the review queue shows real code).
Their shape is in ``course_model``, the courses themselves in ``courses_python_web`` and
``courses_data_devops``."""

from __future__ import annotations

from mentor_tui.demo.course_model import DemoCourse, DemoModule
from mentor_tui.demo.courses_data_devops import DATA_SCIENCE, DEVOPS_CLOUD
from mentor_tui.demo.courses_python_web import PYTHON_FOUNDATIONS, WEB_JAVASCRIPT

COURSES: tuple[DemoCourse, ...] = (PYTHON_FOUNDATIONS, WEB_JAVASCRIPT, DATA_SCIENCE, DEVOPS_CLOUD)

# Code fences per module where the course language does not fit every module.
FENCE_OVERRIDES: dict[tuple[str, str], str] = {
    (DATA_SCIENCE.title, "SQL for analysts"): "sql",
    (DEVOPS_CLOUD.title, "Containers"): "dockerfile",
    (DEVOPS_CLOUD.title, "Continuous integration"): "yaml",
    (DEVOPS_CLOUD.title, "Infrastructure as code"): "hcl",
    (DEVOPS_CLOUD.title, "Kubernetes"): "yaml",
    (DEVOPS_CLOUD.title, "Observability"): "yaml",
    (WEB_JAVASCRIPT.title, "Capstone project"): "jsx",
}


def fence_for(course: DemoCourse, module: DemoModule) -> str:
    return FENCE_OVERRIDES.get((course.title, module.title), course.language)
