"""A labelled set of English, German and French paragraphs, for measuring suggestions per language.

Eight codes of the shipped codebook, each with sentences written in the three languages, in the
register of the grey literature foresight reads (regional reports, chamber surveys, agency
briefs). A sentence is a template whose ``[a|b|c]`` parts vary, so that no two paragraphs repeat
one another and a classifier meets inflected forms and compounds it has not seen. A paragraph
is about one or two codes (two sentences each, some codes more frequent than others), with zero
to two sentences of context that belong to no code; now and then a context sentence names
another code's subject in passing, as real text does. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re

LANGUAGES = ("en", "de", "fr")
CHOICE = re.compile(r"\[([^\[\]]*)\]")

SENTENCES: dict[str, dict[str, list[str]]] = {
    "MT.ENERGY_TRANSITION": {
        "en": [
            "[Wind and solar farms|Renewable sources|Rooftop photovoltaics] now supply [a third|almost half|"
            "a growing share] of the [region's|county's|grid's] electricity.",
            "[Manufacturers|Many firms|Energy-intensive plants] are [investing in|planning] heat pumps and "
            "[waste-heat recovery|better insulation|efficient motors] to cut their energy bills.",
            "The [utility|grid operator|municipal energy company] expects [storage|battery capacity|"
            "flexible demand] to matter as [coal plants close|the share of renewables rises].",
            "[Efficiency audits|Energy management systems] showed savings of [ten|fifteen|twenty] per cent "
            "in [heating|compressed air|lighting].",
        ],
        "de": [
            "[Wind- und Solarparks|Erneuerbare Energien|Photovoltaikanlagen auf Dächern] decken inzwischen "
            "[ein Drittel|fast die Hälfte|einen wachsenden Anteil] des Strombedarfs "
            "[der Region|im Landkreis].",
            "[Viele Betriebe|Energieintensive Unternehmen|Mittelständische Hersteller] investieren in "
            "Wärmepumpen und [Abwärmenutzung|bessere Dämmung|effiziente Antriebe], um Energiekosten "
            "zu senken.",
            "[Der Netzbetreiber|Die Stadtwerke|Der Energieversorger] rechnet damit, dass [Speicher|"
            "Batteriespeicher|flexible Lasten] mit dem Kohleausstieg an Bedeutung gewinnen.",
            "[Energieaudits|Energiemanagementsysteme] zeigten Einsparungen von [zehn|fünfzehn|zwanzig] "
            "Prozent bei [Heizung|Druckluft|Beleuchtung].",
        ],
        "fr": [
            "[Les parcs éoliens et solaires|Les énergies renouvelables|Les panneaux photovoltaïques] "
            "fournissent désormais [un tiers|près de la moitié|une part croissante] de l'électricité "
            "[de la région|du département].",
            "[De nombreuses entreprises|Les industriels|Les sites énergivores] investissent dans les pompes "
            "à chaleur et [la récupération de chaleur|l'isolation|des moteurs efficaces] pour réduire leur "
            "facture énergétique.",
            "[Le gestionnaire du réseau|La régie municipale|Le fournisseur d'électricité] estime que "
            "[le stockage|les batteries|la flexibilité de la demande] comptera davantage avec la fermeture "
            "des centrales à charbon.",
            "[Les audits énergétiques|Les systèmes de management de l'énergie] ont montré des économies de "
            "[dix|quinze|vingt] pour cent sur [le chauffage|l'air comprimé|l'éclairage].",
        ],
    },
    "MT.WORKFORCE_AGEING": {
        "en": [
            "[A third|Almost half|Many] of the [skilled workers|technicians|engineers] in the "
            "[sector|region] will retire within [ten|fifteen] years.",
            "Employers report [unfilled vacancies|long hiring delays|a shortage of apprentices] for "
            "[welders|electricians|care staff|machine operators].",
            "[Firms|Several companies] keep older employees longer through [part-time retirement|"
            "ergonomic workplaces|mentoring schemes] that pass their knowledge on.",
            "The [chamber|employers' association] warns that the [ageing workforce|shrinking labour pool] "
            "will [slow growth|limit production] unless [training|immigration] expands.",
        ],
        "de": [
            "[Ein Drittel|Fast die Hälfte|Viele] der [Fachkräfte|Techniker|Ingenieure] [der Branche|"
            "in der Region] gehen in den nächsten [zehn|fünfzehn] Jahren in Rente.",
            "Arbeitgeber melden [offene Stellen|lange Besetzungszeiten|einen Mangel an Auszubildenden] "
            "bei [Schweißern|Elektrikern|Pflegekräften|Maschinenführern].",
            "[Betriebe|Mehrere Unternehmen] halten ältere Beschäftigte länger durch [Altersteilzeit|"
            "ergonomische Arbeitsplätze|Mentoringprogramme], die ihr Wissen weitergeben.",
            "[Die Kammer|Der Arbeitgeberverband] warnt, dass der Fachkräftemangel [das Wachstum bremst|"
            "die Produktion begrenzt], wenn [Ausbildung|Zuwanderung] nicht zunimmt.",
        ],
        "fr": [
            "[Un tiers|Près de la moitié|Beaucoup] des [salariés qualifiés|techniciens|ingénieurs] "
            "[du secteur|de la région] partiront à la retraite d'ici [dix|quinze] ans.",
            "Les employeurs signalent [des postes non pourvus|des recrutements difficiles|un manque "
            "d'apprentis] pour les [soudeurs|électriciens|aides-soignants|conducteurs de machines].",
            "[Les entreprises|Plusieurs employeurs] gardent les seniors plus longtemps grâce [à la retraite "
            "progressive|à des postes ergonomiques|au tutorat] qui transmet leur savoir-faire.",
            "[La chambre de métiers|L'organisation patronale] avertit que le vieillissement de la "
            "main-d'œuvre [freinera la croissance|limitera la production] sans [formation|immigration].",
        ],
    },
    "MT.CLOUD_COMPUTING": {
        "en": [
            "[Small firms|Many businesses|Public agencies] are moving their [accounting|email|"
            "customer records] to [cloud services|hosted platforms|software as a service].",
            "Renting [computing power|storage|servers] by the hour lets [start-ups|small teams] "
            "avoid [buying hardware|running a data centre].",
            "[Providers|Hyperscalers|Regional hosting companies] are building data centres "
            "[near the border|in the region] to meet demand for [cloud capacity|virtual machines].",
            "[IT managers|The survey respondents] cite [outages|vendor lock-in|monthly fees] as the "
            "main drawback of [cloud platforms|hosted software].",
        ],
        "de": [
            "[Kleine Firmen|Viele Betriebe|Behörden] verlagern ihre [Buchhaltung|E-Mail|Kundendaten] in "
            "[Cloud-Dienste|gehostete Plattformen|Software als Dienstleistung].",
            "Wer [Rechenleistung|Speicherplatz|Server] stundenweise mietet, spart sich als [Start-up|"
            "kleines Team] [den Kauf von Hardware|ein eigenes Rechenzentrum].",
            "[Anbieter|Große Cloud-Konzerne|Regionale Hoster] bauen Rechenzentren [an der Grenze|in der "
            "Region], um die Nachfrage nach [Cloud-Kapazität|virtuellen Maschinen] zu decken.",
            "[IT-Leiter|Die Befragten] nennen [Ausfälle|Abhängigkeit vom Anbieter|monatliche Gebühren] "
            "als größten Nachteil von [Cloud-Plattformen|gehosteter Software].",
        ],
        "fr": [
            "[Les petites entreprises|De nombreuses PME|Les administrations] migrent leur [comptabilité|"
            "messagerie|fichier clients] vers [des services en nuage|des plateformes hébergées|le logiciel "
            "en tant que service].",
            "Louer [de la puissance de calcul|du stockage|des serveurs] à l'heure permet aux [jeunes "
            "pousses|petites équipes] d'éviter [l'achat de matériel|un centre de données en propre].",
            "[Les fournisseurs|Les grands acteurs du cloud|Les hébergeurs régionaux] construisent des "
            "centres de données [près de la frontière|dans la région] pour répondre à la demande.",
            "[Les responsables informatiques|Les répondants] citent [les pannes|la dépendance au "
            "fournisseur|les abonnements mensuels] comme principal inconvénient de l'informatique en nuage.",
        ],
    },
    "MT.CIRCULAR_ECONOMY": {
        "en": [
            "[Manufacturers|Furniture makers|Electronics firms] take back [used products|old devices|"
            "worn parts] to [repair|refurbish|remanufacture] and resell them.",
            "[Recycled plastics|Secondary aluminium|Reclaimed timber] now make up [a tenth|a quarter] of "
            "the material [some plants|the cluster] use.",
            "[Designing for disassembly|Modular products|Repairable designs] keep components in use "
            "[longer|for several lifecycles].",
            "[Industrial symbiosis|A materials exchange] lets one firm's [waste|by-products|offcuts] "
            "become another's raw material.",
        ],
        "de": [
            "[Hersteller|Möbelbauer|Elektronikfirmen] nehmen [gebrauchte Produkte|Altgeräte|verschlissene "
            "Teile] zurück, um sie zu [reparieren|aufzubereiten|wiederaufzuarbeiten] und weiterzuverkaufen.",
            "[Recyclingkunststoffe|Sekundäraluminium|Altholz] machen inzwischen [ein Zehntel|ein Viertel] "
            "des Materials [einiger Werke|des Clusters] aus.",
            "[Demontagegerechte Konstruktion|Modulare Produkte|Reparierbare Geräte] halten Bauteile "
            "[länger|über mehrere Lebenszyklen] im Kreislauf.",
            "[Industrielle Symbiose|Eine Materialbörse] macht die [Abfälle|Nebenprodukte|Reststücke] "
            "eines Betriebs zum Rohstoff eines anderen.",
        ],
        "fr": [
            "[Les fabricants|Les fabricants de meubles|Les entreprises d'électronique] reprennent [les "
            "produits usagés|les appareils anciens|les pièces usées] pour les [réparer|reconditionner|"
            "refabriquer] et les revendre.",
            "[Les plastiques recyclés|L'aluminium de seconde fusion|Le bois de récupération] représentent "
            "désormais [un dixième|un quart] de la matière [de certaines usines|du pôle].",
            "[L'écoconception démontable|Les produits modulaires|Les appareils réparables] gardent les "
            "composants en usage [plus longtemps|sur plusieurs cycles de vie].",
            "[L'écologie industrielle|Une bourse aux matériaux] permet que les [déchets|sous-produits|"
            "chutes] d'une entreprise deviennent la matière première d'une autre.",
        ],
    },
    "MT.URBAN_MOBILITY": {
        "en": [
            "[Bike lanes|Shared e-scooters|A new tram line] changed how [commuters|residents|students] "
            "cross the [city centre|inner districts].",
            "The [city|transport authority] plans [car-free zones|congestion charges|park-and-ride sites] "
            "to cut [traffic|emissions] in the [centre|old town].",
            "[Car sharing|Ride pooling|On-demand buses] fills the gaps in [public transport|the bus "
            "network] at night and in the suburbs.",
            "[One app|A single ticket] now covers [buses, trains and bikes|trams and car sharing] across "
            "the [metropolitan area|city].",
        ],
        "de": [
            "[Radwege|Geteilte E-Scooter|Eine neue Straßenbahnlinie] haben verändert, wie [Pendler|"
            "Anwohner|Studierende] [die Innenstadt|die inneren Stadtteile] durchqueren.",
            "[Die Stadt|Der Verkehrsverbund] plant [autofreie Zonen|eine Citymaut|Park-and-Ride-Plätze], "
            "um [Verkehr|Emissionen] in [der Innenstadt|der Altstadt] zu verringern.",
            "[Carsharing|Ridepooling|Rufbusse] schließen nachts und in den Vororten die Lücken im "
            "[Nahverkehr|Busnetz].",
            "[Eine App|Ein einziges Ticket] gilt jetzt für [Busse, Bahnen und Leihräder|Straßenbahn und "
            "Carsharing] im ganzen [Ballungsraum|Stadtgebiet].",
        ],
        "fr": [
            "[Les pistes cyclables|Les trottinettes en libre-service|Une nouvelle ligne de tramway] ont "
            "changé la façon dont [les navetteurs|les habitants|les étudiants] traversent [le centre-ville|"
            "les quartiers centraux].",
            "[La ville|L'autorité organisatrice des transports] prévoit [des zones sans voitures|un péage "
            "urbain|des parkings relais] pour réduire [la circulation|les émissions] dans [le centre|la "
            "vieille ville].",
            "[L'autopartage|Le covoiturage|Le transport à la demande] comble les lacunes [des transports "
            "en commun|du réseau de bus] la nuit et en périphérie.",
            "[Une seule application|Un titre unique] couvre désormais [bus, trains et vélos|tramway et "
            "autopartage] dans toute [l'agglomération|la ville].",
        ],
    },
    "MT.DATA_PRIVACY": {
        "en": [
            "[Customers|Patients|Citizens] want to know [who stores|how firms use|where companies keep] "
            "their personal data.",
            "[Complying with the GDPR|Consent management|Data protection audits] [cost small firms|took "
            "the retailers] [months of work|a sizeable budget].",
            "[A data breach|A leak of customer records|A hacked database] [damaged the company's "
            "reputation|led to a heavy fine].",
            "[Firms|Hospitals|Insurers] now [anonymise|pseudonymise|encrypt] records before sharing them "
            "with [partners|researchers].",
        ],
        "de": [
            "[Kunden|Patienten|Bürger] wollen wissen, [wer ihre personenbezogenen Daten speichert|wie "
            "Firmen ihre Daten nutzen|wo Unternehmen ihre Daten ablegen].",
            "[Die Umsetzung der DSGVO|Das Einwilligungsmanagement|Datenschutzprüfungen] [kostete kleine "
            "Firmen|band im Handel] [monatelange Arbeit|ein beträchtliches Budget].",
            "[Eine Datenpanne|Ein Leck von Kundendaten|Eine gehackte Datenbank] [schadete dem Ruf des "
            "Unternehmens|führte zu einem hohen Bußgeld].",
            "[Firmen|Kliniken|Versicherer] [anonymisieren|pseudonymisieren|verschlüsseln] Datensätze, "
            "bevor sie sie an [Partner|Forschende] weitergeben.",
        ],
        "fr": [
            "[Les clients|Les patients|Les citoyens] veulent savoir [qui conserve leurs données "
            "personnelles|comment les entreprises utilisent leurs données|où sont stockées leurs données].",
            "[La mise en conformité avec le RGPD|La gestion du consentement|Les audits de protection des "
            "données] [a coûté aux PME|a demandé aux commerçants] [des mois de travail|un budget "
            "conséquent].",
            "[Une fuite de données|Le vol du fichier clients|Une base de données piratée] [a nui à la "
            "réputation de l'entreprise|a entraîné une lourde amende].",
            "[Les entreprises|Les hôpitaux|Les assureurs] [anonymisent|pseudonymisent|chiffrent] les "
            "dossiers avant de les partager avec [des partenaires|des chercheurs].",
        ],
    },
    "MT.CROWDFUNDING": {
        "en": [
            "[The brewery|A local bakery|The start-up] raised [its first capital|the money for a new "
            "line] from [hundreds of small backers|its customers] on a [crowdfunding|crowdinvesting] "
            "platform.",
            "[Peer-to-peer lending|Crowd lending|Revenue-based financing] gives firms that banks turn "
            "down [another way to borrow|access to credit].",
            "[Backers|Supporters] received [rewards|early products|a share of the profits] in return for "
            "their [pledges|contributions].",
            "[Community energy projects|Village shops] are often financed by [residents buying shares|"
            "citizen investment] rather than bank loans.",
        ],
        "de": [
            "[Die Brauerei|Eine Bäckerei vor Ort|Das Start-up] sammelte [ihr erstes Kapital|das Geld für "
            "eine neue Linie] bei [Hunderten kleiner Unterstützer|ihren Kunden] über eine "
            "[Crowdfunding|Crowdinvesting]-Plattform.",
            "[Privatkredite über Plattformen|Crowdlending|Umsatzbasierte Finanzierung] bieten Firmen, "
            "die von Banken abgelehnt werden, [einen anderen Weg zum Kredit|Zugang zu Kapital].",
            "[Unterstützer|Geldgeber] erhielten [Dankeschöns|erste Produkte|eine Gewinnbeteiligung] für "
            "ihre [Zusagen|Beiträge].",
            "[Bürgerenergieprojekte|Dorfläden] werden oft durch [Anteile der Einwohner|Bürgerbeteiligung] "
            "statt durch Bankkredite finanziert.",
        ],
        "fr": [
            "[La brasserie|Une boulangerie du quartier|La jeune pousse] a levé [ses premiers fonds|"
            "l'argent d'une nouvelle ligne] auprès [de centaines de petits contributeurs|de ses clients] "
            "sur une plateforme de [financement participatif|crowdequity].",
            "[Le prêt entre particuliers|Le prêt participatif|Le financement sur chiffre d'affaires] offre "
            "aux entreprises refusées par les banques [un autre moyen d'emprunter|un accès au crédit].",
            "[Les contributeurs|Les soutiens] ont reçu [des contreparties|les premiers produits|une part "
            "des bénéfices] en échange de leurs [promesses de dons|apports].",
            "[Les projets d'énergie citoyenne|Les épiceries de village] sont souvent financés par [les "
            "habitants qui achètent des parts|l'épargne locale] plutôt que par des prêts bancaires.",
        ],
    },
    "MT.CRITICAL_RAW_MATERIALS": {
        "en": [
            "[Lithium|Cobalt|Rare earths|Gallium] [prices|supplies] [doubled|became uncertain] after "
            "[export restrictions|a mine closure|new tariffs] in a single supplier country.",
            "[Battery makers|Magnet producers|Chip plants] depend on [one or two|a handful of] countries "
            "for [the raw materials|key metals] they need.",
            "[The agency|The ministry] lists [thirty|over forty] [critical raw materials|strategic "
            "minerals] and calls for [stockpiles|new mines|recycling] in Europe.",
            "[Firms|Buyers] are [diversifying suppliers|signing long-term contracts] to secure "
            "[nickel|tungsten|magnesium] for the coming years.",
        ],
        "de": [
            "[Lithium|Kobalt|Seltene Erden|Gallium] [verteuerte sich auf das Doppelte|wurde knapp], "
            "nachdem ein einziges Lieferland [Exportbeschränkungen|Zölle] verhängte.",
            "[Batteriehersteller|Magnetproduzenten|Chipfabriken] hängen bei [den Rohstoffen|wichtigen "
            "Metallen] von [einem oder zwei|wenigen] Ländern ab.",
            "[Die Agentur|Das Ministerium] führt [dreißig|über vierzig] [kritische Rohstoffe|strategische "
            "Mineralien] auf und fordert [Lagerbestände|neue Bergwerke|Recycling] in Europa.",
            "[Firmen|Einkäufer] [streuen ihre Lieferanten|schließen langfristige Verträge], um sich "
            "[Nickel|Wolfram|Magnesium] für die kommenden Jahre zu sichern.",
        ],
        "fr": [
            "[Le lithium|Le cobalt|Les terres rares|Le gallium] [a vu son prix doubler|est devenu rare] "
            "après que [le principal pays fournisseur|un seul pays producteur] a imposé des restrictions "
            "à l'exportation.",
            "[Les fabricants de batteries|Les producteurs d'aimants|Les usines de puces] dépendent de "
            "[un ou deux|quelques] pays pour [leurs matières premières|les métaux clés].",
            "[L'agence|Le ministère] recense [trente|plus de quarante] [matières premières critiques|"
            "minerais stratégiques] et appelle à [des stocks|de nouvelles mines|recycler] en Europe.",
            "[Les entreprises|Les acheteurs] [diversifient leurs fournisseurs|signent des contrats à long "
            "terme] pour sécuriser [le nickel|le tungstène|le magnésium] dans les années à venir.",
        ],
    },
}

CONTEXT: dict[str, list[str]] = {  # sentences that belong to no code
    "en": [
        "The [survey|study] covered [120|250|400] firms in [the region|three districts] in [2019|2021|2023].",
        "[Respondents|Interviewees] were [managing directors|heads of department|owners] of small and "
        "medium-sized enterprises.",
        "[These figures|The results] are [broadly in line with|somewhat higher than] the national average.",
        "[Section 4|The next chapter|The annex] describes the [method|sample] in more detail.",
        "[Several|Some] firms also mentioned [energy prices|data protection|car sharing|recycling] in "
        "passing.",
    ],
    "de": [
        "Die [Umfrage|Studie] umfasste [120|250|400] Unternehmen [in der Region|in drei Landkreisen] im "
        "Jahr [2019|2021|2023].",
        "Befragt wurden [Geschäftsführer|Abteilungsleiter|Inhaber] kleiner und mittlerer Unternehmen.",
        "[Diese Zahlen|Die Ergebnisse] liegen [weitgehend im|etwas über dem] Bundesdurchschnitt.",
        "[Abschnitt 4|Das nächste Kapitel|Der Anhang] beschreibt [die Methode|die Stichprobe] genauer.",
        "[Einige|Mehrere] Firmen erwähnten nebenbei auch [Energiepreise|den Datenschutz|Carsharing|"
        "Recycling].",
    ],
    "fr": [
        "[L'enquête|L'étude] a porté sur [120|250|400] entreprises [de la région|de trois départements] "
        "en [2019|2021|2023].",
        "Les personnes interrogées étaient [des dirigeants|des chefs de service|des propriétaires] de "
        "petites et moyennes entreprises.",
        "[Ces chiffres|Les résultats] sont [proches de|un peu supérieurs à] la moyenne nationale.",
        "[La section 4|Le chapitre suivant|L'annexe] décrit [la méthode|l'échantillon] plus en détail.",
        "[Quelques|Plusieurs] entreprises ont aussi mentionné [les prix de l'énergie|la protection des "
        "données|l'autopartage|le recyclage] au passage.",
    ],
}


def fill(template: str, rng: random.Random) -> str:
    """One sentence from a template: each ``[a|b|c]`` becomes one of its parts."""
    return CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def paragraphs(counts: dict[str, int], *, seed: int = 0) -> tuple[list[str], list[set[str]], list[str]]:
    """``counts[language]`` paragraphs of each language: (texts, label sets, languages), shuffled."""
    rng = random.Random(seed)
    codes = sorted(SENTENCES)
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(codes))]
    rng.shuffle(weights)
    rows = []
    for language, n in counts.items():
        for _ in range(n):
            chosen = {rng.choices(codes, weights)[0] for _ in range(rng.choice((1, 1, 2)))}
            sentences = []
            for code in sorted(chosen):
                sentences += [fill(t, rng) for t in rng.sample(SENTENCES[code][language], 2)]
            sentences += [fill(t, rng) for t in rng.sample(CONTEXT[language], rng.choice((0, 1, 2)))]
            rng.shuffle(sentences)
            rows.append((" ".join(sentences), chosen, language))
    rng.shuffle(rows)
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
