#!/usr/bin/env python3
"""Writes content/outputs/*.json: the EOSC photon and neutron projects' outputs
as DataCite REST JSON lists, from the facts in ../shared/data/corpora/pan-docs.

Run from the crate root: python3 scripts/catalogue-outputs.py
Only facts (identifiers, titles, dates, numbers, names) come from the shared
material; every description is our own sentence. Each record names the files
its facts come from under `source` (paths below shared/data/corpora/).
"""

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "data" / "corpora"
OUT = ROOT / "content" / "outputs"

REPORTING = "pan-docs/ExPaNDS-eu+WP1-reporting"
DELIVERABLES = f"{REPORTING}/_data/deliverables.yml"
MILESTONES = f"{REPORTING}/_data/milestones.yml"
WPS = f"{REPORTING}/_data/wps.yml"
# The footer of the reporting site, quoted in the folder's LICENSE, states the grant.
GRANT_SOURCE = f"{REPORTING}/LICENSE"
EXPANDS_GRANT = "857641"

EDAM = "http://edamontology.org"
ONTOLOGY = ("Ontology and terminology", "topic_0089")
DATA_GOVERNANCE = ("Data governance", "topic_3571")
TRAINING_MATERIAL = ("Training material", "data_3669")

# Subjects only where a deliverable's title plainly names the topic.
DELIVERABLE_SUBJECTS = {
    "D1.10": [DATA_GOVERNANCE],  # Data Management Plan
    "D2.1": [DATA_GOVERNANCE],  # ... data policy framework ...
    "D2.2": [DATA_GOVERNANCE],  # ... FAIR ... Data Management
    "D2.3": [DATA_GOVERNANCE],  # ... data policy framework ...
    "D2.4": [DATA_GOVERNANCE],  # DMPs for ...
    "D2.7": [DATA_GOVERNANCE],  # ... FAIR ... Data Management
    "D2.8": [DATA_GOVERNANCE],  # Active DMPs ...
    "D3.2": [ONTOLOGY],  # ... ExPaNDS ontology ...
    "D3.4": [TRAINING_MATERIAL],  # Portfolio material to support training ...
    "D6.19": [ONTOLOGY],  # ... taxonomy strategy ...
    "D6.20": [ONTOLOGY],  # ... taxonomy strategy ...
}

# What some deliverables are about, in our own words (the facts from the
# deliverables' entries in deliverables.yml).
ABOUT = {
    "D1.6": "How the catalogue and analysis services of the ExPaNDS facilities are to connect to EOSC.",
    "D2.1": "A first FAIR data policy framework for the national photon and neutron facilities, put out for consultation.",
    "D2.2": "Recommendations for FAIR data practice at each stage of an experiment, including which metadata to record.",
    "D2.3": "The FAIR data policy framework in its final form, after consultation with the partner facilities.",
    "D2.4": "Who can answer the questions of the PaN data management plan template, from which sources and when.",
    "D2.5": "Guidance on adopting persistent identifiers at photon and neutron facilities.",
    "D2.6": "The FAIR self-assessments of the ten partner facilities.",
    "D2.7": "The final recommendations for FAIR photon and neutron data management, continuing D2.2.",
    "D2.8": "A data model for active data management plans that takes in what is known before a proposal is submitted.",
    "D3.2": "Version 1.0 of the ExPaNDS ontologies: PaNET, the NeXus ontology and PaNmapping.",
    "D3.3": "ICAT and SciCat deployed with the PaN federated search API and an OAI-PMH interface.",
    "D4.2": "Eleven reference data sets for photon and neutron techniques, each linked to an analysis pipeline.",
    "D4.3": "A framework for testing and validating ExPaNDS services against the reference data sets.",
    "D4.5": "Portable data analysis services for five real-world use cases, independent of any one facility.",
    "D5.4": "The training platform found best suited to the PaN communities: a catalogue combined with an e-learning platform.",
    "D5.5": "The joint PaN training portal at pan-training.eu: a catalogue of training material and events, and an e-learning system.",
    "D6.19": "A common taxonomy of scientific disciplines and photon techniques for the facilities' data catalogues.",
    "D6.20": "The proposed PaN discipline taxonomy compared with SRAO, EuroSciVoc and the OECD subject vocabulary.",
}

# Milestones whose `comments` name the deliverables that achieved them.
DELIVERABLE_MILESTONES = {
    "D1.2": [3],
    "D1.3": [3],
    "D1.6": [4],
    "D2.1": [10],
    "D2.2": [10],
    "D2.6": [11],
    "D2.7": [11],
    "D4.4": [14],
    "D4.5": [15],
    "D5.4": [17],
    "D6.4": [20],
    "D6.14": [25],
    "D6.17": [27],
    "D6.18": [27],
    "D6.20": [29],
}

# Deliverables whose DOI is cited elsewhere in the reporting site with another
# Zenodo DOI (most likely another version of the same record; the material does
# not say which is which, so neither is made the concept DOI).
ALSO_CITED = {
    "D1.10": ("10.5281/zenodo.3672925", f"{REPORTING}/_reports/2020-04-29-WP2.md"),
    "D2.7": ("10.5281/zenodo.6821676", MILESTONES),
}

# The milestone comments call 6.17 and 6.18 videos with posters; 6.21 is a video.
AUDIOVISUAL = {"D6.17", "D6.18", "D6.21"}

ONTOLOGY_README = "pan-docs/ExPaNDS-eu+ExPaNDS-experimental-techniques-ontology/README.md"
# The README cites the D3.2 record with its authors and its Zenodo title.
D32_AUTHORS = [
    ("Steve P.", "Collins"),
    ("Silvia", "da Graça Ramos"),
    ("Daniel", "Iyayi"),
    ("Heike", "Görzig"),
    ("Alejandra", "González Beltrán"),
    ("Alun", "Ashton"),
    ("Stefan", "Egli"),
    ("Carlo", "Minotti"),
]
D32_ZENODO_TITLE = "Expands Ontologies V1.0"

LANDSCAPING = "10.5281/zenodo.3673810"
POSITION_PAPER = "10.5281/zenodo.3831561"
PANOSC_PAPER = "10.5281/zenodo.3689420"


def load_yaml(rel):
    text = (CORPORA / rel).read_text(encoding="utf-8")
    # deliverables.yml has a TAB after some keys (`name:\t...`), which YAML
    # forbids there; it is plainly a separator.
    text = re.sub(r"^(\s*(?:- )?[A-Za-z_-]+):\t+", r"\1: ", text, flags=re.M)
    # BaseLoader keeps every scalar a string: `1.10` stays D1.10, not 1.1.
    return yaml.load(text, Loader=yaml.BaseLoader)


def deliverable_number(raw):
    wp, n = raw.split(".")
    return f"D{int(wp)}.{int(n)}", int(wp)


def organisation(name):
    return {"name": name, "nameType": "Organizational"}


def person(given, family):
    return {
        "name": f"{family}, {given}",
        "nameType": "Personal",
        "givenName": given,
        "familyName": family,
    }


def subjects(pairs):
    return [
        {
            "subject": label,
            "subjectScheme": "EDAM",
            "schemeUri": EDAM,
            "valueUri": f"{EDAM}/{local}",
        }
        for label, local in pairs
    ]


def funding(acronym, number=None):
    ref = {"funderName": "European Commission"}
    if number:
        ref["awardNumber"] = number
    ref["awardTitle"] = acronym
    return [ref]


def relation(relation_type, doi):
    return {
        "relatedIdentifier": doi,
        "relatedIdentifierType": "DOI",
        "relationType": relation_type,
    }


def item(attributes):
    return {"id": attributes["doi"], "type": "dois", "attributes": attributes}


def expands_deliverables():
    wps = {w["id"]: w["name"] for w in load_yaml(WPS)}
    milestones = {int(m["id"]): m["name"] for m in load_yaml(MILESTONES)}
    entries = [d for d in load_yaml(DELIVERABLES) if d.get("doi")]
    by_number = {deliverable_number(d["id"])[0]: d for d in entries}

    related = {
        # D3.1 was built on the data landscaping survey (WP3 report of 2020-07-15).
        "D3.1": [relation("References", LANDSCAPING)],
        # D2.7's own description says it pursues the work of D2.2.
        "D2.7": [relation("Continues", by_number["D2.2"]["doi"])],
        "D2.2": [relation("IsContinuedBy", by_number["D2.7"]["doi"])],
        # The draft framework went to consultation, which led to the final one
        # (WP2 reports of 2021-02-10 and 2021-10-08).
        "D2.3": [relation("Continues", by_number["D2.1"]["doi"])],
        "D2.1": [relation("IsContinuedBy", by_number["D2.3"]["doi"])],
    }
    related_sources = {
        "D3.1": [f"{REPORTING}/_reports/2020-07-15-WP3.md"],
        "D2.3": [f"{REPORTING}/_reports/2021-10-08-WP2.html"],
        "D2.1": [f"{REPORTING}/_reports/2021-10-08-WP2.html"],
    }

    records = []
    for d in entries:
        number, wp = deliverable_number(d["id"])
        wp_name = wps[str(wp)]
        doi = d["doi"].strip()
        date = d["date"].strip()
        sources = [DELIVERABLES, WPS, GRANT_SOURCE]
        titles = [{"title": d["name"].strip()}]
        creators = [organisation("ExPaNDS")]
        if number == "D3.2":
            titles.append({"title": D32_ZENODO_TITLE, "titleType": "AlternativeTitle"})
            creators = [person(g, f) for g, f in D32_AUTHORS]
            sources.append(ONTOLOGY_README)
        status = d.get("status", "").strip()
        state = {
            "accepted": "delivered and accepted by the European Commission",
            "delivered": "delivered to the European Commission",
        }.get(status, status)
        which = (
            f"ExPaNDS deliverable {number} of work package {wp}, {wp_name}; "
            f"lead partner {d['partner'].strip()}. The project's reporting site lists "
            f"it as {state}, dated {date}."
        )
        description = " ".join(filter(None, [ABOUT.get(number), which]))
        attrs = {
            "doi": doi,
            "titles": titles,
            "creators": creators,
            "publisher": "Zenodo",
            "publicationYear": int(date[:4]),
            "dates": [{"date": date, "dateType": "Issued"}],
            "types": {
                "resourceTypeGeneral": "Audiovisual" if number in AUDIOVISUAL else "Text",
                "resourceType": "Deliverable",
            },
        }
        if number in DELIVERABLE_SUBJECTS:
            attrs["subjects"] = subjects(DELIVERABLE_SUBJECTS[number])
        attrs["fundingReferences"] = funding("ExPaNDS", EXPANDS_GRANT)
        if number in related:
            attrs["relatedIdentifiers"] = related[number]
            sources.extend(related_sources.get(number, []))
        attrs["descriptions"] = [{"description": description, "descriptionType": "Abstract"}]
        attrs["deliverable"] = number
        attrs["workPackage"] = f"WP{wp} {wp_name}"
        attrs["partner"] = d["partner"].strip()
        attrs["status"] = status
        if number in DELIVERABLE_MILESTONES:
            attrs["milestones"] = [
                f"MS{m} {milestones[m]}" for m in DELIVERABLE_MILESTONES[number]
            ]
            if MILESTONES not in sources:
                sources.append(MILESTONES)
        if number in ALSO_CITED:
            other, where = ALSO_CITED[number]
            attrs["alsoCitedAs"] = {"doi": other, "source": where}
        attrs["source"] = sources
        records.append(item(attrs))
    return records


def expands_other_outputs():
    wps = {w["id"]: w["name"] for w in load_yaml(WPS)}
    milestone = next(m for m in load_yaml(MILESTONES) if m["id"] == "12")
    d31 = next(d for d in load_yaml(DELIVERABLES) if d["id"] == "3.1")
    wp3_2020 = f"{REPORTING}/_reports/2020-04-23-WP3.md"
    wp3_2022 = f"{REPORTING}/_reports/2022-08-08-WP3.md"
    wp2_2020 = f"{REPORTING}/_reports/2020-04-29-WP2.md"
    wp1_2020 = f"{REPORTING}/_reports/2020-06-24-WP1.md"
    peb_2022 = f"{REPORTING}/_pebs/2022-02-15-notes.html"
    wp3_2021 = f"{REPORTING}/_reports/2021-11-04-WP3.html"
    grant = funding("ExPaNDS", EXPANDS_GRANT)
    return [
        item(
            {
                "doi": LANDSCAPING,
                # The phrase the WP3 report of 2022-08-08 uses for this survey.
                "titles": [{"title": "Data landscaping survey"}],
                "creators": [organisation("ExPaNDS")],
                "publisher": "Zenodo",
                "dates": [{"date": "2019-11/2019-12", "dateType": "Collected"}],
                "types": {"resourceTypeGeneral": "Text", "resourceType": "Report"},
                "fundingReferences": grant,
                "relatedIdentifiers": [relation("IsReferencedBy", d31["doi"])],
                "descriptions": [
                    {
                        "description": (
                            "Results of the survey ExPaNDS work package 3 ran at its ten "
                            "national photon and neutron facilities in November and "
                            "December 2019 on their metadata catalogues, file formats "
                            "and metadata practices. Deliverable D3.1 builds on it."
                        ),
                        "descriptionType": "Abstract",
                    }
                ],
                "workPackage": f"WP3 {wps['3']}",
                "alsoCitedAs": {"doi": "10.5281/zenodo.3673811", "source": wp2_2020},
                "titleNote": "The source names this output by a phrase, not its own title.",
                "source": [
                    wp3_2020,
                    f"{REPORTING}/_reports/2020-07-15-WP3.md",
                    wp3_2022,
                    DELIVERABLES,
                    GRANT_SOURCE,
                ],
            }
        ),
        item(
            {
                "doi": milestone["doi"].strip(),
                "titles": [{"title": milestone["name"].strip()}],
                "creators": [organisation("ExPaNDS")],
                "publisher": "Zenodo",
                "publicationYear": int(milestone["date"][:4]),
                "dates": [{"date": milestone["date"].strip(), "dateType": "Issued"}],
                "types": {"resourceTypeGeneral": "Text", "resourceType": "Milestone"},
                "fundingReferences": grant,
                "relatedIdentifiers": [
                    {
                        "relatedIdentifier": "https://github.com/SciCatProject/scicatlive",
                        "relatedIdentifierType": "URL",
                        "relationType": "Documents",
                    }
                ],
                "descriptions": [
                    {
                        "description": (
                            f"ExPaNDS milestone MS{milestone['id']} of work package 3: a "
                            "self-contained SciCat metadata catalogue that facilities can "
                            "run locally to try it out; this record documents it."
                        ),
                        "descriptionType": "Abstract",
                    }
                ],
                "milestone": f"MS{milestone['id']}",
                "workPackage": f"WP3 {wps['3']}",
                "status": milestone["status"].strip(),
                "source": [MILESTONES, wp3_2021, GRANT_SOURCE],
            }
        ),
        item(
            {
                "doi": "10.5281/zenodo.6090282",
                "titles": [{"title": "Data policy guidance note"}],
                "creators": [organisation("ExPaNDS")],
                "publisher": "Zenodo",
                "publicationYear": 2022,
                "types": {"resourceTypeGeneral": "Text", "resourceType": "Guidance note"},
                "subjects": subjects([DATA_GOVERNANCE]),
                "fundingReferences": grant,
                "descriptions": [
                    {
                        "description": (
                            "Guidance for photon and neutron facilities on their data "
                            "policies, from ExPaNDS work package 2, meant to be linked from "
                            "the PaN training platform."
                        ),
                        "descriptionType": "Abstract",
                    }
                ],
                "workPackage": f"WP2 {wps['2']}",
                "titleNote": "The source names this output by its link text, not its own title.",
                "source": [peb_2022, GRANT_SOURCE],
            }
        ),
        item(
            {
                "doi": POSITION_PAPER,
                "titles": [{"title": "Position paper on EOSC"}],
                "creators": [organisation("ExPaNDS")],
                "publisher": "Zenodo",
                "types": {"resourceTypeGeneral": "Text", "resourceType": "Position paper"},
                "fundingReferences": grant,
                "relatedIdentifiers": [relation("References", PANOSC_PAPER)],
                "descriptions": [
                    {
                        "description": (
                            "ExPaNDS's position on the European Open Science Cloud, written "
                            "by its work package 1 together with the other INFRA-EOSC-5b "
                            "projects and building on an earlier PaNOSC paper."
                        ),
                        "descriptionType": "Abstract",
                    }
                ],
                "workPackage": f"WP1 {wps['1']}",
                "titleNote": "The source names this output by its link text, not its own title.",
                "source": [wp1_2020, GRANT_SOURCE],
            }
        ),
    ]


def panosc_outputs():
    wp1_2020 = f"{REPORTING}/_reports/2020-06-24-WP1.md"
    wp2_2021 = f"{REPORTING}/_reports/2021-02-10-WP2.html"
    grant = funding("PaNOSC")
    note = "The source names this output by its link text, not its own title."
    return [
        item(
            {
                "doi": PANOSC_PAPER,
                "titles": [{"title": "Paper published by PaNOSC in December 2019"}],
                "creators": [organisation("PaNOSC")],
                "publisher": "Zenodo",
                "publicationYear": 2019,
                "dates": [{"date": "2019-12", "dateType": "Issued"}],
                "types": {"resourceTypeGeneral": "Text", "resourceType": "Paper"},
                "fundingReferences": grant,
                "relatedIdentifiers": [relation("IsReferencedBy", POSITION_PAPER)],
                "descriptions": [
                    {
                        "description": (
                            "A PaNOSC paper that the ExPaNDS position paper on EOSC builds "
                            "on. The ExPaNDS WP1 report of June 2020 cites it."
                        ),
                        "descriptionType": "Abstract",
                    }
                ],
                "titleNote": note,
                "source": [wp1_2020],
            }
        ),
        item(
            {
                "doi": "10.5281/zenodo.3862701",
                "titles": [{"title": "PaNOSC model data policy"}],
                "creators": [organisation("PaNOSC")],
                "publisher": "Zenodo",
                "publicationYear": 2020,
                "dates": [{"date": "2020-05", "dateType": "Issued"}],
                "types": {"resourceTypeGeneral": "Text", "resourceType": "Data policy"},
                "subjects": subjects([DATA_GOVERNANCE]),
                "fundingReferences": grant,
                "descriptions": [
                    {
                        "description": (
                            "A model data policy for photon and neutron facilities from "
                            "PaNOSC, on which ExPaNDS consulted its national facilities "
                            "before drafting deliverable D2.1."
                        ),
                        "descriptionType": "Abstract",
                    }
                ],
                "titleNote": note,
                "source": [wp2_2021],
            }
        ),
    ]


def write(name, records):
    OUT.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"data": records}, indent=2, ensure_ascii=False) + "\n"
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"{OUT / name}: {len(records)} records")


def main():
    if not CORPORA.is_dir():
        sys.exit(f"{CORPORA} not found")
    write("expands-deliverables.json", expands_deliverables())
    write("expands-other-outputs.json", expands_other_outputs())
    write("panosc-outputs.json", panosc_outputs())


if __name__ == "__main__":
    main()
