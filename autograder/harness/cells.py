"""Running notebook cells as plain Python."""


def strip_magics(source: str) -> str:
    """Drop IPython-only syntax (%magics, !shell) that plain Python rejects."""
    if source.lstrip().startswith("%%"):
        return ""
    return "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


def run_cell(source: str, namespace: dict, filename: str = "<cell>") -> None:
    exec(compile(strip_magics(source), filename, "exec"), namespace)
