"""The ids the bundled corpus promises to keep (docs/semantics.md section 10), so that a question
asked of one version of the corpus can be asked of the next in the same words."""

from __future__ import annotations

import pytest

import kzlaw

FIXED = {
    "acts": ["terrorist-act", "extremist-propaganda", "advocacy-of-terrorism",
             "incitement-to-terrorism", "leading-terrorist-group",
             "participation-in-terrorist-group", "financing-of-terrorism",
             "financing-of-extremism", "membership-in-banned-organization",
             "religious-political-party", "prayer-in-workplace", "worship-in-prisons",
             "hijab-in-schools", "unregistered-religious-activity"],
    "organizations": ["hizb-ut-tahrir", "islamic-movement-of-uzbekistan", "al-qaeda", "taliban",
                      "muslim-brotherhood", "islamic-party-of-turkestan", "kongra-gel",
                      "boz-kurt", "lashkar-e-taiba", "social-reforms-society", "asbat-al-ansar",
                      "jamaat-of-central-asian-mujahedins",
                      "east-turkistan-liberation-organization", "aum-shinrikyo",
                      "islamic-party-of-east-turkestan", "islamic-jihad-union",
                      "jund-al-khilafah", "tablighi-jamaat", "islamic-state", "jabhat-al-nusra"],
    "institutions": ["knb-anti-terrorism-center", "agency-for-religious-affairs",
                     "ministry-of-religious-affairs-and-civil-society",
                     "committee-for-religious-affairs"],
    "powers": ["designate-extremist-organizations", "designate-terrorist-organizations",
               "block-extremist-websites"],
    "duties": ["re-registration-of-religious-groups", "registration-of-religious-associations",
               "registration-of-missionaries", "counterterrorism-duties-of-state-agencies"],
    "penalties": ["forfeiture-of-property"],
    "categories": ["terrorism-related"],
}


@pytest.fixture(scope="module")
def vocabulary():
    return kzlaw.load().vocabulary


@pytest.mark.parametrize("kind, name", [(k, n) for k, names in FIXED.items() for n in names])
def test_the_fixed_id_is_in_the_vocabulary(vocabulary, kind, name):
    assert name in vocabulary[kind], f"{kind} {name!r} is missing from the bundled vocabulary"
    assert vocabulary[kind][name].label.strip(), f"{kind} {name!r} has no label"


@pytest.mark.parametrize("kind", sorted(FIXED))
def test_every_fixed_kind_is_a_vocabulary_section(vocabulary, kind):
    assert kind in vocabulary
