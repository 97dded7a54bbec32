"""DEQAR's controlled vocabularies as its Submission API v2 accepts them (reference/deqar.md §1.3, read from the
eqar_backend fixtures and serializer fields), and the mapping of our own enums onto them."""
from qa_portal.pilots.models import CertificateType, QfEheaCycle

# reports/fixtures/report_status.yaml: id → name (a digit string is matched on the id, a name case-insensitively).
REPORT_STATUSES = {"1": "part of obligatory EQA system", "2": "voluntary"}
# reports/fixtures/report_decision.yaml (the serializer's help text says "no, negative"; no such row exists).
REPORT_DECISIONS = {"1": "positive", "2": "positive with conditions or restrictions", "3": "negative",
                    "4": "not applicable"}
# lists/fixtures/qf_ehea_level.yaml: a digit string is matched on the *code*, not the pk.
QF_EHEA_LEVELS = {"0": "short cycle", "1": "first cycle", "2": "second cycle", "3": "third cycle"}
# lists/fixtures/assessment.yaml: id → name.
ASSESSMENTS = {"1": "Attendance certificate", "2": "Assessment based certificate",
               "3": "No assessment and no certificate"}
# DegreeOutcomeField accepts exactly these values (case-sensitive, ints included).
FULL_DEGREE_VALUES = (1, "1", "yes", "full degree")
NO_FULL_DEGREE_VALUES = (2, "2", "no", "no full degree")
# lists/fixtures/identifier_resource.yaml.
IDENTIFIER_RESOURCES = ("local identifier", "national identifier", "DID-EBSI", "Erasmus", "Erasmus-Charter", "EU-PIC",
                        "EU-VAT", "SCHAC", "WHED")

# Our enums → DEQAR values (we send the names for levels, the ids for assessment, as in reference §6).
QF_EHEA_LEVEL_OF_CYCLE = {QfEheaCycle.SHORT: "short cycle", QfEheaCycle.FIRST: "first cycle",
                          QfEheaCycle.SECOND: "second cycle", QfEheaCycle.THIRD: "third cycle"}
ASSESSMENT_OF_CERTIFICATE = {CertificateType.ATTENDANCE: "1", CertificateType.ASSESSMENT_BASED: "2",
                             CertificateType.NONE: "3"}

# lists/fixtures/language.yaml: every ISO 639-1 code with its ISO 639-2/B code ("hy" is "arm", never "hye").
_LANGUAGE_PAIRS = (
    "aa:aar ab:abk af:afr ak:aka sq:alb am:amh ar:ara an:arg hy:arm as:asm av:ava ae:ave ay:aym az:aze ba:bak "
    "bm:bam eu:baq be:bel bn:ben bh:bih bi:bis bs:bos br:bre bg:bul my:bur ca:cat ch:cha ce:che zh:chi cu:chu "
    "cv:chv kw:cor co:cos cr:cre cs:cze da:dan dv:div nl:dut dz:dzo en:eng eo:epo et:est ee:ewe fo:fao fj:fij "
    "fi:fin fr:fre fy:fry ff:ful ka:geo de:ger gd:gla ga:gle gl:glg gv:glv el:gre gn:grn gu:guj ht:hat ha:hau "
    "he:heb hz:her hi:hin ho:hmo hr:hrv hu:hun ig:ibo is:ice io:ido ii:iii iu:iku ie:ile ia:ina id:ind ik:ipk "
    "it:ita jv:jav ja:jpn kl:kal kn:kan ks:kas kr:kau kk:kaz km:khm ki:kik rw:kin ky:kir kv:kom kg:kon ko:kor "
    "kj:kua ku:kur lo:lao la:lat lv:lav li:lim ln:lin lt:lit lb:ltz lu:lub lg:lug mk:mac mh:mah ml:mal mi:mao "
    "mr:mar ms:may mg:mlg mt:mlt mn:mon na:nau nv:nav nr:nbl nd:nde ng:ndo ne:nep nn:nno nb:nob no:nor ny:nya "
    "oc:oci oj:oji or:ori om:orm os:oss pa:pan fa:per pi:pli pl:pol pt:por ps:pus qu:que rm:roh ro:rum rn:run "
    "ru:rus sg:sag sa:san si:sin sk:slo sl:slv se:sme sm:smo sn:sna sd:snd so:som st:sot es:spa sc:srd sr:srp "
    "ss:ssw su:sun sw:swa sv:swe ty:tah ta:tam tt:tat te:tel tg:tgk tl:tgl th:tha bo:tib ti:tir to:ton tn:tsn "
    "ts:tso tk:tuk tr:tur tw:twi ug:uig uk:ukr ur:urd uz:uzb ve:ven vi:vie vo:vol cy:wel wa:wln wo:wol xh:xho "
    "yi:yid yo:yor za:zha zu:zul"
)
LANGUAGE_CODES_639_1 = frozenset(pair.split(":")[0] for pair in _LANGUAGE_PAIRS.split())
LANGUAGE_CODES_639_2 = frozenset(pair.split(":")[1] for pair in _LANGUAGE_PAIRS.split())


def matches_vocabulary(value: str, vocabulary: dict[str, str]) -> bool:
    """DEQAR's lookup of an id-or-name field: a digit string by id/code, anything else by name, case-insensitively."""
    if value.isdigit():
        return value in vocabulary
    return value.lower() in {name.lower() for name in vocabulary.values()}


def is_language_code(value: str) -> bool:
    """ReportLanguageField: two letters match ISO 639-1, three letters ISO 639-2/B, case-insensitively."""
    code = value.lower()
    return (len(code) == 2 and code in LANGUAGE_CODES_639_1) or (len(code) == 3 and code in LANGUAGE_CODES_639_2)
