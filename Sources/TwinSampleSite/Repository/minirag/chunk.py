"""Split Markdown into chunks of at most `max_words` words that keep their section heading."""

from dataclasses import dataclass


@dataclass
class Chunk:
    heading: str
    text: str


def chunk_markdown(markdown: str, max_words: int = 120, overlap: int = 20) -> list[Chunk]:
    if overlap >= max_words:
        raise ValueError(f"overlap ({overlap}) must be smaller than max_words ({max_words})")
    chunks: list[Chunk] = []
    heading, words = "", []

    def flush():
        # Emit windows of max_words, each starting `overlap` words before the previous end.
        start = 0
        while start < len(words):
            window = words[start:start + max_words]
            chunks.append(Chunk(heading, (heading + "\n\n" if heading else "") + " ".join(window)))
            if start + max_words >= len(words):
                break
            start += max_words - overlap

    for line in markdown.splitlines():
        if line.startswith("#"):
            flush()
            heading, words = line.lstrip("#").strip(), []
        else:
            words.extend(line.split())
    flush()
    return chunks
