"""Read existing policy documents (Word, Markdown, plain text) into a
ParsedPolicy: what the document says, and nothing guessed."""

from policies.importers.model import DocumentError, ParsedPolicy, ParsedSection, ParsedVersion
from policies.importers.parse import parse_document

__all__ = ["DocumentError", "ParsedPolicy", "ParsedSection", "ParsedVersion", "parse_document"]
