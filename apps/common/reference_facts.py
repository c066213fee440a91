"""Facts of the reference data that no CSV of ../shared/data holds, typed in from shared/data/README.md.

Read by `manage.py build_reference_fixtures`. Nothing here is invented: an unknown fact stays empty (None,
"" or []) and the review's notes say what is known. Dates are Geneva time.
"""

import datetime as dt
from typing import Any

from apps.recommendations.models import DPRK_REFUGEES_THEME_CODE
from apps.reviews.calendar_rules import GENEVA

OBSERVERS: list[dict[str, Any]] = [
    {
        "iso3": "VAT",
        "iso2": "VA",
        "m49": 336,
        "name": "Holy See",
        "formal_name": "the Holy See",
        "common_name": "Vatican City",
        "aliases": ["Vatican"],
    },
    {
        "iso3": "PSE",
        "iso2": "PS",
        "m49": 275,
        "name": "State of Palestine",
        "formal_name": "the State of Palestine",
        "common_name": "Palestine",
        "aliases": ["Palestine", "Palestinian Territories"],
    },
]

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
    {"number": 59, "cycle": 5, "starts_on": None, "ends_on": None, "is_provisional": True},
]

# Working Group session → facts of China's review in it (shared/data/README.md).
CHINA_REVIEWS: dict[int, dict[str, Any]] = {
    4: {
        "status": "completed",
        "dialogue_date": "2009-02-09",
        "report_adopted_on": "2009-02-11",
        "report_symbol": "A/HRC/11/25",
        "addendum_symbol": "",
        "troika": ["CAN", "IND", "NGA"],
        "speakers_count": 60,
        "speakers_unable_count": 55,
        "seconds_per_speaker": None,
        # The numbered items of section II (paras. 114-117), counted by apps/reviews/wg_report_2009.py.
        "recommendations_count": 99,
        "council_session": 11,
        "council_adopted_on": None,
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
        "notes": "252 recommendations: 204 supported, 48 noted.",
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
        "notes": (
            "About 150 recommending states. 346 recommendations: 284 supported, 62 noted. Outcome adopted by "
            "the Human Rights Council at its 40th session, 14–15 March 2019."
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
        "notes": (
            "More than 160 delegations spoke, 45 seconds each. 428 recommendations; China's own labels: "
            "290 accepted, 8 partially accepted, 32 noted, 98 rejected. Report symbol A/HRC/56/6 not verified; "
            "troika not found."
        ),
    },
    59: {
        "status": "provisional",
        "dialogue_date": "2029-01-23",
        "dialogue_starts_at": (
            dt.datetime(2029, 1, 23, 9, 0, tzinfo=GENEVA),
            dt.datetime(2029, 1, 23, 12, 30, tzinfo=GENEVA),
        ),
        "report_symbol": "",
        "addendum_symbol": "",
        "troika": [],
        "notes": (
            "Provisional: the 5th cycle's calendar is not published. China's 5th review is estimated at the "
            "59th session, about November 2028 – February 2029; the dates here assume a dialogue on "
            "23 January 2029, 09:00 Geneva (the slot of the 4th review, five years on), and every deadline is "
            "computed from the UPR calendar rules."
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
