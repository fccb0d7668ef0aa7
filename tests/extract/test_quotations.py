"""Quotations: exact text across interruptions, paragraphs and page breaks; speaker, work, volume and pages."""
from pathlib import Path

from kgpub.extract.corpus import Document
from kgpub.extract.model import mention
from kgpub.extract.pipeline import excluded_spans
from kgpub.extract.persons import extract_persons
from kgpub.extract.quotations import extract_quotations, fold_words
from kgpub.extract.registry import load_registry
from kgpub.extract.resolve import quotation_clusters, same_passage
from kgpub.extract.works import extract_works

REGISTRY = load_registry(Path(__file__).resolve().parents[2] / "data" / "records")


def quotes_of(text: str):
    doc = Document("t", text)
    excluded = excluded_spans(doc)
    persons = extract_persons(doc, REGISTRY, excluded)
    works = extract_works(doc, REGISTRY, excluded, persons)
    return extract_quotations(doc, persons, works, excluded)


def test_interrupted_quotation_is_one_with_its_inline_footnote_work():
    text = ('Thirdly. "The dictatorship of the proletariat," says Lenin, "is the class struggle of the '
            'proletariat, which has won victory and has seized political power." (See Vol. XXIV, p. 311.)[1] '
            '[1] "Foreword to the Published Speech \'On Deceiving the People with Slogans About Liberty and '
            'Equality.\'"')
    [q] = quotes_of(text)
    assert q.attr("passage").startswith("The dictatorship of the proletariat, is the class struggle")
    assert q.attr("speaker") == "vladimir-lenin"
    assert q.attr("work", "").startswith("new:foreword-to-the-published-speech")
    assert (q.attr("volume"), q.attr("page_start")) == (24, 311)


def test_multi_paragraph_quotation_under_a_lead_in_with_a_colon():
    text = ('Here is what Lenin said on this subject at the Second Congress of the Comintern:[26]\n\n'
            '"Tanner says that he stands for the dictatorship of the proletariat, but the dictatorship of the '
            'proletariat is not conceived quite in the same way as we conceive it.\n\n'
            '"And, as a matter of fact, in the era of capitalism, when the masses of the workers are continuously '
            'subjected to exploitation, then I say that there is really no difference between us." '
            '(See Vol. XXV, p. 347.)')
    [q] = quotes_of(text)
    assert q.attr("passage").startswith("Tanner says that he stands")
    assert q.attr("passage").endswith("no difference between us.")
    assert q.attr("speaker") == "vladimir-lenin"
    assert (q.attr("volume"), q.attr("page_start")) == (25, 347)


def test_two_quotations_share_one_citation_pages_in_order_and_a_page_break_inside_the_second():
    text = ('That is why Lenin says that "the dictatorship is exercised by the proletariat organized in the '
            'Soviets, the proletariat led by the Communist Party of Bolsheviks"; that "all\n\n'
            'the work of the Party is carried on through the Soviets, which embrace the labouring masses '
            'irrespective of occupation" (see Vol. XXV, pp. 192 and 193);[1] and that is all.\n'
            '1] "\'Left-Wing\' Communism, an Infantile Disorder."')
    first, second = quotes_of(text)
    assert second.attr("passage").startswith("all the work of the Party is carried on")
    assert [(q.attr("volume"), q.attr("page_start")) for q in (first, second)] == [(25, 192), (25, 193)]
    assert first.attr("work") == second.attr("work") == "left-wing-communism-an-infantile-disorder"


def test_footnote_set_inside_a_quotation_and_ibid_footnote_and_run_of_quotations():
    text = ('Here is what Lenin says on this subject:\n\n'
            '"How is the discipline of the revolutionary party of the proletariat maintained? How is it tested?" '
            '(See Vol. XXV, p. 174.)[1]\n\nAnd further:\n\n'
            '"Victory over capitalism requires the correct correlation between the leading, Communist, Party, '
            'if this Party has succeeded in linking itself inseparably with the whole life of its class\n'
            '[1] "\'Left-Wing\' Communism, an Infantile Disorder."\n\n'
            'and, through it, with the whole mass of exploited." (See Vol. XXV, p. 315.)[2][2] Ibid.')
    first, second = quotes_of(text)
    assert second.attr("passage") == ("Victory over capitalism requires the correct correlation between the "
                                      "leading, Communist, Party, if this Party has succeeded in linking itself "
                                      "inseparably with the whole life of its class and, through it, with the "
                                      "whole mass of exploited.")
    assert first.attr("speaker") == second.attr("speaker") == "vladimir-lenin"
    assert second.attr("work") == "left-wing-communism-an-infantile-disorder"  # "Ibid." = the previous note's


def test_titles_and_short_terms_are_not_quotations():
    text = ('Without these "transmission belts," it would be impossible. The second case is in his "Letter to '
            'the Workers and Peasants in Connection with the Victory over Kolchak," in which he says nothing.')
    assert quotes_of(text) == []


def test_ocr_roman_volume_and_ibid_volume_and_work_named_in_the_lead_in():
    text = ('Lenin says the same thing in his pamphlet On the Trade Unions:[29]\n\n'
            '"We applied coercion correctly and successfully only when we were able to create beforehand a '
            'basis of conviction for it." (Ibid., p. 74.)\n\n'
            '"Its quintessence is the organisation and discipline of the advanced detachment of the working '
            'people" (see Vol. XX1V, p. 314).')
    first, second = quotes_of(text)
    assert first.attr("page_start") == 74 and first.attr("speaker") == "vladimir-lenin"
    assert second.attr("volume") == 24


def test_same_passage_across_editions_one_node_different_cuts_overlap():
    web = ('the dictatorship of the proletariat is the dictatorship of our Party.')
    ocr = ('the dictatorship of the proletariat 1s the dictatorship of our Party.')
    other = ('the dictatorship of the proletariat is the dictatorship of our leaders.')
    assert same_passage(fold_words(web), fold_words(ocr))[0]
    assert not same_passage(fold_words(web), fold_words(other))[0]
    whole = ("The necessary condition for the social revolution is the dictatorship of the proletariat, that is "
             "the conquest by the proletariat of a political power that will allow it to crush all resistance on "
             "the part of the exploiters.")
    fragment = "will allow it to crush all resistance on the part of the exploiters."
    items = [mention("quotation", 0, 1, "x", "k", "t", passage=p) for p in (web, ocr, whole, fragment)]
    clusters, overlaps = quotation_clusters(items)
    assert sorted(map(sorted, clusters)) == [[0, 1], [2], [3]]
    assert (2, 3) in overlaps


def test_footnote_title_between_quotations_does_not_swallow_the_next_one():
    text = ('"We must reckon with this; and we are sufficiently sober politicians to say straight forwardly: Let us '
            'reconsider our policy towards the peasantry."* (See Vol. XXVI, p. 238.)[1]\n\n'
            '[1] Tenth Congress of the R.C.P.(B.), March 8-16,1921. "6. Report on the Substitution of a Tax in Kind '
            'for the Surplus-Grain Appropriation System."\n\n'
            '"If the revolutionary party," says Lenin, "has not a majority in the advanced detachments of the '
            'revolutionary classes and in the country, an uprising is out of the question." (See Vol. XXI, p. 282.)')
    first, second = quotes_of(text)
    assert first.attr("work", "").startswith("new:report-on-the-substitution-of-a-tax-in-kind")
    assert first.attr("page_start") == 238
    assert second.attr("passage").startswith("If the revolutionary party, has not a majority")


def test_a_short_unattributed_phrase_is_a_term_but_an_attributed_one_is_a_quotation():
    from pathlib import Path

    from kgpub.extract.corpus import Document
    from kgpub.extract.pipeline import extract_document
    from kgpub.extract.registry import load_registry

    registry = load_registry(Path(__file__).resolve().parents[2] / "data" / "records")
    term = Document("t", "The first thunder claps broke over this class. \u201cThe resistance of the exploiters\u201d "
                         "to the blows of the Russian proletariat must therefore be considered as weak.")
    said = Document("s", 'At the congress Lenin said: "all power to the Soviets!" and the hall rose.')
    assert not extract_document(term, registry).of_kind("quotation")
    found = extract_document(said, registry).of_kind("quotation")
    assert [q.attr("passage") for q in found] == ["all power to the Soviets!"]
    assert found[0].attr("speaker") == "vladimir-lenin"


def test_bare_volume_citation_keeps_the_speaker_and_ibid_takes_the_volume_cited_before():
    text = ('"The transition from capitalism to communism," says Lenin, "represents an entire historical epoch. '
            'Until this epoch has terminated, the exploiters inevitably cherish the hope of restoration" (see Vol. '
            'XXIII, p. 355).\n\nWherein lies the strength of the overthrown '
            'bourgeoisie?\n\nFirstly, "in the strength of international capital, in the strength and durability '
            'of the international connections of the bourgeoisie" (see Vol. XXV, p. 173).\n\n'
            'Thirdly, "in the force of habit, in the strength of small production ... cautious organizational '
            'work (see Vol. XXV, pp.173 and 189).\n\nThat is why Lenin says :\n\n"The dictatorship of the '
            'proletariat is a most determined and most ruthless war waged by the new class," (ibid., pp. 173 '
            'and 190).')
    q = {x.attr("passage")[:20]: x for x in quotes_of(text)}
    assert q["in the strength of i"].attr("speaker") == "vladimir-lenin"
    assert q["The dictatorship of "].attr("volume") == 25


def test_attribution_after_the_closing_quote_names_speaker_and_work():
    text = ('"The working class cannot simply lay hold of the ready-made state machinery, and wield it for its '
            'own purposes," say Marx and Engels in a preface to the Communist Manifesto. The task of the '
            'proletarian revolution')
    [q] = quotes_of(text)
    assert (q.attr("speaker"), q.attr("work")) == ("karl-marx", "manifesto-of-the-communist-party")


def test_interruption_with_an_addressee_and_bare_ibid_runs():
    text = ('"You will have to go through fifteen, twenty, fifty years of civil wars and international conflicts," '
            'Marx said to the workers, "not only to change existing conditions, but also to change yourselves" '
            '(see K. Marx and F. Engels, Works, Vol. VIII, p. 506).')
    [q] = quotes_of(text)
    assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("karl-marx", 8, 506)
    text = ('"in all capitalist countries the proletariat is still so divided, so degraded" (ibid, p. 21) And then '
            'Lenin goes on to make the infamous statement that, "The whole is like an arrangement of cogwheels", '
            'and, "It cannot work without a number of `transmission belts\' running from the vanguard" (ibid)')
    found = quotes_of(("(\"The Trade Unions, the Present Situation and Trotsky's Mistakes\", LCW , vol. 32, "
                       "p. 20) ") + text)
    assert [(x.attr("speaker"), x.attr("volume"), x.attr("page_start")) for x in found[1:]] == [
        ("vladimir-lenin", 32, 21), ("vladimir-lenin", 32, 21)]


def test_ocr_lost_closing_mark_before_the_citation_ending_the_paragraph():
    text = ("Arguing against confusing the dictatorship of the proletariat with \u201cpopular\u201d\n"
            "government, Lenin says:\n\n"
            "\u201cThe class which took political power into its hands did so knowing that it took\n"
            "power alone. That is a part of the concept dictatorship of the proletariat. This\n"
            "concept has meaning only when this one class knows that it alone is taking\n"
            "political power in its hands, and does not deceive itself or others with talk about\n"
            "\u2018popular\u2019 government, \u2018elected by all, sanctified by the whole people\u2019 (see Vol.\n"
            "XXVI, p. 286).\n\nThis does not mean, however, that the power of one class needs no allies.\n")
    [q] = quotes_of(text)
    assert q.text.startswith("The class which took political power")
    assert q.text.endswith("the whole people\u2019")
    assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("vladimir-lenin", 26, 286)


def test_ocr_lost_closing_mark_of_words_echoing_the_quotation_before():
    text = ("Lenin says: \u201cWe can administer only when we properly express what\n"
            "the people are conscious of. Unless we do this the whole\n"
            "machine will collapse\u201d (see Vol. XXVII, p. 256).\n\n"
            "\u201cProperly express what the people are conscious of\u2014this is precisely the\n"
            "necessary condition that ensures for the Party the honourable role.\n\nVI. THE QUESTION\n")
    found = quotes_of(text)
    assert [q.attr("passage") for q in found][1] == "Properly express what the people are conscious of"
    assert found[1].attr("speaker") == "vladimir-lenin"


def test_interruption_before_a_part_running_over_paragraphs_is_one_quotation_with_its_citation():
    text = ("Here are some of Lenin\u2019s main theses on this subject:\n\n"
            "\u201cOne of the fundamental differences between bourgeois revolution and socialist\n"
            "revolution,\u201d says Lenin, \u201cis that for the bourgeois revolution, which arises out of\n"
            "feudalism, the new economic organisations are gradually created in the womb of\n"
            "the old order.\n\n"
            "\u201cThe socialist revolution is in an altogether different position\u201d (see Vol.\n"
            "XXIl, p. 315).\n")
    [q] = quotes_of(text)
    assert q.attr("passage").startswith("One of the fundamental differences")
    assert q.attr("passage").endswith("an altogether different position")
    assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("vladimir-lenin", 22, 315)


def test_lead_in_pointing_back_to_the_pamphlet_named_before_gives_its_work():
    text = ("In the pamphlet The Foundations of Leninism, the \u201ctheory of permanent\n"
            "revolution\u201d is appraised as a \u201ctheory\u201d which under-estimates the role of the\n"
            "peasantry. There it is stated:\n\n"
            "\u201cConsequently, Lenin fought the adherents of \u2018permanent\u2019 revolution, not over\n"
            "the question of uninterruptedness.\u201d\n")
    q = quotes_of(text)[-1]
    assert q.attr("passage").startswith("Consequently, Lenin fought")
    assert q.attr("work") == "the-foundations-of-leninism" and q.attr("speaker") is None


def test_my_pamphlet_marks_the_writer_quoting_himself_not_the_person_named_in_the_lead_in():
    text = ("| believe that Kamenev here has in view, primarily, a passage in my pamphlet\n"
            "The October Revolution and the Tactics of the Russian Communists, where it is\nstated:\n\n"
            "\u201cThe dictatorship of the proletariat is not simply a governmental top stratum\n"
            "skilfully selected by the careful hand of an experienced strategist.\u201d\n")
    [q] = quotes_of(text)
    assert q.attr("own") is True and q.attr("speaker") is None
    assert "october-revolution" in q.attr("work")


def test_bare_listen_lead_in_takes_the_speaker_from_the_question_before():
    text = ("Where does Zinoviev stand as regards the question of the victory of socialism in\none country?\n\n"
            "Listen:\n\n"
            "\u201cBy the final victory of socialism is meant, at least: 1) the abolition of classes,\n"
            "and therefore 2) the abolition of the dictatorship of one class.\u201d\n")
    [q] = quotes_of(text)
    assert q.attr("speaker") == "grigory-zinoviev"


def test_self_quotation_speaks_for_the_author_of_a_text_described_as_the_same_work_as_the_row_above():
    from kgpub.extract.documents import document_records
    from kgpub.extract.pipeline import DocumentMentions
    from kgpub.extract.resolve import attribute_own_words, resolve

    own = ("That is why, in my pamphlet The October Revolution and the Tactics of the\nRussian Communists, "
           "I broadened this characterisation. Here is what is stated in that\npamphlet:\n\n"
           "\u201cHitherto only one aspect of the theory of permanent revolution has usually\nbeen noted.\u201d\n")
    corpus = []
    for doc_id, text in (("a", "Concerning Questions of Leninism\nby J. V. Stalin\n"), ("b", own)):
        doc = Document(doc_id, text)
        excluded = excluded_spans(doc)
        persons = extract_persons(doc, REGISTRY, excluded)
        works = extract_works(doc, REGISTRY, excluded, persons)
        corpus.append(DocumentMentions(doc, persons + works + extract_quotations(doc, persons, works, excluded)))
    resolved = resolve(corpus, REGISTRY)
    records = document_records(corpus, REGISTRY, {"a": "J. V. Stalin, Concerning Questions of Leninism",
                                                  "b": "The same work, whole, from an OCR'd printed edition"})
    attribute_own_words(resolved, {d: r.author for d, (r, _) in records.items()})
    [q] = corpus[1].of_kind("quotation")
    assert resolved.entity("quotation", q.key).facts["speaker"] == "joseph-stalin"


def test_cuts_of_one_sentence_share_the_work_its_closing_citation_names():
    text = ("That is why the Fourteenth Congress of the Party was absolutely right in\n"
            "deciding that \u201cthe fight for the victory of socialist construction in the U.S.S.R. is\n"
            "the main task of our Party\u201d; that \u201cthe\ncongress therefore considers that wide-spread "
            "educational work must be carried\non for the purpose of overcoming these distortions of Leninism\u201d "
            "(see Resolution\non the Report of the Central Committee of the C.P.S.U.(B.)35).\n")
    found = quotes_of(text)
    assert [q.attr("passage")[:20] for q in found] == ["the fight for the vi", "the congress therefo"]
    assert found[0].attr("work") == found[1].attr("work") is not None


def test_cuts_joined_by_an_ellipsis_share_the_resolution_the_lead_in_points_back_to():
    text = ("Zinoviev has gone counter to the well-known resolution of the Fourteenth Party Conference "
            "\u201cThe Tasks of the\nComintern and the R.C.P.(B.) in Connection with the Enlarged Plenum of the\n"
            "E.C.C.I.\u201d\n\nLet us turn to this resolution. Here is what it says about the victory of socialism\n"
            "in one country:\n\n"
            "\u201cThe existence of two directly opposite social systems gives rise to the constant\n"
            "menace of capitalist blockade. . . .\u201d \u201cLeninism teaches that the final victory\n"
            "of socialism is possible only on an international scale. . . . \u201d\n")
    found = quotes_of(text)
    assert [q.attr("passage")[:12] for q in found] == ["The existenc", "Leninism tea"]
    assert all(q.attr("work", "").startswith("new:tasks-of-the-comintern") for q in found)


def test_the_following_words_of_a_person_in_a_question_before_are_the_lead_in():
    text = ("(See Vol. XXV, pp. 171-72.) Are not, for example, the following words of\nLenin correct?\n\n"
            "\u201cIn Russia, the dictatorship of the proletariat must inevitably differ in certain\n"
            "specific features from that in the advanced countries\u201d (see Vol. XXIV, p. 508).\n")
    [q] = quotes_of(text)
    assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("vladimir-lenin", 24, 508)


def test_citation_after_the_question_ending_on_the_quotation():
    text = ("Was not Lenin right when he said that \u201cBolshevism can\nserve as a model of tactics for all\u201d? "
            "(See Vol. XXIII, p. 386.)* Was not Lenin\nright when he spoke about the \u201cinternational "
            "significance** of Soviet power and\nof the fundamentals of Bolshevik theory and tactics\u201d?\n\n"
            "(See Vol. XXV, pp. 171-72.) Are not, for example, the following words of\nLenin correct?\n")
    found = quotes_of(text)
    assert [(q.attr("volume"), q.attr("page_start")) for q in found] == [(23, 386), (25, 171)]


def test_ocr_double_mark_closing_a_single_quoted_phrase_inside_the_quotation():
    text = ("And here is what Lenin wrote on this subject:\n\n"
            "\u201cThe Kautskys, Hilferdings, Martovs, Chernovs, Hillquits, Longuets,\n"
            "MacDonalds, Turatis, and other heroes of \u2018Two-and-a-Half\u201d Marxism were\n"
            "incapable of understanding the relation between the revolutions. The first grows over into the "
            "second\u201d (see Vol. XXVII, p. 26).\n")
    [q] = quotes_of(text)
    assert q.attr("passage").endswith("grows over into the second")
    assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("vladimir-lenin", 27, 26)


def test_a_passage_quoted_by_two_texts_keeps_one_text_the_least_ocr_damaged_reading():
    from kgpub.extract.pipeline import DocumentMentions
    from kgpub.extract.resolve import resolve

    web = ('Lenin says: "It is impossible to exercise the dictatorship without having a number of '
           'transmission belts" (See Vol. XXVI, p. 65.)\n')
    ocr = ("Lenin says: \u201cIt 1s impossible to exercise the dictatorship without having a number of "
           "transmission belts\u201d (see Vol. XXVI, p. 65).\n")
    corpus = []
    for doc_id, text in (("ocr", ocr), ("web", web)):
        doc = Document(doc_id, text)
        corpus.append(DocumentMentions(doc, quotes_of(text)))
    resolved = resolve(corpus, REGISTRY)
    [node] = [e for (kind, _), e in resolved.entities.items() if kind == "quotation"]
    assert node.name.startswith("It is impossible")
    assert corpus[0].of_kind("quotation")[0].text.startswith("It 1s impossible")  # the edition's own reading


def test_let_us_turn_to_a_pamphlet_before_the_quotation_names_its_work():
    text = ("But perhaps he modified his views after the experience of\ntaking power? Let us turn to Lenin\u2019s "
            "pamphlet On Co-operation,\nwritten in 1923.\n\n"
            "\u201cAs a matter of fact,\u201d says Lenin, \u201cstate power over all large-scale means of\n"
            "production is all that is necessary and sufficient for this building\u201d (see Vol. XXVII, p. 392).\n")
    [q] = quotes_of(text)
    assert (q.attr("speaker"), q.attr("work"), q.attr("volume")) == (
        "vladimir-lenin", "new:on-cooperation--vladimir-lenin", 27)


def test_set_off_block_after_a_colon_lead_in_is_the_quoted_persons_and_a_case_variant_names_the_quoter():
    text = ("Trotsky is assassinated, Ziniviev, Kamenec and Bukharin are all tried and executed. Mclellan goes on "
            "to quote Deutscher's succint description:\n\n"
            "Among the men in the dock at the trials were all the members of Lenin's Politburo, except Stalin "
            "himself and Trotsky, who, however, though absent, was the chief defendant.\n\n"
            'Mclellan again: "The government personnel was renewed from top to bottom. Some three million died."')
    block, again = quotes_of(text)
    assert block.attr("passage").startswith("Among the men in the dock")
    assert block.attr("passage").endswith("was the chief defendant.")
    assert block.attr("speaker") == "isaac-deutscher"
    assert again.attr("speaker") == "david-mclellan"


def test_a_list_after_a_colon_is_no_block_quotation():
    text = ("Lenin says that the dictatorship has three main tasks, and he writes:\n\n"
            "a) to break the resistance of the landlords and capitalists who have been overthrown and "
            "expropriated by the revolution, to liquidate every attempt on their part to restore the power of "
            "capital;")
    assert quotes_of(text) == []


def test_a_writers_aside_between_commas_joins_the_cut_and_a_stray_note_number_keeps_the_citation():
    text = ('are now the "permanent and sole basis of the whole power of the state, of the whole state apparatus"; '
            'that "precisely those masses which even in the most democratic bourgeois republics," while being equal '
            'in law, "have in fact been prevented by thousands of tricks and devices from taking part in political '
            'life". 3 (see Lenin, Vol. XXIV, p. 13).\n\n3. All italics mine— J. V. Stalin.')
    first, second = quotes_of(text)
    assert second.attr("passage").startswith("precisely those masses")
    assert second.attr("passage").endswith("from taking part in political life")
    for q in (first, second):
        assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("vladimir-lenin", 24, 13)


def test_cuts_joined_by_a_few_words_of_the_writer_share_the_later_citation_pages_in_order():
    text = ('Lenin wrote that:\n\n"It will be necessary under the dictatorship of the proletariat to re-educate '
            'millions of peasants and small proprietors," just as we must "-in a protracted struggle waged on the '
            'basis of the dictatorship of the proletariat-re-educate the proletarians themselves" '
            '(see Vol. XXV, pp. 248 and 247).')
    first, second = quotes_of(text)
    assert [(q.attr("volume"), q.attr("page_start")) for q in (first, second)] == [(25, 248), (25, 247)]


def test_cuts_joined_by_an_ellipsis_share_the_later_citation():
    text = ('Thirdly, "in the force of habit, in the strength of small production. For, unfortunately, small '
            'production is still very, very widespread in the world"... for "the abolition of classes means only '
            'not only driving out the landlords and capitalists" (see Vol. XXV, pp.173 and 189).')
    first, second = quotes_of(text)
    assert [(q.attr("volume"), q.attr("page_start")) for q in (first, second)] == [(25, 173), (25, 189)]


def test_the_document_refers_back_to_the_work_introduced_as_a_document_however_far_back():
    filler = "This is very much in line with the arguments made at the time, and many more were heard. " * 25
    text = ('It is a critique of the document "On Proletarian Democracy" by the CRC--a Marxist-Leninist formation '
            'in India.\n\n' + filler + '\n\nAs is recounted in the History of the Communist Party of the Soviet '
            'Union (Bolsheviks), the Congress opened late.\n\n'
            'The CRC document allows that the Bolshevik decision to withdraw from the Constituent Assembly "was '
            'justifiable in the sense that the power of the Soviets which had emerged through revolution was really '
            'representing the political will of the vast majority of the people".')
    [q] = quotes_of(text)
    assert q.attr("work") == "new:on-proletarian-democracy"


def test_a_citation_parenthesis_ends_the_sentence_so_a_later_term_takes_no_work():
    text = ('It is a critique of the document "On Proletarian Democracy" by the CRC.\n\n'
            'Then the document says: "But, what was developing...[was that] the new political system was gradually '
            'coming under the control of the communist party." (par. 5.7) Here is where the argument about "the '
            'dictatorship of the party" begins to become more full-blown.')
    [q] = quotes_of(text)
    assert q.attr("passage").startswith("But, what was developing")
    assert q.attr("work") == "new:on-proletarian-democracy"


def test_his_article_is_the_work_the_heading_says_the_text_is_from_when_its_author_speaks():
    text = ('From "Democracy: More Than Ever We Can and Must Do Better Than That"\n\n'
            'The Leading Role of the Party and the Dictatorship of the Proletariat\n\nby Bob Avakian\n\n'
            'Without the hope of that path the masses would be left, as Bob Avakian wrote in his article "under the '
            'domination of an economic system of capitalist exploitation and a corresponding political system."')
    [q] = quotes_of(text)
    assert q.attr("speaker") == "bob-avakian"
    assert q.attr("work") == "new:democracy-more-than-ever-we-can-and-must-do-better-than-that"


def test_a_quotation_left_open_closes_before_the_citation_ending_its_paragraph():
    text = ('for "the abolition of classes means only not only driving out the landlords and capitalists-that we '
            'accomplished with comparative ease-it also means abolishing the small commodity producers, they can '
            '(and must) be remoulded and re-educated only by very prolonged, slow, cautious organizational work '
            '(see Vol. XXV, pp.173 and 189).\n\nThat is why Lenin says :')
    [q] = quotes_of(text)
    assert q.attr("passage").endswith("slow, cautious organizational work")
    assert q.attr("volume") == 25


def test_a_quote_nested_in_the_same_marks_stays_inside_the_quotation():
    text = ('- Consider the following statements by Lenin:\n\n'
            '  \u201cThe proletariat needs the state \u2014 this is repeated by all the opportunists, who assure us '
            'that this is what Marx taught. But they \u201cforget\u201d to add that, in the first place, according to '
            'Marx, the proletariat needs only a state which is withering away\u2026\u201d\n')
    [q] = quotes_of(text)
    assert q.text.startswith("The proletariat needs the state")
    assert q.text.endswith("withering away\u2026")
    assert "\u201cforget\u201d" in q.text


def test_a_lead_in_ending_with_a_comma_names_the_speaker_of_the_quotation_below():
    text = ("- Commenting on Marx\u2019s conclusions from the revolution of 1848-51, Lenin says that,\n\n"
            "   \u201cIn the above quoted passage, the question [of the state] is treated in a concrete manner, and "
            "the conclusion is extremely precise: all previous revolutions perfected the state machine, whereas it "
            "must be broken, smashed.\u201d\n")
    [q] = quotes_of(text)
    assert q.attr("speaker") == "vladimir-lenin"


def test_the_person_whose_elaboration_is_quoted_speaks_and_a_list_dash_after_is_no_attribution():
    text = ("- Lenin notes Engels\u2019 elaboration on the activities of the proletarian state regarding the "
            "collection of rent from The Housing Question:\n\n"
            "   \u201cthere is already a sufficient quantity of houses in the big cities to remedy immediately all "
            "real 'housing shortage', provided they are used judiciously.\u201d\n\n"
            "- Lenin re-presents Marx and Engels\u2019 remarkable critique of anarchists:\n")
    [q] = quotes_of(text)
    assert (q.attr("speaker"), q.attr("work")) == ("friedrich-engels", "the-housing-question")


def test_a_quoted_section_heading_is_no_quotation():
    text = ('Lenin discusses this question in section 2, "What is to replace the smashed state machine?" He says '
            'it plainly.')
    assert quotes_of(text) == []


def test_a_bulleted_list_after_a_lead_in_with_a_colon_is_no_block_quotation():
    text = ("Stalin added several innovations to Lenin's theories:\n\n"
            "- Socialism in One Country: The\n  doctrine that the USSR could build socialism without international\n"
            "  revolution, contradicting Lenin and\n  Leon Trotsky's belief in the necessity of world revolution\n"
            "- Bureaucratic Centralization: Extreme concentration of power that\n"
            "  eliminated remaining party democracy\n")
    assert quotes_of(text) == []


def test_a_quotation_after_a_named_rules_document_takes_it_as_work():
    text = ('While Marx wrote in the Provisional Rules of the\nFirst International that "the emancipation of the '
            'working classes must\nbe conquered by the working classes themselves," Marxism-Leninism\ninstalled '
            'vanguard party rule.')
    [q] = quotes_of(text)
    assert (q.attr("speaker"), q.attr("work")) == (
        "karl-marx", "provisional-rules-of-the-international-working-mens-association")


def test_a_passage_quoted_from_a_chapter_named_before_a_colon_stays_a_quotation():
    text = ('Lenin writes in Chapter V: "The dictatorship of the proletariat imposes a series of restrictions on the '
            'freedom of the oppressors, the exploiters, the capitalists."')
    [q] = quotes_of(text)
    assert q.attr("speaker") == "vladimir-lenin"


def test_interruption_naming_comrade_x_and_a_footnote_numbered_at_the_page_foot():
    text = ('Particularly well-known is the argument used against Kautsky on this question by comrade Lenin:\n\n'
            '"The principal cause of the failure of the \'Socialists\' [read, petty bourgeois democrats] of the Second '
            'International" wrote comrade Lenin, "is their failure to understand that political power in the hands '
            'of one class, the proletariat, can and must become an instrument."[1]\n\n'
            'A concrete combination of social forces is conceivable.\n\n\n'
            '  1. Lenin: "The Constituent Assembly Elections and the Dictatorship of the Proletariat." Collected '
            'Works, vol. 16, p. 447, Russian edition.\n')
    [q] = quotes_of(text)
    assert q.attr("passage").endswith("Second International is their failure to understand that political power "
                                      "in the hands of one class, the proletariat, can and must become an instrument.")
    assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("vladimir-lenin", 16, 447)
    assert q.attr("work").startswith("new:constituent-assembly-elections-and-the-dictatorship-of-the-proletariat")


def test_a_numbered_list_item_is_no_footnote():
    text = ('He says two things.[1]\n\n1. The Party "leads the working class in every field of its struggle."\n\n'
            '[1] "The Foundations of Leninism," Vol. VI, p. 180.\n')
    [q] = quotes_of(text)
    assert q.attr("passage").startswith("leads the working class")


def test_block_after_a_pronoun_speaking_once_its_paragraph_named_him_and_after_a_speech_or_citation_lead_in():
    text = ('In his official report to the Soviet Economic Conference in January, 1920, Lenin frankly justified the '
            'rule of a minority of the city workers. Here is what he said:\n\n'
            'In the organization of the army we have passed from the principle of command by committee to the direct '
            'command of the chiefs.\n\n'
            'This may be seen from a speech delivered by Lenin at a convention of the Communist Party in Moscow:\n\n'
            'The world revolution, by whose aid alone we can win, does not mature at the speed with which we hoped '
            'for in the beginning.\n\nThe reasoning here is plain:\n\nthe army and the state are run alike by the '
            'chiefs of Communism and nobody else at all.')
    found = quotes_of(text)
    assert [(q.attr("passage")[:19], q.attr("speaker")) for q in found] == [
        ("In the organization", "vladimir-lenin"), ("The world revolutio", "vladimir-lenin")]


def test_the_writers_next_sentence_is_no_interrupting_attribution():
    text = ('It reads as follows: "Taking over by the imperial government of the whole system of working people\'s '
            'insurance." We are sneeringly asked: "how could we possibly pose such a demand in a modern form today '
            'without sowing illusions in parliamentary democracy".')
    assert [q.attr("passage")[:11] for q in quotes_of(text)] == ["Taking over", "how could w"]


def test_a_quotation_from_someone_names_him_the_speaker_though_the_lead_in_names_another():
    text = ("In Zinoviev's own book, page 269, there is a quotation from Lenin on the law of unequal capitalist "
            'development, containing the following argument:\n\n"The victorious proletariat of this country having '
            'expropriated the capitalists and organised Socialist production in its own country, would rise against '
            'the rest of the capitalist world."')
    [q] = quotes_of(text)
    assert q.attr("speaker") == "vladimir-lenin"


def test_an_editions_citation_after_a_quotation_gives_speaker_work_volume_and_pages():
    text = ('"(A good) bureaucracy in the service of policy, and not a policy in the service of (a good) '
            'bureaucracy."  Lenin, Notes for a Speech at the 10th Congress of The, Collected Works, Volume 36, '
            'pages 535-537.')
    [q] = quotes_of(text)
    assert (q.attr("speaker"), q.attr("volume"), q.attr("page_start")) == ("vladimir-lenin", 36, 535)
    assert q.attr("work").startswith("new:notes-for-a-speech-at-the-10th-congress")
