"""The set-up is reproducible: pins are exact and the same for pip and conda."""
import re

from autograder import paths


def pins(lines):
    found = {}
    for line in lines:
        match = re.match(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)\s*$", line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_every_requirement_is_pinned_exactly():
    lines = [l for l in (paths.ROOT / "requirements.txt").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    assert len(pins(lines)) == len(lines)


def test_conda_environment_has_the_same_pins():
    requirements = pins((paths.ROOT / "requirements.txt").read_text().splitlines())
    conda = pins((paths.ROOT / "environment.yml").read_text().splitlines())
    assert conda == requirements
    assert "python=3.11" in (paths.ROOT / "environment.yml").read_text()


def test_key_pins():
    requirements = pins((paths.ROOT / "requirements.txt").read_text().splitlines())
    assert requirements["torch"] == "2.13.0"
    assert requirements["jupyter-book"] == "1.0.4.post1"
    assert requirements["nbgrader"].startswith("0.9.")
    for package in ("nbval", "pytest", "playwright", "sphinx-mathjax-offline"):
        assert package in requirements
