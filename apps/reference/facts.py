"""Facts of the reference data that no CSV of ../shared/data holds, typed in from shared/data/README.md.

Read by `manage.py build_reference_fixtures`. Nothing here is invented: an unknown fact stays empty (None,
"" or []) and the review's notes say what is known. Dates are Geneva time.
"""

import datetime as dt
from typing import Any

from apps.reviews.calendar_rules import GENEVA
from apps.vocabulary.models import DPRK_REFUGEES_THEME_CODE

OBSERVERS: list[dict[str, Any]] = [
    {
        "iso3": "VAT",
        "iso2": "VA",
        "m49": 336,
        "name": "Holy See",
        "formal_name": "Holy See",
        "common_name": "Vatican City",
        "aliases": ["Vatican"],
    },
    {
        "iso3": "PSE",
        "iso2": "PS",
        "m49": 275,
        "name": "State of Palestine",
        "formal_name": "State of Palestine",
        "common_name": "Palestine",
        "aliases": ["Palestine", "Palestinian Territories"],
    },
]

# What a reader should know about a state's regional group (shared/data/README.md, un_member_states.csv).
STATE_NOTES = {
    "USA": (
        "Not a member of any UN regional group; counted here in the Western European and Others Group (WEOG), "
        "as the source data (un_member_states.csv) counts it."
    ),
    "TUR": (
        "Takes part in two UN regional groups (the Asia-Pacific Group and WEOG); counted here in WEOG, "
        "as the source data (un_member_states.csv) counts it."
    ),
}

# Spellings met in UN documents and in the UPR Info export besides the UN and CLDR names.
EXTRA_ALIASES = {
    "BIH": ["Bosnia & Herzegovina", "Bosnia-Herzegovina"],  # UPR Info export; A/HRC/11/25
    "GNB": ["Guinea Bissau"],  # UPR Info export
    "STP": ["Sao Tome & Principe"],  # UPR Info export
    "KNA": ["St Kitts & Nevis"],  # UPR Info export
    "LCA": ["St Lucia"],  # UPR Info export
    "VCT": ["St Vincent & the Grenadines"],  # UPR Info export
    "CZE": ["Czech Republic"],
    "TUR": ["Turkey", "Türkiye", "Turkiye"],
    "KOR": ["South Korea", "Korea, Republic of", "Korea (Republic of)"],
    "PRK": [
        "North Korea",
        "DPRK",
        "Democratic People's Republic of Korea",
        "Korea, Democratic People's Republic of",
        "DPR Korea",  # UPR Info export
    ],
    "USA": ["United States", "USA", "United States of America"],
    "GBR": ["United Kingdom", "UK", "Great Britain"],
    "IRN": ["Iran", "Islamic Republic of Iran"],
    "VEN": ["Venezuela", "Bolivarian Republic of Venezuela"],
    "BOL": ["Bolivia", "Plurinational State of Bolivia"],
    "RUS": ["Russia"],
    "SYR": ["Syria"],
    "VNM": ["Vietnam", "Viet Nam"],
    "LAO": ["Laos", "Lao PDR"],
    "MDA": ["Moldova"],
    "TZA": ["Tanzania"],
    "MKD": [
        "Macedonia",
        "The former Yugoslav Republic of Macedonia",
        "Former Yugoslav Republic of Macedonia",
        "Macedonia FYR",  # UPR Info export
    ],
    "SWZ": ["Swaziland"],
    "CPV": ["Cape Verde"],
    "CIV": ["Cote d'Ivoire", "Ivory Coast"],
    "COD": ["DR Congo", "Democratic Republic of Congo", "Congo (Democratic Republic of the)"],
    "COG": ["Republic of the Congo", "Congo (Republic of the)", "Republic of Congo"],  # the last: UPR Info
    "FSM": ["Micronesia"],
    "BRN": ["Brunei"],
    "TLS": ["East Timor"],
    "MMR": ["Burma"],
}

CYCLES: list[dict[str, Any]] = [
    {"number": 1, "start_year": 2008, "end_year": 2011, "is_provisional": False},
    {"number": 2, "start_year": 2012, "end_year": 2016, "is_provisional": False},
    {"number": 3, "start_year": 2017, "end_year": 2022, "is_provisional": False},
    {"number": 4, "start_year": 2022, "end_year": 2027, "is_provisional": False},
    {"number": 5, "start_year": 2027, "end_year": None, "is_provisional": True},
]

SESSIONS: list[dict[str, Any]] = [
    {"number": 4, "cycle": 1, "starts_on": "2009-02-02", "ends_on": "2009-02-13", "is_provisional": False},
    {"number": 17, "cycle": 2, "starts_on": "2013-10-21", "ends_on": "2013-11-01", "is_provisional": False},
    {"number": 31, "cycle": 3, "starts_on": "2018-11-05", "ends_on": "2018-11-16", "is_provisional": False},
    {"number": 45, "cycle": 4, "starts_on": "2024-01-22", "ends_on": "2024-02-02", "is_provisional": False},
    {
        "number": 59,
        "cycle": 5,
        "starts_on": None,
        "ends_on": None,
        "is_provisional": True,
        # shared/data/README.md: "China's 5th review is estimated at the 59th session, about Nov 2028 – Feb 2029".
        "estimated_earliest": "2028-11-01",
        "estimated_latest": "2029-02-28",
        "estimate_rule": (
            "shared/data/README.md: the 5th cycle's calendar is not published; China's 5th review is estimated "
            "at the 59th session, about November 2028 – February 2029."
        ),
    },
]

# Sources named in the facts below.
README = "shared/data/README.md, Facts of China's reviews"
WG_2009 = "Working Group report on China's 1st review (shared/data/china_2009_wg_report_A-HRC-11-25.txt)"
MATRIX_2013 = "OHCHR matrix of recommendations to China, A/HRC/25/5 (positions from A/HRC/25/5/Add.1)"
MATRIX_2018 = "OHCHR matrix of recommendations to China, A/HRC/40/6 (positions from A/HRC/40/6/Add.1)"
V, R, E = "verified", "reported", "estimated"


def _facts(**facts: tuple[str, str]) -> dict[str, dict[str, str]]:
    """facts_sources of a review: fact name → {source, verification}."""
    return {name: {"source": source, "verification": level} for name, (source, level) in facts.items()}


# Working Group session → facts of China's review in it, each with its source and verification level.
CHINA_REVIEWS: dict[int, dict[str, Any]] = {
    4: {
        "status": "completed",
        "dialogue_date": "2009-02-09",
        "report_adopted_on": "2009-02-11",
        "report_symbol": "A/HRC/11/25",
        "report_symbol_verified": False,
        "addendum_symbol": "",
        "troika": ["CAN", "IND", "NGA"],
        "speakers_count": 60,
        "speakers_unable_count": 55,
        "seconds_per_speaker": None,
        # The numbered items of section II (paras. 114-117), counted by apps/reference/wg_report_2009.py.
        "recommendations_count": 99,
        "council_session": 11,
        "council_adopted_on": None,
        "head_of_delegation": (
            "H.E. Mr. LI Baodong, Ambassador and Permanent Representative of China to the United Nations Office "
            "at Geneva"
        ),
        # The whole report is loaded (apps/reference/china_2009.py): every numbered recommendation and
        # the report's summary of every statement made.
        "recommendations_coverage": "complete",
        "statements_coverage": "complete",
        "facts_sources": _facts(
            report_symbol=(
                "shared/data/README.md and the refugee CSV's wg_report column (file named by rochelleterman/uprs); "
                "the report's text as stored does not print its own symbol",
                R,
            ),
            dialogue_date=(f"{WG_2009}, para. 1", V),
            report_adopted_on=(f"{WG_2009}, para. 1", V),
            troika=(f"{WG_2009}, para. 2", V),
            speakers_count=(f"{WG_2009}, para. 26", V),
            speakers_unable_count=(f"{WG_2009}, para. 26", V),
            head_of_delegation=(f"{WG_2009}, para. 1 and annex", V),
            council_session=(f"{WG_2009}, para. 116", V),
        ),
        "notes": (
            "60 delegations spoke; 55 delegations were not able to make their statements (A/HRC/11/25 para. 26; "
            "its footnote names 54 of them, the Republic of Korea and the DPRK among them). Recommendations: 99 "
            "numbered items in the report's section II (paras. 114-117), as HRIC counts them; 138 rows in the UPR "
            "Info database. Outcome adopted by the Human Rights Council at its 11th session, June 2009."
        ),
    },
    17: {
        "status": "completed",
        "dialogue_date": "2013-10-22",
        "report_adopted_on": "2013-10-25",
        "report_symbol": "A/HRC/25/5",
        "addendum_symbol": "A/HRC/25/5/Add.1",
        "troika": ["POL", "SLE", "ARE"],
        "speakers_count": 137,
        "seconds_per_speaker": 50,
        "recommendations_count": 252,
        "council_session": 25,
        "council_adopted_on": "2014-03-20",
        "head_of_delegation": "",
        "recommendations_coverage": "complete",
        "statements_coverage": "none",
        "facts_sources": _facts(
            report_symbol=(MATRIX_2013, V),
            addendum_symbol=(MATRIX_2013, V),
            recommendations_count=(f"{MATRIX_2013}: paragraphs 186.1–186.252", V),
            dialogue_date=(README, R),
            report_adopted_on=(README, R),
            troika=(README, R),
            speakers_count=(README, R),
            seconds_per_speaker=(README, R),
            council_session=(README, R),
            council_adopted_on=(README, R),
        ),
        "notes": "252 recommendations: 204 supported, 48 noted (OHCHR matrix). Head of delegation: not in the record.",
    },
    31: {
        "status": "completed",
        "dialogue_date": "2018-11-06",
        "report_adopted_on": "2018-11-09",
        "report_symbol": "A/HRC/40/6",
        "addendum_symbol": "A/HRC/40/6/Add.1",
        "troika": ["HUN", "KEN", "SAU"],
        "speakers_count": None,
        "seconds_per_speaker": None,
        "recommendations_count": 346,
        "council_session": 40,
        "council_adopted_on": None,
        "head_of_delegation": "",
        "recommendations_coverage": "complete",
        "statements_coverage": "none",
        "facts_sources": _facts(
            report_symbol=(MATRIX_2018, V),
            addendum_symbol=(MATRIX_2018, V),
            recommendations_count=(f"{MATRIX_2018}: paragraphs 28.1–28.346", V),
            dialogue_date=(README, R),
            report_adopted_on=(README, R),
            troika=(README, R),
            council_session=(README, R),
        ),
        "notes": (
            "About 150 recommending states (shared/data/README.md). 346 recommendations: 284 supported, 62 noted "
            "(OHCHR matrix). Outcome adopted by the Human Rights Council at its 40th session, 14–15 March 2019 "
            "(shared/data/README.md). Head of delegation: not in the record."
        ),
    },
    45: {
        "status": "completed",
        "dialogue_date": "2024-01-23",
        "dialogue_starts_at": (
            dt.datetime(2024, 1, 23, 9, 0, tzinfo=GENEVA),
            dt.datetime(2024, 1, 23, 12, 30, tzinfo=GENEVA),
        ),
        "report_adopted_on": "2024-01-26",
        "report_symbol": "A/HRC/56/6",
        "report_symbol_verified": False,
        "addendum_symbol": "",
        "troika": [],
        "speakers_count": None,
        "seconds_per_speaker": 45,
        "recommendations_count": 428,
        "council_session": 56,
        "council_adopted_on": "2024-07-04",
        "head_of_delegation": "",
        "recommendations_coverage": "partial",
        "statements_coverage": "none",
        "facts_sources": _facts(
            report_symbol=(f"{README} (\u201csymbol not verified\u201d)", R),
            dialogue_date=(README, R),
            dialogue_starts_at=(README, R),
            report_adopted_on=(README, R),
            seconds_per_speaker=(README, R),
            recommendations_count=(README, R),
            council_session=(README, R),
            council_adopted_on=(README, R),
        ),
        "notes": (
            "More than 160 delegations registered to speak, 45 seconds each (shared/data/README.md). 428 "
            "recommendations; China's own labels: 290 accepted, 8 partially accepted, 32 noted, 98 rejected "
            "(shared/data/README.md); the record holds only the refugee recommendations, as press paraphrases. "
            "Report symbol A/HRC/56/6 not verified; troika not found; head of delegation not in the record."
        ),
    },
    59: {
        "status": "provisional",
        "report_symbol": "",
        "addendum_symbol": "",
        "troika": [],
        "head_of_delegation": "",
        "recommendations_coverage": "none",
        "statements_coverage": "none",
        "facts_sources": {},
        "notes": (
            "Provisional: the 5th cycle's calendar is not published. China's 5th review is estimated at the "
            "59th session, about November 2028 – February 2029 (shared/data/README.md). Every deadline is "
            "computed from the UPR calendar rules counting from the earliest likely date, 1 November 2028, so "
            "that no estimate comes after the real deadline."
        ),
    },
}

DPRK_THEME = {
    "scheme": "project",
    "code": DPRK_REFUGEES_THEME_CODE,
    "name": "North Korean refugees / non-refoulement",
    "description": (
        "Recommendations and statements on refugees and escapees from the DPRK in China, asylum, and the "
        "principle of non-refoulement."
    ),
}

# UN entities that take part in the UPR (they submit to the UN compilation and speak at the Council's
# adoption): official names and acronyms as the entities publish them on their own sites.
UN_STAKEHOLDERS: list[dict[str, str]] = [
    {
        "acronym": "UNHCR",
        "name": "Office of the United Nations High Commissioner for Refugees",
        "website": "https://www.unhcr.org/",
    },
    {
        "acronym": "OHCHR",
        "name": "Office of the United Nations High Commissioner for Human Rights",
        "website": "https://www.ohchr.org/",
    },
    {"acronym": "UNICEF", "name": "United Nations Children's Fund", "website": "https://www.unicef.org/"},
    {"acronym": "UNDP", "name": "United Nations Development Programme", "website": "https://www.undp.org/"},
    {
        "acronym": "UN Women",
        "name": "United Nations Entity for Gender Equality and the Empowerment of Women",
        "website": "https://www.unwomen.org/",
    },
    {"acronym": "ILO", "name": "International Labour Organization", "website": "https://www.ilo.org/"},
    {"acronym": "WHO", "name": "World Health Organization", "website": "https://www.who.int/"},
    {"acronym": "UNFPA", "name": "United Nations Population Fund", "website": "https://www.unfpa.org/"},
    {
        "acronym": "UNESCO",
        "name": "United Nations Educational, Scientific and Cultural Organization",
        "website": "https://www.unesco.org/",
    },
    {"acronym": "UNAIDS", "name": "Joint United Nations Programme on HIV/AIDS", "website": "https://www.unaids.org/"},
    {"acronym": "IOM", "name": "International Organization for Migration", "website": "https://www.iom.int/"},
    {"acronym": "UNODC", "name": "United Nations Office on Drugs and Crime", "website": "https://www.unodc.org/"},
    {
        "acronym": "FAO",
        "name": "Food and Agriculture Organization of the United Nations",
        "website": "https://www.fao.org/",
    },
    {"acronym": "WFP", "name": "World Food Programme", "website": "https://www.wfp.org/"},
    {
        "acronym": "UN-Habitat",
        "name": "United Nations Human Settlements Programme",
        "website": "https://unhabitat.org/",
    },
]
