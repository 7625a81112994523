"""minirag: heading-aware chunking and BM25 ranking, without dependencies."""

from .bm25 import BM25
from .chunk import Chunk, chunk_markdown

__all__ = ["BM25", "Chunk", "chunk_markdown"]
