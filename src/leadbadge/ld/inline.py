"""Inline ``@context`` objects of a document: what they may say, and which terms they define.

VC 2.0 §4.3 lets every ``@context`` item after the first be "a URL and/or an object processable as
a JSON-LD context"; the W3C test suites send such objects (``{"ExampleType":
"https://example.org/#ExampleType"}``, embedded ``{"@protected": true, …}`` contexts with scoped
contexts). leadbadge processes them under rules that keep what strict expansion promises (see
docs/proofs.md): a signature covers N-Quads, not JSON, and contexts are not signed, so anyone
holding a signed credential may add, change or remove inline contexts as long as the N-Quads
stay the same. An inline context must therefore not be able to change what a JSON key or value
*already* means to a reader of the document:

- it may define new terms, each mapping to an absolute IRI; it may repeat a term the contexts
  before it define only identically (JSON-LD 1.1's rule for protected terms, applied to every
  term: swapping the IRIs of ``name`` and ``description`` and their values signs the same);
- it may not give an IRI a second term (checked where the term is used, by the processor);
- no ``@vocab`` other than none or the VC vocabularies for undefined terms (whose terms stay
  refused), no ``@base``, no default ``@language`` or ``@direction`` (each makes what a key or
  plain value says differ from what is signed), no keyword aliases but ``id`` and ``type``, no
  ``@reverse``, ``@nest`` or ``@index`` terms (as for the keywords themselves), no ``null``
  context;
- URLs (``@import``, a scoped context given by URL) are served by the loader, which serves only
  shipped contexts: nothing is fetched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pyld.context_resolver import ContextResolver as _ContextResolver
from pyld.resolved_context import ResolvedContext as _ResolvedContext

from leadbadge.errors import ContextNotAllowedError, JsonLdError
from leadbadge.ld.contexts import ContextLoader

__all__ = ["UNDEFINED_VOCABULARIES", "DocumentContexts", "DocumentResolver", "is_absolute_iri"]

#: Vocabularies that VC contexts use as catch-alls for terms nobody defined. A property or type
#: in them is undefined by construction, whatever context put it there.
UNDEFINED_VOCABULARIES: Final = (
    "https://www.w3.org/ns/credentials/issuer-dependent#",
    "https://www.w3.org/ns/credentials/undefined-term#",
)
#: Context keywords an inline context may set (``@vocab``, ``@base``, ``@language``,
#: ``@direction`` and ``@import`` have rules of their own below).
_FREE_KEYWORDS: Final = frozenset({"@version", "@protected", "@propagate", "@type"})
#: The keyword aliases every VC and OB context makes; no other alias is accepted.
_KEYWORD_ALIASES: Final = {"id": "@id", "type": "@type"}
_COERCIONS: Final = frozenset({"@id", "@vocab", "@json", "@none"})
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f]*\Z")


def is_absolute_iri(value: object) -> bool:
    """True for an absolute IRI; a blank node identifier (``_:…``) is not one."""
    return (
        isinstance(value, str) and not value.startswith("_:") and bool(_ABSOLUTE_IRI.match(value))
    )


def _refused(path: str, why: str) -> JsonLdError:
    return JsonLdError(f"The inline @context at {path} {why}.", path=path)


class _Inline:
    __slots__ = ("context", "own", "path")

    def __init__(self, context: dict[str, Any], own: frozenset[str], path: str) -> None:
        self.context = context
        self.own = own
        self.path = path


class DocumentContexts:
    """The inline contexts of one document, checked and registered as they are met.

    Objects are registered by identity: they belong to the processor's private copy of the
    document, which lives as long as the processing.
    """

    def __init__(self, loader: ContextLoader) -> None:
        self._loader = loader
        self._inline: dict[int, _Inline] = {}
        #: Term definitions (pyld's mapping objects) an inline context made, by identity; the
        #: values keep them alive so an id is never reused during the processing.
        self._defined: dict[int, Any] = {}

    # Registration --------------------------------------------------------------------------

    def prepare(self, local: Any, path: str) -> Any:
        """``local`` (a node's ``@context`` value) checked, with inline objects registered.

        Returns the value to process: a wrapped context (``{"@context": {…}}``, which JSON-LD
        processors unwrap) is unwrapped, and an ``@import`` is merged here from the loader, so
        pyld never merges it into a cached shipped context (it would, in place).
        """
        if isinstance(local, dict) and set(local) == {"@context"}:
            local = local["@context"]
        if isinstance(local, list):
            return [self._item(item, f"{path}/{i}") for i, item in enumerate(local)]
        return self._item(local, path)

    def _item(self, item: Any, path: str) -> Any:
        if isinstance(item, str):
            if not self._loader.allows(item):
                raise ContextNotAllowedError(item)
            return item
        if item is None:
            raise _refused(
                path,
                "is null, which would drop every definition before it; a credential's "
                "contexts only add definitions",
            )
        if not isinstance(item, dict):
            raise JsonLdError(
                f"The @context item at {path} is neither a URL nor a context object.", path=path
            )
        if id(item) in self._inline:
            return item
        if "@context" in item:
            if set(item) != {"@context"} or not isinstance(item["@context"], dict):
                raise _refused(
                    path, "has a '@context' key, accepted only as the one key of a wrapped context"
                )
            item = item["@context"]
        own = frozenset(item)
        context = item
        if "@import" in item:
            context = self._imported(item, path)
            own = own - {"@import"}
        for key in sorted(own):
            if key.startswith("@"):
                self._check_keyword(key, item[key], path)
                continue
            definition = context[key]
            self._check_target(key, definition, f"{path}/{key}")
            if isinstance(definition, dict) and "@context" in definition:
                definition["@context"] = self.prepare(
                    definition["@context"], f"{path}/{key}/@context"
                )
        self._inline[id(context)] = _Inline(context, own, path)
        return context

    def _imported(self, item: dict[str, Any], path: str) -> dict[str, Any]:
        url = item["@import"]
        if not isinstance(url, str):
            raise _refused(path, "has an @import that is not a URL")
        if not self._loader.allows(url):
            raise ContextNotAllowedError(url)
        imported = self._loader.document(url).get("@context")
        if not isinstance(imported, dict) or "@import" in imported:
            raise _refused(path, f"imports {url}, which is not a single context object")
        # JSON-LD 1.1 §4.1.2 step 5.6.7: the importing context's own entries win.
        return {**imported, **{k: v for k, v in item.items() if k != "@import"}}

    @staticmethod
    def _check_target(term: str, definition: Any, path: str) -> None:
        """Refuse keyword targets before pyld sees them: it ignores unknown ones with a warning."""
        if isinstance(definition, dict):
            if "@reverse" in definition:
                raise _refused(
                    path, f"makes {term!r} a reverse property, which no credential needs"
                )
            definition = definition.get("@id")
        if (
            isinstance(definition, str)
            and definition.startswith("@")
            and _KEYWORD_ALIASES.get(term) != definition
        ):
            raise _refused(
                path,
                f"makes {term!r} another name for {definition}; only 'id' and 'type' may stand "
                "for keywords",
            )

    def _check_keyword(self, key: str, value: Any, path: str) -> None:
        if key == "@vocab":
            if value is None or value in UNDEFINED_VOCABULARIES:
                return  # terms falling back to these stay undefined (and refused)
            raise _refused(
                path,
                f"sets @vocab to {value!r}: every key would then count as defined by the "
                "document itself; define each term (a vocabulary is not a definition)",
            )
        if key == "@base":
            if value is None:
                return
            raise _refused(
                path,
                "sets @base: relative references would become IRIs the JSON does not show",
            )
        if key in ("@language", "@direction"):
            if value is None:
                return
            raise _refused(
                path,
                f"sets a default {key}: plain text would be signed with a {key[1:]} a reader "
                "of the value does not see; write {'@value': …, '" + key + "': …}",
            )
        if key not in _FREE_KEYWORDS:
            raise _refused(path, f"uses {key!r}, which is not a context keyword")

    # Questions from the processor ------------------------------------------------------------

    def is_inline(self, context: object) -> bool:
        """True if ``context`` is one of the document's (registered) inline context objects."""
        return id(context) in self._inline

    def own_path(self, context: object, term: str) -> str | None:
        """Where ``context`` defines ``term`` itself (not by ``@import``), else None."""
        inline = self._inline.get(id(context))
        if inline is None or term not in inline.own:
            return None
        return f"{inline.path}/{term}"

    def defined_inline(self, mapping: object) -> bool:
        """True if the term definition ``mapping`` was made by an inline context."""
        return id(mapping) in self._defined

    def check_definition(self, term: str, previous: Any, mapping: Any, path: str) -> None:
        """The rules for a term an inline context defines (``mapping``, pyld's definition)."""
        if previous is not None:
            if _definition(previous) != _definition(mapping):
                raise _refused(
                    path.rsplit("/", 1)[0],
                    f"redefines the term {term!r}, which the contexts before it define: a key "
                    "keeps the meaning its published context gives it",
                )
            if self.defined_inline(previous):
                self._defined[id(mapping)] = mapping
            return
        if mapping is None:
            return
        iri = mapping.get("@id")
        if mapping.get("reverse"):
            raise _refused(path, f"makes {term!r} a reverse property, which no credential needs")
        if isinstance(iri, str) and iri.startswith("@"):
            if _KEYWORD_ALIASES.get(term) != iri:
                raise _refused(
                    path,
                    f"makes {term!r} another name for {iri}; only 'id' and 'type' may stand "
                    "for keywords",
                )
        elif iri is not None and not _defining_iri(iri):
            raise _refused(path, f"maps {term!r} to {iri!r}, {_not_defining(iri)}")
        container = mapping.get("@container") or []
        if "@nest" in mapping or "@index" in mapping or "@index" in container:
            raise _refused(
                path, f"gives {term!r} a @nest or @index, which no signature would follow"
            )
        coercion = mapping.get("@type")
        if coercion is not None and coercion not in _COERCIONS and not _defining_iri(coercion):
            raise _refused(
                path, f"types the values of {term!r} as {coercion!r}, {_not_defining(coercion)}"
            )
        self._defined[id(mapping)] = mapping


def _defining_iri(iri: object) -> bool:
    """True for an absolute IRI outside the vocabularies for undefined terms."""
    return is_absolute_iri(iri) and not str(iri).startswith(UNDEFINED_VOCABULARIES)


def _not_defining(iri: object) -> str:
    if is_absolute_iri(iri):
        return "an IRI in a vocabulary for undefined terms"
    return "which is not an absolute IRI"


def _definition(mapping: Any) -> Any:
    """A term definition without its ``protected`` flag (JSON-LD 1.1 §4.1.2 step 5.13)."""
    if not isinstance(mapping, Mapping):
        return mapping
    return {k: v for k, v in mapping.items() if k != "protected"}


class DocumentResolver(_ContextResolver):  # type: ignore[misc]
    """pyld's context resolver, which keeps a document's inline contexts to this processing.

    pyld caches a context object in the loader's shared cache under its JSON, with the
    definitions it processed; an inline context there would outlive the document (memory any
    sender could fill) and hand its processed form to a later document without the checks this
    processing makes as it goes. Inline contexts are resolved here, per processing.
    """

    def __init__(self, shared_cache: Any, loader: ContextLoader, inline: DocumentContexts) -> None:
        super().__init__(shared_cache, loader)
        self._inline = inline
        self._resolved: dict[int, _ResolvedContext] = {}

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        items = context if isinstance(context, list) else [context]
        if not any(self._inline.is_inline(item) for item in items):
            return super().resolve(active_ctx, context, base, cycles)
        resolved: list[Any] = []
        for item in items:
            if self._inline.is_inline(item):
                found = self._resolved.get(id(item))
                if found is None:
                    found = self._resolved[id(item)] = _ResolvedContext(item)
                resolved.append(found)
            else:
                resolved.extend(super().resolve(active_ctx, item, base, cycles))
        return resolved
