"""Legacy encodings of real news text decode back exactly (issue #15, point 4).

The snippets are real article text: fundus gold bodies (../shared/bench/metadata/fundus,
the page id beside each) and one WCXB dev page for a euro sign. Before the language-model
choice among single-byte readings (cleaners/read/codepage.py) the short latin-1 German ones
came out as cp775/cp852 ('Gl³ck', 'Řber'), the Spanish one as iso8859-4 ('contaminaciķn')
and Czech ones as cp1252 ('soudkynì'). ``bench/encoding.py`` measures the same on 100
snippets per code page.
"""
from __future__ import annotations

import importlib.util

import pytest

from cleaners.config import Config, ReadConfig
from cleaners.pipeline import process
from cleaners.read.decode import decode_bytes
from cleaners.read.rawdoc import RawDoc

from tests.conftest import ROOT, SHARED

LATIN1_SHORT = [
    # fr_LesEchos_V1: é, ï, è, à
    "Le géant taïwanais des semi-conducteurs publie un bénéfice net en hausse de 36 % au "
    "deuxième trimestre sur un an à 247,8 milliards de dollars de Taïwan (7,6 milliards de "
    "dollars).",
    "Ambrosia breitet sich in deutschen Gärten aus und kann gesundheitliche Schäden "
    "verursachen.",  # de_FrankfurterRundschau_V1 (was cp775 'Gõrten')
    "Muslime tauschen sich zum Thema Kinder aus. Was denkt ein Berliner Imam über Sinnsuche, "
    "Nachkommen und Lebensentscheidungen?",  # de_BerlinerZeitung_V2 (was cp1250... 'Řber')
    "Die Sprengung der 160 Meter hohen Kühltürme des ehemaligen Kernkraftwerks markiert das "
    "Ende einer Ära",  # de_StuttgarterZeitung_V1 (was cp775 'K³hlt³rme')
    "Poca seguridad y mucha contaminación",  # es_Publico_V1 (was iso8859-4 'contaminaciķn')
    "Han ble dømt for fem tilfeller av grov skade på annen persons kropp, samt for "
    "konspirasjon for å påføre andre slik skade.",  # no_Dagbladet_V1
    "Füchse-Spielmacher Tobias Gröndahl blickt auf.",  # de_BerlinerMorgenpost_V1_2
]
CP1252_SHORT = [
    # de_BerlinerZeitung_V2: „ “ (0x84, 0x93); was read as cp1250 with 'äGemeinschaft'
    "Es ist Freitagabend, 17 Uhr. Die Cafeteria der Marienfelder Gemeinde „Gemeinschaft der "
    "Mitte“ füllt sich.",
    # de_Krautreporter_V1: ‚ ‘ „ “
    "„Bevor er ging, sagte er noch: ‚Viel Glück. Gott segne euch.‘",
    # WCXB dev 0645 (esprit-barbecue.fr): €
    "Achetez votre barbecue gaz sur esprit-barbecue.fr et profitez de la livraison offerte à "
    "partir de 250€ ainsi que de facilités de paiement (3, 4 ou 10 fois) grâce à notre "
    "partenaire Alma.",
]
CP1252_LONG = (  # at_KleineZeitung_V1
    "Am Samstagabend piepste bei tausenden Osttiroler Eltern oder Erziehungsberechtigten das "
    "Smartphone: Die App „SchoolFox“, mit der Direktionen, Lehrpersonen und Eltern miteinander "
    "kommunizieren, meldete sich. Der Inhalt dürfte sich im Kern gedeckt haben: In den elf nach "
    "dem Großbrand des Abfallwirtschaftszentrums in Nußdorf-Debant vom Zivilschutz betroffenen "
    "Gemeinden wurde auf Notbetrieb umgestellt. Zuvor erreichte die Bürgermeister ein Schreiben "
    "der Bildungsdirektion, in dem es hieß: „Die Eltern sollen – wie in der Zeit der "
    "Corona-Pandemie – die Möglichkeit haben, selbst zu entscheiden, ob sie ihre Kinder zu Hause "
    "lassen wollen oder ob sie in der Schule betreut werden sollen.“ Die Schul- und "
    "Kindergartenpflicht wurde ausgesetzt.\n\n"
    "Viele Eltern folgten der Empfehlung, sofern es für sie möglich war. So berichtete die "
    "Lienzer Bürgermeisterin Elisabeth Blanik, dass im größten Kindergarten der Stadtgemeinde "
    "in Eichholz von 153 Kids nur 57 kamen. In der Nachmittagsbetreuung waren es 16 von 33 "
    "Kindern. In Summe waren von den 316 Lienzer Kindergartenkindern nicht ganz die Hälfte "
    "anwesend.")
CP1250_SHORT = [
    "Vybral svým dětem úspory ze spořicích účtů a zrušil své životní pojistky.",  # cz_SeznamZpravy_V1
    "Vláda Petra Fialy schválila na dnešním jednání svou demisi.",  # cz_SeznamZpravy_V1_1
    "Kupříkladu Německo, které do zdravotnictví investuje z celé Evropské unie největší podíl "
    "HDP, se ale v dostupnosti péče řadí až za Česko.",  # cz_SeznamZpravy_V1_2
    "Friedrich Merz, najpoważniejszy kandydat na kanclerza z ramienia CDU/CSU, poniósł "
    "druzgocącą porażkę w Bundestagu w sprawie zaostrzenia polityki imigracyjnej.",  # pl_Rzeczpospolita_V1
]
CP1250_LONG = (  # cz_SeznamZpravy_V1_1, then pl_Rzeczpospolita_V1_1
    "„Demisi předám dnes osobně panu prezidentovi v 16 hodin. Předpokládám, že naše vláda bude "
    "pověřena, abychom vládli v demisi do jmenování nového kabinetu. Uděláme všechno pro to, aby "
    "předání moci bylo plynulé,“ uvedl končící premiér Petr Fiala (ODS).\n\n"
    "„Převzali jsme zemi ve stavu, kdy byly finance v rozvratu. Museli jsme se vyrovnat s "
    "covidem, válkou na Ukrajině, energetickou krizí. Jsem přesvědčen, že jsme těmito zkouškami "
    "prošli se ctí.“",
    "Jak podaje irańska państwowa agencja prasowa IRNA, decyzja Teheranu wynika z „wygórowanych "
    "żądań Waszyngtonu, nierealistycznych oczekiwań, ciągłych zmian stanowiska, powtarzających "
    "się sprzeczności oraz trwającej blokady morskiej”.\n\n„Moi przedstawiciele udają się do "
    "Islamabadu w Pakistanie – jutro wieczorem będą na miejscu w celu przeprowadzenia "
    "negocjacji” – napisał wcześniej Donald Trump w mediach społecznościowych.",
)
SHIFT_JIS_SHORT = [
    "イオン銀行は14日、同日付で小林裕明社長（57）を解任する人事を発表した。",  # jp_Nikkei_V1
    "今回の一件でフジテレビのガバナンスを問題視するスポンサー企業が続出。",  # jp_NikkanGeadai_V1
]
SHIFT_JIS_LONG = (  # jp_SankeiShimbun_V1
    "昨年の元日に起きた能登半島地震を受け、救出救助活動に不可欠な警察の情報通信環境の整備が全国で"
    "進められる中、このほど、警視庁管内の警察無線不感地帯の解消が図られた。警察では万一に備え、"
    "幾重にも情報通信システムが確保されているが、今後も、それらの環境改善を図っていくといい、住民ら"
    "の安心感につなげたい考えだ。\n\n能登半島地震を受け東京都警察情報通信部（都通）が警視庁管内の"
    "11の有人島で、警察無線の環境調査を実施した。その結果、小笠原諸島の母島で、不感地帯が確認された"
    "という。")

CASES = ([("latin-1", t) for t in LATIN1_SHORT] + [("cp1252", t) for t in CP1252_SHORT]
         + [("cp1252", CP1252_LONG), ("latin-1", CP1252_LONG.replace("„", '"').replace("“", '"')
                                      .replace("–", "-"))]
         + [("cp1250", t) for t in (*CP1250_SHORT, *CP1250_LONG)]
         + [("shift_jis", t) for t in (*SHIFT_JIS_SHORT, SHIFT_JIS_LONG)])


@pytest.mark.parametrize(("encoding", "text"), CASES, ids=[f"{e}-{t[:20]}" for e, t in CASES])
def test_real_text_decodes_exactly_without_a_declared_charset(encoding: str, text: str) -> None:
    decoded = decode_bytes(text.encode(encoding), ReadConfig())
    assert decoded.text == text
    assert decoded.how == "detected"


@pytest.mark.parametrize(("encoding", "text"), CASES, ids=[f"{e}-{t[:20]}" for e, t in CASES])
def test_real_text_decodes_exactly_with_its_declared_charset(encoding: str, text: str) -> None:
    decoded = decode_bytes(text.encode(encoding), ReadConfig(), declared=encoding)
    assert decoded.text == text and decoded.how == "declared"


def test_western_text_is_recorded_as_windows_1252() -> None:
    """The record names the code page as the web does: latin-1 text is windows-1252."""
    raw = RawDoc(id="a", source="a.txt", format="text",
                 content="\n\n".join(LATIN1_SHORT[:3]).encode("latin-1"))
    art = process(raw, Config())
    assert art.status == "ok" and art.body.startswith("Le géant taïwanais")
    assert (art.signals["encoding"], art.signals["encoding_from"]) == ("cp1252", "detected")


def test_czech_text_is_recorded_as_windows_1250() -> None:
    raw = RawDoc(id="c", source="c.txt", format="text", content=CP1250_LONG[0].encode("cp1250"))
    art = process(raw, Config())
    assert art.status == "ok" and "předání moci bylo plynulé" in art.body
    assert art.signals["encoding"] == "cp1250"


def test_a_toss_up_is_flagged_ambiguous() -> None:
    """Two words with one letter that cp1250 and cp1252 write with the same byte ('ň'/'ò'):
    the record says the choice was a toss-up; a paragraph of the same language is not."""
    assert decode_bytes("Brno, Plzeň".encode("cp1250"), ReadConfig()).ambiguous
    assert not decode_bytes(CP1250_LONG[0].encode("cp1250"), ReadConfig()).ambiguous


@pytest.mark.skipif(not (SHARED / "bench" / "metadata" / "fundus").is_dir(),
                    reason="needs ../shared/bench/metadata/fundus")
def test_measured_on_fundus_snippets() -> None:
    """bench/encoding.py on 30 snippets per code page and length meets its targets."""
    spec = importlib.util.spec_from_file_location("bench_encoding", ROOT / "bench" / "encoding.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    table, ok = bench.measure(30)
    assert ok, {key: (right, total) for key, (right, total, *_) in table.items()}
