"""What frightened people type, and the demo article each must find in the top 3.

Misspellings, brand names, slang and whole questions, as typed into a
search box. tests/content/test_search_queries.py runs each on both
databases against the demo content (fixtures/).
"""

OVERDOSE = "opioid-overdose-signs-911-naloxone"
WITHDRAWAL = "heroin-withdrawal-symptoms-and-timeline"
DETOX = "medically-supervised-heroin-detox"
MOUD = "medications-for-opioid-use-disorder"
FAMILY = "helping-a-loved-one-who-uses-heroin"
PAYING = "paying-for-treatment"
RESIDENTIAL = "residential-treatment"
FENTANYL = "fentanyl-and-xylazine"
PREGNANCY = "moud-in-pregnancy"
ADDICTION = "what-is-heroin-addiction"
LEVELS = "levels-of-care-explained"

# (query, slug that must be among the first three results)
QUERIES = [
    # Misspellings
    ("withdrawl", WITHDRAWAL),
    ("withdrawl symptoms", WITHDRAWAL),
    ("naloxon", OVERDOSE),
    ("methadon", MOUD),
    ("buprenorphin", MOUD),
    ("fentynal", FENTANYL),
    ("suboxen", MOUD),
    ("herion addiction", ADDICTION),
    ("overdoes signs", OVERDOSE),
    ("detoxx", DETOX),
    ("xylazene", FENTANYL),
    ("residental treatment", RESIDENTIAL),
    # Brand names
    ("narcan", OVERDOSE),
    ("kloxxado", OVERDOSE),
    ("suboxone", MOUD),
    ("subutex", MOUD),
    ("sublocade", MOUD),
    ("vivitrol", MOUD),
    ("methadone clinic", MOUD),
    # Slang and abbreviations
    ("dope sick", WITHDRAWAL),
    ("dopesick", WITHDRAWAL),
    ("smack", ADDICTION),
    ("fent", FENTANYL),
    ("tranq", FENTANYL),
    ("overdosing", OVERDOSE),
    ("OD", OVERDOSE),
    ("rehab", RESIDENTIAL),
    ("MAT", MOUD),
    ("IOP", LEVELS),
    ("detox", DETOX),
    # Whole questions and phrases
    ("my son uses heroin", FAMILY),
    ("my daughter is using fentanyl", FAMILY),
    ("what does narcan do", OVERDOSE),
    ("how long is detox", DETOX),
    ("how long does withdrawal last", WITHDRAWAL),
    ("is it safe to quit heroin cold turkey", WITHDRAWAL),
    ("help paying for rehab", PAYING),
    ("does medicaid pay for treatment", PAYING),
    ("pregnant and using opioids", PREGNANCY),
    ("can I get suboxone while pregnant", PREGNANCY),
    ("signs of an overdose", OVERDOSE),
    ("what is heroin addiction", ADDICTION),
    ("someone is not breathing", OVERDOSE),
    ("how to talk to my husband about his drug use", FAMILY),
    ("relapse after rehab", "aftercare-and-relapse-prevention"),
    ("how to choose a good rehab", "how-to-choose-a-treatment-program"),
    ("depression and addiction", "co-occurring-mental-health-conditions"),
    ("methadone vs suboxone", MOUD),
    ("fentanyl test strips", FENTANYL),
    ("does insurance cover rehab", PAYING),
    ("dual diagnosis", "co-occurring-mental-health-conditions"),
    # Added with the synonyms of migration 0014: each found nothing, or not
    # the article a reader needed, before.
    ("precipitated withdrawal", MOUD),
    ("lucemyra", DETOX),
    ("comfort meds", DETOX),
    ("blue lips", OVERDOSE),
    ("unresponsive", OVERDOSE),
    ("percocet", OVERDOSE),
    ("carfentanil", FENTANYL),
    ("goosebumps", WITHDRAWAL),
    ("intervention", FAMILY),
    ("enabling", FAMILY),
    ("junkie", ADDICTION),
    ("clean", "aftercare-and-relapse-prevention"),
    ("12 step", "aftercare-and-relapse-prevention"),
    # Migration 0016: real words that were "corrected" into other words the
    # articles use ("shaking" into "sharing") before common English words
    # were left as typed.
    ("shaking", WITHDRAWAL),
    ("the shakes and can't sleep", WITHDRAWAL),
    ("tremors", WITHDRAWAL),
    ("tough withdrawal", WITHDRAWAL),
    # Migration 0017: drug names and family words that found nothing, or not
    # the article a reader needed, before.
    ("opiate withdrawal", WITHDRAWAL),
    ("opiate addiction", ADDICTION),
    ("hydrocodone addiction", ADDICTION),
    ("benzos", MOUD),
    ("tapering", MOUD),
    ("teenager drug use", FAMILY),
    ("my teen is using", FAMILY),
    ("rehabilitation", RESIDENTIAL),
    ("in patient rehab", RESIDENTIAL),
    # Another form of a synonym's term, which found nothing before terms
    # were matched by their stems too.
    ("suboxon", MOUD),
    ("rehabs near me", RESIDENTIAL),
    # Searched as the articles spell them: dotted abbreviations joined, and
    # accents dropped (a Spanish spelling is then corrected).
    ("O.D.", OVERDOSE),
    ("heroína", ADDICTION),
    ("metadona", MOUD),
]
