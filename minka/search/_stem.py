"""Spanish text normalization shared by both engines: folding, tokens, stems, query parsing.

Indexed text and queries go through exactly the same steps (case and accents folded, split on
anything that is not a letter or a digit, Snowball Spanish stem), so "Políticas", "politica"
and "POLÍTICAS" all become ``polit`` on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints.

from minka.core.text import fold

# Letters and digits of any script; the underscore and punctuation separate words, as in
# FTS5's unicode61 tokenizer.
TOKEN_RE = re.compile(r"[^\W_]+")
PHRASE_RE = re.compile(r'"([^"]*)"')

MAX_TERMS = 16
MAX_TOKEN_LENGTH = 64

# Snowball's Spanish stop words, folded (without accents), as the queries are.
STOP_WORDS = frozenset(
    """
    a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante
    e el ella ellas ellos en entre era erais eramos eran eras eres es esa esas ese eso esos esta
    estaba estabais estabamos estaban estabas estad estada estadas estado estados estais estamos
    estan estando estar estara estaran estaras estare estareis estaremos estaria estariais
    estariamos estarian estarias estas este esteis estemos esten estes esto estos estoy estuve
    estuviera estuvierais estuvieramos estuvieran estuvieras estuvieron estuviese estuvieseis
    estuviesemos estuviesen estuvieses estuvimos estuviste estuvisteis estuvo fue fuera fuerais
    fueramos fueran fueras fueron fuese fueseis fuesemos fuesen fueses fui fuimos fuiste
    fuisteis ha habeis habia habiais habiamos habian habias han has hasta hay haya hayais hayamos
    hayan hayas he hemos hube hubiera hubierais hubieramos hubieran hubieras hubieron hubiese
    hubieseis hubiesemos hubiesen hubieses hubimos hubiste hubisteis hubo la las le les lo los
    me mi mia mias mio mios mis mucho muchos muy mas nada ni no nos nosotras nosotros nuestra
    nuestras nuestro nuestros o os otra otras otro otros para pero poco por porque que quien
    quienes se sea seais seamos sean seas sentid sentida sentidas sentido sentidos sera seran
    seras sere sereis seremos seria seriais seriamos serian serias si sido siendo sin sintiendo
    sobre sois somos son soy su sus suya suyas suyo suyos tambien tanto te tendra tendran
    tendras tendre tendreis tendremos tendria tendriais tendriamos tendrian tendrias tened
    teneis tenemos tenga tengais tengamos tengan tengas tengo tenia teniais teniamos tenian
    tenias tenida tenidas tenido tenidos teniendo ti tiene tienen tienes todo todos tu tus tuve
    tuviera tuvierais tuvieramos tuvieran tuvieras tuvieron tuviese tuvieseis tuviesemos
    tuviesen tuvieses tuvimos tuviste tuvisteis tuvo tuya tuyas tuyo tuyos un una uno unos
    vosotras vosotros vuestra vuestras vuestro vuestros y ya yo
    """.split()  # noqa: SIM905 -- a word list is easier to check as prose.
)

_stemmer = Stemmer.Stemmer("spanish")


def tokens(text: str) -> list[str]:
    """Return the folded words of ``text`` (lower case, no accents), in order."""
    return [t[:MAX_TOKEN_LENGTH] for t in TOKEN_RE.findall(fold(text))]


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Return the Snowball Spanish stem of one folded token."""
    return str(_stemmer.stemWord(token))


def stemmed_text(text: str) -> str:
    """Return ``text`` as space-separated stems, stop words kept so phrases keep positions."""
    return " ".join(_stemmer.stemWords(tokens(text)))


@dataclass
class ParsedQuery:
    """A user query reduced to what both engines understand.

    ``terms`` are single words (folded, stop words dropped) that must all match, in any
    form; ``phrases`` are quoted word sequences (folded, stop words kept) that must appear
    in that order. Everything is letters and digits only: no engine syntax survives.
    """

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases

    def term_stems(self) -> list[str]:
        return [stem(t) for t in self.terms]

    def phrase_stems(self) -> list[list[str]]:
        return [[stem(t) for t in phrase] for phrase in self.phrases]

    def highlight_words(self) -> tuple[set[str], set[str]]:
        """Return (folded words, stems) whose occurrences a snippet highlights."""
        words = set(self.terms)
        for phrase in self.phrases:
            words.update(t for t in phrase if t not in STOP_WORDS)
        return words, {stem(w) for w in words}


def parse_query(query: str) -> ParsedQuery:
    """Split ``query`` into terms and quoted phrases; never raises.

    Unbalanced quotes and every operator character are treated as separators. A phrase made
    only of stop words is dropped; a one-word phrase becomes a term.
    """
    parsed = ParsedQuery()
    query = query[:1000]
    for match in PHRASE_RE.finditer(query):
        words = tokens(match.group(1))
        if all(w in STOP_WORDS for w in words):
            continue
        if len(words) == 1:
            parsed.terms.append(words[0])
        else:
            parsed.phrases.append(words[:MAX_TERMS])
    rest = PHRASE_RE.sub(" ", query)
    for word in tokens(rest):
        if word not in STOP_WORDS and word not in parsed.terms:
            parsed.terms.append(word)
    parsed.terms = parsed.terms[:MAX_TERMS]
    parsed.phrases = parsed.phrases[: max(0, MAX_TERMS - len(parsed.terms))]
    return parsed
